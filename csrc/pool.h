/* A small pool of worker threads that the executor uses to run one step's
 * parts in parallel. Kernels never see it: they get (part, nparts). */
#ifndef FG_POOL_H
#define FG_POOL_H

/* Runs fn(ctx, part) for part in [0, nparts): the caller runs some parts
 * itself and returns when all are done. Parts beyond the pool's size are
 * shared out as threads become free. Safe to call from several threads: a
 * caller that finds the pool busy runs its parts on its own thread. */
void fg_pool_run(int nparts, void (*fn)(void *ctx, int part), void *ctx);

/* Sets the number of threads (caller included) before first use; returns
 * the number in force. 0 asks for the number of online CPUs. */
int fg_pool_set_threads(int n);
int fg_pool_threads(void);

#endif
