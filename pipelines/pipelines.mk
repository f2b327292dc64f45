# The per-section pipelines and the built-in demo (included by the Makefile).
#
#   make mnist | ner | seg | speech   one section on the real data in DATA
#   make pipelines                    all four
#   make demo                         all four on small generated data sets (no
#                                     download), in a few minutes on 2 cores;
#                                     with DATA=... given, on that data instead
#   make -j2 ner                      two experiments of the grid at a time
#   make ner-prepare, make ner-run-NAME, make ner-report
#                                     one stage (mnist, ner and seg; the names
#                                     are those of `sh pipelines/ner.sh list`)
# Results go to RESULTS/<section>/ (report.html, report.md and every
# intermediate file).  Each step of a script runs only when its output is
# older than its inputs (data, settings, tool binary): a second run with
# nothing changed trains nothing.  See pipelines/README.md.
#
# Budgets: the scripts' variables can be set on the command line, e.g.
#   make mnist EPOCHS=3 ROWS=10000    make ner MODELS="lstm gru"
# DEMO_* below set the demo's sizes.

ifndef GRID
RESULTS ?= results
DEMO_DATA ?= $(RESULTS)/demo-data
# Threads per tool (0: all cores).  Unset, it is 1 under make -jN (N > 1):
# N experiments of one thread each use the cores better than N processes
# that each want every core.
THREADS ?=
PIPE_THREADS = $(or $(THREADS),$(if $(filter-out -j1,$(filter -j%,$(MAKEFLAGS))),1,0))

# Sizes of the generated data and the demo's training budget.
DEMO_EPOCHS ?= 3
DEMO_DIGITS_TRAIN ?= 2000
DEMO_DIGITS_TEST ?= 500
DEMO_MANIFOLD ?= 30
DEMO_MNIST_MODELS ?= pca-2 pca-32 ae-2 ae-32 deep-ae-2 deep-ae-32 vae-2 cat-vae pixels
DEMO_NER_SENTENCES ?= 2000
DEMO_NER_EPOCHS ?= 10
DEMO_NER_MODELS ?= lstm lstm-trainable bi-lstm-concat bi-lstm-sum bi-lstm-mul bi-lstm-ave gru best
DEMO_SHAPES_TRAIN ?= 160
DEMO_SHAPES_VAL ?= 40
DEMO_SHAPES_SIZE ?= 48x32
DEMO_SEG_MODELS ?= fcn fcn-aug fcn-skip
DEMO_SEG_EPOCHS ?= 12
DEMO_SOUNDS_PER_DIGIT ?= 10
DEMO_SOUNDS_SPEAKERS ?= 4
DEMO_UTTERANCES ?= 200
DEMO_SPEECH_EPOCHS ?= 12

# The programs the scripts call: this build's, or (cross builds under a
# RUNNER) the Makefile's wrappers around them, set there.
PIPE_BIN ?= $(BIN)
PIPE_ENV = BIN='$(abspath $(PIPE_BIN))' PIPE_BIN='$(abspath $(PIPE_BIN))' RESULTS='$(abspath $(RESULTS))' THREADS='$(PIPE_THREADS)'
SECTIONS := mnist ner seg speech
# The sections split in experiments (speech.sh is still one piece).
GRID_SECTIONS := mnist ner seg
# The experiment targets of a section come from a second make reading only
# this file (GRID=section, below), in the environment the scripts will see,
# so that `sh pipelines/SECTION.sh list` gives the names for these settings.
# MAKEOVERRIDES= : the settings reach it through that environment only (as
# they reach a script), so the demo's budgets are not overridden again by the
# command line's.
GRID_MAKE = $(MAKE) --no-print-directory -f pipelines/pipelines.mk MAKEOVERRIDES=
NEED_DATA = @[ -d '$(DATA)' ] || { echo "pipelines: no data in '$(DATA)': set DATA=..., or try 'make demo'" >&2; exit 1; }

.PHONY: pipelines demo demo-data $(SECTIONS) $(SECTIONS:%=demo-%) \
  $(GRID_SECTIONS:%=%-prepare) $(GRID_SECTIONS:%=%-report)

pipelines: $(SECTIONS)

$(GRID_SECTIONS): all
	$(NEED_DATA)
	+$(PIPE_ENV) DATA='$(abspath $(DATA))' $(GRID_MAKE) GRID=$@ $@-report

speech: all
	$(NEED_DATA)
	$(PIPE_ENV) DATA='$(abspath $(DATA))' sh pipelines/$@.sh

