#!/bin/bash
# docs/containerd.md's and docs/podman.md's steps for a cgroup v2 host with
# its controllers (ctr's default cpu shares, podman's default pids limit
# enforced), run as written in the VM (the convention: tests/lib-howto.sh;
# the hybrid-host steps run in tests/integration/docs_howto.sh).
. "$(dirname "$0")/../lib.sh"
HOWTO_WHERE=vm
. "$TOP/tests/lib-howto.sh"
SECONDS=0
howto_tests "$TOP/docs/containerd.md" "$TOP/docs/podman.md"
run_tests
echo "# docs_howto.sh in the VM: ${SECONDS}s"
