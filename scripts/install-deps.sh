#!/bin/sh
# Installs every Debian package hardrun's build, tests, VM runner and demo need.
# Idempotent: quiet and fast when everything is already present.
set -eu

BUILD="build-essential pkg-config libjansson-dev libseccomp-dev libcap-ng-dev libapparmor-dev libsystemd-dev libcmocka-dev"
DOCS="scdoc"
# umoci and skopeo: tests/integration/images.sh (docs/images.md)
TEST="busybox-static jq util-linux procps iproute2 python3 strace debootstrap umoci skopeo"
VM="qemu-system-x86 linux-image-amd64 cpio apparmor xz-utils systemd dbus"
E2E="containerd podman runc crun curl containernetworking-plugins nodejs"
# scripts/bench.sh and bench-scale.sh compare against these
BENCH="bubblewrap crun runc jq busybox-static python3"
# make fuzz: clang and its libFuzzer/ASan/UBSan runtimes (clang-14 on Debian 12)
FUZZ="clang libclang-rt-14-dev"

want="$BUILD $TEST"
case "${1:-all}" in
  build) want="$BUILD $DOCS" ;;
  demo) want="$BUILD busybox-static" ;;
  bench) want="$BUILD $BENCH" ;;
  all) want="$BUILD $DOCS $TEST $VM $E2E $FUZZ $BENCH" ;;
  *) echo "usage: $0 [build|demo|bench|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# npm: Debian's package where the node in use came without one
case $want in *nodejs*) command -v npm >/dev/null 2>&1 || missing="$missing npm" ;; esac

# the CRI test client's gRPC modules (tests/cri), from the npm registry
cri_client() {
  case $want in *nodejs*) ;; *) return 0 ;; esac
  cri=$(dirname "$0")/../tests/cri
  [ -d "$cri/node_modules/@grpc/grpc-js" ] && return 0
  echo "install-deps: npm ci in tests/cri" >&2
  (cd "$cri" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
if [ -z "$missing" ]; then
  cri_client
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing:$missing" >&2
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
cri_client
