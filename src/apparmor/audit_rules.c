/* From AppArmor audit records to profile rules: file paths with their
 * permissions (x becomes ix: a program the workload runs stays under the
 * same profile), capabilities, network family/type, signals, ptrace,
 * mount, umount and pivot_root. Numeric /proc/<pid> components become
 * [0-9]* so a learned profile fits the next run's pids. */
#include "apparmor/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum { P_R = 1, P_W = 2, P_A = 4, P_L = 8, P_K = 16, P_M = 32, P_X = 64 };

struct file_rule {
	char *path; /* already in profile syntax (escaped, quoted, globbed) */
	unsigned perms;
};

struct hr_aa_rules {
	char *self, *name;
	struct file_rule *files;
	size_t n_files;
	char **other;
	size_t n_other;
};

struct hr_aa_rules *hr_aa_rules_new(const char *self, const char *name)
{
	struct hr_aa_rules *rules = xmalloc(sizeof(*rules));

	*rules = (struct hr_aa_rules){ .self = xstrdup(self), .name = xstrdup(name) };
	return rules;
}

void hr_aa_rules_free(struct hr_aa_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n_files; i++)
		free(rules->files[i].path);
	for (size_t i = 0; i < rules->n_other; i++)
		free(rules->other[i]);
	free(rules->files);
	free(rules->other);
	free(rules->self);
	free(rules->name);
	free(rules);
}

static unsigned file_perms(const char *mask, bool exec)
{
	unsigned p = 0;

	for (; mask && *mask; mask++) {
		switch (*mask) {
		case 'r': p |= P_R; break;
		case 'w': case 'c': case 'd': p |= P_W; break;
		case 'a': p |= P_A; break;
		case 'l': p |= P_L; break;
		case 'k': p |= P_K; break;
		case 'm': p |= P_M; break;
		case 'x': p |= exec ? P_X : 0; break;
		default: break;
		}
	}
	return p;
}

