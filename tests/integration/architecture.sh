#!/bin/bash
# The architecture rules of issue 10, checked by scripts/check-deps over the
# built objects (nm) and the #include lines: no file-level import cycle,
# private headers stay in their folder, imports only point down the folder
# ranks, files <= 600 lines, functions <= 60. Violations other branches are
# removing are listed in scripts/check-deps.allow. The last test plants each
# violation in a scratch tree and checks that the checker sees it, so a
# checker that stopped looking would fail.
. "$(dirname "$0")/../lib.sh"

CHECK=$TOP/scripts/check-deps
# the object tree of the binary under test (build/, or build-san/ for SANITIZE=1)
BUILD_DIR=$(dirname "${UNIT_DIR:-$TOP/build/tests}")

test_no_import_cycles() {
	"$CHECK" --root "$TOP" --build "$BUILD_DIR" --only cycles
}

test_private_headers_stay_in_their_folder() {
	"$CHECK" --root "$TOP" --build "$BUILD_DIR" --only private
}

test_imports_point_down_the_folder_ranks() {
	"$CHECK" --root "$TOP" --build "$BUILD_DIR" --only layers
}

test_files_and_functions_are_small() {
	"$CHECK" --root "$TOP" --build "$BUILD_DIR" --only size,funcs
}

# The CLI is thin: it includes the public headers (the facade) only.
test_cli_includes_only_public_headers() {
	"$CHECK" --root "$TOP" --build "$BUILD_DIR" --only cli --cli-strict
}

# A scratch tree with one of each violation; the checker must name each.
test_checker_finds_planted_violations() {
	local t=$TEST_TMP/check-deps-plant out
	rm -rf "$t"; mkdir -p "$t/src/base" "$t/src/spec" "$t/build/src/base" "$t/build/src/spec"
	printf '#include "spec/b.h"\n#include "spec/internal.h"\nint spec_b(void);\nint base_a(void) { return spec_b(); }\n' >"$t/src/base/a.c"
	printf 'int spec_b(void);\n' >"$t/src/spec/b.h"
	printf '/* private */\n' >"$t/src/spec/internal.h"
	printf 'int base_a(void);\nint spec_b(void) { return base_a(); }\n' >"$t/src/spec/b.c"
	{ echo 'int spec_long(int x) {'; for i in $(seq 61); do echo "	x += $i;"; done; echo '	return x; }'
	  for i in $(seq 540); do echo "/* $i */"; done; } >"$t/src/spec/long.c"
	for f in base/a spec/b spec/long; do cc -c -o "$t/build/src/$f.o" "$t/src/$f.c" -I"$t/src" || return 1; done
	out=$("$CHECK" --root "$t" --build "$t/build" 2>&1) && { echo "checker passed a bad tree"; return 1; }
	echo "$out"
	grep -q '^error: cycles: cycle between 2 files: src/base/a.c src/spec/b.c' <<<"$out" || return 1
	grep -q '^error: layers: upward: src/base/a.c (base, rank 0) -> src/spec/b.c' <<<"$out" || return 1
	grep -q '^error: layers: upward: src/base/a.c (base, rank 0) -> src/spec/b.h' <<<"$out" || return 1
	grep -q '^error: private: src/base/a.c includes the private header of spec: src/spec/internal.h' <<<"$out" || return 1
	grep -q '^error: size: file too long: src/spec/long.c' <<<"$out" || return 1
	grep -q '^error: funcs: function too long: src/spec/long.c:1 spec_long() has 63 lines' <<<"$out" || return 1
	# a listed violation is allowed, the others still fail, an unused pattern is reported
	mkdir -p "$t/scripts"
	printf 'funcs: function too long: src/spec/long.c:1 spec_long()  # planted\nsize: src/nothing.c\n' \
		>"$t/scripts/check-deps.allow"
	out=$("$CHECK" --root "$t" --build "$t/build" 2>&1) && { echo "checker passed a bad tree"; return 1; }
	echo "$out"
	grep -q '^allowed: funcs: function too long: src/spec/long.c:1' <<<"$out" || return 1
	grep -q '^check-deps: funcs: 0 violation' <<<"$out" || return 1
	grep -q '^error: size: file too long: src/spec/long.c' <<<"$out" || return 1
	grep -q '^stale allow: size: src/nothing.c' <<<"$out" || return 1
}

run_tests
