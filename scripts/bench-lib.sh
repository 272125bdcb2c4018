# shellcheck shell=bash
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

# bench_bundles W HARDRUN TOP: W/rootfs (busybox, owned by 100000) and one
# bundle per scenario, W/{plain,hardened,hardened-containerd,exec}, all
# running /bin/true (exec: /bin/sleep) from that rootfs. See bench.sh.
bench_bundles() {
	local W=$1 common userns
	bench_rootfs "$W/rootfs" 100000
	(cd "$W" && "$2" spec --minimal && mv config.json spec.json)
	common='.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]
		| .root.path = $rootfs'
	userns='.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	_bundle() { # NAME JQ-FILTER
		mkdir -p "$W/$1"
		jq --arg rootfs "$W/rootfs" --slurpfile cd "$3/tests/data/containerd-1.6/seccomp-default.config.json" \
			"$common | $2" "$W/spec.json" >"$W/$1/config.json"
	}
	_bundle plain 'del(.linux.seccomp) | .root.readonly = false' "$3"
	_bundle hardened "$userns" "$3"
	_bundle hardened-containerd "$userns | .linux.seccomp = \$cd[0].linux.seccomp" "$3"
	_bundle exec "$userns | .process.args = [\"/bin/sleep\", \"1000000\"]" "$3"
}
