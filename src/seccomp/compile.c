/* linux.seccomp to BPF with libseccomp (parent side), and the seccomp(2)
 * load in the container process. */
#include "seccomp/seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "seccomp/compact.h"
#include "seccomp/eval.h"
#include "seccomp/internal.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The kernel's BPF_MAXINSNS for a single classic BPF program. */
#define HR_SECCOMP_MAX_INSNS 4096

struct name_value {
	const char *name;
	uint32_t value;
};

static const struct name_value arches[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 }, { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 }, { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 }, { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 }, { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL }, { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 }, { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 }, { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 }, { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC }, { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

static const struct name_value filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct name_value fixed_actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL }, { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD }, { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW }, { "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

void hr_seccomp_foreach_arch(void (*fn)(const char *name, void *ud), void *ud)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(arches); i++)
		fn(arches[i].name, ud);
}

void hr_seccomp_foreach_flag(void (*fn)(const char *name, unsigned long value, void *ud), void *ud)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(filter_flags); i++)
		fn(filter_flags[i].name, filter_flags[i].value, ud);
}

static const struct name_value *lookup(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Action name + optional errno to the libseccomp action value. `where`
 * names the field for messages. */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret, const char *where,
			  uint32_t *out, struct hr_error *err)
{
	const struct name_value *a = lookup(fixed_actions, HR_ARRAY_SIZE(fixed_actions), name);
	uint32_t e = has_errno ? errno_ret : EPERM;

	if (has_errno && errno_ret > 0xffff)
		return hr_error_set(err, 0, "seccomp: %s: errno %u is out of range", where, errno_ret);
	if (name && strcmp(name, "SCMP_ACT_ERRNO") == 0) {
		*out = SCMP_ACT_ERRNO(e);
		return 0;
	}
	if (name && strcmp(name, "SCMP_ACT_TRACE") == 0) {
		*out = SCMP_ACT_TRACE(e);
		return 0;
	}
	if (!a)
		return hr_error_set(err, 0, "seccomp: %s: unknown action \"%s\"", where, name ? name : "");
	if (has_errno)
		return hr_error_set(err, 0, "seccomp: %s: action %s does not take an errno return code",
				    where, name);
	*out = a->value;
	return 0;
}

static bool action_permits(uint32_t action)
{
	return action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG;
}

static int resolve_flags(const struct hr_seccomp *cfg, unsigned int *flags, struct hr_error *err)
{
	*flags = 0;
	for (size_t i = 0; cfg->flags && cfg->flags[i]; i++) {
		const struct name_value *f = lookup(filter_flags, HR_ARRAY_SIZE(filter_flags), cfg->flags[i]);
		if (!f)
			return hr_error_set(err, 0, "seccomp: unknown flag \"%s\" in linux.seccomp.flags",
					    cfg->flags[i]);
		*flags |= f->value;
	}
	return 0;
}

/* Everything about cfg that can be checked without libseccomp, so a cache
 * hit is validated exactly like a fresh compile. */
static int check_config(const struct hr_seccomp *cfg, struct hr_seccomp_program *out,
			struct hr_error *err)
{
	uint32_t def, act;
	char where[64];

	if (resolve_action(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret,
			   "linux.seccomp.defaultAction", &def, err) < 0)
		return -1;
	out->wants_notify = def == SCMP_ACT_NOTIFY;
	for (size_t i = 0; i < cfg->n_syscalls; i++) {
		const struct hr_seccomp_rule *r = &cfg->syscalls[i];
		snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]", i);
		if (resolve_action(r->action, r->has_errno_ret, r->errno_ret, where, &act, err) < 0)
			return -1;
		if (act == SCMP_ACT_NOTIFY)
			out->wants_notify = true;
	}
	for (size_t i = 0; cfg->architectures && cfg->architectures[i]; i++)
		if (!lookup(arches, HR_ARRAY_SIZE(arches), cfg->architectures[i]))
			return hr_error_set(err, 0,
					    "seccomp: architecture \"%s\" in linux.seccomp.architectures is not supported (libseccomp %u.%u.%u)",
					    cfg->architectures[i], seccomp_version()->major,
					    seccomp_version()->minor, seccomp_version()->micro);
	if (resolve_flags(cfg, &out->flags, err) < 0)
		return -1;
	if ((out->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !out->wants_notify)
		return hr_error_set(err, 0, "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a SCMP_ACT_NOTIFY rule");
	if ((out->flags & SECCOMP_FILTER_FLAG_TSYNC) && out->wants_notify)
		return hr_error_set(err, 0, "seccomp: SECCOMP_FILTER_FLAG_TSYNC cannot be combined with SCMP_ACT_NOTIFY (the kernel refuses it)");
	return 0;
}

