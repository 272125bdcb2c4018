/* Bind mounts: sources on the deny list are refused (checked after lexical
 * normalisation and, on the host, after resolving symlinks), and the
 * required options (nosuid, nodev) are added or demanded. */
#include "policy/rules.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static bool has_opt(char *const *opts, const char *o)
{
	for (size_t i = 0; opts && opts[i]; i++)
		if (strcmp(opts[i], o) == 0)
			return true;
	return false;
}

static bool is_bind(const struct hr_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || has_opt(m->options, "bind") ||
	       has_opt(m->options, "rbind");
}

/* "nosuid" -> "suid", "ro" -> "rw": the option that undoes o, or NULL. */
static const char *negation(const char *o)
{
	if (strcmp(o, "ro") == 0)
		return "rw";
	if (strcmp(o, "rw") == 0)
		return "ro";
	return strncmp(o, "no", 2) == 0 ? o + 2 : NULL;
}

/* o is in effect: present and not undone by a later option. */
static bool opt_in_effect(char *const *opts, const char *o)
{
	const char *neg = negation(o);
	bool on = false;

	for (size_t i = 0; opts && opts[i]; i++) {
		if (strcmp(opts[i], o) == 0)
			on = true;
		else if (neg && strcmp(opts[i], neg) == 0)
			on = false;
	}
	return on;
}

/* Collapses "//", "/./" and "/../" of an absolute path (no symlinks). */
static char *normalize(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t n = 0;

	for (const char *s = path; *s;) {
		const char *e = strchrnul(s, '/');
		size_t len = (size_t)(e - s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[--n] != '/')
				;
		} else if (len && !(len == 1 && s[0] == '.')) {
			out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s = *e ? e + 1 : e;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* "/" denies only the host root itself; any other entry, itself and below. */
static const char *denied_by(char *const *deny, const char *path)
{
	for (size_t i = 0; deny && deny[i]; i++) {
		_cleanup_free_ char *e = normalize(deny[i]);
		size_t n = strlen(e);
		if (strcmp(e, "/") == 0 ? strcmp(path, "/") == 0
					: strncmp(path, e, n) == 0 && (path[n] == '/' || !path[n]))
			return deny[i];
	}
	return NULL;
}

static void check_source(const struct hr_policy *p, const struct hr_policy_host *host,
			 const struct hr_mount *m, size_t i, struct hr_policy_result *d)
{
	enum hr_decision_kind a = p->bind_mounts.mode == HR_POLICY_WARN ? HR_DECISION_WARN
								       : HR_DECISION_REFUSE;
	_cleanup_free_ char *lexical = NULL, *resolved = NULL;
	const char *hit;

	if (!m->source)
		return;
	if (m->source[0] != '/') {
		/* Relative to the bundle: only ".." can leave it. */
		if (strstr(m->source, ".."))
			hr_policy_decide(d, "bindMounts", a, "mounts[%zu].source %s leaves the bundle",
					 i, m->source);
		return;
	}
	lexical = normalize(m->source);
	hit = denied_by(p->bind_mounts.deny_sources, lexical);
	if (!hit && host->resolve_symlinks && (resolved = realpath(lexical, NULL)))
		hit = denied_by(p->bind_mounts.deny_sources, resolved);
	if (hit)
		hr_policy_decide(d, "bindMounts", a, "mounts[%zu].source %s%s%s is denied (%s)", i,
				 m->source, resolved ? " -> " : "", resolved ? resolved : "", hit);
}

static void check_options(const struct hr_policy *p, struct hr_mount *m, size_t i,
			  struct hr_policy_result *d)
{
	char **req = p->bind_mounts.require_options;

	for (size_t k = 0; req && req[k]; k++) {
		_cleanup_free_ char *what = NULL;
		if (opt_in_effect(m->options, req[k]))
			continue;
		what = xasprintf("mounts[%zu] (%s) lacks \"%s\"", i, m->destination, req[k]);
		hr_policy_below(d, "bindMounts", p->bind_mounts.mode, what, "added");
		if (p->bind_mounts.mode == HR_POLICY_INJECT) {
			hr_policy_strv_append(&m->options, req[k]);
			m->n_options++;
		}
	}
}

void hr_policy_rule_bind_mounts(const struct hr_policy *p, const struct hr_policy_host *host,
				struct hr_spec *spec, struct hr_policy_result *d)
{
	if (p->bind_mounts.mode == HR_POLICY_OFF)
		return;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (!is_bind(&spec->mounts[i]))
			continue;
		check_source(p, host, &spec->mounts[i], i, d);
		check_options(p, &spec->mounts[i], i, d);
	}
}
