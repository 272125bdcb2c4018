# The how-to pages (docs/podman.md, docs/containerd.md) run as written.
# Sourced after lib.sh by tests/integration/docs_howto.sh (this host) and
# tests/vm/docs_howto.sh (the VM), which set HOWTO_WHERE (host or vm) and
# call howto_tests FILE... before run_tests.
#
# The convention in the markdown: every fenced block is preceded by an HTML
# comment (invisible on the rendered page) saying what the test does with it:
#   <!-- test: host vm -->          a sh block run with bash -e -o pipefail
#                                   where named (host, vm or both); it
#                                   fails when any command in it fails
#   <!-- test: host fails -->       a sh block that must fail (a refusal the
#                                   page documents)
#   <!-- test: host vm file PATH --> a config block written to PATH (its
#                                   directory made if missing)
#   <!-- test: host vm append PATH --> a config block appended to PATH
#   <!-- test: output -->           a text block: each of its lines must be
#                                   in the output of the block run before it
#   <!-- test: skip REASON -->      not run (REASON says why: a registry, a
#                                   Kubernetes cluster)
# and what a reader does between blocks that is not a command on the page
# (restarting a daemon, pulling an image) is an HTML comment of its own:
#   <!-- test-setup: containerd -->  start containerd with its default config
#                                   (/etc/containerd/config.toml), as
#                                   `systemctl restart containerd` would
#   <!-- test-setup: image NAME --> busybox as image NAME in podman's store
#                                   and, once containerd runs, in containerd's
#                                   (offline: stands in for `pull`)
# A block without a marker fails the test: nothing on the page goes untested
# by accident.
#
# Every command runs as written: the test runs in a private mount namespace
# where the paths the pages name are private copies: /usr/local/bin/hardrun
# is the hardrun under test, /etc/containers starts as a copy of the host's
# and /etc/containerd empty, /var/lib,
# /var/cache, /var/tmp, /opt and /run are empty tmpfs (podman's and containerd's
# default stores, podman's short-name cache, containerd's /opt/containerd,
# the sockets), /srv/busybox-root is a busybox tree. Blocks of one page run in
# page order and share that state, as a reader following the page does.

if [ -z "${HOWTO_IN_NS:-}" ]; then
	HOWTO_IN_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi

HOWTO_DIR=$TEST_TMP/howto
HOWTO_STATE=$HOWTO_DIR/state # survives the subshell each test runs in

# The private tree over the paths the pages name. Once per file.
howto_mounts() {
	local d=$HOWTO_DIR/mnt
	rm -rf "$HOWTO_DIR"
	mkdir -p "$d"/{usr-local-bin,srv,etc-containers,etc-containerd} "$HOWTO_STATE"
	ln -s "$HARDRUN" "$d/usr-local-bin/hardrun"
	cp -a "$(rootfs_template)" "$d/srv/busybox-root"
	cp -a /etc/containers/. "$d/etc-containers/"
	mount --bind "$d/usr-local-bin" /usr/local/bin &&
		mount --bind "$d/srv" /srv &&
		mount --bind "$d/etc-containers" /etc/containers &&
		mount --bind "$d/etc-containerd" /etc/containerd &&
		mount -t tmpfs -o mode=0755 tmpfs /var/lib &&
		mount -t tmpfs -o mode=0755 tmpfs /var/cache &&
		mount -t tmpfs -o mode=0755 tmpfs /opt &&
		mount -t tmpfs -o mode=1777 tmpfs /var/tmp &&
		mount -t tmpfs -o mode=0755 tmpfs /run &&
		mkdir -p /var/lib/containers /var/lib/containerd /run/containerd ||
		{ echo "not ok - $_file: cannot set up the private mounts"; exit 1; }
}

