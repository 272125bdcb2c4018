# Sourced by tests/run.sh, also inside namespaces and the VM.
#
# A suite (a unit binary, an integration file) speaks TAP: a plan "1..N" and
# one "ok"/"not ok" line per test. check_suite turns that into hardrun's
# result lines and adds a failure, named after the suite, whenever the suite
# did not tell the whole truth: no plan (it crashed or never started), fewer
# or more results than planned, killed by a signal, or a failing exit status
# with no failing test. Skips stay skips ("ok - ... # SKIP reason").

# check_suite NAME RC <TAP
check_suite() {
	local name=$1 rc=$2 plan='' n=0 failed=0 line re_num='^(ok|not ok) [0-9]+ (- )?(# SKIP )?(.*)$'
	while IFS= read -r line; do
		if [[ $line =~ ^1\.\.([0-9]+) ]]; then
			plan=${BASH_REMATCH[1]}
			continue
		fi
		if [[ $line =~ $re_num ]]; then # cmocka: "ok 3 - t", "not ok 3 - t", "not ok 3 # SKIP t"
			n=$((n + 1))
			if [ -n "${BASH_REMATCH[3]}" ]; then
				line="ok - $name: ${BASH_REMATCH[4]} # SKIP skipped by the test"
			elif [ "${BASH_REMATCH[1]}" = ok ]; then
				line="ok - $name: ${BASH_REMATCH[4]}"
			else
				line="not ok - $name: ${BASH_REMATCH[4]}"
				failed=$((failed + 1))
			fi
		elif [[ $line == "ok - "* ]]; then
			n=$((n + 1))
		elif [[ $line == "not ok - "* ]]; then
			n=$((n + 1)) failed=$((failed + 1))
		fi
		echo "$line"
	done
	if [ -z "$plan" ]; then
		echo "not ok - $name: no test plan: the suite crashed or did not start (exit $rc)"
	elif [ "$n" -ne "$plan" ]; then
		echo "not ok - $name: planned $plan tests but reported $n (exit $rc)"
	elif [ "$rc" -gt 128 ]; then
		echo "not ok - $name: killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		echo "not ok - $name: exited with status $rc although no test failed"
	fi
}

# run_suite NAME CMD...: runs one suite and checks it.
run_suite() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1); rc=$?
	check_suite "$name" "$rc" <<<"$out"
}

run_integration_dir() {
	local dir=$1 f
	for f in "$dir"/*.sh; do
		[ -f "$f" ] || continue
		echo "# $f (at ${SECONDS}s)"
		run_suite "$(basename "$f" .sh)" bash "$f"
	done
}
