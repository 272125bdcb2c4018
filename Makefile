# hardrun — hardened OCI runtime. `make`, `make check`, `make install PREFIX=...`
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := jansson libseccomp libcap-ng libapparmor
PREFIX ?= /usr/local
BUILD ?= build
VERSION := 0.1.0

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude $(PKG_CFLAGS) \
	-DHARDRUN_VERSION='"$(VERSION)"' -DHARDRUN_PROFILEDIR='"$(PREFIX)/share/hardrun/profiles"' \
	-MMD -MP
LDLIBS += $(PKG_LIBS)
# The commit, for `features` annotations; the header changes only when it does.
COMMIT := $(shell git -C "$(CURDIR)" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

LIB_SRCS := $(sort $(shell find src/lib -name '*.c'))
CLI_SRCS := $(sort $(shell find src/cli -name '*.c'))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)

all: hardrun

hardrun: $(CLI_OBJS) $(BUILD)/libhardrun.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libhardrun.a $(LDLIBS)

$(BUILD)/gen/commit.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define HARDRUN_COMMIT "$(COMMIT)"' >$@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/src/cli/features.o: CFLAGS += -I$(BUILD)/gen
$(BUILD)/src/cli/features.o: $(BUILD)/gen/commit.h

$(BUILD)/libhardrun.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libhardrun.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DTEST_DATA_DIR='"$(CURDIR)/tests/data"' -o $@ $< $(BUILD)/libhardrun.a \
		$(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# Static helpers that run inside busybox containers.
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o $@ $<

test-bins: hardrun $(UNIT_BINS) $(HELPER_BINS)

# Everything: unit tests, host integration tests, and the VM part.
check: test-bins
	./tests/run.sh --all

check-host: test-bins
	./tests/run.sh --host

check-vm: test-bins
	./tests/run.sh --vm

demo: hardrun
	./scripts/demo.sh

install: hardrun
	install -D -m 0755 hardrun $(DESTDIR)$(PREFIX)/bin/hardrun
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

clean:
	rm -rf $(BUILD) hardrun

FORCE:
.PHONY: FORCE all check check-host check-vm demo install clean test-bins
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
