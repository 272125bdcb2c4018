# What the end-to-end smoke scripts (containerd-smoke.sh, cri-smoke.sh)
# share. Sourced after they set SMOKE (the name in their output lines),
# RUNTIME, D (their scratch dir, with logs/) and SMOKE_SKIP (" name name ").

PASSED=0 FAILED=0 SKIPPED=0

die() { echo "$SMOKE-smoke: $*" >&2; exit 2; }
# smoke_require TOOL...: root, an executable $RUNTIME and the tools, or exit 2
smoke_require() {
	local t
	[ "$(id -u)" = 0 ] || die "must run as root"
	[ -x "$RUNTIME" ] || die "runtime $RUNTIME is not executable"
	for t in "$@"; do
		command -v "$t" >/dev/null || die "missing tool: $t"
	done
}

# check NAME FUNCTION: runs a check, which prints its reason last and
# returns non-zero (77: skipped); one TAP-like line per check.
check() {
	local name=$1 out rc
	if [[ ${SMOKE_SKIP:-} == *" $name "* ]]; then
		SKIPPED=$((SKIPPED + 1))
		echo "ok - $SMOKE: $name # SKIP skipped by request"
		return
	fi
	out=$("$2" 2>&1)
	rc=$?
	{ echo "=== $name (rc=$rc)"; echo "$out"; } >>"$D/logs/checks.log"
	if [ $rc -eq 0 ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $SMOKE: $name"
	elif [ $rc -eq 77 ]; then
		SKIPPED=$((SKIPPED + 1))
		echo "ok - $SMOKE: $name # SKIP $(echo "$out" | tail -n1)"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $SMOKE: $name: $(echo "$out" | grep -v '^$' | tail -n2 | tr '\n' ' ' | cut -c1-400)"
	fi
}

# busybox_rootfs_and_image ROOTFS TAR NAME WORKDIR CMD_JSON: a busybox rootfs
# in ROOTFS (made if missing), and the same as a one-layer OCI image archive
# TAR whose reference is NAME and whose Cmd is CMD_JSON (a JSON array).
# WORKDIR holds the image layout while it is built.
busybox_rootfs_and_image() {
	local root=$1 tar=$2 name=$3 L=$4 cmd=$5 a ld ls cd cs md ms
	if [ ! -x "$root/bin/busybox" ]; then
		mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc,root,run}
		cp "$(command -v busybox)" "$root/bin/busybox"
		for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
		chmod 1777 "$root/tmp"
	fi
	mkdir -p "$L/blobs/sha256"
	_bb_blob() { # FILE -> moves it into blobs/, prints "digest size"
		local h s
		h=$(sha256sum "$1" | cut -d' ' -f1) s=$(stat -c %s "$1")
		mv "$1" "$L/blobs/sha256/$h"
		echo "$h $s"
	}
	tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$L/layer" .
	read -r ld ls < <(_bb_blob "$L/layer")
	printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$cmd" "$ld" >"$L/cfg"
	read -r cd cs < <(_bb_blob "$L/cfg")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' "$cd" "$cs" "$ld" "$ls" >"$L/man"
	read -r md ms < <(_bb_blob "$L/man")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' "$md" "$ms" "$name" >"$L/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
	tar -C "$L" -cf "$tar" oci-layout index.json blobs
}

# containerd_config_base [PLUGIN...]: the start of a private containerd's
# config.toml (everything under $D, the socket at $SOCK) with PLUGIN...
# disabled besides the snapshotters and tracing these tests never use. The
# v1 runtime plugin stays: 1.6's tasks service needs it.
containerd_config_base() {
	local off='"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"'
	local i
	for ((i = $#; i >= 1; i--)); do off="\"${!i}\", $off"; done
	cat <<-EOF
	version = 2
	root = "$D/root"
	state = "$D/state"
	disabled_plugins = [$off]
	[grpc]
	  address = "$SOCK"
	[ttrpc]
	  address = "$SOCK.ttrpc"
	[plugins."io.containerd.runtime.v1.linux"]
	  runtime_root = "$D/v1-root"
	EOF
}
