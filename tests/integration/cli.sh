#!/bin/bash
# runc's command line, where it differs from a plain getopt reading.
. "$(dirname "$0")/../lib.sh"

test_update_options_after_the_id() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sleep 300
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	# an unlimited pids limit needs no controller, so it works on any host
	out=$(hr update "$id" --pids-limit 0 2>&1); local rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 0 "update ID --pids-limit 0: $out"
}

test_kill_signal_zero_probes() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sleep 300
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	hr kill "$id" 0 || { hr delete -f "$id"; fail "kill ID 0 of a running container"; }
	assert_eq "$(hr state "$id" | jq -r .status)" running
	hr delete -f "$id"
	hr kill "$id" 0 2>/dev/null && fail "kill ID 0 of a deleted container succeeded"
	return 0
}

test_run_keep_keeps_the_stopped_container() {
	local b=$TEST_TMP/$FUNCNAME id st; id=$(unique_id)
	make_bundle "$b" true
	hr run --keep --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run --keep"
	st=$(hr state "$id" 2>&1 | jq -r .status 2>/dev/null)
	hr delete "$id" >/dev/null 2>&1
	assert_eq "$st" stopped
	hr create --keep --bundle "$b" "$id" </dev/null >/dev/null 2>&1 && { hr delete -f "$id"; fail "create --keep accepted"; }
	return 0
}

# list as runc prints it: sorted by id, OWNER filled; a bad format is an error
test_list_sorted_with_owner() {
	local b=$TEST_TMP/$FUNCNAME base root=$TEST_TMP/$FUNCNAME.root out ids; base=$(unique_id)
	make_bundle "$b" sleep 300
	for s in z a m; do
		"$HARDRUN" --root "$root" create --bundle "$b" "$base-$s" </dev/null >/dev/null 2>&1 || fail "create $s"
	done
	ids=$("$HARDRUN" --root "$root" list -q | tr '\n' ' ')
	out=$("$HARDRUN" --root "$root" list)
	"$HARDRUN" --root "$root" list -f xml >/dev/null 2>&1; local rc=$?
	for s in z a m; do "$HARDRUN" --root "$root" delete -f "$base-$s"; done
	assert_eq "$ids" "$base-a $base-m $base-z "
	assert_eq "$(echo "$out" | awk 'NR == 2 { print $NF }')" root
	assert_eq "$rc" 1 "list -f xml"
}

# copies_of ROOT TEMPLATE-ID FROM TO: containers TEMPLATE-ID-c<n> (n from FROM
# to TO-1) in ROOT, copies of the stopped container TEMPLATE-ID's state
# (its marker, record and state.json, the id changed), made without a fork
# per container so that a thousand take a moment.
copies_of() {
	local root=$1 tpl=$2 from=$3 to=$4 marker record state i dirs=()
	IFS= read -r -d '' marker <"$root/$tpl/.hardrun-container" || true
	IFS= read -r -d '' record <"$root/$tpl/.hardrun-record" || true
	IFS= read -r -d '' state <"$root/$tpl/state.json" || true
	for ((i = from; i < to; i++)); do dirs+=("$root/$tpl-c$(printf %04d "$i")"); done
	mkdir "${dirs[@]}" || return 1
	for d in "${dirs[@]}"; do
		printf '%s' "$marker" >"$d/.hardrun-container"
		printf '%s' "$record" >"$d/.hardrun-record"
		printf '%s' "${state//\"id\":\"$tpl\"/\"id\":\"${d##*/}\"}" >"$d/state.json"
	done
}

# list_peak_kib ROOT: the smallest of three peak RSS of `list -f json`
list_peak_kib() {
	local k best=
	for k in 1 2 3; do
		"$HELPERS/maxrss" "$TEST_TMP/maxrss" "$HARDRUN" --root "$1" list -f json >"$TEST_TMP/list.json" || return 1
		k=$(<"$TEST_TMP/maxrss")
		[ -z "$best" ] || [ "$k" -lt "$best" ] && best=$k
	done
	echo "$best"
}

# issue 16: list hands rows out as it reads them, so its peak memory does
# not grow with the number of containers (it built the whole list as JSON
# text and parsed it again: about 2 MB more with 1,000 containers than 10).
# The JSON stays runc's one compact array, sorted by id.
test_list_memory_does_not_grow_with_containers() {
	local b=$TEST_TMP/$FUNCNAME root=$TEST_TMP/$FUNCNAME.root tpl small large ids; tpl=$(unique_id)
	make_bundle "$b" true
	"$HARDRUN" --root "$root" run --keep --bundle "$b" "$tpl" </dev/null >/dev/null 2>&1 || fail "run --keep"
	copies_of "$root" "$tpl" 0 9 || fail "copies"
	small=$(list_peak_kib "$root") || fail "list with 10"
	assert_eq "$(jq length "$TEST_TMP/list.json")" 10
	copies_of "$root" "$tpl" 9 999 || fail "copies"
	large=$(list_peak_kib "$root") || fail "list with 1000"
	ids=$(jq -r '.[].id' "$TEST_TMP/list.json")
	"$HARDRUN" --root "$root" delete "$tpl" >/dev/null 2>&1
	rm -rf "$root"
	assert_eq "$(echo "$ids" | wc -l)" 1000
	assert_eq "$ids" "$(echo "$ids" | LC_ALL=C sort)" "list -f json sorted by id"
	assert_eq "$(jq -c . "$TEST_TMP/list.json")" "$(cat "$TEST_TMP/list.json")" "list -f json compact"
	echo "# list peak RSS: $small KiB with 10 containers, $large KiB with 1000" >&2
	[ $((large - small)) -le 512 ] || fail "list's peak RSS grew $((large - small)) KiB from 10 to 1000 containers ($small -> $large)"
}

