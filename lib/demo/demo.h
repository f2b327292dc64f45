/* Synthetic stand-ins for the assignment's data sets, so that every
 * pipeline can run on a fresh machine with no downloads (make demo).
 *
 * Each generator is seeded and deterministic: the same seed and sizes give
 * the same bytes.  They write the formats of the real data sets, so the
 * pipeline steps that read real data read these unchanged:
 *   digits  MNIST IDX .gz files (28x28 uint8 images, uint8 labels)
 *   ner     a ner_dataset.csv-like CSV (Sentence #, Word, POS, Tag; IOB2)
 *   shapes  CamVid-like folders of RGB PNG images and gray PNG label maps
 *   sounds  FSDD-like WAV files {digit}_{speaker}_{index}.wav, 8 kHz
 * Functions return 0, or -1 with nn_set_error(). */
#ifndef NN_DEMO_DEMO_H
#define NN_DEMO_DEMO_H

#include "core/array.h"
#include "math/rng.h"
#include <stddef.h>
#include <stdint.h>

/* ---- digits --------------------------------------------------------- */
/* Draw digit `digit` (0-9) into a 28x28 uint8 image (0 background, 255
 * ink) from a 5x7 built-in font, with a random slant, scale, stroke
 * width and shift, sometimes a stray stroke, and pixel noise. */
void nn_demo_draw_digit(nn_rng *rng, int digit, uint8_t img[28 * 28]);

/* n images (n, 28, 28) uint8 and their labels (n) uint8, balanced over
 * the ten digits in a shuffled order. */
int nn_demo_digits(uint64_t seed, int64_t n, nn_array *images, nn_array *labels);

/* An array as a gzip-compressed IDX file (the MNIST distribution's form). */
int nn_demo_save_idx_gz(const char *path, const nn_array *a);

/* ---- NER ------------------------------------------------------------ */
/* n sentences from templates with named entities (per, geo, org, gpe, tim,
 * and a few art/eve/nat) as the Kaggle ner_dataset.csv layout: header
 * "Sentence #,Word,POS,Tag", "Sentence: k" on the first token of each
 * sentence, RFC 4180 quoting, CRLF line ends.  *text is malloc'd. */
int nn_demo_ner_csv(uint64_t seed, int64_t n, char **text, size_t *len);

/* ---- shapes --------------------------------------------------------- */
/* Classes of the shape masks. */
enum { NN_DEMO_BACKGROUND, NN_DEMO_DISC, NN_DEMO_SQUARE, NN_DEMO_TRIANGLE, NN_DEMO_SHAPE_CLASSES };
const char *nn_demo_shape_class_name(int c);

/* One textured background (h, w, 3) with 1 to 3 random shapes, and its
 * label map (h, w): the class of the shape on top, else background. */
void nn_demo_draw_shapes(nn_rng *rng, int w, int h, uint8_t *rgb, uint8_t *mask);

/* ---- sounds --------------------------------------------------------- */
/* A stand-in for a spoken digit: a voiced tone whose pitch and two
 * formant-like partials glide along a digit-specific contour, shifted by
 * the speaker's pitch, with a random duration, envelope and noise.
 * *samples (malloc'd, in [-1, 1]) has *n values at `rate` Hz. */
int nn_demo_sound(nn_rng *rng, int digit, int speaker, int rate, float **samples, int64_t *n);

/* ---- reports -------------------------------------------------------- */
/* Append s to *buf (malloc'd, *len bytes, *cap capacity), escaped for HTML
 * text and attributes (& < > " '). */
int nn_html_escape_append(char **buf, size_t *len, size_t *cap, const char *s);

#endif