static void perms_text(unsigned p, char out[8])
{
	char *o = out;

	if (p & P_R)
		*o++ = 'r';
	if (p & P_W)
		*o++ = 'w';
	else if (p & P_A)
		*o++ = 'a';
	if (p & P_L)
		*o++ = 'l';
	if (p & P_K)
		*o++ = 'k';
	if (p & P_M)
		*o++ = 'm';
	if (p & P_X) {
		*o++ = 'i';
		*o++ = 'x';
	}
	*o = '\0';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* The path in profile syntax: glob characters escaped, [0-9]* for pids
 * under /proc, quoted when it has a space. */
static char *path_pattern(const char *path)
{
	bool proc = strncmp(path, "/proc/", 6) == 0, quote = strpbrk(path, " \t") != NULL;
	char *out = xmalloc(strlen(path) * 6 + 8), *o = out; /* a 1-digit pid becomes [0-9]* */

	if (quote)
		*o++ = '"';
	for (const char *p = path; *p;) {
		size_t comp = strcspn(p, "/");
		if (proc && p > path && p[-1] == '/' && all_digits(p, comp)) {
			strcpy(o, "[0-9]*");
			o += 6;
			p += comp;
			continue;
		}
		if (strchr("*?[]{}\"\\^", *p))
			*o++ = '\\';
		*o++ = *p++;
	}
	if (quote)
		*o++ = '"';
	*o = '\0';
	return out;
}

/* self or a child of self (self//null-...) is called name. */
static const char *peer_name(const char *peer, const char *self, const char *name)
{
	size_t n = strlen(self);

	if (peer && strncmp(peer, self, n) == 0 && (peer[n] == '\0' || strncmp(peer + n, "//", 2) == 0))
		return name;
	return peer ? peer : "unconfined";
}

static bool is_file_record(const struct hr_aa_record *r)
{
	return r->name && r->name[0] == '/' && r->requested_mask && !r->family;
}

/* The rule a record that is not a file access asks for, or NULL. */
static char *other_rule(const struct hr_aa_record *r, const char *self, const char *name)
{
	const char *op = r->operation ? r->operation : "";
	const char *peer = peer_name(r->peer, self, name);

	if (strcmp(op, "capable") == 0 && r->capname)
		return xasprintf("capability %s,", r->capname);
	if (r->family)
		return r->sock_type ? xasprintf("network %s %s,", r->family, r->sock_type)
				    : xasprintf("network %s,", r->family);
	if (strcmp(op, "signal") == 0 && r->requested_mask && r->signal)
		return xasprintf("signal (%s) set=(%s) peer=%s,", r->requested_mask, r->signal, peer);
	if (strcmp(op, "ptrace") == 0 && r->requested_mask)
		return xasprintf("ptrace (%s) peer=%s,", r->requested_mask, peer);
	if (strcmp(op, "umount") == 0 && r->name)
		return xasprintf("umount %s,", r->name);
	if (strcmp(op, "pivotroot") == 0 && r->name)
		return r->srcname ? xasprintf("pivot_root oldroot=%s %s,", r->srcname, r->name)
				  : xasprintf("pivot_root %s,", r->name);
	if (strcmp(op, "mount") == 0 && r->name) {
		_cleanup_free_ char *opts = xstrdup(r->flags ? r->flags : "");
		char *w = opts;
		for (const char *c = opts; *c; c++)
			if (*c != ' ')
				*w++ = *c;
		*w = '\0';
		return xasprintf("mount%s%s%s%s%s %s -> %s,", r->fstype ? " fstype=" : "", r->fstype ? r->fstype : "",
				 *opts ? " options=(" : "", opts, *opts ? ")" : "", r->srcname ? r->srcname : "",
				 r->name);
	}
	return NULL;
}

/* Records that make no rule: state changes, and the exec transition to a
 * learning child that no_new_privs refused (ix needs no transition). */
static bool makes_rule(const struct hr_aa_record *r)
{
	if (!r->apparmor || (strcmp(r->apparmor, "ALLOWED") != 0 && strcmp(r->apparmor, "DENIED") != 0))
		return false;
	return !(r->operation && strcmp(r->operation, "exec") == 0 && r->info &&
		 strcmp(r->info, "no new privs") == 0);
}

char *hr_aa_record_rule(const struct hr_aa_record *r, const char *self, const char *name)
{
	bool exec = r->operation && strcmp(r->operation, "exec") == 0;
	_cleanup_free_ char *path = NULL;
	char perms[8];

	if (!makes_rule(r))
		return NULL;
	if (!is_file_record(r))
		return other_rule(r, self, name);
	perms_text(file_perms(r->requested_mask, exec), perms);
	if (!*perms)
		return NULL;
	path = path_pattern(r->name);
	return xasprintf("%s %s,", path, perms);
}

static int add_file(struct hr_aa_rules *rules, const struct hr_aa_record *r)
{
	bool exec = r->operation && strcmp(r->operation, "exec") == 0;
	unsigned perms = file_perms(r->requested_mask, exec);
	_cleanup_free_ char *path = NULL;

	if (!perms)
		return 0;
	path = path_pattern(r->name);
	for (size_t i = 0; i < rules->n_files; i++) {
		struct file_rule *f = &rules->files[i];
		if (strcmp(f->path, path) != 0)
			continue;
		if ((f->perms | perms) == f->perms)
			return 0;
		f->perms |= perms;
		return 1;
	}
	rules->files = xrealloc(rules->files, (rules->n_files + 1) * sizeof(*rules->files));
	rules->files[rules->n_files++] = (struct file_rule){ .path = hr_steal_ptr(path), .perms = perms };
	return 1;
}

int hr_aa_rules_add(struct hr_aa_rules *rules, const struct hr_aa_record *r)
{
	char *rule;

	if (!makes_rule(r))
		return 0;
	if (is_file_record(r))
		return add_file(rules, r);
	rule = other_rule(r, rules->self, rules->name);
	if (!rule)
		return 0;
	for (size_t i = 0; i < rules->n_other; i++) {
		if (strcmp(rules->other[i], rule) == 0) {
			free(rule);
			return 0;
		}
	}
	rules->other = xrealloc(rules->other, (rules->n_other + 1) * sizeof(*rules->other));
	rules->other[rules->n_other++] = rule;
	return 1;
}

size_t hr_aa_rules_count(const struct hr_aa_rules *rules)
{
	return rules->n_files + rules->n_other;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file_rule *)a)->path, ((const struct file_rule *)b)->path);
}

char *hr_aa_rules_render(const struct hr_aa_rules *rules, const char *header)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char perms[8];

	if (!out)
		abort(); /* as the x* allocators: out of memory */
	qsort(rules->other, rules->n_other, sizeof(*rules->other), cmp_str);
	qsort(rules->files, rules->n_files, sizeof(*rules->files), cmp_file);
	if (header)
		fprintf(out, "%s\n", header);
	fprintf(out, "profile %s flags=(%s) {\n", rules->name, HR_AA_PROFILE_FLAGS);
	for (size_t i = 0; i < rules->n_other; i++)
		fprintf(out, "  %s\n", rules->other[i]);
	if (rules->n_other && rules->n_files)
		fputc('\n', out);
	for (size_t i = 0; i < rules->n_files; i++) {
		perms_text(rules->files[i].perms, perms);
		fprintf(out, "  %s %s,\n", rules->files[i].path, perms);
	}
	fputs("}\n", out);
	fclose(out);
	return text;
}
