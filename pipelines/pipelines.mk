# The per-section pipelines and the built-in demo (included by the Makefile).
#
#   make mnist | ner | seg | speech   one section on the real data in DATA
#   make pipelines                    all four
#   make demo                         all four on small generated data sets (no
#                                     download), in a few minutes on 2 cores;
#                                     with DATA=... given, on that data instead
# Results go to RESULTS/<section>/ (report.html, report.md and every
# intermediate file).  Each step of a script runs only when its output is
# older than its inputs (data, settings, tool binary): a second run with
# nothing changed trains nothing.  See pipelines/README.md.
#
# Budgets: the scripts' variables can be set on the command line, e.g.
#   make mnist EPOCHS=3 ROWS=10000    make ner MODELS="lstm gru"
# DEMO_* below set the demo's sizes.

RESULTS ?= results
DEMO_DATA ?= $(RESULTS)/demo-data
THREADS ?= 0

# Sizes of the generated data and the demo's training budget.
DEMO_EPOCHS ?= 3
DEMO_DIGITS_TRAIN ?= 2000
DEMO_DIGITS_TEST ?= 500
DEMO_NER_SENTENCES ?= 2000
DEMO_NER_EPOCHS ?= 10
DEMO_SHAPES_TRAIN ?= 160
DEMO_SHAPES_VAL ?= 40
DEMO_SHAPES_SIZE ?= 48x32
DEMO_SEG_MODELS ?= fcn
DEMO_SEG_EPOCHS ?= 12
DEMO_SOUNDS_PER_DIGIT ?= 10
DEMO_SOUNDS_SPEAKERS ?= 4
DEMO_UTTERANCES ?= 200
DEMO_SPEECH_EPOCHS ?= 12

PIPE_ENV = BIN='$(abspath $(BIN))' RESULTS='$(abspath $(RESULTS))' THREADS='$(THREADS)'
SECTIONS := mnist ner seg speech

.PHONY: pipelines demo demo-data $(SECTIONS) $(SECTIONS:%=demo-%)

pipelines: $(SECTIONS)

$(SECTIONS): all
	@[ -d '$(DATA)' ] || { echo "pipelines: no data in '$(DATA)': set DATA=..., or try 'make demo'" >&2; exit 1; }
	$(PIPE_ENV) DATA='$(abspath $(DATA))' sh pipelines/$@.sh

# make demo runs on generated data unless DATA was given (command line or
# environment): then on that data, at the scripts' full budgets.
ifneq ($(filter command line environment,$(origin DATA)),)
demo: $(SECTIONS)
else
demo: $(SECTIONS:%=demo-%)

demo-data: all
	BIN='$(abspath $(BIN))' DATA='$(abspath $(DEMO_DATA))' \
	  DIGITS_TRAIN=$(DEMO_DIGITS_TRAIN) DIGITS_TEST=$(DEMO_DIGITS_TEST) NER_SENTENCES=$(DEMO_NER_SENTENCES) \
	  SHAPES_TRAIN=$(DEMO_SHAPES_TRAIN) SHAPES_VAL=$(DEMO_SHAPES_VAL) SHAPES_SIZE=$(DEMO_SHAPES_SIZE) \
	  SOUNDS_PER_DIGIT=$(DEMO_SOUNDS_PER_DIGIT) SOUNDS_SPEAKERS=$(DEMO_SOUNDS_SPEAKERS) \
	  sh pipelines/demo-data.sh

DEMO_ENV = $(PIPE_ENV) DATA='$(abspath $(DEMO_DATA))'

demo-mnist: demo-data
	$(DEMO_ENV) EPOCHS=$(DEMO_EPOCHS) ROWS=0 TEST_ROWS=0 TSNE_ROWS=500 LATENT=32 sh pipelines/mnist.sh

demo-ner: demo-data
	$(DEMO_ENV) EPOCHS=$(DEMO_NER_EPOCHS) ROWS=0 UNITS=32 W2V_ITER=5 MODELS='lstm bi-lstm' LR=0.005 sh pipelines/ner.sh

demo-seg: demo-data
	$(DEMO_ENV) EPOCHS=$(DEMO_SEG_EPOCHS) ROWS=0 SIZE=$(DEMO_SHAPES_SIZE) MODELS='$(DEMO_SEG_MODELS)' \
	  OPTIMIZER=adam LR=0.002 BATCH=4 sh pipelines/seg.sh

demo-speech: demo-data
	$(DEMO_ENV) EPOCHS=$(DEMO_SPEECH_EPOCHS) TRAIN_UTT=$(DEMO_UTTERANCES) TEST_UTT=$$(( $(DEMO_UTTERANCES) / 4 )) \
	  MAX_DIGITS=4 sh pipelines/speech.sh
endif
