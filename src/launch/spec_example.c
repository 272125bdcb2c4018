/* `hardrun spec`: the hardened default config, or --minimal (runc's
 * starting config), written to BUNDLE/config.json; the hardened one with
 * limits only for the cgroup controllers this host offers and AppArmor only
 * where it is enabled, each omission named on stderr so the config runs
 * here as written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "base/util.h"
#include "launch/launch.h"
#include "policy/floor.h"
#include "spec/spec.h"

void hr_launch_hardened_opts(bool rootless, struct hr_hardened_opts *o)
{
	struct hr_policy_host host;

	hr_policy_host_probe(&host);
	*o = (struct hr_hardened_opts){ .rootless = rootless, .apparmor = host.apparmor_enabled,
					.memory = host.cgroup_memory, .cpu = host.cgroup_cpu,
					.pids = host.cgroup_pids };
}

/* What the hardened config leaves out on this host, and why. */
static void print_notes(const struct hr_hardened_opts *o)
{
	static const char *const names[] = { "memory", "cpu", "pids" };
	bool have[] = { o->memory, o->cpu, o->pids };

	if (o->rootless)
		fprintf(stderr, "spec: rootless: no cgroup limits (add linux.resources where your cgroup "
				"is delegated)\n");
	for (size_t i = 0; !o->rootless && i < HR_ARRAY_SIZE(names); i++)
		if (!have[i])
			fprintf(stderr, "spec: no %s limit: this host's cgroup v2 has no %s controller\n",
				names[i], names[i]);
	if (!o->apparmor)
		fprintf(stderr, "spec: no AppArmor profile: AppArmor is not enabled on this host\n");
	else
		fprintf(stderr, "spec: process.apparmorProfile is \"%s\": load it with `hardrun apparmor "
				"load`\n", HR_HARDENED_APPARMOR);
	if (!o->rootless) {
		fprintf(stderr, "spec: container root is host uid %u (user namespace); the rootfs is "
				"idmapped so it needs no chown where the kernel and filesystem allow, else: "
				"chown -R %u:%u rootfs\n", HR_HARDENED_USERNS_START,
			HR_HARDENED_USERNS_START, HR_HARDENED_USERNS_START);
		/* a policy injects a range only where a config has no user namespace */
		fprintf(stderr, "spec: every container from this config maps onto the same host ids %u-%u; "
				"a range of its own per container: `hardrun sandbox`, or a host policy's "
				"injected user namespace for a config without one\n", HR_HARDENED_USERNS_START,
			HR_HARDENED_USERNS_START + HR_HARDENED_USERNS_SIZE - 1);
	}
}

int hr_write_example_config(const char *bundle, bool rootless, bool minimal, struct hr_error *err)
{
	_cleanup_free_ char *json = NULL;
	_cleanup_close_ int dirfd = -1;
	_cleanup_close_ int fd = -1;
	struct hr_hardened_opts ho;

	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return hr_error_set(err, errno, "spec: bundle `%s`", bundle);
	hr_launch_hardened_opts(rootless, &ho);
	json = minimal ? hr_spec_example_json(rootless) : hr_spec_hardened_json(&ho);
	fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return hr_error_set(err, 0, "spec: File %s/config.json exists. Remove it first", bundle);
		return hr_error_set(err, errno, "spec: create %s/config.json", bundle);
	}
	if (hr_write_all(fd, json, strlen(json)) < 0)
		return hr_error_set(err, errno, "spec: write config.json");
	if (!minimal)
		print_notes(&ho);
	return 0;
}
