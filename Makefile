# tamga — one non-recursive GNU Makefile (STYLE.md "Build").
#
#   make                    libtamga (.so/.a) and the tools, in $(BUILD)/
#   make check              install missing Debian packages, build, run every test
#   make demo               install missing Debian packages, build, run the dev demo
#   make install PREFIX=…   library, headers, tamga.pc, tools, man pages
#   make fuzz               libFuzzer targets (clang) in $(BUILD)/fuzz/
#
# Knobs: BUILD=dir  WERROR=1  SANITIZE=address,undefined  CC=…  CFLAGS=…  V=1
# Dependencies come only through pkg-config; scripts/deps.sh installs them.

VERSION   := 0.1.0
SOVERSION := 0

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
SANITIZE ?=
WERROR  ?=
DEMO_WAIT ?= 1

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

# pkg-config modules: the library's, and the unit tests'.
LIB_PKGS  := libcrypto sqlite3 zlib libqrencode harfbuzz harfbuzz-subset libcurl jansson \
             libxml-2.0 xmlsec1-openssl libpng
TEST_PKGS := cmocka
# tamgad's own (server/ only, DESIGN.md §3).
SERVER_PKGS := libmicrohttpd

WARN := -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wpointer-arith -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

HARDEN   := -fstack-protector-strong -fno-strict-overflow
HARDEN_LD := -Wl,-z,relro,-z,now -Wl,--as-needed
ifeq ($(SANITIZE),)
HARDEN += -D_FORTIFY_SOURCE=2
else
HARDEN += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
HARDEN_LD += -fsanitize=$(SANITIZE)
endif

# Evaluated once, on first use (after `deps` has run when a goal needs it).
pkg = $(shell pkg-config $(1) $(2))
LIB_CFLAGS = $(eval LIB_CFLAGS := $$(call pkg,--cflags,$(LIB_PKGS)))$(LIB_CFLAGS)
LIB_LIBS   = $(eval LIB_LIBS := $$(call pkg,--libs,$(LIB_PKGS)) -lm)$(LIB_LIBS)
SERVER_CFLAGS = $(eval SERVER_CFLAGS := $$(call pkg,--cflags,$(SERVER_PKGS)))$(SERVER_CFLAGS)
SERVER_LIBS   = $(eval SERVER_LIBS := $$(call pkg,--libs,$(SERVER_PKGS)))$(SERVER_LIBS)
TEST_CFLAGS = $(eval TEST_CFLAGS := $$(call pkg,--cflags,$(TEST_PKGS)))$(TEST_CFLAGS)
TEST_LIBS   = $(eval TEST_LIBS := $$(call pkg,--libs,$(TEST_PKGS)))$(TEST_LIBS)

BASE_CFLAGS := $(WARN) $(HARDEN) -D_GNU_SOURCE -DTAMGA_VERSION='"$(VERSION)"' $(CFLAGS)

# ---------------------------------------------------------------- sources
# Library directories (DESIGN.md §3); each holds its own sources.
LIB_DIRS   := common pki formats formats/pdf formats/cms formats/qr formats/zip formats/xmldsig \
              formats/ooxml formats/odf signer verifier registry
