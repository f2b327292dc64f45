/* Threads: one setting for the whole process, and a parallel loop.
 *
 * nn_parallel_for(n, fn, ctx) calls fn(ctx, task, worker) for every task
 * in [0, n) on up to nn_threads() workers and returns when all are done.
 * Which worker runs a task must never change a result: code that sums
 * across tasks keeps one partial result per task (not per worker) and
 * adds them in task order, so results do not depend on the thread count. */
#ifndef NN_CORE_PARALLEL_H
#define NN_CORE_PARALLEL_H

/* 0 means all cores. */
void nn_set_threads(int n);
int nn_threads(void);
int nn_cpu_count(void);

typedef void (*nn_task_fn)(void *ctx, int task, int worker);
void nn_parallel_for(int n_tasks, nn_task_fn fn, void *ctx);

#endif
