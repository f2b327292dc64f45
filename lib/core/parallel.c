#include "core/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int thread_setting;

int nn_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void nn_set_threads(int n) { thread_setting = n > 0 ? n : 0; }
int nn_threads(void) { return thread_setting > 0 ? thread_setting : nn_cpu_count(); }

/* A persistent pool: workers sleep on a condition variable between loops,
 * so the many small parallel loops of training (one per GEMM) do not pay
 * for thread creation each time.  Tasks are handed out by an atomic-free
 * counter under the mutex; tasks are coarse, so contention is low. */
#define MAX_WORKERS 256

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static int pool_size;            /* workers started (besides the caller) */
static unsigned long generation; /* bumped for every loop */
static nn_task_fn job_fn;
static void *job_ctx;
static int job_tasks, job_next, job_active_workers, job_busy;

static int take_task(void)
{
    int t = -1;
    if (job_next < job_tasks)
        t = job_next++;
    return t;
}

static void *worker_main(void *arg)
{
    int id = (int)(long)arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (generation == seen)
            pthread_cond_wait(&pool_wake, &pool_lock);
        seen = generation;
        if (id >= job_active_workers)
            continue;
        job_busy++;
        for (;;) {
            int t = take_task();
            if (t < 0)
                break;
            pthread_mutex_unlock(&pool_lock);
            job_fn(job_ctx, t, id);
            pthread_mutex_lock(&pool_lock);
        }
        if (--job_busy == 0)
            pthread_cond_broadcast(&pool_done);
    }
    return NULL;
}

static void grow_pool(int workers)
{
    while (pool_size < workers && pool_size < MAX_WORKERS) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &attr, worker_main, (void *)(long)(pool_size + 1));
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break; /* fewer workers; the caller still runs every task */
        pool_size++;
    }
}

void nn_parallel_for(int n_tasks, nn_task_fn fn, void *ctx)
{
    if (n_tasks <= 0)
        return;
    int workers = nn_threads();
    if (workers > n_tasks)
        workers = n_tasks;
    if (workers <= 1) {
        for (int t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    /* One loop at a time; a nested call runs serially in its caller. */
    if (pthread_mutex_trylock(&submit_lock) != 0) {
        for (int t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    pthread_mutex_lock(&pool_lock);
    grow_pool(workers - 1);
    job_fn = fn;
    job_ctx = ctx;
    job_tasks = n_tasks;
    job_next = 0;
    job_busy = 1; /* the caller */
    job_active_workers = workers; /* ids 1..workers-1 join */
    generation++;
    pthread_cond_broadcast(&pool_wake);
    for (;;) {
        int t = take_task();
        if (t < 0)
            break;
        pthread_mutex_unlock(&pool_lock);
        fn(ctx, t, 0);
        pthread_mutex_lock(&pool_lock);
    }
    job_busy--;
    while (job_busy > 0 || job_next < job_tasks)
        pthread_cond_wait(&pool_done, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
    pthread_mutex_unlock(&submit_lock);
}
