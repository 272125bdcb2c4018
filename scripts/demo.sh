#!/bin/sh
# Builds a demo bundle from Debian's busybox-static and runs a hardened
# container in it that shows what it sees: its user (remapped), hostname,
# mounts, a read-only root, no capabilities, no_new_privs and seccomp.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
HARDRUN=${HARDRUN:-$top/hardrun}
demo=${DEMO_DIR:-$top/demo}
bundle=$demo/bundle
rootfs=$bundle/rootfs

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "demo: /bin/busybox missing: sh scripts/install-deps.sh demo" >&2; exit 1; }

rm -rf "$bundle"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
chroot "$rootfs" /bin/busybox --install -s /bin
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
# no chown: `hardrun spec` maps container root to host uid 100000 and
# idmaps the rootfs, so root's files here are container root's inside
(cd "$bundle" && "$HARDRUN" spec)
cat >"$bundle/show.sh" <<'SHOW'
echo "== who am I";        id
echo "== uid_map";         cat /proc/self/uid_map
echo "== hostname";        hostname
echo "== mounts";          awk '{print $2, $3, $4}' /proc/self/mounts | cut -c1-90
echo "== capabilities";    grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
echo "== no_new_privs";    grep NoNewPrivs /proc/self/status
echo "== seccomp";         grep -E '^Seccomp:' /proc/self/status
echo "== write to /";      touch /hello 2>&1 || true
echo "== unshare (denied by seccomp)"; unshare -U true 2>&1 || true
SHOW
cp "$bundle/show.sh" "$rootfs/show.sh"
# the hardening is `hardrun spec`'s own; only what to run changes (no
# terminal: the demo runs from scripts too)
tmp=$bundle/config.json.tmp
sed -e 's|"terminal": true|"terminal": false|' \
    -e '/"args": \[/,/\]/{s|"sh"$|"sh", "/show.sh"|}' \
    "$bundle/config.json" >"$tmp" && mv "$tmp" "$bundle/config.json"
echo "demo: bundle at $bundle (config.json from 'hardrun spec', unchanged but for what to run)"
cd "$bundle"
exec "$HARDRUN" --root "$demo/state" run "demo-$$"
