#!/bin/bash
# containerd 1.6's runc shim with SystemdCgroup = true (ctr --runc-systemd-cgroup)
# and BinaryName = hardrun, each container in a system.slice scope as the
# kubelet's systemd driver places them: the containerd smoke suite's checks,
# in the systemd VM (scripts/run-in-vm --systemd).
export CTRD_SYSTEMD=1 CTRD_NS=${CTRD_NS:-hardrun-e2e-sd}
exec bash "$(dirname "$0")/../vm/containerd.sh"
