#!/bin/bash
# The tool's own pages: a man page per verb (docs/man/*.scd) naming every
# flag the code accepts, pages that build with scdoc, and a bash completion
# that knows the verbs, the flags and the containers.
. "$(dirname "$0")/../lib.sh"

MAN_SRC=$TOP/docs/man
COMPLETION=$TOP/completions/hardrun.bash

# The verbs `hardrun --help` lists.
verbs() {
	"$HARDRUN" --help | awk '/^commands:/ { on = 1; next } on && NF { print $1 }'
}

# The long flags of one help text (stdin): its option lines, "  -b, --bundle DIR"
# or "      --pid-file FILE".
help_flags() {
	awk '/^  (-[a-zA-Z],|   ) --[a-z][a-z0-9-]*/ { f = $0; sub(/^ *(-[a-zA-Z], )?--/, "", f); sub(/[ ,].*/, "", f); print f }'
}

# "VERB FLAG" for every flag the CLI accepts ("hardrun FLAG" for the global
# ones). The parser (src/cli/args.c) reads each verb's option table and the
# help is printed from the same table, so `hardrun VERB --help` lists exactly
# what VERB accepts. The tables are checked against the sources below.
verb_flags() {
	local v
	{
		"$HARDRUN" --help | help_flags | sed 's/^/hardrun /'
		for v in $(verbs); do
			"$HARDRUN" "$v" --help | help_flags | sed "s/^/$v /"
		done
	} | sort -u
}

# Every long name in an option table of src/cli/*.c ({ "name", 'x', CLI_...).
table_flags() {
	grep -ohE '\{ *"[a-z][a-z0-9-]*", *(0|'"'"'.'"'"'), *CLI_(FLAG|VALUE|LIST)' "$TOP"/src/cli/*.[ch] |
		sed -E 's/^\{ *"([^"]*)".*/\1/' | sort -u
}

# Flags a table lists but the verb refuses (documented where they apply).
refused() {
	case $1:$2 in
	create:detach) return 0 ;; # once shared with run; create's own table now leaves it out
	esac
	return 1
}

page_of() { [ "$1" = hardrun ] && echo "$MAN_SRC/hardrun.8.scd" || echo "$MAN_SRC/hardrun-$1.8.scd"; }

test_every_verb_has_a_man_page() {
	local v n=0 missing=""
	[ -f "$MAN_SRC/hardrun.8.scd" ] || fail "no docs/man/hardrun.8.scd"
	for v in $(verbs); do
		n=$((n + 1))
		[ -f "$(page_of "$v")" ] || missing="$missing $v"
		grep -q "\*hardrun-$v\*(8)" "$MAN_SRC/hardrun.8.scd" || missing="$missing hardrun(8)-mentions-$v"
	done
	[ "$n" -ge 16 ] || fail "hardrun --help lists only $n verbs: $(verbs | tr '\n' ' ')"
	[ -z "$missing" ] || fail "missing man pages:$missing"
}

test_every_flag_is_in_its_page() {
	local vf verb flag missing="" n=0
	vf=$(verb_flags)
	# the extraction itself must see the flags we know are there
	for want in "create bundle" "run detach" "exec cap" "kill all" "delete force" "list quiet" \
		"spec rootless" "update memory-swap" "events interval" "ps format" "hardrun log-format"; do
		grep -qx "$want" <<<"$vf" || fail "flag extraction lost [$want]; got: $(echo "$vf" | tr '\n' ',')"
	done
	# every name in a source table is a flag some verb's help shows
	for flag in $(table_flags); do
		grep -q " $flag\$" <<<"$vf" || missing="$missing table:--$flag-not-in-any-help"
	done
	while read -r verb flag; do
		refused "$verb" "$flag" && continue
		# every verb answers --help; hardrun(8) documents that once
		[ "$flag" = help ] && [ "$verb" != hardrun ] && continue
		n=$((n + 1))
		grep -qF -- "*--$flag*" "$(page_of "$verb")" 2>/dev/null || missing="$missing $verb:--$flag"
	done <<<"$vf"
	grep -q 'hardrun help' "$MAN_SRC/hardrun.8.scd" || missing="$missing hardrun:help-COMMAND"
	[ -z "$missing" ] || fail "flags not documented (as *--flag*) in their page:$missing"
	echo "# $n flags checked"
}