# howto_blocks FILE: one line per fenced block, "LINE<TAB>MARKER<TAB>LANG",
# MARKER being the HTML comment on the line before the fence ("" if none);
# the block's text goes to $HOWTO_DIR/blocks/BASENAME.LINE.
howto_blocks() {
	local f=$1 base
	base=$(basename "$f" .md)
	mkdir -p "$HOWTO_DIR/blocks"
	awk -v out="$HOWTO_DIR/blocks/$base" '
		!inb && /^```/ {
			inb = 1; start = NR; lang = substr($0, 4)
			m = (prev ~ /^<!-- test: .* -->$/) ? prev : ""
			sub(/^<!-- test: /, "", m); sub(/ -->$/, "", m)
			printf "%d\t%s\t%s\n", NR, m, lang
			file = out "." NR; printf "" > file
			next
		}
		inb && /^```/ { inb = 0; close(file); prev = ""; next }
		inb { print > file; next }
		{ prev = $0 }' "$f"
}

# The setups a page names, in order, "LINE<TAB>WHAT".
howto_setups() {
	awk '/^<!-- test-setup: .* -->$/ { s = $0; sub(/^<!-- test-setup: /, "", s); sub(/ -->$/, "", s); printf "%d\t%s\n", NR, s }' "$1"
}

# howto_tests FILE...: defines one test per block (and per setup) to run
# here, named after the page and line so they run in page order.
howto_tests() {
	local f base line marker lang n=0 what fn
	howto_mounts
	for f in "$@"; do
		f=${f#"$TOP"/} # docs/NAME.md in messages; tests run in $TEST_TMP
		base=$(basename "$f" .md)
		howto_blocks "$TOP/$f" >"$HOWTO_DIR/blocks.$base"
		# the names carry only the line: a marker's text never reaches eval
		while IFS=$'\t' read -r line _; do
			fn=$(printf 'test_%s_md_%04d' "${base//-/_}" "$line")
			n=$((n + 1))
			eval "$fn() { howto_block $f $line; }"
		done <"$HOWTO_DIR/blocks.$base"
		[ "$n" -gt 0 ] || { echo "not ok - $_file: no fenced blocks in $f"; exit 1; }
		while IFS=$'\t' read -r line _; do
			fn=$(printf 'test_%s_md_%04d_setup' "${base//-/_}" "$line")
			eval "$fn() { howto_setup $f $line; }"
		done < <(howto_setups "$TOP/$f")
		fn=$(printf 'test_%s_md_9999_teardown' "${base//-/_}")
		eval "$fn() { howto_teardown; }"
	done
}

# howto_block FILE LINE: the block at LINE of FILE (docs/NAME.md)
howto_block() {
	local f=$1 line=$2 marker lang body w here=no fails=no mode='' path='' out rc
	# \037, not a tab: read would fold an empty marker's two tabs into one
	IFS=$'\037' read -r marker lang < <(awk -F'\t' -v l="$line" '$1 == l { print $2 "\037" $3 }' \
		"$HOWTO_DIR/blocks.$(basename "$f" .md)")
	body=$HOWTO_DIR/blocks/$(basename "$f" .md).$line
	[ -n "$marker" ] || fail "$f:$line: fenced block without a <!-- test: ... --> marker"
	case $marker in
	skip\ *) skip "$f:$line: ${marker#skip }" ;;
	output)
		[ -f "$HOWTO_STATE/last.out" ] || skip "$f:$line: the block before it did not run here"
		while IFS= read -r w; do
			[ -n "$w" ] || continue
			grep -qF -- "$w" "$HOWTO_STATE/last.out" ||
				fail "$f:$line: [$w] is not in the output of $(cat "$HOWTO_STATE/last.name"): $(cat "$HOWTO_STATE/last.out")"
		done <"$body"
		return 0 ;;
	esac
	rm -f "$HOWTO_STATE/last.out"
	set -- $marker
	while [ $# -gt 0 ]; do
		case $1 in
		host | vm) [ "$1" = "$HOWTO_WHERE" ] && here=yes ;;
		fails) fails=yes ;;
		file | append) mode=$1 path=${2:?}; shift ;;
		*) fail "$f:$line: unknown word [$1] in the marker [$marker]" ;;
		esac
		shift
	done
	[ $here = yes ] || skip "$f:$line: not for the $HOWTO_WHERE"
	if [ -n "$mode" ]; then
		mkdir -p "$(dirname "$path")"
		[ "$mode" = file ] && : >"$path"
		cat "$body" >>"$path" || fail "$f:$line: cannot write $path"
		return 0
	fi
	[ "$lang" = sh ] || fail "$f:$line: a run marker on a [$lang] block, not sh"
	echo "$f:$line" >"$HOWTO_STATE/last.name"
	out=$(cd "$HOWTO_DIR" && timeout -k 5 "${HOWTO_TIMEOUT:-120}" bash -e -o pipefail "$body" 2>&1)
	rc=$?
	echo "$out" >"$HOWTO_STATE/last.out"
	echo "$out"
	if [ $fails = yes ]; then
		[ $rc -ne 0 ] || fail "$f:$line: the block succeeded; the page says it fails"
	else
		[ $rc -eq 0 ] || fail "$f:$line: exit $rc: $(tail -n 5 <<<"$out")"
	fi
}

