/* Wall-clock time from the monotonic clock (never clock(), which counts
 * CPU time of all threads). */
#ifndef NN_CORE_TIMER_H
#define NN_CORE_TIMER_H

/* Seconds since an arbitrary fixed point. */
double nn_now(void);

#endif
