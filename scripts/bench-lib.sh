# bench-lib.sh: what scripts/bench.sh and scripts/bench-scale.sh share.
# Sourced, not run.

# bench_rootfs DIR UID: a busybox root filesystem owned by UID (the host id
# container root maps to in a user namespace), with the links the
# benchmarks run: true, sh, sleep.
bench_rootfs() {
	mkdir -p "$1"/{bin,proc,sys,dev,tmp,etc}
	cp "$(command -v busybox)" "$1/bin/busybox"
	for l in true sh sleep; do ln -sf busybox "$1/bin/$l"; done
	chown -R "$2:$2" "$1"
}

# bench_machine: one line naming what the numbers were measured on.
bench_machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	printf '%s, %s cores, Linux %s' "${cpu:-unknown CPU}" "$(nproc)" "$(uname -r)"
}

# bench_rusage TOP OUT: compile the rusage helper (scripts/bench-rusage.c).
bench_rusage() {
	cc -O2 -Wall -Wextra -Werror -o "$2" "$1/scripts/bench-rusage.c"
}