static int to_scmp_op(enum hr_seccomp_op op, enum scmp_compare *out)
{
	switch (op) {
	case HR_SCMP_CMP_NE: *out = SCMP_CMP_NE; return 0;
	case HR_SCMP_CMP_LT: *out = SCMP_CMP_LT; return 0;
	case HR_SCMP_CMP_LE: *out = SCMP_CMP_LE; return 0;
	case HR_SCMP_CMP_EQ: *out = SCMP_CMP_EQ; return 0;
	case HR_SCMP_CMP_GE: *out = SCMP_CMP_GE; return 0;
	case HR_SCMP_CMP_GT: *out = SCMP_CMP_GT; return 0;
	case HR_SCMP_CMP_MASKED_EQ: *out = SCMP_CMP_MASKED_EQ; return 0;
	}
	return -1;
}

static int build_conditions(const struct hr_seccomp_rule *r, size_t idx, struct scmp_arg_cmp *conds,
			    bool *same_index, struct hr_error *err)
{
	*same_index = false;
	for (size_t k = 0; k < r->n_args; k++) {
		const struct hr_seccomp_arg *a = &r->args[k];
		enum scmp_compare op;

		if (a->index > 5)
			return hr_error_set(err, 0, "seccomp: linux.seccomp.syscalls[%zu].args[%zu]: index %u is out of range (0-5)",
					    idx, k, a->index);
		if (to_scmp_op(a->op, &op) < 0)
			return hr_error_set(err, 0, "seccomp: linux.seccomp.syscalls[%zu].args[%zu]: unknown operator",
					    idx, k);
		/* OCI: MASKED_EQ takes value as the mask, valueTwo as the datum,
		 * which is libseccomp's (datum_a, datum_b) order too. */
		conds[k] = (struct scmp_arg_cmp){ a->index, op, a->value, a->value_two };
		for (size_t j = 0; j < k; j++)
			if (r->args[j].index == a->index)
				*same_index = true;
	}
	return 0;
}

/* OCI semantics: conditions are ANDed, except that several conditions on
 * the same argument make one rule each (as runc and crun do). */
