# Shared by the `profile learn`/`profile check` tests (issue 14); sourced
# after lib.sh.

# wait_for WHAT SECONDS CMD...: polls CMD every 0.1 s until it succeeds;
# fails the test naming WHAT when it never does.
wait_for() {
	local what=$1 limit=$(( $2 * 10 )) i=0
	shift 2
	until "$@"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "timed out waiting for: $what"
		sleep 0.1
	done
}

# allowed_names PROFILE: " name1 name2 ... " of every SCMP_ACT_ALLOW rule.
allowed_names() {
	echo " $(jq -r '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | unique | join(" ")' "$1") "
}

# with_profile BUNDLE PROFILE: the profile becomes the bundle's linux.seccomp.
with_profile() {
	local f=$1/config.json
	jq --slurpfile p "$2" '.linux.seccomp = $p[0]' "$f" >"$f.new" && mv "$f.new" "$f"
}

# The Debian rootfs (python3, gcc, coreutils) in DEB, built once per machine
# and cached; the test is skipped, with the reason, when it cannot be built.
need_debian() {
	local log=$TEST_TMP/debian-rootfs.log rc
	DEB=$(sh "$TOP/tests/setup/debian-rootfs.sh" 2>"$log"); rc=$?
	case $rc in
	0) return 0 ;;
	2 | 3) skip "Debian rootfs unavailable: $(tail -n 1 "$log")" ;;
	*) fail "tests/setup/debian-rootfs.sh failed: $(tail -n 5 "$log")" ;;
	esac
}

# debian_bundle DIR ARGS...: a bundle on the cached Debian rootfs, read-only
# (never written: the cache is shared), a tmpfs on /tmp, the test workloads
# at /mnt and the test helpers at /opt (both read-only binds).
debian_bundle() {
	local dir=$1 args
	shift
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	(cd "$dir" && "$HARDRUN" spec --minimal) || return 1
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --arg root "$DEB" --arg data "$TOP/tests/data/profile" --arg helpers "$HELPERS" --argjson args "$args" '
		.root = {path: $root, readonly: true}
		| .process.terminal = false | .process.args = $args
		| .process.env += ["HOME=/tmp"]
		| .mounts += [
			{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]},
			{destination: "/mnt", type: "bind", source: $data, options: ["rbind", "ro"]},
			{destination: "/opt", type: "bind", source: $helpers, options: ["rbind", "ro"]}]' \
		"$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# learn_then_enforce NAME ARGS...: learns ARGS in the Debian rootfs, then
# runs them again with the learned profile enforced; both must succeed with
# the same output.
learn_then_enforce() {
	local name=$1 b=$TEST_TMP/$(unique_id) p learned enforced
	shift
	need_debian
	p=$b.profile.json
	debian_bundle "$b" "$@" || fail "bundle"
	learned=$(hr profile learn -b "$b" -o "$p" </dev/null 2>"$b.err") || fail "$name: learn failed: $learned $(cat "$b.err")"
	[ "$(jq -r '."x-hardrun".learn.partial' "$p")" = false ] || fail "$name: profile flagged partial"
	with_profile "$b" "$p"
	enforced=$(hr run -b "$b" "$(basename "$b")" </dev/null 2>&1) || fail "$name: enforced run failed: $enforced"
	assert_eq "$enforced" "$learned" "$name: output under the learned profile"
	rm -rf "$b" "$b.err" "$p"
}
