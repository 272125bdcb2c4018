#!/bin/bash
# The host policy floor through the CLI (issue 13): each rule in its modes,
# seen from inside the workload (/proc/self/status, a write to / failing,
# its cgroup), in the audit lines, in `inspect`, and `policy check|init`.
. "$(dirname "$0")/../lib.sh"

# The audit lines go to --log (stderr only when it is a terminal, else syslog).
AUDIT=$TEST_TMP/audit-$$.json
hrp() { local p=$1; shift; "$HARDRUN" --root "$STATE_ROOT" --log "$AUDIT" --log-format json --policy "$p" "$@"; }
audit() { cat "$AUDIT" 2>/dev/null; }

# policy FILE JSON-MEMBERS: a version-1 policy with these rules.
policy() { printf '{"version": 1%s}\n' "${2:+, $2}" >"$1"; }

# below BUNDLE CMD...: a bundle whose config is below every floor.
below() {
	local b=$1; shift
	make_bundle "$b" "$@" || return 1
	cfg "$b" '.process.noNewPrivileges = false | .root.readonly = false | del(.linux.seccomp)
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
}

status_field() { awk -v k="$1:" '$1 == k {print $2}' <<<"$2"; }

test_no_new_privs_injected_seen_inside_and_audited() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out err
	policy "$p" '"noNewPrivileges": {"mode": "inject"}'
	below "$b" /bin/sh -c 'cat /proc/self/status' || return 1
	: >"$AUDIT"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>"$b.err") || fail "run: $(cat "$b.err")"
	err=$(audit); rm -rf "$b" "$b.err"
	assert_eq "$(status_field NoNewPrivs "$out")" 1
	assert_contains "$err" '"rule":"noNewPrivileges","action":"inject"'
	assert_contains "$err" '"detail":"process.noNewPrivileges is false: set to true"'
}

test_no_new_privs_refused_creates_nothing() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json id out
	id=$(unique_id)
	policy "$p" '"noNewPrivileges": {"mode": "refuse"}'
	below "$b" /bin/true || return 1
	: >"$AUDIT"
	if out=$(hrp "$p" run -b "$b" "$id" 2>&1); then rm -rf "$b"; fail "run succeeded"; fi
	rm -rf "$b"
	assert_contains "$out" "refused by policy $p: noNewPrivileges: process.noNewPrivileges is false"
	assert_contains "$(audit)" '"action":"refuse"'
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left for a refused container"
}

test_no_new_privs_warn_runs_as_asked() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"noNewPrivileges": {"mode": "warn"}'
	below "$b" /bin/sh -c 'cat /proc/self/status' || return 1
	: >"$AUDIT"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>"$b.err") || fail "run: $(cat "$b.err")"
	assert_eq "$(status_field NoNewPrivs "$out")" 0
	assert_contains "$(audit)" '"action":"warn"'
	rm -rf "$b" "$b.err"
}

test_readonly_rootfs_injected_write_fails() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"readonlyRootfs": {"mode": "inject"}'
	below "$b" /bin/sh -c 'touch /written 2>&1; echo rc=$?' || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || fail "run failed"
	[ ! -e "$b/rootfs/written" ] || fail "the write to / went through"
	rm -rf "$b"
	assert_contains "$out" "Read-only file system"
	assert_contains "$out" "rc=1"
}

test_capability_ceiling_drops_with_audit() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out err
	policy "$p" '"capabilities": {"mode": "inject", "allowed": ["CAP_KILL"]}'
	below "$b" /bin/sh -c 'cat /proc/self/status' || return 1
	: >"$AUDIT"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>"$b.err") || fail "run: $(cat "$b.err")"
	err=$(audit); rm -rf "$b" "$b.err"
	# CAP_KILL alone is bit 5
	assert_eq "$(status_field CapBnd "$out")" 0000000000000020
	assert_eq "$(status_field CapEff "$out")" 0000000000000020
	assert_contains "$err" 'CAP_SYS_ADMIN in process.capabilities.bounding is above the ceiling: dropped'
}

test_capability_ceiling_refused() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"capabilities": {"mode": "refuse", "allowed": ["CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE"]}'
	below "$b" /bin/true || return 1
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then rm -rf "$b"; fail "run succeeded"; fi
	rm -rf "$b"
	assert_contains "$out" "capabilities: CAP_SYS_ADMIN in process.capabilities.bounding is above the ceiling (and 2 more refusals)"
}

