/* Device allowlist on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * as raw instructions (no libbpf) and attached to the container's cgroup.
 *
 * Semantics: deny by default; the OCI default devices are appended to the
 * configured rules (as runc does), and the last matching rule wins. Each
 * requested access bit (m, r, w) is decided on its own by the last rule that
 * matches the device and names that bit; the request is allowed only when
 * every requested bit is. So "allow c 1:3 rwm" then "deny c 1:3 w" lets a
 * read-only open through but not a read-write one, as with cgroup v1. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/log.h"
#include "base/util.h"

#define MAX_RULES 4096

/* OCI default devices (runtime-spec config-linux.md "Default Devices"), plus
 * mknod of any device, which runc also allows (opening still needs a rule). */
static const struct hr_device_rule default_rules[] = {
	{ true, 'c', -1, -1, "m" },
	{ true, 'b', -1, -1, "m" },
	{ true, 'c', 1, 3, "rwm" },    /* null */
	{ true, 'c', 1, 5, "rwm" },    /* zero */
	{ true, 'c', 1, 7, "rwm" },    /* full */
	{ true, 'c', 1, 8, "rwm" },    /* random */
	{ true, 'c', 1, 9, "rwm" },    /* urandom */
	{ true, 'c', 5, 0, "rwm" },    /* tty */
	{ true, 'c', 5, 1, "rwm" },    /* console */
	{ true, 'c', 5, 2, "rwm" },    /* ptmx */
	{ true, 'c', 136, -1, "rwm" }, /* /dev/pts/N */
};

static const struct { char c; uint32_t bit; } access_bits[] = {
	{ 'm', BPF_DEVCG_ACC_MKNOD }, { 'r', BPF_DEVCG_ACC_READ }, { 'w', BPF_DEVCG_ACC_WRITE },
};

static bool rule_has_access(const struct hr_device_rule *r, char c)
{
	const char *acc = r->access[0] ? r->access : "rwm";
	return strchr(acc, c) != NULL;
}

static char rule_type(const struct hr_device_rule *r)
{
	return r->type ? r->type : 'a';
}

static int validate_rule(const struct hr_device_rule *r, size_t i, struct hr_error *err)
{
	char t = rule_type(r);

	if (t != 'a' && t != 'b' && t != 'c')
		return hr_error_set(err, 0, "devices[%zu]: type must be \"a\", \"b\" or \"c\", not \"%c\"", i, t);
	if (r->major < -1 || r->major > INT32_MAX || r->minor < -1 || r->minor > INT32_MAX)
		return hr_error_set(err, 0, "devices[%zu]: major/minor out of range", i);
	if (r->access[strspn(r->access, "rwm")] != '\0')
		return hr_error_set(err, 0, "devices[%zu]: access \"%s\" may only contain r, w and m", i, r->access);
	return 0;
}

static bool rule_matches(const struct hr_device_rule *r, char type, int64_t major, int64_t minor)
{
	char t = rule_type(r);
	return (t == 'a' || t == type) && (r->major == -1 || r->major == major) &&
	       (r->minor == -1 || r->minor == minor);
}

/* Rule i of the configured rules followed by the defaults. */
static const struct hr_device_rule *rule_at(const struct hr_device_rule *rules, size_t n, size_t i)
{
	return i < n ? &rules[i] : &default_rules[i - n];
}

bool hr_cgroup_device_allowed(const struct hr_device_rule *rules, size_t n, char type, int64_t major,
			      int64_t minor, const char *access)
{
	size_t total = n + HR_ARRAY_SIZE(default_rules);

	for (size_t b = 0; b < HR_ARRAY_SIZE(access_bits); b++) {
		if (!strchr(access, access_bits[b].c))
			continue;
		bool allowed = false;
		for (size_t i = total; i-- > 0;) {
			const struct hr_device_rule *r = rule_at(rules, n, i);
			if (rule_has_access(r, access_bits[b].c) && rule_matches(r, type, major, minor)) {
				allowed = r->allow;
				break;
			}
		}
		if (!allowed)
			return false;
	}
	return true;
}

/* ---- program generation ---------------------------------------------------- */

struct prog {
	struct bpf_insn *insns;
	size_t n, cap;
	/* jump fixups: instruction index -> label */
	struct { size_t insn; int label; } *fix;
	size_t n_fix, cap_fix;
	size_t *labels;
	int n_labels;
};

static void emit(struct prog *p, struct bpf_insn in)
{
	if (p->n == p->cap)
		p->insns = xrealloc(p->insns, (p->cap = p->cap ? p->cap * 2 : 64) * sizeof(*p->insns));
	p->insns[p->n++] = in;
}

