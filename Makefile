# nnpipe: small C programs for neural-network pipelines.
#
#   make                 build every tool into bin/ (tuned for this machine)
#   make test            unit tests (C) and command-line tests (bats)
#   make bench [BENCH=gemm]   benchmarks next to their peers
#   make install PREFIX=/usr/local DESTDIR= PROGRAM_PREFIX=nn-
#   make PORTABLE=1      no host-specific flags
#   make SANITIZE=1      AddressSanitizer + UndefinedBehaviorSanitizer
#   make CC=clang, make CC=musl-gcc STATIC=1
#   make WERROR=1        warnings are errors
#   make test CC=s390x-linux-gnu-gcc STATIC=1 RUNNER=qemu-s390x BUILD=... BIN=...
#                        a cross build tested under an emulator (RUNNER
#                        prefixes every program the tests run)
#   make cross-test ARCH=s390x   cross build, quick tests under qemu-user and
#                        files exchanged with this host (tests/cross)
#
# Builds of different flavours go to different folders: set BUILD (objects,
# default build) and BIN (programs, default bin), e.g.
#   make CC=clang BUILD=build/clang BIN=build/clang/bin test

VERSION := 0.1.0
CC ?= cc
PYTHON ?= /usr/bin/python3
BUILD ?= build
BIN ?= bin
PREFIX ?= /usr/local
DESTDIR ?=
PROGRAM_PREFIX ?=
PORTABLE ?= 0
SANITIZE ?= 0
STATIC ?= 0
WERROR ?= 0
# Prefix for every program the tests run (an emulator such as qemu-s390x).
RUNNER ?=
BENCH ?=
# The real data sets (MNIST, GMB, CamVid, FSDD); tests that need them skip without.
DATA ?= ../shared/data

# -march=native where the compiler takes it, unless PORTABLE=1 or the
# compiler targets another machine (a cross compiler must not tune for this
# host: gcc for s390x or aarch64 may accept -march=native and mean its own
# default, or refuse it).
CC_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null | cut -d- -f1)
HOST_MACHINE := $(shell uname -m)
ifeq ($(PORTABLE),1)
ARCH_FLAGS :=
else ifneq ($(CC_MACHINE),$(HOST_MACHINE))
ARCH_FLAGS :=
else
ARCH_FLAGS := $(shell $(CC) -march=native -x c -c -o /dev/null /dev/null 2>/dev/null && echo -march=native)
endif

# -std=c11 turns off FMA contraction in gcc; the GEMM wants it back.
OPT_FLAGS ?= -O3 -ffp-contract=fast
WARN_FLAGS := -Wall -Wextra -pedantic
ifeq ($(WERROR),1)
WARN_FLAGS += -Werror
endif
CFLAGS ?=
ALL_CFLAGS := -std=c11 $(OPT_FLAGS) $(ARCH_FLAGS) $(WARN_FLAGS) -D_POSIX_C_SOURCE=200809L \
	-DNNPIPE_VERSION='"$(VERSION)"' -Ilib -pthread -MMD -MP $(CFLAGS)
LDLIBS := -lm -pthread
LDFLAGS ?=
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(STATIC),1)
LDFLAGS += -static
endif

# gcc 12.2 for aarch64 stops with an internal compiler error (in
# vect_transform_reduction) vectorizing the fmax reduction of test_wav.c.
ifeq ($(CC_MACHINE),aarch64)
$(BUILD)/tests/unit/test_wav.o: ALL_CFLAGS += -fno-tree-loop-vectorize
endif

