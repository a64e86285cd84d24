/* The worker pool behind parallel steps.
 *
 * Workers wait for a new job generation: they spin for a short while first
 * (consecutive parallel steps then start without a wake-up), then sleep on a
 * condition variable. Parts are claimed from an atomic counter, so a slow
 * thread never holds up parts that another could run.
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "pool.h"

#define FG_POOL_MAX 64
#define FG_SPIN_ROUNDS 20000
/* next_part between jobs: a straggler's claim fails instead of running a part
 * of a job that is still being set up. */
#define CLOSED (1 << 30)

static struct {
    pthread_mutex_t mu;      /* guards sleeping and the generation handshake */
    pthread_cond_t wake;
    pthread_mutex_t run_mu;  /* one job at a time */
    int threads;             /* caller included */
    int started;
    volatile long generation;
    void (*fn)(void *, int);
    void *ctx;
    int nparts;
    int next_part;           /* atomic */
    int parts_done;          /* atomic */
} pool = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .run_mu = PTHREAD_MUTEX_INITIALIZER,
    .next_part = CLOSED,
};

static void claim_parts(void)
{
    for (;;) {
        int part = __atomic_fetch_add(&pool.next_part, 1, __ATOMIC_ACQ_REL);
        if (part >= pool.nparts)
            return;
        pool.fn(pool.ctx, part);
        __atomic_add_fetch(&pool.parts_done, 1, __ATOMIC_ACQ_REL);
    }
}

static void *worker(void *arg)
{
    long seen = 0;
    (void)arg;
    for (;;) {
        long gen;
        int spins = 0;
        while ((gen = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) == seen &&
               spins < FG_SPIN_ROUNDS) {
            spins++;
            if ((spins & 255) == 0)
                sched_yield();
        }
        if (gen == seen) {
            pthread_mutex_lock(&pool.mu);
            while ((gen = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) == seen)
                pthread_cond_wait(&pool.wake, &pool.mu);
            pthread_mutex_unlock(&pool.mu);
        }
        seen = gen;
        claim_parts();
    }
    return NULL;
}

int fg_pool_set_threads(int n)
{
    pthread_mutex_lock(&pool.run_mu);
    if (!pool.started) {
        if (n <= 0) {
            long cpus = sysconf(_SC_NPROCESSORS_ONLN);
            n = cpus > 0 ? (int)cpus : 1;
        }
        pool.threads = n > FG_POOL_MAX ? FG_POOL_MAX : n;
    }
    n = pool.threads;
    pthread_mutex_unlock(&pool.run_mu);
    return n;
}

int fg_pool_threads(void)
{
    return pool.threads ? pool.threads : fg_pool_set_threads(0);
}

/* Starts the workers on first use; if none can start, everything runs on
 * the calling thread. */
static void start_workers(void)
{
    if (!pool.threads)
        pool.threads = 1;
    for (int i = 1; i < pool.threads; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker, NULL) != 0) {
            pool.threads = i;
            pthread_attr_destroy(&attr);
            break;
        }
        pthread_attr_destroy(&attr);
    }
    pool.started = 1;
}

void fg_pool_run(int nparts, void (*fn)(void *ctx, int part), void *ctx)
{
    if (nparts <= 1 || fg_pool_threads() <= 1) {
        for (int p = 0; p < nparts; p++)
            fn(ctx, p);
        return;
    }
    /* The pool serves one job at a time; a run in another thread that finds
     * it busy does its parts itself rather than wait. */
    if (pthread_mutex_trylock(&pool.run_mu) != 0) {
        for (int p = 0; p < nparts; p++)
            fn(ctx, p);
        return;
    }
    if (!pool.started)
        start_workers();
    pool.fn = fn;
    pool.ctx = ctx;
    pool.nparts = nparts;
    __atomic_store_n(&pool.parts_done, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&pool.next_part, 0, __ATOMIC_RELEASE);
    pthread_mutex_lock(&pool.mu);
    __atomic_add_fetch(&pool.generation, 1, __ATOMIC_ACQ_REL);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.mu);
    claim_parts();
    while (__atomic_load_n(&pool.parts_done, __ATOMIC_ACQUIRE) < nparts)
        sched_yield();
    __atomic_store_n(&pool.next_part, CLOSED, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pool.run_mu);
}
