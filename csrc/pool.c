/* The worker pool behind parallel steps.
 *
 * Workers wait for a new job generation: they spin for a short while first
 * (consecutive parallel steps then start without a wake-up), then sleep on a
 * condition variable. The caller, once its own parts are done, waits for the
 * others' the same way. Spinning pauses the core instead of calling
 * sched_yield (a system call per round, which showed as ~13% of a model's
 * samples), and a job's start or end only takes the mutex when someone is
 * asleep, so back-to-back small steps cost no system call. Parts are
 * claimed from an atomic counter, so a slow thread never holds up parts that
 * another could run.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

#define FG_POOL_MAX 64
/* How long a thread spins before it sleeps: long enough to cover the serial
 * steps between two parallel ones, short enough that an idle pool leaves
 * the cores to other processes. */
#define FG_WORKER_SPIN_NS 60000L
#define FG_CALLER_SPIN_NS 30000L
/* next_part between jobs: a straggler's claim fails instead of running a part
 * of a job that is still being set up. */
#define CLOSED (1 << 30)

static struct {
    pthread_mutex_t mu;      /* guards sleeping */
    pthread_cond_t wake;     /* a new generation */
    pthread_cond_t done;     /* the caller's job is finished */
    pthread_mutex_t run_mu;  /* one job at a time */
    int threads;             /* caller included */
    int started;
    long generation;         /* atomic */
    int sleepers;            /* atomic: workers asleep (or going to sleep) on wake */
    int caller_asleep;       /* atomic: the caller sleeps on done */
    void (*fn)(void *, int);
    void *ctx;
    int nparts;
    int next_part;           /* atomic */
    int parts_done;          /* atomic */
} pool = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
    .run_mu = PTHREAD_MUTEX_INITIALIZER,
    .next_part = CLOSED,
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Spins until *word != value or budget_ns pass; returns the last value read. */
static long spin_while_equal(const long *word, long value, long budget_ns)
{
    long v, deadline = 0;
    for (int i = 0;; i++) {
        if ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != value)
            return v;
        cpu_relax();
        if ((i & 63) == 63) {  /* the clock is read now and then, not per pause */
            long t = now_ns();
            if (!deadline)
                deadline = t + budget_ns;
            else if (t >= deadline)
                return v;
        }
    }
}

static void finish_part(void)
{
    /* The store and the load are sequentially consistent, as are the caller's
     * store of caller_asleep and its load of parts_done: one of the two
     * sides sees the other, so the last part never misses a sleeping caller. */
    int nparts = pool.nparts;
    if (__atomic_add_fetch(&pool.parts_done, 1, __ATOMIC_SEQ_CST) == nparts &&
        __atomic_load_n(&pool.caller_asleep, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_signal(&pool.done);
        pthread_mutex_unlock(&pool.mu);
    }
}

static void claim_parts(int worker)
{
    for (;;) {
        int part = __atomic_fetch_add(&pool.next_part, 1, __ATOMIC_ACQ_REL);
        if (part >= pool.nparts)
            return;
        pool.fn(pool.ctx, part);
        if (worker)
            finish_part();
        else
            __atomic_add_fetch(&pool.parts_done, 1, __ATOMIC_SEQ_CST);
    }
}

static void *worker(void *arg)
{
    long seen = 0;
    (void)arg;
    for (;;) {
        long gen = spin_while_equal(&pool.generation, seen, FG_WORKER_SPIN_NS);
        if (gen == seen) {
            pthread_mutex_lock(&pool.mu);
            __atomic_add_fetch(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
            while ((gen = __atomic_load_n(&pool.generation, __ATOMIC_SEQ_CST)) == seen)
                pthread_cond_wait(&pool.wake, &pool.mu);
            __atomic_sub_fetch(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
            pthread_mutex_unlock(&pool.mu);
        }
        seen = gen;
        claim_parts(1);
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

static void wait_for_parts(int nparts)
{
    long deadline = 0;
    for (int i = 0; __atomic_load_n(&pool.parts_done, __ATOMIC_ACQUIRE) < nparts; i++) {
        cpu_relax();
        if ((i & 63) != 63)
            continue;
        long t = now_ns();
        if (!deadline) {
            deadline = t + FG_CALLER_SPIN_NS;
        } else if (t >= deadline) {
            pthread_mutex_lock(&pool.mu);
            __atomic_store_n(&pool.caller_asleep, 1, __ATOMIC_SEQ_CST);
            while (__atomic_load_n(&pool.parts_done, __ATOMIC_SEQ_CST) < nparts)
                pthread_cond_wait(&pool.done, &pool.mu);
            __atomic_store_n(&pool.caller_asleep, 0, __ATOMIC_RELAXED);
            pthread_mutex_unlock(&pool.mu);
            return;
        }
    }
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
    /* Sequentially consistent against a worker's increment of sleepers and
     * its load of generation: a worker either sees the new generation or is
     * counted here and woken. */
    __atomic_add_fetch(&pool.generation, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pool.sleepers, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.mu);
    }
    claim_parts(0);
    wait_for_parts(nparts);
    __atomic_store_n(&pool.next_part, CLOSED, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pool.run_mu);
}