LIB_SRC := $(sort $(wildcard lib/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A := $(BUILD)/libnnpipe.a
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOLS := $(TOOL_SRC:tools/%.c=$(BIN)/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_NAMES := $(TOOL_SRC:tools/%.c=%)

# Keep the objects of tools and tests (make would delete them as intermediates),
# without making every object secondary: a deleted object must be rebuilt.
.SECONDARY: $(TOOL_SRC:%.c=$(BUILD)/%.o) $(UNIT_SRC:%.c=$(BUILD)/%.o)
.PHONY: all test unit bats bench install uninstall clean man check-bats size fuzz runner cross-test
all: $(TOOLS) $(LIB_A)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%: $(BUILD)/tools/%.o $(LIB_A)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# ---- tests ---------------------------------------------------------------
# bats-core is installed on demand where we are root with apt-get.
check-bats:
	@command -v bats >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bats with apt-get" >&2; \
	    (apt-get install -y -q bats >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q bats >/dev/null)); \
	  fi; \
	  command -v bats >/dev/null 2>&1 || { echo "bats-core is missing: install it (Debian: apt-get install bats)" >&2; exit 1; }; }

# With RUNNER set, the tests see folders of one-line wrapper scripts, one per
# program ("exec $(RUNNER) /real/program args"), in place of bin/ and the unit
# test folder: binfmt_misc is usually not available in containers, so the
# emulator has to be named.  A wrapper is rewritten only when its text
# changes, so its date does not make the pipelines retrain.
REAL_BIN := $(abspath $(BIN))
ifneq ($(strip $(RUNNER)),)
RUN_DIR := $(BUILD)/runner
TEST_BIN := $(RUN_DIR)/bin
TEST_UNIT := $(RUN_DIR)/tests
runner: all $(UNIT_BIN)
	@mkdir -p $(TEST_BIN) $(TEST_UNIT)
	@for p in $(abspath $(TOOLS) $(UNIT_BIN)); do \
	  case $$p in $(REAL_BIN)/*) w=$(TEST_BIN)/$${p##*/} ;; *) w=$(TEST_UNIT)/$${p##*/} ;; esac; \
	  printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(RUNNER)' "$$p" > $$w.tmp; \
	  if cmp -s $$w.tmp $$w; then rm -f $$w.tmp; else chmod 755 $$w.tmp && mv $$w.tmp $$w; fi; \
	done
else
TEST_BIN := $(BIN)
TEST_UNIT := $(BUILD)/tests
runner: all $(UNIT_BIN)
endif

# What a test needs to call make again with this build's settings (install test).
TEST_MAKEVARS = CC='$(CC)' BUILD='$(abspath $(BUILD))' BIN='$(abspath $(BIN))' PORTABLE=$(PORTABLE) \
	SANITIZE=$(SANITIZE) STATIC=$(STATIC) WERROR=$(WERROR) RUNNER='$(RUNNER)'
TEST_ENV = NNPIPE_BIN=$(abspath $(TEST_BIN)) NNPIPE_UNIT=$(abspath $(TEST_UNIT)) PYTHON=$(PYTHON) \
	SHARED_DATA=$(abspath $(DATA)) NNPIPE_ROOT=$(CURDIR) NNPIPE_MAKEVARS="$(TEST_MAKEVARS)" \
	NNPIPE_CC="$(CC)" NNPIPE_LDFLAGS="$(LDFLAGS)" NNPIPE_RUNNER='$(RUNNER)'

test: all $(UNIT_BIN) runner check-bats
	@$(TEST_ENV) sh tests/run

unit: $(UNIT_BIN) runner
	@$(TEST_ENV) sh tests/run unit

bats: all runner check-bats
	@$(TEST_ENV) sh tests/run bats '$(BATS)'

# ---- cross tier: ARCH=s390x (big-endian) or aarch64, see docs/portability.md.
# Builds this host's programs and the ARCH ones (static, gcc cross compiler),
# runs the unit tests and the quick bats files under qemu-ARCH, then
# tests/cross/exchange.sh: files written on one side read identically on the
# other, numbers agree within stated tolerances.  Every part runs; the
# target fails if one did.
ARCH ?= s390x
CROSS_BUILD ?= build/cross-$(ARCH)
CROSS_HOST ?= build/cross-host
CROSS_BATS ?= npy|png|audio|cli
# The real data sets make the unit tests take tens of minutes under qemu.
CROSS_DATA ?= /nonexistent
CROSS_VARS = CC=$(ARCH)-linux-gnu-gcc STATIC=1 RUNNER=qemu-$(ARCH) BUILD=$(CROSS_BUILD) BIN=$(CROSS_BUILD)/bin \
	DATA=$(CROSS_DATA)
cross-test:
	@command -v $(ARCH)-linux-gnu-gcc >/dev/null && command -v qemu-$(ARCH) >/dev/null || { echo \
	  "cross-test: needs $(ARCH)-linux-gnu-gcc and qemu-$(ARCH) (Debian: gcc-$(ARCH)-linux-gnu qemu-user)" >&2; exit 1; }
	$(MAKE) -s $(CROSS_VARS) runner
	$(MAKE) -s BUILD=$(CROSS_HOST) BIN=$(CROSS_HOST)/bin all
	@rc=0; start=$$(date +%s); \
	$(MAKE) -s $(CROSS_VARS) unit || rc=1; \
	$(MAKE) -s $(CROSS_VARS) BATS='$(CROSS_BATS)' bats || rc=1; \
	sh tests/cross/exchange.sh $(abspath $(CROSS_HOST)/bin) $(abspath $(CROSS_BUILD)/bin) qemu-$(ARCH) || rc=1; \
	echo "cross-test $(ARCH): tests took $$(( $$(date +%s) - start )) s"; exit $$rc

# ---- benchmarks ------------------------------------------------------------
bench: all
	@$(TEST_ENV) sh bench/run "$(BENCH)"

# ---- man pages, generated from --help so they never drift ----------------
MAN_PAGES := $(TOOL_NAMES:%=$(BUILD)/man/%.1)
man: $(MAN_PAGES)
# Under a RUNNER (cross build) --help runs through the wrapper.
ifneq ($(strip $(RUNNER)),)
$(BUILD)/man/%.1: $(BIN)/% man/mkman.sh | runner
	@mkdir -p $(dir $@)
	sh man/mkman.sh $(TEST_BIN)/$* $* $(VERSION) > $@.tmp && mv $@.tmp $@
else
$(BUILD)/man/%.1: $(BIN)/% man/mkman.sh
	@mkdir -p $(dir $@)
	sh man/mkman.sh $< $* $(VERSION) > $@.tmp && mv $@.tmp $@
endif

# ---- install ---------------------------------------------------------------
install: all man
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/nnpipe
	for t in $(TOOL_NAMES) ""; do [ -n "$$t" ] || continue; \
	  install -m 755 $(BIN)/$$t $(DESTDIR)$(PREFIX)/bin/$(PROGRAM_PREFIX)$$t; \
	  install -m 644 $(BUILD)/man/$$t.1 $(DESTDIR)$(PREFIX)/share/man/man1/$(PROGRAM_PREFIX)$$t.1; \
	done
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libnnpipe.a
	for d in lib/*/; do \
	  sub=$$(basename $$d); mkdir -p $(DESTDIR)$(PREFIX)/include/nnpipe/$$sub; \
	  for h in $$d*.h; do if [ -f "$$h" ]; then install -m 644 $$h $(DESTDIR)$(PREFIX)/include/nnpipe/$$sub/; fi; done; \
	done
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' nnpipe.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nnpipe.pc

uninstall:
	for t in $(TOOL_NAMES) ""; do [ -n "$$t" ] || continue; rm -f $(DESTDIR)$(PREFIX)/bin/$(PROGRAM_PREFIX)$$t \
	  $(DESTDIR)$(PREFIX)/share/man/man1/$(PROGRAM_PREFIX)$$t.1; done
	rm -rf $(DESTDIR)$(PREFIX)/include/nnpipe $(DESTDIR)$(PREFIX)/lib/libnnpipe.a \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/nnpipe.pc

size: all
	@for t in $(TOOLS) ""; do [ -n "$$t" ] || continue; printf '%s\t%s\n' "$$(wc -c < $$t)" "$$t"; done; \
	  cat $(TOOLS) | wc -c | sed 's/^/total bytes\t/'

# ---- fuzzing (clang libFuzzer): FUZZ_SECONDS per harness (default 10 minutes),
# FUZZ="png jpeg" to pick harnesses; see fuzz/README.md ---------------------
FUZZ_SECONDS ?= 600
FUZZ ?=
fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

clean:
	rm -rf build bin

# The per-section pipelines and the demo (make demo, make mnist, make ner, ...).
-include pipelines/pipelines.mk

# Under a RUNNER the pipelines (make demo, run by pipelines.bats) must call
# the wrappers: pipelines.mk hands PIPE_BIN to the scripts as their BIN.
# (Not a target-specific BIN: a BIN given on the command line would win.)
ifneq ($(strip $(RUNNER)),)
PIPE_BIN := $(TEST_BIN)
demo-data $(SECTIONS) $(GRID_SECTIONS:%=%-prepare) $(GRID_SECTIONS:%=%-report): runner
endif

-include $(LIB_OBJ:.o=.d) $(TOOL_SRC:%.c=$(BUILD)/%.d) $(UNIT_SRC:%.c=$(BUILD)/%.d)