# exec --cap above the ceiling: dropped (inject) or refused by the host
# policy; and by the policy the container was created under, also when
# exec is given none.
test_exec_cap_above_ceiling() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json r=$TEST_TMP/polr-$$.json id id2 out err refused recorded
	id=$(unique_id); id2=$(unique_id)
	policy "$p" '"capabilities": {"mode": "inject", "allowed": ["CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE"]}'
	policy "$r" '"capabilities": {"mode": "refuse", "allowed": ["CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE"]}'
	make_bundle "$b" /bin/sleep 60 || return 1
	hr run -d -b "$b" "$id" >/dev/null 2>&1 </dev/null || { rm -rf "$b"; fail "run -d failed"; }
	hrp "$p" run -d -b "$b" "$id2" >/dev/null 2>&1 </dev/null || { hr delete -f "$id"; rm -rf "$b"; fail "run -d failed"; }
	: >"$AUDIT"
	out=$(hrp "$p" exec --cap CAP_SYS_ADMIN "$id" /bin/sh -c 'cat /proc/self/status' 2>"$b.err") || out="exec failed: $(cat "$b.err")"
	err=$(audit)
	refused=$(hrp "$r" exec --cap CAP_SYS_ADMIN "$id" /bin/true 2>&1) && refused="ran: $refused"
	# no --policy: the container's recorded policy still applies (its audit
	# line in --log)
	: >"$AUDIT"
	recorded=$("$HARDRUN" --root "$STATE_ROOT" --log "$AUDIT" --log-format json exec --cap CAP_SYS_ADMIN "$id2" \
		/bin/sh -c 'cat /proc/self/status' 2>&1) || recorded="exec failed: $recorded"
	local recorded_audit; recorded_audit=$(audit)
	hr delete -f "$id" >/dev/null 2>&1; hr delete -f "$id2" >/dev/null 2>&1
	rm -rf "$b" "$b.err"
	# CAP_SYS_ADMIN is bit 21
	assert_eq "$(( 0x$(status_field CapBnd "$out") & (1 << 21) ))" 0
	assert_eq "$(( 0x$(status_field CapEff "$out") & (1 << 21) ))" 0
	assert_contains "$err" 'CAP_SYS_ADMIN in exec process.capabilities.bounding is above the ceiling: dropped'
	assert_contains "$refused" "refused by policy $r: capabilities: CAP_SYS_ADMIN"
	assert_eq "$(( 0x$(status_field CapBnd "$recorded") & (1 << 21) ))" 0
	assert_contains "$recorded_audit" '"rule":"capabilities","action":"inject"'
}

test_host_network_namespace_refused() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"hostNamespaces": {"mode": "refuse"}'
	make_bundle "$b" /bin/true || return 1
	cfg "$b" 'del(.linux.namespaces[] | select(.type == "network"))'
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then rm -rf "$b"; fail "run succeeded"; fi
	assert_contains "$out" "hostNamespaces: no network namespace in linux.namespaces: the container shares the host's"
	# joining the host's namespace by path is the same thing
	# hardrun runs in this shell's network namespace: that is the host's
	cfg "$b" ".linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$$/ns/net\"}]"
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then rm -rf "$b"; fail "run succeeded"; fi
	rm -rf "$b"
	assert_contains "$out" "the network namespace /proc/$$/ns/net is the host's"
}

test_host_uts_namespace_injected() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"hostNamespaces": {"mode": "inject", "namespaces": ["uts"]}'
	make_bundle "$b" /bin/sh -c 'readlink /proc/self/ns/uts' || return 1
	cfg "$b" 'del(.linux.namespaces[] | select(.type == "uts")) | del(.hostname)'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || { rm -rf "$b"; fail "run failed"; }
	rm -rf "$b"
	[ "$out" != "$(readlink /proc/self/ns/uts)" ] || fail "the container shares the host's uts namespace"
}

test_seccomp_default_injected_and_unconfined_refused() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"seccomp": {"mode": "inject"}'
	below "$b" /bin/sh -c 'cat /proc/self/status' || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || { rm -rf "$b"; fail "run failed"; }
	assert_eq "$(status_field Seccomp "$out")" 2
	cfg "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then rm -rf "$b"; fail "run succeeded"; fi
	rm -rf "$b"
	assert_contains "$out" "seccomp: linux.seccomp is unconfined"
}

