#!/bin/bash
# The container's own network namespace: loopback is up, as runc leaves it.
. "$(dirname "$0")/../lib.sh"

test_loopback_up_in_new_network_namespace() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	# with lo down, connecting to 127.0.0.1 is "Network is unreachable";
	# with lo up and no listener it is "Connection refused"
	make_bundle "$b" sh -c 'cat /sys/class/net/lo/flags; nc 127.0.0.1 1 </dev/null 2>&1; true'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_contains "$out" "0x9"
	assert_contains "$out" "refused"
	assert_not_contains "$out" "unreachable"
}

test_joined_network_namespace_is_left_alone() {
	local b=$TEST_TMP/$FUNCNAME id out ns=hrtest$$; id=$(unique_id)
	ip netns add "$ns" || fail "ip netns add"
	make_bundle "$b" cat /sys/class/net/lo/flags
	cfg "$b" ".linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$ns\" else . end)"
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	ip netns delete "$ns"
	# a namespace the caller made is the caller's to configure
	assert_eq "$out" "0x8"
}

run_tests
