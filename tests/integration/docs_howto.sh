#!/bin/bash
# docs/podman.md and docs/containerd.md, every command block run as written
# on this host (the convention: tests/lib-howto.sh). The host suite's
# cgroup2 tree has no pids or memory controller, as on a hybrid host: the
# pages' hybrid-host steps run here; tests/vm/docs_howto.sh runs the steps
# that need the limits enforced.
. "$(dirname "$0")/../lib.sh"
HOWTO_WHERE=host
. "$TOP/tests/lib-howto.sh"
howto_tests "$TOP/docs/containerd.md" "$TOP/docs/podman.md"
run_tests
