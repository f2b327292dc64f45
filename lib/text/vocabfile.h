/* vocab.tsv: "id TAB token TAB count" a line, ids 0, 1, 2, ... in order;
 * id 0 is the padding token <PAD>, id 1 the unknown token <UNK>. */
#ifndef NN_TEXT_VOCABFILE_H
#define NN_TEXT_VOCABFILE_H

#include "text/strmap.h"

#define NN_VOCAB_PAD "<PAD>"
#define NN_VOCAB_UNK "<UNK>"

/* Load a vocabulary file into m (ids as in the file, counts too).
 * Errors: ids out of order, a missing field, a token listed twice,
 * ids 0/1 not <PAD>/<UNK>. */
int nn_vocab_load(const char *path, nn_strmap *m);

#endif