# exec gets the container's effective config: the injected filter and
# no_new_privs, also when exec itself is given no policy.
test_exec_inherits_what_create_injected() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json id out
	id=$(unique_id)
	policy "$p" '"seccomp": {"mode": "inject"}, "noNewPrivileges": {"mode": "inject"}'
	below "$b" /bin/sleep 60 || return 1
	hrp "$p" run -d -b "$b" "$id" >/dev/null 2>&1 </dev/null || { rm -rf "$b"; fail "run -d failed"; }
	out=$(hr exec "$id" /bin/cat /proc/self/status 2>&1) || out="exec failed: $out"
	local origin
	origin=$(hr inspect "$id" | jq -r .seccompOrigin)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$origin" policy
	rm -rf "$b"
	assert_eq "$(status_field Seccomp "$out")" 2
	assert_eq "$(status_field NoNewPrivs "$out")" 1
}

# mustDeny: the effective filter is run, per architecture; the workload sees
# the denied syscall fail; a filter that lets it through is refused.
test_seccomp_must_deny() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"seccomp": {"mode": "inject", "mustDeny": [{"syscall": "unshare",
		"args": [{"index": 0, "op": "anySet", "value": 268435456}]}, {"syscall": "keyctl"}]}'
	below "$b" /bin/sh -c 'unshare -U true 2>&1; echo rc=$?' || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || { rm -rf "$b"; fail "run failed"; }
	assert_contains "$out" "rc=1"
	assert_contains "$out" "unshare"
	cfg "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [{"names": ["keyctl", "mount"], "action": "SCMP_ACT_ERRNO"}]}'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b"; fail "run succeeded"; }
	rm -rf "$b"
	assert_contains "$out" "refused by policy $p: seccomp: the filter lets unshare (with its conditions) through on x86_64"
	assert_not_contains "$out" "lets keyctl"
}

test_bind_source_denied_and_options_injected() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out src=$TEST_TMP/src-$$
	mkdir -p "$src"
	policy "$p" '"bindMounts": {"mode": "inject", "denySources": ["/", "/etc", "/proc"], "requireOptions": ["nosuid", "nodev"]}'
	make_bundle "$b" /bin/sh -c 'grep " /data " /proc/self/mountinfo' || return 1
	cfg "$b" ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\"]}]"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || { rm -rf "$b"; fail "run failed"; }
	assert_contains "$out" nosuid
	assert_contains "$out" nodev
	ln -sfn /etc "$src/link"
	cfg "$b" ".mounts += [{\"destination\": \"/e\", \"type\": \"bind\", \"source\": \"$src/link\", \"options\": [\"rbind\", \"nosuid\", \"nodev\"]}]"
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then rm -rf "$b" "$src"; fail "run succeeded"; fi
	rm -rf "$b" "$src"
	assert_contains "$out" "source $src/link -> /etc is denied (/etc)"
}

test_sysctl_device_hook_not_allowed_refused() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"sysctls": {"mode": "refuse", "allowed": ["net.ipv4.ping_group_range"]},
		"hooks": {"mode": "refuse", "allowed": []},
		"devices": {"mode": "refuse", "allowed": []}'
	make_bundle "$b" /bin/true || return 1
	cfg "$b" '.linux.sysctl = {"kernel.msgmax": "8192"}'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && fail "sysctl: run succeeded"
	assert_contains "$out" "sysctls: linux.sysctl kernel.msgmax is not on the allowed list"
	cfg "$b" 'del(.linux.sysctl) | .hooks = {"prestart": [{"path": "/bin/true"}]}'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && fail "hook: run succeeded"
	assert_contains "$out" "hooks: hooks.prestart[0] /bin/true is not on the allowed list"
	cfg "$b" 'del(.hooks) | .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && fail "device: run succeeded"
	rm -rf "$b"
	assert_contains "$out" "devices: linux.devices[0] /dev/fuse is not on the allowed list"
}

test_masked_path_minimum_merged() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	policy "$p" '"maskedPaths": {"mode": "inject", "required": ["/proc/kcore", "/proc/cpuinfo"]}'
	make_bundle "$b" /bin/sh -c 'wc -c </proc/cpuinfo' || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>/dev/null) || { rm -rf "$b"; fail "run failed"; }
	rm -rf "$b"
	assert_eq "$out" 0
}

