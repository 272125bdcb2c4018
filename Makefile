# hardrun — hardened OCI runtime. `make`, `make check`, `make install PREFIX=...`
#
# Checking tools (each builds into its own directory; the normal build in
# build/ and ./hardrun is never touched by them):
#   make check SANITIZE=1     hardrun and the unit tests built with gcc
#       -fsanitize=address,undefined into build-san/ (binary build-san/hardrun);
#       tests/run.sh is pointed at them through HARDRUN, UNIT_DIR and HELPERS.
#       `make check-unit SANITIZE=1` runs the unit tests alone.
#   make fuzz                 libFuzzer targets tests/fuzz/fuzz_*.c, built with
#       clang -fsanitize=fuzzer,address,undefined, the library rebuilt the same
#       way into build-fuzz/ (binaries build-fuzz/fuzz_<name>)
#   make fuzz-run FUZZ_SECONDS=N   runs each target N seconds on a scratch copy
#       of tests/fuzz/corpus/<name>/ (TAP; fails on any crash, leak or UB);
#       crash inputs land in build-fuzz/artifacts/, logs in build-fuzz/logs/.
#       FUZZ_TARGETS="config seccomp" limits it. `make check` runs it for 20 s
#       a target (tests/run.sh --fuzz).
#   make analyze              gcc -fanalyzer over src/: every warning is shown,
#       the target fails if there is any.
#   make check-deps           scripts/check-deps over build/: no file-level
#       import cycle, imports only downward between folders, files <= 600
#       lines, functions <= 60 (the rank order is in the script's header).
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := jansson libseccomp libcap-ng libapparmor
# libsystemd: headers only; src/cgroup/systemd_lib.c loads it when the
# systemd driver needs it (linked, it costs every process 0.8 MB resident)
SD_PKG := libsystemd
PREFIX ?= /usr/local
BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD := build-san
endif
VERSION := 0.1.0

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(SD_PKG))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Isrc $(PKG_CFLAGS) \
	-DHARDRUN_VERSION='"$(VERSION)"' -DHARDRUN_PROFILEDIR='"$(PREFIX)/share/hardrun/profiles"' \
	-DHARDRUN_LIBEXECDIR='"$(PREFIX)/libexec/hardrun"' -MMD -MP