test_pages_have_required_sections() {
	local f s missing=""
	for f in "$MAN_SRC"/*.scd; do
		grep -qE '^hardrun(-[a-z]+)?\(8\)' <<<"$(head -n1 "$f")" || missing="$missing $(basename "$f"):preamble"
		for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -qx "# $s" "$f" || missing="$missing $(basename "$f"):$s"
		done
	done
	for s in "GLOBAL OPTIONS" "STATE ROOT" HARDENING ENVIRONMENT FILES; do
		grep -qx "# $s" "$MAN_SRC/hardrun.8.scd" || missing="$missing hardrun.8:$s"
	done
	[ -z "$missing" ] || fail "missing sections:$missing"
}

test_make_man_builds_every_page() {
	command -v scdoc >/dev/null || skip "scdoc not installed (sh scripts/install-deps.sh build)"
	local out=$TEST_TMP/docs-build f page
	rm -rf "$out"
	make -s -C "$TOP" man BUILD="$out" >"$TEST_TMP/docs-make.log" 2>&1 ||
		fail "make man failed: $(tail -n 5 "$TEST_TMP/docs-make.log")"
	for f in "$MAN_SRC"/*.scd; do
		page=$out/man/$(basename "$f" .scd)
		[ -s "$page" ] || fail "make man did not produce $page"
		grep -q '^\.TH' "$page" || fail "$page is not a man page"
	done
	if command -v groff >/dev/null; then
		local warn
		warn=$(for f in "$out"/man/*; do groff -man -Tutf8 -ww -z "$f" 2>&1; done)
		[ -z "$warn" ] || fail "groff warnings: $warn"
	fi
	rm -rf "$out"
}

# complete WORDS...: the completions for the last word.
complete_words() {
	bash -c '
		. "$0"
		COMP_WORDS=("${@}"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
		_hardrun; printf "%s\n" "${COMPREPLY[@]}"' "$COMPLETION" "$@"
}

test_completion_verbs_and_flags() {
	[ -f "$COMPLETION" ] || fail "no completions/hardrun.bash"
	assert_eq "$(complete_words hardrun ki)" "kill"
	assert_eq "$(complete_words hardrun kill --)" "--all"
	assert_eq "$(complete_words hardrun delete --f)" "--force"
	assert_contains "$(complete_words hardrun --)" "--root"
	assert_eq "$(complete_words hardrun --log-format j)" "json"
	assert_eq "$(complete_words hardrun exec --cap CAP_SYS_AD)" "CAP_SYS_ADMIN"
	# every verb of --help, and nothing else
	assert_eq "$(complete_words hardrun '' | sort | tr '\n' ' ')" "$(verbs | sort | tr '\n' ' ')"
}

test_completion_offers_every_flag() {
	local vf verb flag out missing=""
	vf=$(verb_flags)
	while read -r verb flag; do
		refused "$verb" "$flag" && continue
		case $flag in help|version|rootless|criu|systemd-cgroup|debug|log|root|log-format|policy)
			[ "$verb" = hardrun ] && continue ;; # global: checked below
		esac
		[ "$flag" = help ] && continue # every verb's; completion offers the verb's own flags
		[ "$verb" = apparmor ] && continue # subcommands, not flags
		# captured first: grep -q may exit early, and pipefail would count the SIGPIPE
		out=$(complete_words hardrun "$verb" "--$flag")
		grep -qx -- "--$flag" <<<"$out" || missing="$missing $verb:--$flag"
	done <<<"$vf"
	for flag in root log log-format debug policy; do
		out=$(complete_words hardrun "--$flag")
		grep -qx -- "--$flag" <<<"$out" || missing="$missing global:--$flag"
	done
	[ -z "$missing" ] || fail "completion does not offer:$missing"
}

# `hardrun help VERB` completes the verbs; every verb's --help is offered
test_completion_help_verb() {
	[ -f "$COMPLETION" ] || fail "no completions/hardrun.bash"
	assert_eq "$(complete_words hardrun help ex)" "exec"
	assert_eq "$(complete_words hardrun help '' | sort | tr '\n' ' ')" "$(verbs | sort | tr '\n' ' ')"
	assert_eq "$(complete_words hardrun help exec '')" ""
}

test_completion_signals_and_files() {
	assert_eq "$(complete_words hardrun kill someid SIGKI)" "SIGKILL"
	assert_contains "$(complete_words hardrun kill --all someid '' | tr '\n' ' ')" "TERM"
	mkdir -p "$TEST_TMP/docs-files/bundle-dir"
	: >"$TEST_TMP/docs-files/pidfile"
	assert_eq "$(complete_words hardrun run --bundle "$TEST_TMP/docs-files/bun")" "$TEST_TMP/docs-files/bundle-dir"
	assert_eq "$(complete_words hardrun create --pid-file "$TEST_TMP/docs-files/pid")" "$TEST_TMP/docs-files/pidfile"
	assert_eq "$(complete_words hardrun exec --process "$TEST_TMP/docs-files/pid")" "$TEST_TMP/docs-files/pidfile"
	# nothing that does not exist
	assert_eq "$(complete_words hardrun create --console-socket "$TEST_TMP/docs-files/none")" ""
	rm -rf "$TEST_TMP/docs-files"
}

test_completion_container_ids_honour_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run a container"
	local id b other
	id=$(unique_id); b=$TEST_TMP/docs-$id
	make_bundle "$b" sleep 300 || fail "make_bundle"
	hr run -d --bundle "$b" "$id" || fail "run -d failed"
	# the completion runs the hardrun named on the line, with its --root
	local got k
	got=$(complete_words "$HARDRUN" --root "$STATE_ROOT" state "${id:0:4}")
	k=$(complete_words "$HARDRUN" --root="$STATE_ROOT" kill --all "${id:0:4}")
	other=$(complete_words "$HARDRUN" --root "$TEST_TMP/docs-empty-root" state "${id:0:4}")
	hr delete -f "$id" >/dev/null 2>&1
	rm -rf "$b" "$TEST_TMP/docs-empty-root"
	grep -qx "$id" <<<"$got" || fail "state: container $id not offered (got [$got])"
	grep -qx "$id" <<<"$k" || fail "kill --all: container $id not offered (got [$k])"
	assert_not_contains "$other" "$id"
}

run_tests
