#!/bin/bash
# cri-smoke.sh: hardrun behind containerd's CRI plugin, driven over CRI the
# way the kubelet drives it (tests/cri/cri.js makes each gRPC call): a pod
# sandbox with its own network namespace (CNI bridge) that the containers
# join by path, a shared pid namespace, a container with limits, ExecSync
# probes, an in-place resource update, stats, stop, remove, and nothing left.
#
#   tests/e2e/cri-smoke.sh [RUNTIME]      (default: ./hardrun)
#
# Output: "ok - cri: NAME" / "not ok - cri: NAME: reason" per check, then
# "N passed, M failed, K skipped". Exit 0 only if nothing failed.
# Environment: CRI_DIR (default /tmp/hardrun-cri, wiped), CRI_SYSTEMD=1
# (SystemdCgroup = true, pods in kubepods slices as the kubelet's systemd
# driver makes them; needs systemd as PID 1: tests/vm-systemd/cri.sh).
# Meant for a throw-away VM: it adds a CNI bridge (hrcri0) and network
# namespaces under /run/netns.
set -uo pipefail
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNTIME=${1:-$TOP/hardrun}
case $RUNTIME in /*) ;; *) RUNTIME=$PWD/$RUNTIME ;; esac
D=${CRI_DIR:-/tmp/hardrun-cri}
SYSTEMD=${CRI_SYSTEMD:-0}
case $D in /tmp/?* | /var/tmp/?* | /run/?*) ;; *) echo "CRI_DIR must be below /tmp, /var/tmp or /run (it is wiped)" >&2; exit 2 ;; esac
SOCK=$D/containerd.sock
RTROOT=$D/runtime-root
IMAGE=hardrun.test/busybox:cri
PAUSE=hardrun.test/pause:cri
POD_UID=e2ecri0001
CTRD_PID=

SMOKE=cri
. "$TOP/tests/e2e/smoke-lib.sh"
smoke_require containerd ctr containerd-shim-runc-v2 busybox node jq timeout tar sha256sum
[ -d "$TOP/tests/cri/node_modules/@grpc/grpc-js" ] || die "tests/cri/node_modules missing: run npm ci in tests/cri (scripts/install-deps.sh does)"
[ -x /usr/lib/cni/bridge ] || die "missing CNI plugins in /usr/lib/cni (Debian: containernetworking-plugins)"

# One cri.js for the whole run, fed a call per line through FIFOs (fds 7
# and 8, inherited by the checks' subshells): a node start costs seconds
# under emulation.
CRI_PID=
cri_start() {
	mkfifo "$D/cri.in" "$D/cri.out" || return 1
	node "$TOP/tests/cri/cri.js" "$SOCK" - <"$D/cri.in" >"$D/cri.out" 2>"$D/logs/cri-client.log" &
	CRI_PID=$!
	exec 7>"$D/cri.in" 8<"$D/cri.out"
}
CRI() { # METHOD [REQUEST_JSON, one line]: the response; the error on stderr
	local req=${2:-'{}'} line
	printf '%s %s\n' "$1" "$req" >&7 || return 1
	IFS= read -r -t 150 line <&8 || { echo "CRI $1: no answer from cri.js" >&2; return 1; }
	case $line in '{"cri_error":'*) echo "CRI $(jq -r .cri_error <<<"$line")" >&2; return 1 ;; esac
	printf '%s\n' "$line"
}
C() { timeout -k 5 60 ctr --address "$SOCK" --namespace k8s.io "$@"; }
if [ "$SYSTEMD" = 1 ]; then
	CG_PARENT=kubepods-besteffort-pod$POD_UID.slice
else
	CG_PARENT=/kubepods/besteffort/pod$POD_UID
fi

expect() { # WHAT GOT WANT
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}
state() { cat "$D/state.$1" 2>/dev/null; }   # ids passed between checks
save() { echo "$2" >"$D/state.$1"; }
exec_sync() { # CONTAINER_ID CMD...: stdout of the command; fails unless it exits 0
	local req out
	local a cmd=()
	for a in "${@:2}"; do cmd+=("$(jq -cn --arg a "$a" '$a')"); done
	req=$(printf '%s\n' "${cmd[@]}" | jq -cs --arg id "$1" '{container_id: $id, cmd: ., timeout: 30}')
	out=$(CRI ExecSync "$req") || return 1
	[ "$(jq -r '.exit_code // 0' <<<"$out")" = 0 ] || { echo "exec ${*:2}: exit $(jq -r .exit_code <<<"$out"): $(jq -r .stderr <<<"$out")"; return 1; }
	jq -r '.stdout // ""' <<<"$out"
}
container_pid() { CRI ContainerStatus "{\"container_id\":\"$1\",\"verbose\":true}" | jq -r '.info.info | fromjson | .pid'; }
sandbox_pid() { CRI PodSandboxStatus "{\"pod_sandbox_id\":\"$1\",\"verbose\":true}" | jq -r '.info.info | fromjson | .pid'; }
wait_container_state() { # ID STATE: up to 20 s
	local i s
	for ((i = 0; i < 100; i++)); do
		s=$(CRI ContainerStatus "{\"container_id\":\"$1\"}" | jq -r .status.state)
		[ "$s" = "$2" ] && return 0
		sleep 0.2
	done
	echo "container $1 is $s, want $2"
	return 1
}

# ---- setup / teardown --------------------------------------------------------
setup() {
	mkdir -p "$D/logs" "$D/cni" "$D/pods" "$RTROOT"
	busybox_rootfs_and_image "$D/rootfs" "$D/image.tar" "$IMAGE" "$D/oci" '["/bin/sh"]' || return 1
	busybox_rootfs_and_image "$D/rootfs" "$D/pause.tar" "$PAUSE" "$D/oci-pause" '["/bin/sleep","2147483647"]' || return 1
	cat >"$D/cni/10-hrcri.conflist" <<-EOF
	{"cniVersion": "0.4.0", "name": "hrcri", "plugins": [
	  {"type": "bridge", "bridge": "hrcri0", "isGateway": true, "ipMasq": false,
	   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.217.0.0/24"}]], "dataDir": "$D/ipam"}},
	  {"type": "loopback"}]}
	EOF
	{ containerd_config_base; cat <<-EOF; } >"$D/config.toml"
	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "$PAUSE"
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	  [plugins."io.containerd.grpc.v1.cri".containerd]
	    default_runtime_name = "hardrun"
	    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]
	      runtime_type = "io.containerd.runc.v2"
	      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun.options]
	        BinaryName = "$RUNTIME"
	        Root = "$RTROOT"
	        SystemdCgroup = $([ "$SYSTEMD" = 1 ] && echo true || echo false)
	  [plugins."io.containerd.grpc.v1.cri".cni]
	    bin_dir = "/usr/lib/cni"
	    conf_dir = "$D/cni"
	EOF
	containerd -c "$D/config.toml" >"$D/logs/containerd.log" 2>&1 &
	CTRD_PID=$!
	local i
	for ((i = 0; i < 300; i++)); do
		[ -S "$SOCK" ] && break
		kill -0 "$CTRD_PID" 2>/dev/null || { echo "containerd exited: $(tail -n3 "$D/logs/containerd.log")"; return 1; }
		sleep 0.2
	done
	cri_start || return 1
	for ((i = 0; i < 150; i++)); do
		CRI Version >/dev/null 2>&1 && break
		kill -0 "$CTRD_PID" 2>/dev/null || { echo "containerd exited: $(tail -n3 "$D/logs/containerd.log")"; return 1; }
		sleep 0.2
	done
	[ $i -lt 150 ] || { echo "containerd's CRI did not come up: $(tail -n3 "$D/logs/containerd.log")"; return 1; }
	# offline: the images are imported, as air-gapped nodes do
	C images import "$D/image.tar" >/dev/null && C images import "$D/pause.tar" >/dev/null
}
teardown() {
	local id
	if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for id in $(CRI ListPodSandbox '{}' 2>/dev/null | jq -r '.items[]?.id'); do
			CRI StopPodSandbox "{\"pod_sandbox_id\":\"$id\"}" >/dev/null 2>&1
			CRI RemovePodSandbox "{\"pod_sandbox_id\":\"$id\"}" >/dev/null 2>&1
		done
		kill "$CTRD_PID"
		wait "$CTRD_PID" 2>/dev/null
	fi
	if [ -n "$CRI_PID" ]; then
		exec 7>&- 8<&-
		kill "$CRI_PID" 2>/dev/null
		wait "$CRI_PID" 2>/dev/null
	fi
	awk -v d="$D/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	return 0
}

# ---- checks ------------------------------------------------------------------
t_version() {
	local out
	out=$(CRI Version '{}') || return 1
	expect "runtime" "$(jq -r .runtime_name <<<"$out")" containerd
}
t_run_pod() {
	local req out id
	req=$(jq -cn --arg cg "$CG_PARENT" --arg logs "$D/pods/e2e" --arg uid "$POD_UID" '{config: {
		metadata: {name: "e2e", uid: $uid, namespace: "default", attempt: 0},
		hostname: "e2e-pod", log_directory: $logs,
		linux: {cgroup_parent: $cg, security_context: {namespace_options: {network: "POD", pid: "POD", ipc: "POD"}}}}}')
	save podreq "$req"
	out=$(CRI RunPodSandbox "$req") || return 1
	id=$(jq -r .pod_sandbox_id <<<"$out")
	save pod "$id"
	out=$(CRI PodSandboxStatus "{\"pod_sandbox_id\":\"$id\"}") || return 1
	expect "sandbox state" "$(jq -r .status.state <<<"$out")" SANDBOX_READY || return 1
	# CNI gave the pod's network namespace (created and pinned by containerd,
	# joined by hardrun by path) an address from the bridge's range
	case $(jq -r .status.network.ip <<<"$out") in 10.217.0.*) ;; *) echo "pod ip: $(jq -c .status.network <<<"$out")"; return 1 ;; esac
}
t_create_start() {
	local pod req out id
	pod=$(state pod)
	[ -n "$pod" ] || { echo "no pod"; return 1; }
	req=$(jq -cn --arg pod "$pod" --arg img "$IMAGE" --argjson sc "$(state podreq)" '{pod_sandbox_id: $pod,
		config: {metadata: {name: "app", attempt: 0}, image: {image: $img},
			command: ["/bin/sh", "-c"], args: ["echo app-started; exec sleep 100000"],
			log_path: "app.log",
			linux: {resources: {cpu_period: 100000, cpu_quota: 50000, memory_limit_in_bytes: 67108864},
				security_context: {readonly_rootfs: true, no_new_privs: true,
					capabilities: {drop_capabilities: ["ALL"], add_capabilities: ["NET_BIND_SERVICE"]},
					namespace_options: {network: "POD", pid: "POD", ipc: "POD"}}}},
		sandbox_config: $sc.config}')
	out=$(CRI CreateContainer "$req") || return 1
	id=$(jq -r .container_id <<<"$out")
	save app "$id"
	CRI StartContainer "{\"container_id\":\"$id\"}" >/dev/null || return 1
	wait_container_state "$id" CONTAINER_RUNNING
}
t_namespaces_joined() {
	local app pod apid spid ns
	app=$(state app) pod=$(state pod)
	apid=$(container_pid "$app") && spid=$(sandbox_pid "$pod") || return 1
	for ns in net ipc pid uts; do
		expect "$ns namespace of the container vs the pod" "$(readlink "/proc/$apid/ns/$ns")" "$(readlink "/proc/$spid/ns/$ns")" || return 1
	done
	# the shared pid namespace: the pod's init (pause) is pid 1 for the container
	expect "pid 1 seen from the container" "$(exec_sync "$app" sh -c "tr '\\0' ' ' </proc/1/cmdline")" "/bin/sleep 2147483647 "
}
t_limits_and_hardening() {
	local app out
	app=$(state app)
	out=$(exec_sync "$app" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; grep -E "^(NoNewPrivs|CapEff):" /proc/self/status | tr -s "\t " " "; touch /rootfs-probe 2>/dev/null && echo rw || echo ro; hostname') || return 1
	echo "$out"
	expect "memory.max, cpu.max, status, root, hostname" "$(echo $out)" "67108864 50000 100000 CapEff: 0000000000000400 NoNewPrivs: 1 ro e2e-pod"
}
t_cgroup_placement() {
	local app pid cg want
	app=$(state app)
	pid=$(container_pid "$app") || return 1
	cg=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
	if [ "$SYSTEMD" = 1 ]; then
		want=/kubepods.slice/kubepods-besteffort.slice/$CG_PARENT/cri-containerd-$app.scope
	else
		want=$CG_PARENT/$app
	fi
	expect "the container's cgroup" "$cg" "$want"
}
t_exec_probes() {
	# kubelet exec probes: many ExecSyncs in a row, each must succeed
	local app i out
	app=$(state app)
	for ((i = 0; i < 25; i++)); do
		out=$(exec_sync "$app" sh -c 'echo probe-$$') || { echo "probe $i failed: $out"; return 1; }
		case $out in probe-*) ;; *) echo "probe $i: '$out'"; return 1 ;; esac
	done
}
t_update_resources() {
	local app
	app=$(state app)
	CRI UpdateContainerResources "{\"container_id\":\"$app\",\"linux\":{\"memory_limit_in_bytes\":134217728,\"cpu_period\":100000,\"cpu_quota\":150000}}" >/dev/null || return 1
	local out
	out=$(exec_sync "$app" cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max) || return 1
	expect "memory.max and cpu.max after the update" "$(echo $out)" "134217728 150000 100000"
}
t_stats() {
	local app out
	app=$(state app)
	out=$(CRI ContainerStats "{\"container_id\":\"$app\"}") || return 1
	echo "$out"
	[ "$(jq -r '.stats.memory.working_set_bytes.value // 0' <<<"$out")" -gt 0 ] || { echo "no memory working set"; return 1; }
	[ "$(jq -r '.stats.cpu.usage_core_nano_seconds.value // 0' <<<"$out")" -gt 0 ] || { echo "no cpu usage"; return 1; }
}
t_logs() {
	local app log
	app=$(state app)
	log=$(CRI ContainerStatus "{\"container_id\":\"$app\"}" | jq -r .status.log_path)
	grep -q ' stdout F app-started$' "$log" || { echo "CRI log $log: $(head -c 300 "$log")"; return 1; }
}
t_stop_remove() {
	local app pod out
	app=$(state app) pod=$(state pod)
	CRI StopContainer "{\"container_id\":\"$app\",\"timeout\":10}" >/dev/null || return 1
	out=$(CRI ContainerStatus "{\"container_id\":\"$app\"}") || return 1
	expect "state after stop" "$(jq -r .status.state <<<"$out")" CONTAINER_EXITED || return 1
	expect "exit code after SIGTERM" "$(jq -r .status.exit_code <<<"$out")" 143 || return 1
	CRI RemoveContainer "{\"container_id\":\"$app\"}" >/dev/null || return 1
	CRI StopPodSandbox "{\"pod_sandbox_id\":\"$pod\"}" >/dev/null || return 1
	CRI RemovePodSandbox "{\"pod_sandbox_id\":\"$pod\"}" >/dev/null || return 1
	expect "sandboxes left" "$(CRI ListPodSandbox '{}' | jq -r '.items | length')" 0
}
t_leftovers() {
	local left
	left=$(ls "$RTROOT/k8s.io" 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || { echo "runtime state left: $left"; return 1; }
	if [ "$SYSTEMD" = 1 ]; then
		left=$(systemctl list-units --all --no-legend --plain 'cri-containerd-*.scope' 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
		[ -z "$left" ] || { echo "scope units left: $left"; return 1; }
		left=$(find /sys/fs/cgroup/kubepods.slice -name 'cri-containerd-*' 2>/dev/null | tr '\n' ' ')
	else
		left=$(find "/sys/fs/cgroup$CG_PARENT" -mindepth 1 -type d 2>/dev/null | tr '\n' ' ')
	fi
	[ -z "$left" ] || { echo "cgroups left: $left"; return 1; }
}

# ---- main --------------------------------------------------------------------
trap 'teardown; exit 130' INT TERM
trap teardown EXIT
rm -rf "$D"
mkdir -p "$D/logs"
echo "# runtime: $RUNTIME; $(containerd --version | cut -d' ' -f3); systemd cgroups: $SYSTEMD; logs in $D/logs"
if ! setup >"$D/logs/setup.log" 2>&1; then
	echo "not ok - cri: setup: $(tail -n2 "$D/logs/setup.log" | tr '\n' ' ')"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
check version t_version
check run-pod t_run_pod
check create-start t_create_start
check namespaces-joined t_namespaces_joined
check limits-and-hardening t_limits_and_hardening
check cgroup-placement t_cgroup_placement
check exec-probes t_exec_probes
check update-resources t_update_resources
check stats t_stats
check logs t_logs
check stop-remove t_stop_remove
check leftovers t_leftovers
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