LDLIBS += $(PKG_LIBS)
# hardrun links jansson, libseccomp, libcap-ng and libapparmor statically when
# their archives are installed (as runc's releases do with libseccomp): each
# shared library costs every process start its loading and relocation, and
# create/run/exec start hardrun twice (the sealed re-exec), ~0.23 ms of CPU
# per exec for these four (docs/performance.md). STATIC_LIBS=0 links them
# shared, for distributions that rebuild nothing on a library update.
STATIC_LIBS ?= 1
HARDRUN_LIBS := $(LDLIBS)
ifeq ($(STATIC_LIBS),1)
STATIC_ARCHIVES := $(foreach l,jansson seccomp cap-ng apparmor,$(if $(wildcard $(shell $(CC) -print-file-name=lib$(l).a)),-l$(l)))
HARDRUN_LIBS := -Wl,-Bstatic $(STATIC_ARCHIVES) -Wl,-Bdynamic $(filter-out $(STATIC_ARCHIVES),$(LDLIBS))
endif
# The commit, for `features` annotations; the header changes only when it does.
COMMIT := $(shell git -C "$(CURDIR)" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
HARDRUN_BIN := $(BUILD)/hardrun
export HARDRUN := $(CURDIR)/$(HARDRUN_BIN)
export UNIT_DIR := $(CURDIR)/$(BUILD)/tests
export HELPERS := $(CURDIR)/$(BUILD)/tests/helpers
else
HARDRUN_BIN := hardrun
endif

LIB_SRCS := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*' -not -path 'src/finish/*'))
CLI_SRCS := $(sort $(shell find src/cli -name '*.c'))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)

# The static program `hardrun profile probe` runs inside containers.
PROBE_BIN := $(BUILD)/hardrun-probe

all: $(HARDRUN_BIN) $(PROBE_BIN)

$(HARDRUN_BIN): $(CLI_OBJS) $(BUILD)/libhardrun.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libhardrun.a $(HARDRUN_LIBS)

$(BUILD)/gen/commit.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define HARDRUN_COMMIT "$(COMMIT)"' >$@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/src/launch/features.o: CFLAGS += -I$(BUILD)/gen
$(BUILD)/src/launch/features.o: $(BUILD)/gen/commit.h

# The default seccomp profile is embedded with .incbin (not seen by -MMD).
$(BUILD)/src/spec/default_seccomp.o: profiles/seccomp/default.json

# hardrun-exec-finish, the static program exec ends with (src/finish/),
# embedded in hardrun with .incbin (src/container/exec_finish.c). x86_64
# only: elsewhere an empty image, and exec copies hardrun's image instead.
FINISH_BIN := $(BUILD)/hardrun-exec-finish
FINISH_OBJ := $(BUILD)/src/finish/exec_finish.o
ifeq ($(shell uname -m),x86_64)
$(FINISH_OBJ): src/finish/exec_finish.c src/finish/protocol.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Os -Wall -Wextra -Werror -Isrc -ffreestanding -fno-pie \
		-fno-tree-loop-distribute-patterns -fno-stack-protector -fno-asynchronous-unwind-tables \
		-fno-sanitize=all -c -o $@ $<
$(FINISH_BIN): $(FINISH_OBJ)
	$(CC) -static -nostdlib -no-pie -Wl,--build-id=none -s -o $@ $<
else
$(FINISH_OBJ):
	@mkdir -p $(dir $@)
	$(CC) -x c -c -o $@ /dev/null
$(FINISH_BIN):
	@mkdir -p $(dir $@)
	: >$@
endif
$(BUILD)/src/container/exec_finish.o: $(FINISH_BIN)
$(BUILD)/src/container/exec_finish.o: CFLAGS += -DHR_FINISH_IMAGE='"$(FINISH_BIN)"'

$(BUILD)/libhardrun.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libhardrun.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DTEST_DATA_DIR='"$(CURDIR)/tests/data"' -o $@ $< $(BUILD)/libhardrun.a \
		$(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka $(SD_PKG))

# Static helpers that run inside busybox containers.
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o $@ $<

$(PROBE_BIN): tests/helpers/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o $@ $<

test-bins: $(HARDRUN_BIN) $(PROBE_BIN) $(UNIT_BINS) $(HELPER_BINS)

# Everything: unit tests, host integration tests, and the VM part.
check: test-bins
	./tests/run.sh --all

check-unit: test-bins
	./tests/run.sh --unit

check-host: test-bins
	./tests/run.sh --host

check-vm: test-bins
	./tests/run.sh --vm

check-deps: $(HARDRUN_BIN)
	./scripts/check-deps --build $(BUILD)

demo: $(HARDRUN_BIN)
	./scripts/demo.sh

install: $(HARDRUN_BIN) $(PROBE_BIN)
	install -D -m 0755 $(HARDRUN_BIN) $(DESTDIR)$(PREFIX)/bin/hardrun
	install -D -m 0755 $(PROBE_BIN) $(DESTDIR)$(PREFIX)/libexec/hardrun/hardrun-probe
	install -d $(DESTDIR)$(PREFIX)/share/hardrun/profiles/seccomp $(DESTDIR)$(PREFIX)/share/hardrun/profiles/apparmor
	install -m 0644 profiles/seccomp/*.json $(DESTDIR)$(PREFIX)/share/hardrun/profiles/seccomp/
	install -m 0644 profiles/apparmor/* $(DESTDIR)$(PREFIX)/share/hardrun/profiles/apparmor/
	install -D -m 0644 completions/hardrun.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hardrun
	$(MAKE) --no-print-directory install-man

# Man pages: docs/man/NAME.8.scd -> build/man/NAME.8 (scdoc, from install-deps.sh).
SCDOC ?= scdoc
MAN_SRCS := $(sort $(wildcard docs/man/*.scd))
MAN_PAGES := $(MAN_SRCS:docs/man/%.scd=$(BUILD)/man/%)

man: $(MAN_PAGES)

$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	$(SCDOC) <$< >$@.tmp && mv $@.tmp $@

# without scdoc, `make install` still works and says the pages are missing
install-man:
	@if command -v $(SCDOC) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory man && \
		install -d $(DESTDIR)$(PREFIX)/share/man/man8 && \
		install -m 0644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man8/; \
	else echo "install: $(SCDOC) not found, man pages not installed (sh scripts/install-deps.sh build)" >&2; fi

.PHONY: man install-man

# ---- fuzzing (clang + libFuzzer) ----------------------------------------------
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Isrc $(PKG_CFLAGS) \
	-DHARDRUN_VERSION='"$(VERSION)"' -DHARDRUN_PROFILEDIR='"$(PREFIX)/share/hardrun/profiles"' \
	-MMD -MP $(FUZZ_SAN)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)

fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/src/spec/default_seccomp.o: profiles/seccomp/default.json
# launch/features.c names the commit (features' annotations)
$(FUZZ_BUILD)/src/launch/features.o: FUZZ_CFLAGS += -I$(BUILD)/gen
$(FUZZ_BUILD)/src/launch/features.o: $(BUILD)/gen/commit.h

$(FUZZ_BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libhardrun.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_BUILD)/libhardrun.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libhardrun.a $(PKG_LIBS)

fuzz-run: fuzz
	FUZZ_BUILD=$(FUZZ_BUILD) ./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- static analysis (gcc -fanalyzer) ---------------------------------------
ANALYZE_BUILD ?= build-analyze
ANALYZE_CC ?= gcc
ANALYZE_FLAGS := -O0 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude -Isrc $(PKG_CFLAGS) \
	-DHARDRUN_VERSION='"$(VERSION)"' -DHARDRUN_PROFILEDIR='"$(PREFIX)/share/hardrun/profiles"' \
	-DHR_ANALYZE -fanalyzer -fdiagnostics-plain-output -I$(BUILD)/gen
ANALYZE_LOGS := $(LIB_SRCS:%.c=$(ANALYZE_BUILD)/%.log) $(CLI_SRCS:%.c=$(ANALYZE_BUILD)/%.log)

# One log per file (every file is analyzed even when an earlier one warns),
# then all warnings are printed and counted. -DHR_ANALYZE only tells the
# analyzer what hr_error_set returns (include/hardrun/error.h).
# Note: gcc 12's analyzer does not see the out-of-bounds read of
# hr_mkdir_p_at("") in util.c (the loop starts past the NUL); it is fixed
# separately, not hidden here.
analyze: $(ANALYZE_LOGS)
	@cat $(ANALYZE_LOGS)
	@n=$$(cat $(ANALYZE_LOGS) | grep -c 'warning:'); \
	 if [ "$$n" -ne 0 ]; then echo "analyze: $$n warning(s)"; exit 1; fi; \
	 echo "analyze: no warnings in $(words $(ANALYZE_LOGS)) files"

$(ANALYZE_BUILD)/%.log: %.c $(BUILD)/gen/commit.h FORCE
	@mkdir -p $(dir $@)
	@$(ANALYZE_CC) $(ANALYZE_FLAGS) -c -o /dev/null $< 2>$@ || { cat $@; exit 1; }

FORCE:

clean:
	rm -rf $(BUILD) hardrun build-san $(FUZZ_BUILD) $(ANALYZE_BUILD)

.PHONY: all check check-unit check-host check-vm check-deps demo install clean test-bins fuzz fuzz-run analyze FORCE
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
