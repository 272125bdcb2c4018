#!/bin/bash
# podman with its default systemd cgroup manager (podman -> conmon ->
# hardrun --systemd-cgroup, cgroupsPath machine.slice:libpod:ID), the
# podman integration checks, in the systemd VM.
export PODMAN_CGROUP_MANAGER=systemd
exec bash "$(dirname "$0")/../integration/podman.sh"
