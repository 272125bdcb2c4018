/* exec's lean read of a saved config (issue 16): jansson spends ~80% of a
 * hardened config's parse on linux.seccomp.syscalls (about 400 rule
 * objects), which exec does not need when create recorded the key of the
 * compiled program in the BPF cache. This finds that one value with a
 * small JSON scanner and replaces it by [], or says it cannot.
 *
 * The scanner only has to be right on text jansson accepted before (create
 * parsed and saved it), but anything it does not expect (an escaped key, a
 * duplicate key, bad nesting, depth over 64) makes it give up: the caller
 * then parses the whole text, so a scanner mistake costs time, never
 * rules. */
#include "spec/spec.h"

#include <stdbool.h>
#include <string.h>

#include "base/util.h"

#define MAX_DEPTH 64

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *skip_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++)
		if (*p == '\\' && !*++p)
			return NULL;
	return *p == '"' ? p + 1 : NULL;
}

static const char *skip_value(const char *p, int depth);

/* obj at '{': walks its members; *obj_end is past its closing brace (NULL
 * when it is not well formed). Returns the value of member `key` (written
 * without escapes; NULL key: none), or NULL when it is missing or written
 * twice. */
static const char *walk_object(const char *obj, const char *key, int depth, const char **obj_end)
{
	size_t klen = key ? strlen(key) : 0;
	const char *p = skip_ws(obj + 1), *found = NULL;
	bool twice = false;

	*obj_end = NULL;
	if (depth > MAX_DEPTH)
		return NULL;
	if (*p == '}') {
		*obj_end = p + 1;
		return NULL;
	}
	for (;;) {
		const char *k = p, *end = skip_string(k), *v;
		if (!end || *(p = skip_ws(end)) != ':')
			return NULL;
		v = skip_ws(p + 1);
		if (key && (size_t)(end - k) == klen + 2 && memcmp(k + 1, key, klen) == 0) {
			twice = found != NULL;
			found = v;
		}
		p = skip_value(v, depth + 1);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == '}') {
			*obj_end = p + 1;
			return twice ? NULL : found;
		}
		if (*p++ != ',')
			return NULL;
		p = skip_ws(p);
	}
}

/* p at '[': past the matching ']', or NULL. */
static const char *skip_array(const char *p, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	p = skip_ws(p + 1);
	if (*p == ']')
		return p + 1;
	for (;;) {
		p = skip_value(p, depth + 1);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == ']')
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = skip_ws(p);
	}
}

static const char *skip_value(const char *p, int depth)
{
	const char *start = p, *end;

	if (*p == '{') {
		walk_object(p, NULL, depth, &end);
		return end;
	}
	if (*p == '[')
		return skip_array(p, depth);
	if (*p == '"')
		return skip_string(p);
	/* numbers, true, false, null */
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '+' || *p == '.' ||
	       *p == 'E')
		p++;
	return p > start ? p : NULL;
}

char *hr_json_elide_seccomp_rules(const char *text)
{
	const char *top = skip_ws(text), *top_end = NULL, *inner_end, *linux_, *seccomp, *rules, *end;
	char *out;
	size_t head;

	linux_ = *top == '{' ? walk_object(top, "linux", 0, &top_end) : NULL;
	seccomp = linux_ && *linux_ == '{' ? walk_object(linux_, "seccomp", 1, &inner_end) : NULL;
	rules = seccomp && *seccomp == '{' ? walk_object(seccomp, "syscalls", 2, &inner_end) : NULL;
	if (!rules || *rules != '[' || !top_end || *skip_ws(top_end) != '\0')
		return NULL;
	end = skip_array(rules, 3);
	if (!end)
		return NULL;
	head = (size_t)(rules - text);
	out = xmalloc(head + 2 + strlen(end) + 1);
	memcpy(out, text, head);
	memcpy(out + head, "[]", 2);
	strcpy(out + head + 2, end);
	return out;
}