# This host's cgroup2 may lack the controllers (a hybrid host): then the
# rule refuses by name, or degrades as the policy allows. Limits applied for
# real are seen in the VM (tests/vm/policy.sh).
test_resources_refused_or_degraded_without_controllers() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null && skip "this host has the memory controller"
	policy "$p" '"resources": {"mode": "inject", "memory": {"default": 268435456}}'
	make_bundle "$b" /bin/true || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b"; fail "run succeeded"; }
	assert_contains "$out" "refused by policy $p: resources: the cgroup memory controller is not available on this host"
	policy "$p" '"degrade": ["cgroup.memory"], "resources": {"mode": "inject", "memory": {"default": 268435456}}'
	: >"$AUDIT"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) || { rm -rf "$b"; fail "degraded run failed: $out"; }
	rm -rf "$b"
	assert_contains "$(audit)" '"rule":"resources","action":"degrade"'
}

test_resource_ceilings_refused_on_create_and_update() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json id out upd
	id=$(unique_id)
	policy "$p" '"degrade": ["cgroup.memory", "cgroup.cpu", "cgroup.pids"],
		"resources": {"mode": "refuse", "memory": {"max": 536870912}, "pids": {"max": 100}}'
	make_bundle "$b" /bin/sleep 60 || return 1
	cfg "$b" '.linux.resources.memory = {"limit": 1073741824}'
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b"; fail "run above the memory ceiling succeeded"; }
	assert_contains "$out" "linux.resources.memory.limit 1073741824 bytes is above the ceiling 536870912 bytes"
	cfg "$b" 'del(.linux.resources.memory)'
	hrp "$p" run -d -b "$b" "$id" >/dev/null 2>&1 </dev/null || { rm -rf "$b"; fail "run -d failed"; }
	upd=$(hrp "$p" update --pids-limit 1000 "$id" 2>&1) && upd="ok: $upd"
	# without --policy, the policy the container was created under still holds
	local upd2
	upd2=$(hr update --pids-limit 1000 "$id" 2>&1) && upd2="ok: $upd2"
	out=$(hr inspect "$id") || out="inspect failed"
	hr delete -f "$id" >/dev/null 2>&1
	rm -rf "$b"
	assert_contains "$upd" "resources: linux.resources.pids.limit 1000 is above the ceiling 100"
	assert_contains "$upd2" "resources: linux.resources.pids.limit 1000 is above the ceiling 100"
	assert_eq "$(jq -r .policy.file <<<"$out")" "$p"
	assert_eq "$(jq -r .process.noNewPrivileges <<<"$out")" true
	assert_eq "$(jq -r .process.rootReadonly <<<"$out")" true
	assert_eq "$(jq -r .process.seccomp <<<"$out")" filter
	assert_eq "$(jq -r .seccompOrigin <<<"$out")" config
	# every masked path this kernel has is masked
	assert_eq "$(jq '[.process.maskedPaths[] | select(.exists and (.masked | not))] | length' <<<"$out")" 0
	assert_eq "$(jq '[.process.maskedPaths[] | select(.masked)] | length > 0' <<<"$out")" true
}

test_apparmor_required_refused_or_degraded() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	"$HARDRUN" apparmor status >/dev/null 2>&1 && skip "AppArmor is enabled here: the degrade path needs a host without it"
	policy "$p" '"apparmor": {"mode": "inject"}'
	make_bundle "$b" /bin/true || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b"; fail "run succeeded"; }
	assert_contains "$out" "apparmor: AppArmor is not enabled on this host"
	policy "$p" '"degrade": ["apparmor"], "apparmor": {"mode": "inject"}'
	: >"$AUDIT"
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) || { rm -rf "$b"; fail "degraded run failed: $out"; }
	rm -rf "$b"
	assert_contains "$(audit)" '"rule":"apparmor","action":"degrade"'
}

test_audit_lines_in_log_file() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json log=$TEST_TMP/log-$$.json
	policy "$p" '"readonlyRootfs": {"mode": "inject"}'
	below "$b" /bin/true || return 1
	rm -f "$log"
	"$HARDRUN" --root "$STATE_ROOT" --policy "$p" --log "$log" --log-format json run -b "$b" "$(unique_id)" 2>/dev/null || { rm -rf "$b"; fail "run failed"; }
	rm -rf "$b"
	jq -e 'select(.rule == "readonlyRootfs" and .action == "inject" and .level == "warning")' "$log" >/dev/null || fail "no audit line in the log: $(cat "$log")"
	rm -f "$log"
}

