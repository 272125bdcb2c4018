/* Profile files for lint and diff: an OCI linux.seccomp object, a config.json
 * that holds one, or Docker's format. Docker's is resolved the way Docker
 * does it when it writes a config (moby profiles/seccomp): archMap picks the
 * architectures of the target, a rule applies when its includes all hold and
 * none of its excludes does (arches, caps in the bounding set, minKernel). */
#include "profile/lint.h"

#include <ctype.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "base/util.h"

struct arch_names {
	uint32_t token;
	const char *name, *go_name;
	uint32_t family[3];
};

static const struct arch_names arch_table[] = {
	{ SCMP_ARCH_X86_64, "x86_64", "amd64", { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
	{ SCMP_ARCH_X86, "x86", "x86", { 0 } },
	{ SCMP_ARCH_X32, "x32", "x32", { 0 } },
	{ SCMP_ARCH_AARCH64, "aarch64", "arm64", { SCMP_ARCH_ARM } },
	{ SCMP_ARCH_ARM, "arm", "arm", { 0 } },
	{ SCMP_ARCH_MIPS64, "mips64", "mips64", { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32 } },
	{ SCMP_ARCH_MIPS64N32, "mips64n32", "mips64n32", { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64 } },
	{ SCMP_ARCH_MIPSEL64, "mipsel64", "mipsel64", { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32 } },
	{ SCMP_ARCH_MIPSEL64N32, "mipsel64n32", "mipsel64n32", { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64 } },
	{ SCMP_ARCH_MIPS, "mips", "mips", { 0 } },
	{ SCMP_ARCH_MIPSEL, "mipsel", "mipsel", { 0 } },
	{ SCMP_ARCH_PPC64LE, "ppc64le", "ppc64le", { 0 } },
	{ SCMP_ARCH_PPC64, "ppc64", "ppc64", { SCMP_ARCH_PPC } },
	{ SCMP_ARCH_PPC, "ppc", "ppc", { 0 } },
	{ SCMP_ARCH_S390X, "s390x", "s390x", { SCMP_ARCH_S390 } },
	{ SCMP_ARCH_S390, "s390", "s390", { 0 } },
	{ SCMP_ARCH_RISCV64, "riscv64", "riscv64", { 0 } },
};

/* Every capability name, so a profile naming one that does not exist is
 * refused rather than silently never matching. */
static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* What `docker run` grants without --cap-add. */
static const char docker_default_caps[] =
	"CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,CAP_SETUID,"
	"CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,CAP_AUDIT_WRITE";

static const struct arch_names *arch_entry(uint32_t token)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].token == token)
			return &arch_table[i];
	return NULL;
}

uint32_t hr_profile_arch_from_name(const char *name)
{
	if (strncasecmp(name, "SCMP_ARCH_", 10) == 0)
		name += 10;
	for (size_t i = 0; i < HR_ARRAY_SIZE(arch_table); i++)
		if (strcasecmp(name, arch_table[i].name) == 0 || strcasecmp(name, arch_table[i].go_name) == 0)
			return arch_table[i].token;
	if (strcmp(name, "386") == 0 || strcmp(name, "i386") == 0)
		return SCMP_ARCH_X86;
	return 0;
}

const char *hr_profile_arch_name(uint32_t token)
{
	const struct arch_names *a = arch_entry(token);
	return a ? a->name : "unknown";
}

size_t hr_profile_arch_family(uint32_t arch, uint32_t out[4])
{
	const struct arch_names *a = arch_entry(arch);
	size_t n = 0;

	out[n++] = arch;
	for (size_t i = 0; a && i < HR_ARRAY_SIZE(a->family) && a->family[i]; i++)
		out[n++] = a->family[i];
	return n;
}

static bool cap_known(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return true;
	return false;
}

static bool in_csv(const char *csv, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = csv; p && *p;) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == len && strncasecmp(p, name, len) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* "5.10.0-21-amd64" >= "4.8" */
static bool kernel_at_least(const char *release, const char *min)
{
	unsigned a = 0, b = 0, x = 0, y = 0;

	sscanf(release, "%u.%u", &a, &b);
	sscanf(min, "%u.%u", &x, &y);
	return a != x ? a > x : b >= y;
}

struct docker_ctx {
	const char *path;       /* file name for messages */
	const char *arch_go;    /* "amd64" */
	const char *caps;
	const char *kernel;
};

static const char *const actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
};

static int check_action(const struct docker_ctx *c, json_t *rule, const char *where, struct hr_error *err)
{
	json_t *a = json_object_get(rule, "action");

	for (size_t i = 0; json_is_string(a) && i < HR_ARRAY_SIZE(actions); i++)
		if (strcmp(json_string_value(a), actions[i]) == 0)
			return 0;
	return hr_error_set(err, 0, "%s: %s.action: unknown action \"%s\"", c->path, where,
			    json_is_string(a) ? json_string_value(a) : "(missing or not a string)");
}

