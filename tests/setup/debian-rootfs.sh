#!/bin/sh
# Builds (once per machine) a minimal Debian 12 root filesystem for the tests
# that need real programs (python3, gcc, coreutils, busybox), and prints its
# directory on stdout. Usage: debian-rootfs.sh [--print-key]
#
# Cached under ${XDG_CACHE_HOME:-~/.cache}/hardrun/debian-rootfs-KEY, where KEY
# hashes the suite, the package list and this script's recipe version, not the
# mirror (any Debian mirror gives the same packages). The rootfs is built in a
# temporary directory and renamed into place when complete, under a lock, so
# parallel callers wait for one build and a killed build leaves no half tree.
#
# Mirror: $HARDRUN_DEBIAN_MIRROR, else the first bookworm "debian" URI in
# /etc/apt/sources.list{,.d/*}, else http://deb.debian.org/debian.
# Exit status: 0 with the path printed; 2 when debootstrap is missing or not
# root; 3 when the mirror cannot be reached (the message says which), so
# callers can skip with a reason rather than fail.
set -eu

SUITE=bookworm
PACKAGES="python3,gcc,libc6-dev,busybox,coreutils,ca-certificates"
RECIPE=1 # bump when the way the tree is made changes

key=$(printf '%s\n%s\n%s\n%s\n' "$SUITE" "$PACKAGES" "$RECIPE" "$(uname -m)" | sha256sum | cut -c1-16)
[ "${1:-}" = "--print-key" ] && { echo "$key"; exit 0; }

cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hardrun
dest=$cache/debian-rootfs-$key
if [ -x "$dest/usr/bin/python3" ]; then echo "$dest"; exit 0; fi

if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
	echo "debian-rootfs: debootstrap is not installed (scripts/install-deps.sh all)" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "debian-rootfs: debootstrap needs root (the cache $dest is empty)" >&2
	exit 2
fi

# The mirror apt is configured with: one-line "deb URI SUITE" or deb822 "URIs:".
find_mirror() {
	[ -n "${HARDRUN_DEBIAN_MIRROR:-}" ] && { echo "$HARDRUN_DEBIAN_MIRROR"; return; }
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" && $3 ~ /^bookworm$/ { u = $2; if ($2 ~ /^\[/) u = $3; print u; exit }
		     $1 == "URIs:" && $2 ~ /\/debian\/?$/ { print $2; exit }' "$f"
	done | head -n 1 | grep . || echo http://deb.debian.org/debian
}
mirror=$(find_mirror)

mkdir -p "$cache"
exec 9>"$cache/.debian-rootfs.lock"
flock 9
if [ -x "$dest/usr/bin/python3" ]; then echo "$dest"; exit 0; fi # built while we waited

tmp=$(mktemp -d "$cache/.debian-rootfs-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
start=$(date +%s)
echo "debian-rootfs: debootstrap $SUITE from $mirror (+$PACKAGES) into $dest" >&2
/usr/sbin/debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp/root" "$mirror" \
	>"$tmp/log" 2>&1 || {
	tail -n 20 "$tmp/log" >&2
	if grep -qiE 'Failed getting release file|Couldn.t download|Temporary failure|Could not resolve|Connection' "$tmp/log"; then
		echo "debian-rootfs: mirror $mirror unreachable" >&2
		exit 3
	fi
	echo "debian-rootfs: debootstrap failed (log above)" >&2
	exit 1
}
# What the tests do not need and what makes copies slow.
rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"* \
	"$tmp/root/usr/share/doc" "$tmp/root/usr/share/man" "$tmp/root/usr/share/locale"
chmod 755 "$tmp/root"
mv "$tmp/root" "$dest"
echo "debian-rootfs: built in $(( $(date +%s) - start ))s, $(du -sh "$dest" | cut -f1)" >&2
echo "$dest"
