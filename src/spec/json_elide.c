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

/* p at '{' or '[': past the matching close, or NULL. */
static const char *skip_container(const char *p, int depth)
{
	char close = *p == '{' ? '}' : ']';
	bool object = *p == '{';

	if (depth > MAX_DEPTH)
		return NULL;
	p = skip_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = skip_string(skip_ws(p));
			if (!p || *(p = skip_ws(p)) != ':')
				return NULL;
			p++;
		}
		p = skip_value(skip_ws(p), depth + 1);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *skip_value(const char *p, int depth)
{
	const char *start = p;

	if (*p == '{' || *p == '[')
		return skip_container(p, depth);
	if (*p == '"')
		return skip_string(p);
	/* numbers, true, false, null */
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '+' || *p == '.' ||
	       *p == 'E')
		p++;
	return p > start ? p : NULL;
}

/* obj at '{': the value of member `key` (written without escapes), or NULL
 * when it is missing, written twice, or the object is not well formed;
 * *obj_end is past the object's closing brace. */
static const char *member(const char *obj, const char *key, int depth, const char **obj_end)
{
	size_t klen = strlen(key);
	const char *p, *found = NULL;

	if (*obj != '{' || depth > MAX_DEPTH)
		return NULL;
	p = skip_ws(obj + 1);
	if (*p == '}')
		return NULL;
	for (;;) {
		const char *k = skip_ws(p), *end = skip_string(k), *v;
		if (!end || *(p = skip_ws(end)) != ':')
			return NULL;
		v = skip_ws(p + 1);
		if ((size_t)(end - k) == klen + 2 && memcmp(k + 1, key, klen) == 0) {
			if (found)
				return NULL;
			found = v;
		}
		p = skip_value(v, depth + 1);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == '}') {
			*obj_end = p + 1;
			return found;
		}
		if (*p++ != ',')
			return NULL;
	}
}

char *hr_json_elide_seccomp_rules(const char *text)
{
	const char *top = skip_ws(text), *top_end = NULL, *inner_end, *linux_, *seccomp, *rules, *end;
	char *out;
	size_t head;

	linux_ = *top == '{' ? member(top, "linux", 0, &top_end) : NULL;
	seccomp = linux_ && *linux_ == '{' ? member(linux_, "seccomp", 1, &inner_end) : NULL;
	rules = seccomp && *seccomp == '{' ? member(seccomp, "syscalls", 2, &inner_end) : NULL;
	if (!rules || *rules != '[' || *skip_ws(top_end) != '\0')
		return NULL;
	end = skip_container(rules, 3);
	if (!end)
		return NULL;
	head = (size_t)(rules - text);
	out = xmalloc(head + 2 + strlen(end) + 1);
	memcpy(out, text, head);
	memcpy(out + head, "[]", 2);
	strcpy(out + head + 2, end);
	return out;
}