static int new_label(struct prog *p)
{
	p->labels = xrealloc(p->labels, (p->n_labels + 1) * sizeof(*p->labels));
	p->labels[p->n_labels] = SIZE_MAX;
	return p->n_labels++;
}

static void place_label(struct prog *p, int label)
{
	p->labels[label] = p->n;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* Conditional or unconditional jump to a label (resolved at the end). */
static void emit_jump(struct prog *p, uint8_t op, uint8_t reg, int32_t imm, int label)
{
	if (p->n_fix == p->cap_fix)
		p->fix = xrealloc(p->fix, (p->cap_fix = p->cap_fix ? p->cap_fix * 2 : 64) * sizeof(*p->fix));
	p->fix[p->n_fix].insn = p->n;
	p->fix[p->n_fix++].label = label;
	emit(p, insn(BPF_JMP | op | (op == BPF_JA ? 0 : BPF_K), reg, 0, 0, imm));
}

static void emit_return(struct prog *p, int32_t value)
{
	emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, value));
	emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static int resolve_jumps(struct prog *p, struct hr_error *err)
{
	for (size_t i = 0; i < p->n_fix; i++) {
		long off = (long)p->labels[p->fix[i].label] - (long)p->fix[i].insn - 1;
		if (off < 0 || off > INT16_MAX)
			return hr_error_set(err, 0, "device program too large");
		p->insns[p->fix[i].insn].off = (int16_t)off;
	}
	return 0;
}

/* r6 |= reg ^ value: r6 stays zero while the device matches. The compares
 * are made on this scratch register and ended by a single jump per rule:
 * a direct `reg != value` would teach the verifier reg's value on the
 * fall-through path, so later rules' compares on reg would have known
 * outcomes, each making it walk the history back (precision tracking) and
 * keeping states from being pruned. */
static void emit_mismatch(struct prog *p, uint8_t reg, int32_t value, bool first)
{
	uint8_t dst = first ? BPF_REG_6 : BPF_REG_8;

	emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, reg, 0, 0));
	emit(p, insn(BPF_ALU64 | BPF_XOR | BPF_K, dst, 0, 0, value));
	if (!first)
		emit(p, insn(BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_6, BPF_REG_8, 0, 0));
}

static int32_t rule_bits(const struct hr_device_rule *r)
{
	int32_t bits = 0;

	for (size_t b = 0; b < HR_ARRAY_SIZE(access_bits); b++)
		if (rule_has_access(r, access_bits[b].c))
			bits |= (int32_t)access_bits[b].bit;
	return bits;
}

static bool rule_matches_all(const struct hr_device_rule *r)
{
	return rule_type(r) == 'a' && r->major == -1 && r->minor == -1;
}

/* Registers: r2 device type, r4 major, r5 minor, r7 the access bits granted
 * so far. A matching rule sets (allow) or clears (deny) the bits it names,
 * so after all rules each bit is as the last matching rule naming it says,
 * and a bit no matching rule names stays denied. */
static void emit_rule(struct prog *p, const struct hr_device_rule *r)
{
	int next_rule = new_label(p);
	char t = rule_type(r);
	int32_t bits = rule_bits(r);

	bool first = true;

	if (t != 'a') {
		emit_mismatch(p, BPF_REG_2, t == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, first);
		first = false;
	}
	if (r->major != -1) {
		emit_mismatch(p, BPF_REG_4, (int32_t)r->major, first);
		first = false;
	}
	if (r->minor != -1) {
		emit_mismatch(p, BPF_REG_5, (int32_t)r->minor, first);
		first = false;
	}
	if (!first)
		emit_jump(p, BPF_JNE, BPF_REG_6, 0, next_rule);
	if (r->allow)
		emit(p, insn(BPF_ALU64 | BPF_OR | BPF_K, BPF_REG_7, 0, 0, bits));
	else
		emit(p, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_7, 0, 0, ~bits));
	place_label(p, next_rule);
}

/* One pass over the rules that leaves in r7 the access bits granted to the
 * device, then allow iff every requested bit is granted. (The earlier form,
 * one chain of jumps per access bit, took the verifier ~0.8 ms: about a
 * tenth of a hardened start's CPU; this one ~0.1 ms.) */
int hr_cgroup_device_program(const struct hr_device_rule *rules, size_t n, void **insns, size_t *n_insns,
			     struct hr_error *err)
{
	struct prog p = { 0 };
	size_t total = n + HR_ARRAY_SIZE(default_rules), first = 0;
	int deny = 0, rc = -1;