test_policy_check_dry_run() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out rc=0
	policy "$p" '"readonlyRootfs": {"mode": "inject"}, "noNewPrivileges": {"mode": "refuse"}'
	below "$b" /bin/true || return 1
	out=$(hrp "$p" policy check --bundle "$b" 2>&1) || rc=$?
	assert_eq "$rc" 1
	assert_contains "$out" "inject readonlyRootfs: root.readonly is false: set to true"
	assert_contains "$out" "refuse noNewPrivileges: process.noNewPrivileges is false"
	policy "$p" '"readonlyRootfs": {"mode": "inject"}'
	out=$(hrp "$p" policy check --bundle "$b" 2>&1) || fail "check refused: $out"
	rm -rf "$b"
	assert_contains "$out" "inject readonlyRootfs"
}

test_policy_init_is_valid_and_errors_point_at_the_key() {
	local p=$TEST_TMP/pol-$$.json b=$TEST_TMP/$(unique_id) out
	"$HARDRUN" policy init >"$p" || fail "policy init failed"
	jq -e '.capabilities.allowed == ["CAP_NET_BIND_SERVICE"]' "$p" >/dev/null || fail "unexpected init: $(cat "$p")"
	make_bundle "$b" /bin/true || return 1
	hrp "$p" policy check --bundle "$b" >/dev/null 2>&1 || true
	printf '{"version": 1,\n  "readonlyRootFS": {"mode": "inject"}}\n' >"$p"
	out=$(hrp "$p" policy check --bundle "$b" 2>&1) && fail "a typo was accepted"
	rm -rf "$b"
	assert_contains "$out" "$p:2:3: readonlyRootFS: unknown key"
}

# Whoever can write the policy decides for every container: a policy file
# others may write (or replace) is refused, not used.
test_policy_writable_by_others_refused() {
	local d=$TEST_TMP/poldir-$$ b=$TEST_TMP/$(unique_id) out
	mkdir -p "$d" && chmod 755 "$d"
	policy "$d/p.json" '"noNewPrivileges": {"mode": "inject"}'
	make_bundle "$b" /bin/true || return 1
	chmod 666 "$d/p.json"
	out=$(hrp "$d/p.json" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b" "$d"; fail "ran under a world-writable policy"; }
	assert_contains "$out" "the file is writable by others (mode 0666): refusing to use it"
	chmod 644 "$d/p.json"; chmod 777 "$d"
	out=$(hrp "$d/p.json" run -b "$b" "$(unique_id)" 2>&1) && { rm -rf "$b" "$d"; fail "ran from a world-writable dir"; }
	assert_contains "$out" "its directory is writable by others"
	chmod 755 "$d"
	out=$(hrp "$d/p.json" run -b "$b" "$(unique_id)" 2>&1) || { rm -rf "$b" "$d"; fail "a sound policy was refused: $out"; }
	rm -rf "$b" "$d"
}

test_restricted_policy_runs_the_default_spec() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	"$HARDRUN" policy init >"$p" || fail "policy init failed"
	# the hardrun-default AppArmor profile may not be loaded here: let it degrade
	"$HARDRUN" apparmor status >/dev/null 2>&1 && jq '.degrade += ["apparmor"] | del(.apparmor)' "$p" >"$p.n" && mv "$p.n" "$p"
	make_bundle "$b" /bin/sh -c 'cat /proc/self/status; echo uid_map: $(cat /proc/self/uid_map); touch /x 2>/dev/null && echo wrote; true' || return 1
	out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>"$b.err") || { cat "$b.err"; rm -rf "$b" "$b.err"; fail "run failed"; }
	rm -rf "$b" "$b.err"
	assert_eq "$(status_field NoNewPrivs "$out")" 1
	assert_eq "$(status_field Seccomp "$out")" 2
	assert_eq "$(status_field CapBnd "$out")" 0000000000000400
	assert_not_contains "$out" wrote
	# container root is an unprivileged host uid of its own range
	assert_contains "$out" "uid_map: 0 1879"
}

# userns_policy FILE: user namespaces injected from a pool of 4 ranges.
userns_policy() {
	policy "$1" '"userNamespace": {"mode": "inject", "pool": {"start": 1879048192, "size": 262144},
		"rangeSize": 65536, "idmapFallback": true}'
}