# One stage: make ner-prepare, make ner-run-lstm, make ner-report.
define grid_stages
$(1)-prepare $(1)-report: all
	$$(NEED_DATA)
	+$$(PIPE_ENV) DATA='$$(abspath $$(DATA))' $$(GRID_MAKE) GRID=$(1) $$@
$(1)-run-%: all
	$$(NEED_DATA)
	+$$(PIPE_ENV) DATA='$$(abspath $$(DATA))' $$(GRID_MAKE) GRID=$(1) $$@
endef
$(foreach s,$(GRID_SECTIONS),$(eval $(call grid_stages,$(s))))

# make demo runs on generated data unless DATA was given (command line or
# environment): then on that data, at the scripts' full budgets.
ifneq ($(filter command line environment,$(origin DATA)),)
demo: $(SECTIONS)
else
demo: $(SECTIONS:%=demo-%)

demo-data: all
	BIN='$(abspath $(PIPE_BIN))' DATA='$(abspath $(DEMO_DATA))' \
	  DIGITS_TRAIN=$(DEMO_DIGITS_TRAIN) DIGITS_TEST=$(DEMO_DIGITS_TEST) NER_SENTENCES=$(DEMO_NER_SENTENCES) \
	  SHAPES_TRAIN=$(DEMO_SHAPES_TRAIN) SHAPES_VAL=$(DEMO_SHAPES_VAL) SHAPES_SIZE=$(DEMO_SHAPES_SIZE) \
	  SOUNDS_PER_DIGIT=$(DEMO_SOUNDS_PER_DIGIT) SOUNDS_SPEAKERS=$(DEMO_SOUNDS_SPEAKERS) \
	  sh pipelines/demo-data.sh

DEMO_ENV = $(PIPE_ENV) DATA='$(abspath $(DEMO_DATA))'

demo-mnist: demo-data
	+$(DEMO_ENV) EPOCHS=$(DEMO_EPOCHS) ROWS=0 TEST_ROWS=0 TSNE_ROWS=500 MANIFOLD=$(DEMO_MANIFOLD) MODELS='$(DEMO_MNIST_MODELS)' \
	  $(GRID_MAKE) GRID=mnist mnist-report

demo-ner: demo-data
	+$(DEMO_ENV) EPOCHS=$(DEMO_NER_EPOCHS) ROWS=0 UNITS=32 LR=0.005 MODELS='$(DEMO_NER_MODELS)' \
	  $(GRID_MAKE) GRID=ner ner-report

demo-seg: demo-data
	+$(DEMO_ENV) EPOCHS=$(DEMO_SEG_EPOCHS) ROWS=0 SIZE=$(DEMO_SHAPES_SIZE) MODELS='$(DEMO_SEG_MODELS)' \
	  OPTIMIZER=adam LR=0.002 BATCH=4 $(GRID_MAKE) GRID=seg seg-report

demo-speech: demo-data
	$(DEMO_ENV) EPOCHS=$(DEMO_SPEECH_EPOCHS) TRAIN_UTT=$(DEMO_UTTERANCES) TEST_UTT=$$(( $(DEMO_UTTERANCES) / 4 )) \
	  MAX_DIGITS=4 sh pipelines/speech.sh
endif

else
# ---- the experiment grid of one section (make -f pipelines/pipelines.mk GRID=ner)
# Every target is a stage of pipelines/$(GRID).sh, a process of its own:
#   GRID-report  <-  GRID-run-NAME (one per experiment)  <-  GRID-prepare
# so make -jN runs N experiments at once once prepare is done.  BIN is set
# again from PIPE_BIN (environment): a BIN on the outer make's command line
# reaches this make through MAKEFLAGS and would win over the environment's.
NAMES := $(shell sh pipelines/$(GRID).sh list)
ifeq ($(strip $(NAMES)),)
$(error pipelines/$(GRID).sh list gave no experiment)
endif
.PHONY: $(GRID)-prepare $(GRID)-report
$(GRID)-report: $(NAMES:%=$(GRID)-run-%)
	BIN='$(PIPE_BIN)' sh pipelines/$(GRID).sh report
# A pattern, not a phony list: any name the script knows can be asked for.
$(GRID)-run-%: $(GRID)-prepare
	BIN='$(PIPE_BIN)' sh pipelines/$(GRID).sh run $*
$(GRID)-prepare:
	BIN='$(PIPE_BIN)' sh pipelines/$(GRID).sh prepare
endif