static int add_syscall(scmp_filter_ctx ctx, uint32_t act, int nr, const struct hr_seccomp_rule *r,
		       size_t idx, const char *name, struct hr_error *err)
{
	_cleanup_free_ struct scmp_arg_cmp *conds = xcalloc(r->n_args, sizeof(*conds));
	bool same_index;
	int rc = 0;

	if (build_conditions(r, idx, conds, &same_index, err) < 0)
		return -1;
	if (!same_index) {
		rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, r->n_args ? conds : NULL);
	} else {
		for (size_t k = 0; k < r->n_args && rc == 0; k++)
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[k]);
	}
	if (rc < 0)
		return hr_error_set(err, -rc, "seccomp: adding rule for \"%s\" (linux.seccomp.syscalls[%zu])",
				    name, idx);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct hr_seccomp *cfg, uint32_t def,
		     struct hr_error *err)
{
	for (size_t i = 0; i < cfg->n_syscalls; i++) {
		const struct hr_seccomp_rule *r = &cfg->syscalls[i];
		uint32_t act;

		if (resolve_action(r->action, r->has_errno_ret, r->errno_ret, "rule", &act, err) < 0)
			return -1;
		/* libseccomp refuses rules that repeat the default action. */
		if (act == def)
			continue;
		for (size_t j = 0; r->names && r->names[j]; j++) {
			const char *name = r->names[j];
			int nr = seccomp_syscall_resolve_name(name);

			if (nr == __NR_SCMP_ERROR) {
				if (!action_permits(act) && action_permits(def))
					return hr_error_set(err, 0,
							    "seccomp: unknown syscall \"%s\" in linux.seccomp.syscalls[%zu] cannot be denied (the default action allows it)",
							    name, i);
				hr_log_debugf("seccomp: skipping unknown syscall \"%s\" (linux.seccomp.syscalls[%zu])",
					      name, i);
				continue;
			}
			if (add_syscall(ctx, act, nr, r, i, name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int setup_filter(scmp_filter_ctx ctx, const struct hr_seccomp *cfg, unsigned int flags,
			struct hr_error *err)
{
	int rc;

	for (size_t i = 0; cfg->architectures && cfg->architectures[i]; i++) {
		const struct name_value *a = lookup(arches, HR_ARRAY_SIZE(arches), cfg->architectures[i]);
		rc = seccomp_arch_add(ctx, a->value);
		if (rc < 0 && rc != -EEXIST)
			return hr_error_set(err, -rc, "seccomp: adding architecture %s", a->name);
	}
	/* The launcher sets no_new_privs itself, as the config asks. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree over syscall numbers: the kernel emulates the filter for
	 * every syscall number when it loads it (its allow cache), and a linear
	 * chain makes that walk ~400 instructions per number. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0 && (flags & SECCOMP_FILTER_FLAG_TSYNC))
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc < 0)
		return hr_error_set(err, -rc, "seccomp: setting filter attributes");
	return 0;
}

/* libseccomp 2.5 exports only to an fd: go through a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct hr_seccomp_program *out, struct hr_error *err)
{
	_cleanup_close_ int fd = memfd_create("hardrun-seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return hr_error_set(err, errno, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return hr_error_set(err, -rc, "seccomp: exporting BPF");
	if (fstat(fd, &st) < 0)
		return hr_error_set(err, errno, "seccomp: fstat of the exported BPF");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0)
		return hr_error_set(err, 0, "seccomp: exported BPF has an odd size (%lld bytes)",
				    (long long)st.st_size);
	out->n_insns = (size_t)st.st_size / sizeof(struct sock_filter);
	out->filter = xmalloc((size_t)st.st_size);
	if (pread(fd, out->filter, (size_t)st.st_size, 0) != st.st_size) {
		free(hr_steal_ptr(out->filter));
		return hr_error_set(err, errno, "seccomp: reading back the exported BPF");
	}
	return 0;
}

/* The same decisions in fewer instructions, when they fit (compact.c):
 * the kernel's load of the filter costs per instruction. */
static void compact(struct hr_seccomp_program *p)
{
	struct sock_filter *q;
	size_t n;

	if (hr_seccomp_compact(p->filter, p->n_insns, &q, &n) != 1) {
		hr_log_debugf("seccomp: libseccomp's program kept as it is (%zu instructions)", p->n_insns);
		return;
	}
	hr_log_debugf("seccomp: %zu instructions as ranges instead of libseccomp's %zu", n, p->n_insns);
	free(p->filter);
	p->filter = q;
	p->n_insns = n;
}

static int compile_fresh(const struct hr_seccomp *cfg, struct hr_seccomp_program *out, bool ranges,
			 struct hr_error *err)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	int rc;

	if (resolve_action(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret,
			   "linux.seccomp.defaultAction", &def, err) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx)
		return hr_error_set(err, 0, "seccomp: seccomp_init(%s) failed", cfg->default_action);
	rc = setup_filter(ctx, cfg, out->flags, err);
	if (rc == 0)
		rc = add_rules(ctx, cfg, def, err);
	if (rc == 0)
		rc = export_bpf(ctx, out, err);
	if (rc == 0)
		rc = hr_seccomp_prepend_enosys(cfg, def, out);
	seccomp_release(ctx);
	if (rc == 0 && ranges)
		compact(out);
	return rc;
}

/* out zeroed, cfg's actions, architectures and flags checked; never a
 * filter from a config whose rules were not read (fail closed) */
static int start_compile(const struct hr_seccomp *cfg, struct hr_seccomp_program *out, struct hr_error *err)
{
	memset(out, 0, sizeof(*out));
	if (cfg->syscalls_elided)
		return hr_error_set(err, 0, "seccomp: the rules of linux.seccomp were not read; cannot compile");
	return check_config(cfg, out, err);
}

int hr_seccomp_compile_libseccomp(const struct hr_seccomp *cfg, struct hr_seccomp_program *out,
				  struct hr_error *err)
{
	if (start_compile(cfg, out, err) < 0)
		return -1;
	if (compile_fresh(cfg, out, false, err) < 0) {
		hr_seccomp_program_clear(out);
		return -1;
	}
	return 0;
}

int hr_seccomp_compile(const struct hr_seccomp *cfg, const char *cache_dir,
		       struct hr_seccomp_program *out, struct hr_error *err)
{
	char key[HR_SECCOMP_KEY_HEX];

	if (start_compile(cfg, out, err) < 0)
		return -1;
	if (cache_dir) {
		hr_seccomp_cache_key(cfg, key);
		if (hr_seccomp_cache_load(cache_dir, key, &out->filter, &out->n_insns) == 1) {
			memcpy(out->cache_key, key, sizeof(key));
			return 0;
		}
	}
	/* ranges cost a few ms to build and save ~0.14 ms per load: worth it
	 * for a program that is cached, not for one compiled every time */
	if (compile_fresh(cfg, out, cache_dir != NULL, err) < 0) {
		hr_seccomp_program_clear(out);
		return -1;
	}
	if (out->n_insns > HR_SECCOMP_MAX_INSNS) {
		size_t n = out->n_insns;
		hr_seccomp_program_clear(out);
		return hr_error_set(err, 0, "seccomp: the filter has %zu BPF instructions, more than the kernel's limit of %d",
				    n, HR_SECCOMP_MAX_INSNS);
	}
	if (cache_dir && hr_seccomp_cache_store(cache_dir, key, out->filter, out->n_insns) == 0)
		memcpy(out->cache_key, key, sizeof(key));
	return 0;
}

/* eval.h: the program `run` would load, without the cache (here, not in
 * eval.c: the evaluator is what compiling checks its ranges with) */
int hr_seccomp_compile_for_eval(const struct hr_seccomp *cfg, struct hr_seccomp_program *out,
				struct hr_error *err)
{
	return hr_seccomp_compile(cfg, NULL, out, err);
}

bool hr_seccomp_key_valid(const char *key)
{
	size_t n = 0;

	for (; key && ((key[n] >= '0' && key[n] <= '9') || (key[n] >= 'a' && key[n] <= 'f')); n++)
		;
	return key && n == HR_SECCOMP_KEY_HEX - 1 && key[n] == '\0';
}

int hr_seccomp_load_cached(const struct hr_seccomp *cfg, const char *cache_dir, const char *key,
			   struct hr_seccomp_program *out, struct hr_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!cache_dir || !hr_seccomp_key_valid(key))
		return 0;
	/* the rules are not here: only the default action can ask for notify */
	if (check_config(cfg, out, err) < 0)
		return -1;
	if (out->wants_notify || cfg->listener_path ||
	    hr_seccomp_cache_load(cache_dir, key, &out->filter, &out->n_insns) != 1) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	memcpy(out->cache_key, key, HR_SECCOMP_KEY_HEX);
	return 1;
}

void hr_seccomp_program_clear(struct hr_seccomp_program *p)
{
	if (!p)
		return;
	free(p->filter);
	memset(p, 0, sizeof(*p));
}

int hr_seccomp_load(const struct hr_seccomp_program *p, int *notify_fd, struct hr_error *err)
{
	struct sock_fprog prog = {
		.len = (unsigned short)p->n_insns,
		.filter = p->filter,
	};
	unsigned long flags = p->flags;
	long rc;

	*notify_fd = -1;
	if (!p->filter || p->n_insns == 0 || p->n_insns > HR_SECCOMP_MAX_INSNS)
		return hr_error_set(err, EINVAL, "loading seccomp filter: invalid program (%zu instructions)",
				    p->n_insns);
	if (p->wants_notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (rc < 0) {
		if (errno == EACCES)
			return hr_error_set(err, errno, "loading seccomp filter requires no_new_privs or CAP_SYS_ADMIN");
		return hr_error_set(err, errno, "loading seccomp filter (%zu instructions, flags 0x%lx)",
				    p->n_insns, flags);
	}
	if (p->wants_notify)
		*notify_fd = (int)rc;
	return 0;
}
