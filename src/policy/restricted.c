/* The "restricted" starting policy of `hardrun policy init`: the Kubernetes
 * Pod Security Standards "restricted" profile below the engine, plus what
 * only a runtime can enforce. JSON has no comments, so keys beginning with
 * "_comment" are; docs/policy.md explains every field. */
#include "policy/floor.h"

#include <stdlib.h>

#include "base/util.h"

static const char restricted_fmt[] =
	"{\n"
	"  \"_comment\": \"hardrun host policy: no container on this host runs below this floor, "
	"whoever starts it. Each rule's mode: inject (raise the config to the floor), refuse "
	"(nothing is created) or warn. Remove a rule to turn it off. Keys beginning with _comment "
	"are comments. Every field: docs/policy.md.\",\n"
	"  \"version\": 1,\n"
	"  \"_comment_degrade\": \"What may run without on this host (written by policy init from "
	"what this host lacks): apparmor, cgroup.memory, cgroup.cpu, cgroup.pids. Anything else missing is refused.\",\n"
	"  \"degrade\": [%s],\n"
	"  \"noNewPrivileges\": { \"mode\": \"inject\" },\n"
	"  \"readonlyRootfs\": { \"mode\": \"inject\" },\n"
	"  \"_comment_capabilities\": \"PSS restricted: drop ALL, only NET_BIND_SERVICE may be "
	"added. Capabilities above the ceiling are dropped (inject) in every set, exec --cap too.\",\n"
	"  \"capabilities\": { \"mode\": \"inject\", \"allowed\": [\"CAP_NET_BIND_SERVICE\"] },\n"
	"  \"hostNamespaces\": { \"mode\": \"refuse\", "
	"\"namespaces\": [\"network\", \"pid\", \"ipc\", \"uts\", \"mount\"] },\n"
	"  \"_comment_seccomp\": \"A config without a filter gets hardrun's default profile; "
	"'unconfined' is refused. mustDeny: the effective filter, run for every architecture it "
	"covers, must deny these (268435456 = CLONE_NEWUSER). Docker's and containerd's RuntimeDefault "
	"profiles allow ptrace on recent kernels: drop it from the list to accept them.\",\n"
	"  \"seccomp\": {\n"
	"    \"mode\": \"inject\",\n"
	"    \"profile\": \"default\",\n"
	"    \"mustDeny\": [\n"
	"      { \"syscall\": \"unshare\", \"args\": [{ \"index\": 0, \"op\": \"anySet\", \"value\": 268435456 }] },\n"
	"      { \"syscall\": \"clone\", \"args\": [{ \"index\": 0, \"op\": \"anySet\", \"value\": 268435456 }] },\n"
	"      { \"syscall\": \"clone3\" }, { \"syscall\": \"mount\" }, { \"syscall\": \"bpf\" },\n"
	"      { \"syscall\": \"keyctl\" }, { \"syscall\": \"ptrace\" }, { \"syscall\": \"kexec_load\" },\n"
	"      { \"syscall\": \"open_by_handle_at\" }, { \"syscall\": \"perf_event_open\" },\n"
	"      { \"syscall\": \"userfaultfd\" }\n"
	"    ]\n"
	"  },\n"
	"  \"apparmor\": { \"mode\": \"inject\", \"profile\": \"hardrun-default\" },\n"
	"  \"bindMounts\": {\n"
	"    \"mode\": \"inject\",\n"
	"    \"_comment\": \"inject adds the required options; a denied source is always refused "
	"(warn mode: warned).\",\n"
	"    \"denySources\": [\"/\", \"/proc\", \"/sys\", \"/dev\", \"/etc\", \"/boot\", \"/root\", "
	"\"/run/hardrun\", \"/etc/hardrun\", \"/var/run/docker.sock\", \"/run/docker.sock\", "
	"\"/run/containerd/containerd.sock\", \"/var/run/containerd/containerd.sock\", "
	"\"/run/podman/podman.sock\", \"/var/run/podman/podman.sock\", \"/run/crio/crio.sock\", "
	"\"/var/run/crio/crio.sock\"],\n"
	"    \"requireOptions\": [\"nosuid\", \"nodev\"]\n"
	"  },\n"
	"  \"devices\": { \"mode\": \"refuse\", \"allowed\": [] },\n"
	"  \"_comment_sysctls\": \"PSS baseline: the namespaced sysctls Kubernetes calls safe.\",\n"
	"  \"sysctls\": { \"mode\": \"refuse\", \"allowed\": [\"kernel.shm_rmid_forced\", "
	"\"net.ipv4.ip_local_port_range\", \"net.ipv4.ip_unprivileged_port_start\", "
	"\"net.ipv4.tcp_syncookies\", \"net.ipv4.ping_group_range\", "
	"\"net.ipv4.ip_local_reserved_ports\", \"net.ipv4.tcp_keepalive_time\", "
	"\"net.ipv4.tcp_fin_timeout\", \"net.ipv4.tcp_keepalive_intvl\", "
	"\"net.ipv4.tcp_keepalive_probes\"] },\n"
	"  \"_comment_hooks\": \"A hook runs on the host as root: list the executables your engine "
	"needs (none by default).\",\n"
	"  \"hooks\": { \"mode\": \"refuse\", \"allowed\": [] },\n"
	"  \"maskedPaths\": { \"mode\": \"inject\", \"required\": [\"/proc/acpi\", \"/proc/asound\", "
	"\"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", \"/proc/timer_list\", "
	"\"/proc/timer_stats\", \"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\", "
	"\"/sys/devices/virtual/powercap\"] },\n"
	"  \"readonlyPaths\": { \"mode\": \"inject\", \"required\": [\"/proc/bus\", \"/proc/fs\", "
	"\"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"] },\n"
	"  \"_comment_resources\": \"memory in bytes, cpu in millicores (1000 = one CPU). A config "
	"without a limit gets the default; one above max is refused (create and update).\",\n"
	"  \"resources\": {\n"
	"    \"mode\": \"inject\",\n"
	"    \"memory\": { \"default\": 536870912, \"max\": 68719476736 },\n"
	"    \"pids\": { \"default\": 1024, \"max\": 65536 },\n"
	"    \"cpu\": { \"default\": 1000, \"max\": 64000 }\n"
	"  },\n"
	"  \"_comment_userNamespace\": \"Container root is never host root: a config without a user "
	"namespace gets one, mapped onto its own 65536 host ids from the pool (0x70000000 up, above "
	"the ranges /etc/subuid and systemd hand out). idmapFallback: run with a rootfs that is not "
	"idmapped (its files then appear owned by nobody) where idmapped mounts are impossible.\",\n"
	"  \"userNamespace\": {\n"
	"    \"mode\": \"inject\",\n"
	"    \"pool\": { \"start\": 1879048192, \"size\": 268369920 },\n"
	"    \"rangeSize\": 65536,\n"
	"    \"idmapFallback\": true\n"
	"  }\n"
	"}\n";

char *hr_policy_restricted_json(const struct hr_policy_host *host)
{
	const struct { bool missing; const char *name; } lacks[] = {
		{ !host->apparmor_enabled, "apparmor" }, { !host->cgroup_memory, "cgroup.memory" },
		{ !host->cgroup_cpu, "cgroup.cpu" }, { !host->cgroup_pids, "cgroup.pids" },
	};
	_cleanup_free_ char *degrade = xstrdup("");

	for (size_t i = 0; i < HR_ARRAY_SIZE(lacks); i++) {
		if (!lacks[i].missing)
			continue;
		char *next = xasprintf("%s%s\"%s\"", degrade, *degrade ? ", " : "", lacks[i].name);
		free(degrade);
		degrade = next;
	}
	return xasprintf(restricted_fmt, degrade);
}
