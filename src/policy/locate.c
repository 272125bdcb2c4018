/* Where a JSON path ("bindMounts.denySources[2]") sits in the policy text,
 * as line:col, so a schema error points at the spot as a syntax error does
 * (jansson keeps no positions for values). A small scanner over text that
 * jansson has already accepted: it only needs to skip values correctly. */
#include "policy/locate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *s;
	size_t i;
};

static void skip_ws(struct scan *c)
{
	while (c->s[c->i] && isspace((unsigned char)c->s[c->i]))
		c->i++;
}

/* Past a string starting at its quote; the raw (escaped) body in *b, *n. */
static void skip_string(struct scan *c, const char **b, size_t *n)
{
	size_t start = ++c->i;

	while (c->s[c->i] && c->s[c->i] != '"')
		c->i += c->s[c->i] == '\\' && c->s[c->i + 1] ? 2 : 1;
	if (b) {
		*b = c->s + start;
		*n = c->i - start;
	}
	if (c->s[c->i])
		c->i++;
}

static void skip_value(struct scan *c)
{
	int depth = 0;

	skip_ws(c);
	for (char ch; (ch = c->s[c->i]);) {
		if (ch == '"') {
			skip_string(c, NULL, NULL);
			if (depth == 0)
				return;
			continue;
		}
		if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (depth-- == 0)
				return;
			if (depth == 0) {
				c->i++;
				return;
			}
		} else if (depth == 0 && (ch == ',' || isspace((unsigned char)ch))) {
			return;
		}
		c->i++;
	}
}

/* Inside an object at '{': moves to the member key; true if found. */
static bool find_key(struct scan *c, const char *key, size_t klen)
{
	c->i++;
	for (;;) {
		const char *b;
		size_t n, at;
		skip_ws(c);
		if (c->s[c->i] != '"')
			return false;
		at = c->i;
		skip_string(c, &b, &n);
		if (n == klen && memcmp(b, key, n) == 0) {
			c->i = at;
			return true;
		}
		skip_ws(c);
		if (c->s[c->i] != ':')
			return false;
		c->i++;
		skip_value(c);
		skip_ws(c);
		if (c->s[c->i] != ',')
			return false;
		c->i++;
	}
}

/* Inside an array at '[': moves to element idx; true if found. */
static bool find_index(struct scan *c, unsigned long idx)
{
	c->i++;
	for (unsigned long k = 0;; k++) {
		skip_ws(c);
		if (k == idx)
			return c->s[c->i] && c->s[c->i] != ']';
		skip_value(c);
		skip_ws(c);
		if (c->s[c->i] != ',')
			return false;
		c->i++;
	}
}

/* From a key's quote to the start of its value. */
static void enter_member(struct scan *c)
{
	skip_string(c, NULL, NULL);
	skip_ws(c);
	if (c->s[c->i] == ':')
		c->i++;
	skip_ws(c);
}

static bool step(struct scan *c, const char **p)
{
	size_t n = strcspn(*p, ".[");

	if (**p == '[') {
		char *end;
		unsigned long idx = strtoul(*p + 1, &end, 10);
		if (*end != ']' || c->s[c->i] != '[' || !find_index(c, idx))
			return false;
		*p = end + 1;
	} else {
		if (c->s[c->i] != '{' || !find_key(c, *p, n))
			return false;
		*p += n;
		if (**p) /* more to come: into the value; else stay on the key */
			enter_member(c);
	}
	if (**p == '.')
		(*p)++;
	return true;
}

bool hr_json_locate(const char *text, const char *path, int *line, int *col)
{
	struct scan c = { .s = text, .i = 0 };
	const char *p = path;

	skip_ws(&c);
	while (*p)
		if (!step(&c, &p))
			return false;
	*line = 1;
	*col = 1;
	for (size_t k = 0; k < c.i; k++) {
		if (text[k] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
	return true;
}
