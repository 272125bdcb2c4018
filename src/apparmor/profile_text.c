/* Renaming the profile of a profile text, so `profile check --apparmor`
 * can load it under a name of its own and never replace (or remove) a
 * loaded profile that has the name the text gives. A policy namespace
 * would do the same, but then the records name the profile differently on
 * each kernel; a renamed copy behaves exactly as the original would.
 *
 * A block's `{` stands apart (after a space or at the start of a line);
 * a `{` inside a word is a glob alternation or a variable (@{PROC}). */
#include "apparmor/audit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct header {
	size_t start, end; /* the header's text: first word to the block's { */
	int count;         /* top-level blocks seen */
};

static bool apart(const char *text, size_t i, size_t n)
{
	bool before = i == 0 || isspace((unsigned char)text[i - 1]);
	bool after = i + 1 >= n || isspace((unsigned char)text[i + 1]) || text[i + 1] == ',';
	return before && after;
}

static void note_block(const char *text, size_t i, struct header *h)
{
	size_t line = i;

	while (line > 0 && text[line - 1] != '\n')
		line--;
	while (isspace((unsigned char)text[line]))
		line++;
	if (h->count++ == 0) {
		h->start = line;
		h->end = i;
	}
}

/* Finds the first top-level block; comments and quoted strings skipped. */
static void find_header(const char *text, struct header *h)
{
	size_t n = strlen(text);
	int depth = 0;
	bool quoted = false;

	*h = (struct header){ 0 };
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (quoted) {
			quoted = c != '"';
		} else if (c == '"') {
			quoted = true;
		} else if (c == '#' && (i == 0 || isspace((unsigned char)text[i - 1]))) {
			i += strcspn(text + i, "\n");
		} else if (c == '{' && apart(text, i, n)) {
			if (depth++ == 0)
				note_block(text, i, h);
		} else if (c == '}' && depth > 0 && (i == 0 || isspace((unsigned char)text[i - 1]))) {
			depth--;
		}
	}
}

/* "profile NAME [attach] [flags]" or "NAME|/attach [flags]" -> the new header. */
static char *renamed_header(const char *hdr, const char *new_name, char **old_name)
{
	size_t w = strcspn(hdr, " \t\n");

	if (w == 7 && strncmp(hdr, "profile", 7) == 0) {
		const char *name = hdr + w + strspn(hdr + w, " \t\n");
		size_t nlen = strcspn(name, " \t\n");
		*old_name = xstrndup(name, nlen);
		return xasprintf("profile %s%s", new_name, name + nlen);
	}
	*old_name = xstrndup(hdr, w);
	if (hdr[0] == '/' || hdr[0] == '@' || hdr[0] == '"')
		return xasprintf("profile %s %s", new_name, hdr); /* keeps its attachment */
	return xasprintf("profile %s%s", new_name, hdr + w);
}

/* peer=OLD (a whole word) -> peer=NEW. */
static char *rename_peers(const char *text, const char *old_name, const char *new_name)
{
	_cleanup_free_ char *pat = xasprintf("peer=%s", old_name);
	size_t plen = strlen(pat);
	char *out = xstrdup(""), *next;

	for (const char *p = text;;) {
		const char *hit = strstr(p, pat);
		char after = hit ? hit[plen] : '\0';
		if (!hit) {
			next = xasprintf("%s%s", out, p);
			free(out);
			return next;
		}
		bool whole = after == ',' || after == ')' || isspace((unsigned char)after) || after == '\0';
		next = xasprintf("%s%.*s%s%s", out, (int)(hit - p), p, whole ? "peer=" : pat, whole ? new_name : "");
		free(out);
		out = next;
		p = hit + plen;
	}
}

int hr_aa_profile_rename(const char *text, const char *new_name, char **out, char **old_name,
			 struct hr_error *err)
{
	struct header h;
	_cleanup_free_ char *hdr = NULL, *renamed = NULL, *whole = NULL;

	*out = NULL;
	*old_name = NULL;
	find_header(text, &h);
	if (h.count == 0)
		return hr_error_set(err, 0, "no profile found (a `profile NAME {` block)");
	if (h.count > 1)
		return hr_error_set(err, 0, "%d top-level profiles; check one profile at a time", h.count);
	while (h.end > h.start && isspace((unsigned char)text[h.end - 1]))
		h.end--;
	hdr = xstrndup(text + h.start, h.end - h.start);
	if (!*hdr)
		return hr_error_set(err, 0, "the profile's name is not on the line of its `{`");
	renamed = renamed_header(hdr, new_name, old_name);
	whole = xasprintf("%.*s%s%s", (int)h.start, text, renamed, text + h.end);
	*out = rename_peers(whole, *old_name, new_name);
	return 0;
}

/* Where a quoted relative include names its file: returns the offset of
 * the path's first character in `line` (after the quote), or -1 when the
 * line is no `[#]include [if exists] "relative"`. */
static long relative_include_at(const char *line)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#')
		p++;
	if (strncmp(p, "include", 7) != 0 || (p[7] != ' ' && p[7] != '\t'))
		return -1;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "if exists", 9) == 0 && (p[9] == ' ' || p[9] == '\t')) {
		p += 9;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p != '"' || p[1] == '/' || p[1] == '"')
		return -1;
	return (long)(p + 1 - line);
}

char *hr_aa_profile_absolute_includes(const char *text, const char *dir)
{
	char *out = xstrdup(""), *next;
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line + 1) : strlen(line);
		_cleanup_free_ char *copy = xstrndup(line, len);
		long at = relative_include_at(copy);

		if (at >= 0)
			next = xasprintf("%s%.*s%s/%s", out, (int)at, copy, dir, copy + at);
		else
			next = xasprintf("%s%s", out, copy);
		free(out);
		out = next;
		line += len;
	}
	return out;
}