static bool json_strings_contain(json_t *arr, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
			return true;
	return false;
}

/* Checks a rule's includes or excludes: every capability must exist and
 * minKernel must read "X.Y". */
static int check_filter(json_t *f, const char *where, struct hr_error *err)
{
	json_t *caps = json_object_get(f, "caps"), *mk = json_object_get(f, "minKernel"), *e;
	size_t i;

	if (caps && !json_is_array(caps) && !json_is_null(caps))
		return hr_error_set(err, 0, "%s.caps: not an array", where);
	json_array_foreach(caps, i, e)
		if (!json_is_string(e) || !cap_known(json_string_value(e)))
			return hr_error_set(err, 0, "%s.caps[%zu]: unknown capability \"%s\"", where, i,
					    json_is_string(e) ? json_string_value(e) : "(not a string)");
	if (mk && !json_is_null(mk) && !(json_is_string(mk) && strchr(json_string_value(mk), '.')))
		return hr_error_set(err, 0, "%s.minKernel: not a kernel version like \"4.8\"", where);
	return 0;
}

/* A Docker rule applies for this target: no exclude matches, every include does. */
static bool rule_applies(const struct docker_ctx *c, json_t *rule)
{
	json_t *ex = json_object_get(rule, "excludes"), *in = json_object_get(rule, "includes"), *e;
	json_t *mk;
	size_t i;

	if (json_is_object(ex)) {
		if (json_strings_contain(json_object_get(ex, "arches"), c->arch_go))
			return false;
		json_array_foreach(json_object_get(ex, "caps"), i, e)
			if (in_csv(c->caps, json_string_value(e)))
				return false;
		mk = json_object_get(ex, "minKernel");
		if (json_is_string(mk) && kernel_at_least(c->kernel, json_string_value(mk)))
			return false;
	}
	if (json_is_object(in)) {
		json_t *arches = json_object_get(in, "arches");
		if (json_array_size(arches) && !json_strings_contain(arches, c->arch_go))
			return false;
		json_array_foreach(json_object_get(in, "caps"), i, e)
			if (!in_csv(c->caps, json_string_value(e)))
				return false;
		mk = json_object_get(in, "minKernel");
		if (json_is_string(mk) && !kernel_at_least(c->kernel, json_string_value(mk)))
			return false;
	}
	return true;
}

static int docker_rule(const struct docker_ctx *c, json_t *rule, size_t i, json_t *out_rules,
		       struct hr_error *err)
{
	char where[64];
	json_t *name, *oci;

	snprintf(where, sizeof(where), "syscalls[%zu]", i);
	if (!json_is_object(rule))
		return hr_error_set(err, 0, "%s: %s: not an object", c->path, where);
	if (check_action(c, rule, where, err) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		json_t *f = json_object_get(rule, k ? "excludes" : "includes");
		char fwhere[80];
		snprintf(fwhere, sizeof(fwhere), "%s: %s.%s", c->path, where, k ? "excludes" : "includes");
		if (f && !json_is_null(f) && (!json_is_object(f) || check_filter(f, fwhere, err) < 0))
			return json_is_object(f) ? -1 : hr_error_set(err, 0, "%s: not an object", fwhere);
	}
	if (!rule_applies(c, rule))
		return 0;
	oci = json_deep_copy(rule);
	json_object_del(oci, "includes");
	json_object_del(oci, "excludes");
	json_object_del(oci, "comment");
	name = json_object_get(oci, "name"); /* Docker's older single-name form */
	if (name) {
		json_t *names = json_object_get(oci, "names");
		if (names && json_array_size(names)) {
			json_decref(oci);
			return hr_error_set(err, 0, "%s: %s: both \"name\" and \"names\"", c->path, where);
		}
		json_object_set_new(oci, "names", json_pack("[O]", name));
		json_object_del(oci, "name");
	}
	json_array_append_new(out_rules, oci);
	return 0;
}