# The verbs `hardrun --help` lists.
cli_verbs() {
	"$HARDRUN" --help | awk '/^commands:/ { on = 1; next } on && NF { print $1 }'
}

# every verb answers --help, -h and `hardrun help VERB`: usage, options, exit 0, on stdout
test_every_verb_answers_help() {
	local v out rc n=0 bad=""
	for v in $(cli_verbs); do
		n=$((n + 1))
		out=$("$HARDRUN" "$v" --help 2>/dev/null); rc=$?
		[ "$rc" -eq 0 ] || { bad="$bad $v:--help-rc=$rc"; continue; }
		grep -q "^Usage: hardrun $v" <<<"$out" || bad="$bad $v:no-usage"
		grep -q -- "--help" <<<"$out" || bad="$bad $v:no-options"
		[ "$("$HARDRUN" "$v" -h 2>/dev/null)" = "$out" ] || bad="$bad $v:-h-differs"
		[ "$("$HARDRUN" help "$v" 2>/dev/null)" = "$out" ] || bad="$bad $v:help-VERB-differs"
	done
	[ "$n" -ge 16 ] || fail "hardrun --help lists only $n verbs"
	[ -z "$bad" ] || fail "verbs not answering help:$bad"
}

test_run_help_lists_its_options() {
	local out rc
	out=$("$HARDRUN" run --help 2>&1); rc=$?
	assert_eq "$rc" 0 "run --help: $out"
	for flag in --bundle --detach --pid-file --console-socket --preserve-fds --keep --no-pivot; do
		assert_contains "$out" "$flag"
	done
	assert_contains "$out" "-b, --bundle"
}

test_help_exec_and_help() {
	local out rc
	out=$("$HARDRUN" help exec); rc=$?
	assert_eq "$rc" 0 "help exec"
	assert_contains "$out" "Usage: hardrun exec"
	assert_contains "$out" "--cap"
	assert_contains "$out" "--tty"
	out=$("$HARDRUN" help); rc=$?
	assert_eq "$rc" 0 "help"
	assert_contains "$out" "commands:"
	assert_contains "$out" "--root"
	"$HARDRUN" help no-such-verb >/dev/null 2>&1 && fail "help of an unknown verb succeeded"
	return 0
}

# an enum value that is not allowed names the option and the allowed values
test_bad_enum_value_names_option_and_choices() {
	local out
	out=$("$HARDRUN" --root "$TEST_TMP/$FUNCNAME.root" list -f xml 2>&1) && fail "list -f xml succeeded: $out"
	assert_contains "$out" "--format"
	assert_contains "$out" "xml"
	assert_contains "$out" "table"
	assert_contains "$out" "json"
	out=$("$HARDRUN" --root "$TEST_TMP/$FUNCNAME.root" list --format=xml 2>&1) && fail "list --format=xml succeeded"
	assert_contains "$out" "--format"
	out=$("$HARDRUN" ps --format yaml someid 2>&1) && fail "ps --format yaml succeeded"
	assert_contains "$out" "--format"
	assert_contains "$out" "table"
	out=$("$HARDRUN" --log-format xml list 2>&1) && fail "--log-format xml succeeded"
	assert_contains "$out" "--log-format"
	assert_contains "$out" "text"
	return 0
}

# unknown options are errors naming the option, for every verb
test_unknown_option_is_named() {
	local v out bad=""
	for v in $(cli_verbs); do
		out=$("$HARDRUN" --root "$TEST_TMP/$FUNCNAME.root" "$v" --no-such-flag x 2>&1) && bad="$bad $v:accepted"
		case $out in *--no-such-flag*) ;; *) bad="$bad $v:[$out]" ;; esac
	done
	out=$("$HARDRUN" --no-such-global list 2>&1) && bad="$bad global:accepted"
	case $out in *--no-such-global*) ;; *) bad="$bad global:[$out]" ;; esac
	out=$("$HARDRUN" --root "$TEST_TMP/$FUNCNAME.root" list -z 2>&1) && bad="$bad list-z:accepted"
	case $out in *-z*) ;; *) bad="$bad list-z:[$out]" ;; esac
	[ -z "$bad" ] || fail "unknown options:$bad"
}

# runc's forms: --opt=value, --opt value, combined short flags, a missing value
test_option_forms() {
	local root=$TEST_TMP/$FUNCNAME.root out
	out=$("$HARDRUN" --root="$root" list --format=json 2>&1) || fail "--root= / --format=: $out"
	assert_eq "$out" null
	out=$("$HARDRUN" --root "$root" list -qf json 2>&1) || fail "list -qf json: $out"
	assert_eq "$out" null
	out=$("$HARDRUN" --root "$root" list --format 2>&1) && fail "list --format without a value succeeded"
	assert_contains "$out" "--format"
	return 0
}

run_tests
