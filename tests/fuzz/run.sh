#!/bin/bash
# Runs each libFuzzer target (build-fuzz/fuzz_<name>, from `make fuzz`) for
# SECONDS on a scratch copy of its corpus and prints TAP: a plan, then
# "ok - fuzz: <name>" or "not ok - fuzz: <name>: <reason>" per target.
#   tests/fuzz/run.sh SECONDS [NAME...]
# A target fails on any crash, sanitizer report (ASan, LSan leak, UBSan),
# timeout, out-of-memory, or when it cannot run. Inputs are the committed
# seeds (tests/fuzz/corpus/<name>/, read-only) plus what the run finds (in a
# temporary directory, thrown away); the failing input is kept in
# $FUZZ_BUILD/artifacts/ and the whole output in $FUZZ_BUILD/logs/<name>.log.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
secs=${1:?usage: tests/fuzz/run.sh SECONDS [NAME...]}
shift
if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in tests/fuzz/fuzz_*.c; do
		n=${f#tests/fuzz/fuzz_}
		names+=("${n%.c}")
	done
fi
mkdir -p "$FUZZ_BUILD/artifacts" "$FUZZ_BUILD/logs"
# Leaks inside libseccomp itself (not hardrun's) are suppressed: see the file.
export LSAN_OPTIONS="suppressions=$TOP/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
scratch=$(mktemp -d /tmp/hardrun-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

echo "1..${#names[@]}"
failed=0
for n in "${names[@]}"; do
	bin=$FUZZ_BUILD/fuzz_$n seeds=tests/fuzz/corpus/$n log=$FUZZ_BUILD/logs/$n.log
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz: $n: $bin is not built (make fuzz)"
		failed=1
		continue
	fi
	if [ ! -d "$seeds" ]; then
		echo "not ok - fuzz: $n: no seed corpus $seeds"
		failed=1
		continue
	fi
	mkdir -p "$scratch/$n"
	dict=()
	[ -f tests/fuzz/json.dict ] && dict=(-dict=tests/fuzz/json.dict)
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: a blow-up.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/artifacts/$n-" "${dict[@]}" "$scratch/$n" "$seeds" >"$log" 2>&1
	rc=$?
	stats=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -n 1 | sed -E 's/^#([0-9]+)[[:space:]]+DONE[[:space:]]+/execs \1 /; s/[[:space:]]+/ /g')
	if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:' "$log"; then
		echo "# fuzz: $n: $stats"
		echo "ok - fuzz: $n"
	else
		why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|SUMMARY:' "$log")
		art=$(grep -m1 -oE "Test unit written to [^ ]+" "$log")
		echo "not ok - fuzz: $n: exit $rc: ${why:-no sanitizer report}${art:+ ($art)}"
		sed -n '1,200p' "$log" | grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' | head -n 12 | sed 's/^/#   /'
		failed=1
	fi
done
exit "$failed"
