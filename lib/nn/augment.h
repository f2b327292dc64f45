/* Label-preserving augmentation of a batch of images and their masks.
 *
 * Each transform has its own switch; what a sample gets is drawn from
 * nn_rng_split(seed ^ mix(step), sample), so a batch is the same whatever
 * the thread count, and a resumed run draws the same augmentations.
 * Order: geometric (on image and mask together), photometric (image
 * only), then the denoising mask (image only, last: pixels are dropped
 * from what the network sees).
 *   flip         horizontal flip with probability 1/2
 *   crop         a random crop of side fraction s ~ U[crop_min, 1] (both
 *                sides, same aspect), rescaled back to h x w: the image
 *                bilinearly, the mask with nearest (class ids are never
 *                blended)
 *   photometric  brightness + U[-b, b], contrast (x - mean) * U[1-c, 1+c]
 *                + mean, per-channel gain U[1-j, 1+j], Gaussian noise of
 *                standard deviation sigma; clamped to [0, 1]
 *   denoise      the assignment's denoising mask: keep level
 *                k ~ U[keep_lo, keep_hi] per image, every pixel (all its
 *                channels) kept with probability k, else set to 0 */
#ifndef NN_NN_AUGMENT_H
#define NN_NN_AUGMENT_H

#include <stdint.h>

typedef struct {
    int flip, crop, photometric, denoise;
    double crop_min;
    double brightness, contrast, jitter, noise;
    double keep_lo, keep_hi;
} nn_augment;

/* All off; crop_min 0.6, brightness 0.2, contrast 0.2, jitter 0.1,
 * noise 0.03, keep in [0.4, 0.9]. */
void nn_augment_defaults(nn_augment *a);
int nn_augment_any(const nn_augment *a);
/* x (n, h, w, c) floats in [0, 1], in place; mask (n, h, w) or NULL.
 * Returns 0, or -1 (out of memory, bad settings). */
int nn_augment_apply(const nn_augment *a, float *x, uint8_t *mask, int64_t n, int64_t h, int64_t w, int64_t c,
                     uint64_t seed, uint64_t step);

#endif
