/* Recorded entries -> a deny-by-default OCI linux.seccomp profile.
 *
 * Decisions (docs/profiles.md, "profile learn"):
 *  - defaultAction SCMP_ACT_ERRNO with EPERM: a known syscall the workload
 *    did not use is refused as "not permitted"; hardrun's ENOSYS prefix
 *    answers syscalls newer than any the profile names with ENOSYS, so
 *    libc falls back from them as it would on an older kernel.
 *  - clone3 is answered ENOSYS: BPF cannot see its flags (they are behind
 *    a pointer), glibc then uses clone, whose flags the profile checks.
 *    The namespace flags seen on clone3 are allowed on clone.
 *  - clone, unshare, socket, personality, prctl and ioctl are allowed per
 *    argument case seen (namespace flags, family and type, persona,
 *    option, request), so a workload that made threads with clone still
 *    cannot unshare a user namespace.
 *  - one profile for all architectures seen: OCI rules are per syscall
 *    name, resolved on each listed architecture. */
#include "profile/learn.h"

#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static const struct { uint32_t token; const char *name; } arch_names[] = {
	{ SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64" }, { SCMP_ARCH_X86, "SCMP_ARCH_X86" },
	{ SCMP_ARCH_X32, "SCMP_ARCH_X32" },       { SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64" },
	{ SCMP_ARCH_ARM, "SCMP_ARCH_ARM" },       { SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE" },
	{ SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64" },   { SCMP_ARCH_S390X, "SCMP_ARCH_S390X" },
	{ SCMP_ARCH_S390, "SCMP_ARCH_S390" },     { SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64" },
};

const char *hr_learn_arch_name(uint32_t token)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].token == token)
			return arch_names[i].name;
	return NULL;
}

static bool wanted(const struct hr_rec_entry *e, const struct hr_learn_meta *m)
{
	return e->by_workload || (m->include_runtime && e->before_exec);
}

static json_t *arg(unsigned index, uint64_t value, uint64_t value_two, const char *op)
{
	json_t *a = json_pack("{sIsIss}", "index", (json_int_t)index, "value", (json_int_t)value, "op", op);

	if (strcmp(op, "SCMP_CMP_MASKED_EQ") == 0)
		json_object_set_new(a, "valueTwo", json_integer((json_int_t)value_two));
	return a;
}

/* OCI MASKED_EQ: value is the mask, valueTwo the datum */
static json_t *masked(unsigned index, uint64_t mask, uint64_t datum)
{
	return arg(index, mask, datum, "SCMP_CMP_MASKED_EQ");
}

static json_t *rule_args(const struct hr_rec_entry *e)
{
	unsigned i0 = hr_rec_arg_index(e->kind, e->arch, false);
	json_t *args = json_array();

	switch (e->kind) {
	case HR_REC_CLONE: json_array_append_new(args, masked(i0, HR_CLONE_NS_FLAGS, e->a)); break;
	case HR_REC_UNSHARE: json_array_append_new(args, arg(i0, e->a, 0, "SCMP_CMP_EQ")); break;
	case HR_REC_SOCKET:
		json_array_append_new(args, arg(i0, e->a, 0, "SCMP_CMP_EQ"));
		json_array_append_new(args, masked(hr_rec_arg_index(e->kind, e->arch, true), 0xf, e->b));
		break;
	case HR_REC_PERSONALITY:
	case HR_REC_PRCTL:
	case HR_REC_IOCTL: json_array_append_new(args, masked(i0, 0xffffffffULL, e->a)); break;
	default: break;
	}
	return args;
}

static void append_unique(json_t *rules, json_t *rule)
{
	size_t i;
	json_t *r;

	json_array_foreach(rules, i, r)
		if (json_equal(r, rule)) {
			json_decref(rule);
			return;
		}
	json_array_append_new(rules, rule);
}

static json_t *allow_rule(const char *name, json_t *args)
{
	return json_pack("{s[s]sssO}", "names", name, "action", "SCMP_ACT_ALLOW", "args", args);
}

/* clone3 seen with flags F: clone with the same namespace flags */
static void add_clone3_fallback(json_t *rules, const struct hr_rec_entry *e)
{
	struct hr_rec_entry as_clone = *e;
	json_t *args;

	as_clone.kind = HR_REC_CLONE;
	as_clone.a = e->a == HR_REC_UNKNOWN ? 0 : e->a & HR_CLONE_NS_FLAGS;
	args = rule_args(&as_clone);
	append_unique(rules, allow_rule("clone", args));
	json_decref(args);
}

static json_t *build_rules(const struct hr_rec_entry *e, size_t n, const struct hr_learn_meta *m)
{
	json_t *plain = json_array(), *rules = json_array(), *args;

	for (size_t i = 0; i < n; i++) {
		if (!wanted(&e[i], m))
			continue;
		if (e[i].kind == HR_REC_PLAIN) {
			append_unique(plain, json_string(e[i].name));
		} else if (e[i].kind == HR_REC_CLONE3) {
			add_clone3_fallback(rules, &e[i]);
		} else {
			args = rule_args(&e[i]);
			append_unique(rules, allow_rule(e[i].name, args));
			json_decref(args);
		}
	}
	json_array_append_new(rules, json_pack("{s[s]sssi}", "names", "clone3", "action", "SCMP_ACT_ERRNO",
					       "errnoRet", ENOSYS));
	if (json_array_size(plain))
		json_array_insert_new(rules, 0, json_pack("{sOss}", "names", plain, "action", "SCMP_ACT_ALLOW"));
	json_decref(plain);
	return rules;
}

static json_t *build_arches(const struct hr_rec_entry *e, size_t n)
{
	json_t *arches = json_array();
	uint32_t native = seccomp_arch_native();

	/* the native arch first, then the others seen (a 32-bit binary) */
	json_array_append_new(arches, json_string(hr_learn_arch_name(native)));
	for (size_t i = 0; i < n; i++) {
		const char *name = hr_learn_arch_name(e[i].arch);
		json_t *s = name ? json_string(name) : NULL;
		if (s)
			append_unique(arches, s);
	}
	return arches;
}

json_t *hr_learn_meta_json(const struct hr_learn_meta *m)
{
	json_t *meta = json_pack("{sbsisb}", "partial", m->partial, "runs", m->runs, "runtimeSyscallsIncluded",
				 m->include_runtime);

	if (m->reason)
		json_object_set_new(meta, "reason", json_string(m->reason));
	if (m->has_exit_status)
		json_object_set_new(meta, "exitStatus", json_integer(m->exit_status));
	json_object_set_new(meta, "note",
			    json_string("written by `hardrun profile learn`; hardrun and runc ignore this member"));
	return json_pack("{so}", "learn", meta);
}

json_t *hr_learn_profile(const struct hr_rec_entry *e, size_t n, const struct hr_learn_meta *m)
{
	return json_pack("{sssisososo}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", EPERM, "architectures",
			 build_arches(e, n), "syscalls", build_rules(e, n, m), HR_LEARN_META_KEY, hr_learn_meta_json(m));
}

size_t hr_learn_count_syscalls(json_t *profile)
{
	json_t *rules = json_object_get(profile, "syscalls"), *r, *nm, *seen = json_object();
	size_t i, j, n;

	json_array_foreach(rules, i, r) {
		if (!json_is_string(json_object_get(r, "action")) ||
		    strcmp(json_string_value(json_object_get(r, "action")), "SCMP_ACT_ALLOW") != 0)
			continue;
		json_array_foreach(json_object_get(r, "names"), j, nm)
			if (json_is_string(nm))
				json_object_set_new(seen, json_string_value(nm), json_true());
	}
	n = json_object_size(seen);
	json_decref(seen);
	return n;
}

/* Docker's format: archMap (the native arch and the others seen as its
 * sub-architectures) instead of architectures; the rules are the same. */
json_t *hr_learn_to_docker(json_t *oci)
{
	json_t *d = json_deep_copy(oci), *arches = json_object_get(d, "architectures"), *subs = json_array();
	size_t i;
	json_t *a;

	json_array_foreach(arches, i, a)
		if (i > 0)
			json_array_append(subs, a);
	json_object_set_new(d, "archMap", json_pack("[{sOso}]", "architecture", json_array_get(arches, 0),
						    "subArchitectures", subs));
	json_object_del(d, "architectures");
	return d;
}