	if (n > MAX_RULES)
		return hr_error_set(err, 0, "devices: more than %d rules", MAX_RULES);
	for (size_t i = 0; i < n; i++)
		if (validate_rule(&rules[i], i, err) < 0)
			return -1;
	/* a rule for every device and access decides alone what came before it */
	for (size_t i = 0; i < total; i++)
		if (rule_matches_all(rule_at(rules, n, i)) && rule_bits(rule_at(rules, n, i)) == 7)
			first = i;

	/* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor */
	emit(&p, insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0));
	emit(&p, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0));
	emit(&p, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));
	emit(&p, insn(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));
	emit(&p, insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0));
	emit(&p, insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0));
	emit(&p, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_7, 0, 0, 0));
	for (size_t i = first; i < total; i++)
		emit_rule(&p, rule_at(rules, n, i));
	/* r3 &= ~r7: the requested bits not granted */
	emit(&p, insn(BPF_ALU64 | BPF_XOR | BPF_K, BPF_REG_7, 0, 0, -1));
	emit(&p, insn(BPF_ALU64 | BPF_AND | BPF_X, BPF_REG_3, BPF_REG_7, 0, 0));
	deny = new_label(&p);
	emit_jump(&p, BPF_JNE, BPF_REG_3, 0, deny);
	emit_return(&p, 1);
	place_label(&p, deny);
	emit_return(&p, 0);
	if (resolve_jumps(&p, err) == 0) {
		*insns = hr_steal_ptr(p.insns);
		*n_insns = p.n;
		rc = 0;
	}
	free(p.insns);
	free(p.fix);
	free(p.labels);
	return rc;
}

/* ---- loading and attaching ------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int load_program(const struct bpf_insn *insns, size_t n, struct hr_error *err)
{
	union bpf_attr attr;
	static char log[65536];

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uintptr_t) "Dual MIT/GPL";
	int fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	int saved = errno;
	if (saved == EPERM)
		return hr_error_set(err, saved, "devices: load the cgroup device BPF program (needs CAP_SYS_ADMIN "
				    "or CAP_BPF)");
	/* Again with the verifier log, for the message. */
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	log[0] = '\0';
	if ((fd = sys_bpf(BPF_PROG_LOAD, &attr)) >= 0)
		return fd;
	size_t len = strlen(log);
	const char *tail = len > 300 ? log + len - 300 : log;
	return hr_error_set(err, saved, "devices: load the cgroup device BPF program (verifier: %s)", tail);
}

/* Ids of the device programs attached directly to the cgroup. */
static int query_programs(int cgfd, uint32_t *ids, uint32_t *n, struct hr_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uintptr_t)ids;
	attr.query.prog_cnt = *n;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return hr_error_set(err, errno, "devices: query attached BPF programs");
	*n = attr.query.prog_cnt;
	return 0;
}

static void detach_program(int cgfd, uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	int pfd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (pfd < 0) {
		hr_log_warnf("devices: old BPF program %u: %s", id, strerror(errno));
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)pfd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr) < 0)
		hr_log_warnf("devices: detach old BPF program %u: %s", id, strerror(errno));
	close(pfd);
}

int hr_cgroup_apply_devices(struct hr_cgroup *cg, const struct hr_device_rule *rules, size_t n,
			    struct hr_error *err)
{
	_cleanup_free_ void *insns = NULL;
	_cleanup_close_ int prog = -1, cgfd = -1;
	uint32_t old[64];
	uint32_t n_old = HR_ARRAY_SIZE(old);
	size_t n_insns = 0;

	if (hr_cgroup_device_program(rules, n, &insns, &n_insns, err) < 0 ||
	    (prog = load_program(insns, n_insns, err)) < 0 || (cgfd = hr_cgroup_clone_fd(cg, err)) < 0 ||
	    query_programs(cgfd, old, &n_old, err) < 0)
		goto fail;

	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) {
		hr_error_set(err, errno, "devices: attach the BPF program");
		goto fail;
	}
	/* Attached programs all have to allow an access, so the old ones go
	 * only after the new one is in place: never a moment without a filter. */
	for (uint32_t i = 0; i < n_old && i < HR_ARRAY_SIZE(old); i++)
		detach_program(cgfd, old[i]);
	return 0;
fail:
	return hr_error_wrap(err, "cgroup: %s/%s", cg->mountpoint, cg->path);
}