pool_has() { grep -qw "$1" "$STATE_ROOT/@userns-pool" 2>/dev/null; }

test_userns_injected_disjoint_ranges_released_at_delete() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json a z pa pz ma mz inside
	a=$(unique_id); z=$(unique_id)
	userns_policy "$p"
	make_bundle "$b" /bin/sleep 60 || return 1
	mkdir -p "$b/data"
	cfg "$b" ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$b/data\", \"options\": [\"rbind\"]}]"
	hrp "$p" run -d -b "$b" "$a" >/dev/null 2>&1 </dev/null || { rm -rf "$b"; fail "run -d $a failed"; }
	hrp "$p" run -d -b "$b" "$z" >/dev/null 2>&1 </dev/null || { hr delete -f "$a"; rm -rf "$b"; fail "run -d $z failed"; }
	pa=$(hr state "$a" | jq -r .pid); pz=$(hr state "$z" | jq -r .pid)
	ma=$(awk '{print $2, $3}' "/proc/$pa/uid_map"); mz=$(awk '{print $2, $3}' "/proc/$pz/uid_map")
	inside=$(hr exec "$a" /bin/sh -c 'echo $(cat /proc/self/uid_map); stat -c "owner %u:%g" /bin/busybox /data' 2>/dev/null)
	pool_has "$a" && pool_has "$z" || { hr delete -f "$a"; hr delete -f "$z"; rm -rf "$b"; fail "no pool entries"; }
	hr delete -f "$a" >/dev/null 2>&1; hr delete -f "$z" >/dev/null 2>&1
	rm -rf "$b"
	[ "$ma" != "$mz" ] || fail "two containers share host ids: $ma"
	case "$ma $mz" in "0 "*|*" 0 "*) fail "a container's root is host root: $ma / $mz";; esac
	assert_contains "$ma" " 65536"
	assert_contains "$inside" "0 ${ma% *} 65536"
	# idmapped rootfs and bind mount: host root's files are container root's
	assert_eq "$(grep -c 'owner 0:0' <<<"$inside")" 2
	pool_has "$a" && fail "the range of $a was not released at delete"
	pool_has "$z" && fail "the range of $z was not released at delete"
	return 0
}

# create killed with SIGKILL while a hook holds it (its state dir exists):
# delete --force releases the range.
test_userns_range_released_after_kill9_create() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json id mark=$TEST_TMP/hook-$$ cpid hpid i out
	id=$(unique_id)
	userns_policy "$p"
	make_bundle "$b" /bin/true || return 1
	rm -f "$mark"
	cfg "$b" ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$\$ > $mark; exec sleep 60\"]}]"
	# hardrun itself in the background (not a subshell), so $! is create
	"$HARDRUN" --root "$STATE_ROOT" --policy "$p" create -b "$b" "$id" >/dev/null 2>&1 </dev/null &
	cpid=$!
	for i in $(seq 200); do [ -s "$mark" ] && break; sleep 0.05; done
	[ -s "$mark" ] || { kill -9 "$cpid"; rm -rf "$b"; fail "the hook never ran"; }
	hpid=$(cat "$mark")
	pool_has "$id" || { kill -9 "$cpid" "$hpid"; rm -rf "$b"; fail "no pool entry while create runs"; }
	kill -9 "$cpid"; wait "$cpid" 2>/dev/null
	kill -9 "$hpid" 2>/dev/null
	pool_has "$id" || { rm -rf "$b"; fail "the range went with the killed create (its state dir is still there)"; }
	out=$(hr delete --force "$id" 2>&1) || { rm -rf "$b"; fail "delete --force failed: $out"; }
	rm -rf "$b" "$mark"
	pool_has "$id" && fail "delete --force left the range allocated"
	return 0
}

test_no_policy_file_changes_nothing() {
	local b=$TEST_TMP/$(unique_id) out
	[ -e /etc/hardrun/policy.json ] && skip "this host has a policy file"
	below "$b" /bin/sh -c 'cat /proc/self/status' || return 1
	out=$(hr run -b "$b" "$(unique_id)" 2>&1) || { rm -rf "$b"; fail "run failed: $out"; }
	rm -rf "$b"
	assert_eq "$(status_field NoNewPrivs "$out")" 0
	assert_not_contains "$out" '"rule"'
}

run_tests