/* archMap: the entry for the target arch gives the architectures list. */
static json_t *docker_arches(json_t *root, uint32_t arch)
{
	json_t *map = json_object_get(root, "archMap"), *e, *out = json_array();
	char want[48];
	size_t i;

	if (!json_is_array(map))
		return json_incref(json_object_get(root, "architectures")) ?: out;
	snprintf(want, sizeof(want), "SCMP_ARCH_%s", hr_profile_arch_name(arch));
	for (char *p = want; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	json_array_foreach(map, i, e) {
		json_t *sub = json_object_get(e, "subArchitectures"), *s;
		size_t j;
		if (!json_is_string(json_object_get(e, "architecture")) ||
		    strcmp(json_string_value(json_object_get(e, "architecture")), want) != 0)
			continue;
		json_array_append_new(out, json_string(want));
		json_array_foreach(sub, j, s)
			json_array_append(out, s);
	}
	return out;
}

static json_t *docker_to_oci(json_t *root, const struct docker_ctx *c, uint32_t arch, struct hr_error *err)
{
	json_t *rules = json_object_get(root, "syscalls"), *out_rules = json_array(), *oci, *e;
	size_t i;

	if (json_object_get(root, "archMap") && json_array_size(json_object_get(root, "architectures"))) {
		json_decref(out_rules);
		hr_error_set(err, 0, "%s: both \"architectures\" and \"archMap\" (Docker refuses this too)", c->path);
		return NULL;
	}
	json_array_foreach(rules, i, e)
		if (docker_rule(c, e, i, out_rules, err) < 0) {
			json_decref(out_rules);
			return NULL;
		}
	oci = json_deep_copy(root);
	json_object_del(oci, "archMap");
	json_object_set_new(oci, "architectures", docker_arches(root, arch));
	json_object_set_new(oci, "syscalls", out_rules);
	return oci;
}

static bool is_docker(json_t *root)
{
	json_t *rules = json_object_get(root, "syscalls"), *e;
	size_t i;

	if (json_object_get(root, "archMap"))
		return true;
	json_array_foreach(rules, i, e)
		if (json_object_get(e, "includes") || json_object_get(e, "excludes") || json_object_get(e, "name"))
			return true;
	return false;
}

static int load_docker(const char *path, const char *text, const struct hr_profile_input *in,
		       struct hr_seccomp **out, struct hr_error *err)
{
	struct docker_ctx c = { .path = path, .caps = in->caps ? in->caps : docker_default_caps };
	uint32_t arch = in->arch ? in->arch : seccomp_arch_native();
	struct utsname u;
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *oci;
	_cleanup_free_ char *oci_text = NULL;

	if (!root)
		return hr_error_set(err, 0, "%s:%d:%d: invalid JSON: %s", path, jerr.line, jerr.column, jerr.text);
	uname(&u);
	c.kernel = in->kernel ? in->kernel : u.release;
	c.arch_go = arch_entry(arch) ? arch_entry(arch)->go_name : "";
	for (const char *p = c.caps; *p;) {
		const char *end = strchrnul(p, ',');
		_cleanup_free_ char *one = xstrndup(p, (size_t)(end - p));
		if (*one && !cap_known(one)) {
			json_decref(root);
			return hr_error_set(err, 0, "--caps: unknown capability \"%s\"", one);
		}
		p = *end ? end + 1 : end;
	}
	oci = docker_to_oci(root, &c, arch, err);
	json_decref(root);
	if (!oci)
		return -1;
	oci_text = json_dumps(oci, JSON_COMPACT);
	json_decref(oci);
	return hr_seccomp_profile_parse(oci_text, path, out, err);
}

static char **unknown_names(const struct hr_seccomp *s)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **nm = s->syscalls[i].names; nm && *nm; nm++) {
			bool dup = false;
			if (seccomp_syscall_resolve_name(*nm) != __NR_SCMP_ERROR)
				continue;
			for (size_t k = 0; k < n; k++)
				dup = dup || strcmp(v[k], *nm) == 0;
			if (dup)
				continue;
			v = xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = xstrdup(*nm);
			v[n] = NULL;
		}
	return v;
}

static int load_config(const char *path, const char *text, struct hr_seccomp **out, struct hr_error *err)
{
	struct hr_spec *spec = NULL;

	if (hr_spec_load_string(text, path, &spec, err) < 0)
		return -1;
	*out = spec->has_linux ? hr_steal_ptr(spec->linux_.seccomp) : NULL;
	hr_spec_free(spec);
	if (!*out)
		return hr_error_set(err, 0, "%s: the config has no linux.seccomp", path);
	return 0;
}

int hr_profile_load(const char *path, const struct hr_profile_input *in, struct hr_profile *out,
		    struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *probe;
	int rc;

	memset(out, 0, sizeof(*out));
	if (hr_read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return hr_error_wrap(err, "reading profile");
	/* only to see the shape; numbers are read exactly by the real parser */
	probe = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!probe)
		return hr_error_set(err, 0, "%s:%d:%d: invalid JSON: %s", path, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(probe)) {
		json_decref(probe);
		return hr_error_set(err, 0, "%s: not a JSON object", path);
	}
	out->format = json_object_get(probe, "ociVersion") || json_object_get(probe, "linux") ? "config"
		      : is_docker(probe) ? "docker" : "oci";
	json_decref(probe);
	if (strcmp(out->format, "config") == 0)
		rc = load_config(path, text, &out->seccomp, err);
	else if (strcmp(out->format, "docker") == 0)
		rc = load_docker(path, text, in, &out->seccomp, err);
	else
		rc = hr_seccomp_profile_parse(text, path, &out->seccomp, err);
	if (rc < 0)
		return -1;
	out->unknown_names = unknown_names(out->seccomp);
	return 0;
}

void hr_profile_clear(struct hr_profile *p)
{
	hr_seccomp_profile_free(p->seccomp);
	hr_strv_free(p->unknown_names);
	memset(p, 0, sizeof(*p));
}