howto_setup() {
	local f=$1 line=$2 what
	what=$(howto_setups "$TOP/$f" | awk -F'\t' -v l="$line" '$1 == l { print $2 }')
	case $what in
	containerd) howto_start_containerd || fail "$f:$line: containerd did not start: $(tail -n 5 "$HOWTO_DIR/containerd.log")" ;;
	image\ *) howto_image "${what#image }" || fail "$f:$line: cannot make image ${what#image }" ;;
	*) fail "$f:$line: unknown setup [$what]" ;;
	esac
}

howto_start_containerd() {
	local i
	setsid containerd >"$HOWTO_DIR/containerd.log" 2>&1 </dev/null &
	echo $! >"$HOWTO_STATE/containerd.pid"
	for i in $(seq 1 300); do
		[ -S /run/containerd/containerd.sock ] && timeout 10 ctr version >/dev/null 2>&1 && break
		kill -0 "$(cat "$HOWTO_STATE/containerd.pid")" 2>/dev/null || return 1
		sleep 0.2
	done
	timeout 10 ctr version >/dev/null 2>&1 || return 1
	# an image named before containerd ran
	[ ! -f "$HOWTO_STATE/image.tar" ] || timeout 60 ctr images import "$HOWTO_STATE/image.tar" >/dev/null
}

# busybox as image NAME: into podman's store (podman import), and as a
# docker-archive for containerd (now if it runs, else when it starts).
howto_image() {
	local name=$1
	command -v podman >/dev/null || return 0
	tar -C "$(rootfs_template)" -c . | timeout 120 podman import --change CMD=/bin/sh - "$name" >/dev/null || return 1
	rm -f "$HOWTO_STATE/image.tar"
	timeout 120 podman save --format docker-archive -o "$HOWTO_STATE/image.tar" "$name" >/dev/null || return 1
	if [ -S /run/containerd/containerd.sock ]; then
		timeout 60 ctr images import "$HOWTO_STATE/image.tar" >/dev/null || return 1
	fi
}

# What the pages started: containerd (by the pid we saved), its shims (by
# their socket, in this mount namespace), podman's containers; then the
# cgroups they left.
howto_teardown() {
	local pid p me left=''
	if [ -S /run/containerd/containerd.sock ]; then
		for p in $(timeout 10 ctr task ls -q 2>/dev/null); do timeout 10 ctr task delete -f "$p" >/dev/null 2>&1; done
		for p in $(timeout 10 ctr container ls -q 2>/dev/null); do timeout 10 ctr container delete "$p" >/dev/null 2>&1; done
	fi
	pid=$(cat "$HOWTO_STATE/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		timeout 10 tail --pid="$pid" -f /dev/null
	fi
	rm -f "$HOWTO_STATE/containerd.pid"
	me=$(readlink /proc/self/ns/mnt)
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$me" ] || continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q '^[^ ]*containerd-shim[^ ]* .*-address /run/containerd/containerd.sock ' &&
			{ left="$left shim:${p#/proc/}"; kill -KILL "${p#/proc/}"; }
	done
	if command -v podman >/dev/null; then
		p=$(timeout 60 podman ps -aq 2>/dev/null)
		[ -z "$p" ] || { left="$left podman:$p"; timeout 60 podman rm -af -t 0 >/dev/null 2>&1; }
	fi
	for p in /sys/fs/cgroup/default /sys/fs/cgroup/k8s.io /sys/fs/cgroup/libpod_parent; do
		[ -d "$p" ] && find "$p" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	[ -z "$left" ] || fail "left running after the page's commands:$left"
}
