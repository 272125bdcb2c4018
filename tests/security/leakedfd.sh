#!/bin/bash
# CVE-2024-21626: a working directory of /proc/self/fd/N where N is a
# directory fd the runtime left open (cgroup, state dir...) puts the
# workload outside its root; `cd ..` then walks the host. The attack looks
# for, and tries to write next to, a marker in the test's scratch dir.
. "$(dirname "$0")/../lib.sh"

SCRATCH=$TEST_TMP/leakedfd.$$
mkdir -p "$SCRATCH/host"
trap 'rm -rf "$SCRATCH"' EXIT
echo marker >"$SCRATCH/host/marker"

# From wherever the cwd is, climb to the real root and look for the marker
# (one line: make_bundle takes one argument per line).
ATTACK='for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cd .. 2>/dev/null; done; rel=.'"$SCRATCH"'/host; if [ -e "$rel/marker" ]; then echo ESCAPED; echo pwned >"$rel/written"; fi; pwd'

assert_host_untouched() {
	[ ! -e "$SCRATCH/host/written" ] || fail "the workload wrote into the host scratch dir"
	assert_not_contains "$1" ESCAPED
}

test_create_cwd_proc_self_fd_stays_inside() {
	local b=$SCRATCH/create id out n
	make_bundle "$b" sh -c "$ATTACK"
	for n in $(seq 3 15); do
		id=$(unique_id)
		cfg "$b" ".process.cwd = \"/proc/self/fd/$n\""
		out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
		hr delete -f "$id" >/dev/null 2>&1
		assert_host_untouched "$out"
	done
}

test_exec_cwd_proc_self_fd_stays_inside() {
	local b=$SCRATCH/exec id out n; id=$(unique_id)
	make_bundle "$b" sleep 300
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	for n in $(seq 3 15); do
		out=$(hr exec --cwd "/proc/self/fd/$n" "$id" sh -c "$ATTACK" 2>&1 </dev/null)
		assert_host_untouched "$out"
	done
	hr delete -f "$id"
}

# A directory fd the caller hands over on purpose (--preserve-fds) is the
# workload's to use, but it is never followed as the cwd: cwd resolution
# refuses magic links, and the kernel's view of the cwd is checked after.
test_preserved_host_dir_fd_is_not_a_cwd() {
	local b=$SCRATCH/preserved id out; id=$(unique_id)
	make_bundle "$b" sh -c "$ATTACK"
	cfg "$b" '.process.cwd = "/proc/self/fd/3"'
	out=$(hr run --preserve-fds 1 --bundle "$b" "$id" 2>&1 </dev/null 3<"$SCRATCH/host")
	hr delete -f "$id" >/dev/null 2>&1
	assert_host_untouched "$out"
	assert_contains "$out" "/proc/self/fd/3"
}

# The check after chdir: a cwd the container can reach is accepted, and an
# error names the cwd when it cannot be entered.
test_cwd_error_names_the_directory() {
	local b=$SCRATCH/named id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.process.cwd = "/proc/self/fd/9"'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null); local rc=$?
	hr delete -f "$id" >/dev/null 2>&1
	[ "$rc" -ne 0 ] || fail "run with cwd on a closed fd succeeded"
	assert_contains "$out" "/proc/self/fd/9"
}

run_tests