LIB_SRC    := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRC    := $(wildcard cli/*.c)
SERVER_SRC := $(wildcard server/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)
BENCH_SRC  := $(wildcard bench/*.c)
HEADERS    := $(wildcard include/tamga/*.h)
MAN_PAGES  := $(wildcard docs/man/*.1)
MAN8_PAGES := $(wildcard docs/man/*.8)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%-replay)
TEST_TOOLS := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
BENCH_BIN  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

SHLIB  := $(BUILD)/lib/libtamga.so.$(VERSION)
SONAME := libtamga.so.$(SOVERSION)
STLIB  := $(BUILD)/lib/libtamga.a
TOOLS  := $(BUILD)/bin/tamga $(if $(SERVER_SRC),$(BUILD)/bin/tamgad)

.PHONY: all check demo deps install uninstall clean fuzz tests bench bench-load
.DEFAULT_GOAL := all

all: $(SHLIB) $(STLIB) $(TOOLS)

# ---------------------------------------------------------------- configure
# Goals that promise a working machine install missing packages first.
ifneq ($(filter check demo deps,$(MAKECMDGOALS)),)
CONFIGURE_PREREQ := deps
endif

deps:
	@sh scripts/deps.sh all

$(BUILD)/.configured: scripts/deps.sh Makefile $(CONFIGURE_PREREQ)
	@command -v pkg-config >/dev/null || { echo "tamga: pkg-config not found; run scripts/deps.sh" >&2; exit 1; }
	@for m in $(LIB_PKGS) $(SERVER_PKGS); do pkg-config --exists $$m || { \
	  echo "tamga: pkg-config module '$$m' not found; run scripts/deps.sh (Debian packages)" >&2; exit 1; }; done
	@mkdir -p $(@D) && touch $@

$(BUILD)/.configured-tests: $(BUILD)/.configured
	@for m in $(TEST_PKGS); do pkg-config --exists $$m || { \
	  echo "tamga: pkg-config module '$$m' not found; run scripts/deps.sh test" >&2; exit 1; }; done
	@touch $@

# ---------------------------------------------------------------- library
# Library code sees its own internal headers (-I.) and is hidden by default;
# only TAMGA_EXTERN symbols are exported from the shared object.
$(foreach d,$(LIB_DIRS),$(BUILD)/obj/$(d)/%.o): CFLAGS_X = -fPIC -fvisibility=hidden -DTAMGA_BUILDING -Iinclude -I. $(LIB_CFLAGS)

$(BUILD)/obj/%.o: %.c | $(BUILD)/.configured
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS_X) -MMD -MP -c -o $@ $<

$(SHLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) $(HARDEN_LD) $(LDFLAGS) -o $@ $(LIB_OBJ) $(LIB_LIBS)
	$(Q)ln -sf libtamga.so.$(VERSION) $(BUILD)/lib/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILD)/lib/libtamga.so

$(STLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJ)

# ---------------------------------------------------------------- tools
# Tools see only the public headers and link against the shared library.
$(BUILD)/obj/cli/%.o: CFLAGS_X = -Iinclude

$(BUILD)/bin/tamga: $(CLI_OBJ) $(SHLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $(CLI_OBJ) -L$(BUILD)/lib -ltamga -Wl,-rpath,'$$ORIGIN/../lib'

# tamgad: public headers and libmicrohttpd only.
$(BUILD)/obj/server/%.o: CFLAGS_X = -Iinclude $(SERVER_CFLAGS)

$(BUILD)/bin/tamgad: $(SERVER_OBJ) $(SHLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $(SERVER_OBJ) -L$(BUILD)/lib -ltamga $(SERVER_LIBS) -Wl,-rpath,'$$ORIGIN/../lib'

# tamga.pc names the install prefix, so it is written at install time.
define write_pc
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(LIB_PKGS)|' tamga.pc.in > $(1)
endef

# ---------------------------------------------------------------- tests
# Unit tests may reach internal functions: they link the static library.
$(BUILD)/obj/tests/%.o: CFLAGS_X = -Iinclude -I. $(LIB_CFLAGS) $(TEST_CFLAGS)
$(BUILD)/obj/tests/%.o: | $(BUILD)/.configured-tests

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(STLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS) $(TEST_LIBS)

# Test tools (tests/tools/NAME.c): helper programs the shell tests run, with
# access to internal APIs like the unit tests.
$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(STLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

# Benchmarks (bench/NAME.c), built like the test tools; `make bench` runs them.
$(BUILD)/obj/bench/%.o: CFLAGS_X = -Iinclude -I. $(LIB_CFLAGS)
$(BUILD)/obj/bench/%.o: | $(BUILD)/.configured
$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(STLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

bench: all $(BENCH_BIN)
	@BUILD=$(BUILD) bash bench/run.sh

bench-load: all
	@BUILD=$(BUILD) bash bench/load.sh

# Fuzz targets, replayed over their seed corpora under gcc by `make check`.
$(BUILD)/tests/fuzz_%-replay: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(STLIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(HARDEN_LD) $(LDFLAGS) -o $@ $^ $(LIB_LIBS)

tests: all $(UNIT_BIN) $(FUZZ_REPLAY) $(TEST_TOOLS)

check: tests
	@BUILD=$(BUILD) CC="$(CC)" SANITIZE="$(SANITIZE)" bash tests/run

# ---------------------------------------------------------------- fuzz (clang)
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I.
fuzz: | $(BUILD)/.configured
	@mkdir -p $(BUILD)/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "  FUZZ $$n"; \
	  $(FUZZ_CC) $(FUZZ_FLAGS) -D_GNU_SOURCE -DTAMGA_BUILDING -DTAMGA_VERSION='"$(VERSION)"' $$(pkg-config --cflags $(LIB_PKGS)) \
	    -o $(BUILD)/fuzz/$$n $$f $(LIB_SRC) $$(pkg-config --libs $(LIB_PKGS)) || exit 1; done

# ---------------------------------------------------------------- demo
demo: all
	@DEMO_WAIT=$(DEMO_WAIT) bash scripts/demo.sh $(BUILD)

# ---------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/tamga \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libtamga.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libtamga.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(HEADERS) $(DESTDIR)$(INCDIR)/tamga/
	$(call write_pc,$(DESTDIR)$(PKGCONFIGDIR)/tamga.pc)
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	$(if $(MAN8_PAGES),install -m 644 $(MAN8_PAGES) $(DESTDIR)$(MANDIR)/man8/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tamga $(DESTDIR)$(BINDIR)/tamgad $(DESTDIR)$(LIBDIR)/libtamga.* \
	    $(DESTDIR)$(PKGCONFIGDIR)/tamga.pc $(MAN_PAGES:docs/man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	    $(MAN8_PAGES:docs/man/%=$(DESTDIR)$(MANDIR)/man8/%)
	rm -rf $(DESTDIR)$(INCDIR)/tamga

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(UNIT_SRC:%.c=$(BUILD)/obj/%.d) $(TOOL_SRC:%.c=$(BUILD)/obj/%.d) \
         $(FUZZ_SRC:%.c=$(BUILD)/obj/%.d)
.SECONDARY:
