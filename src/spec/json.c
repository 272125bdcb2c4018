/* Typed JSON getters for the spec parser; every error names the JSON path. */
#include "spec/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Over-long paths (absurdly nested or huge keys) are cut, marked by "...". */
static const char *path_done(char *buf, int n)
{
	if (n >= HR_JPATH_MAX)
		memcpy(buf + HR_JPATH_MAX - 4, "...", 4);
	return buf;
}

const char *hr_jpath_key(char *buf, const char *parent, const char *key)
{
	int n;

	if (!parent || !*parent)
		n = snprintf(buf, HR_JPATH_MAX, "%s", key);
	else
		n = snprintf(buf, HR_JPATH_MAX, "%s.%s", parent, key);
	return path_done(buf, n);
}

const char *hr_jpath_idx(char *buf, const char *parent, size_t i)
{
	return path_done(buf, snprintf(buf, HR_JPATH_MAX, "%s[%zu]", parent ? parent : "", i));
}

int hr_jerr(struct hr_error *err, const char *path, const char *fmt, ...)
{
	char what[HR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (path && *path)
		return hr_error_set(err, 0, "%s: %s", path, what);
	return hr_error_set(err, 0, "%s", what);
}

json_t *hr_jmember(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

/* Common prologue: locates the member, handles absence. */
static int locate(json_t *obj, const char *parent, const char *key, bool required,
		  const char *expect, char *path, json_t **v, struct hr_error *err)
{
	hr_jpath_key(path, parent, key);
	*v = hr_jmember(obj, key);
	if (*v)
		return 1;
	if (required)
		return hr_jerr(err, path, "required, must be %s", expect);
	return 0;
}

int hr_jcheck_object(json_t *v, const char *path, struct hr_error *err)
{
	if (!json_is_object(v))
		return hr_jerr(err, path, "must be an object");
	return 0;
}

int hr_jget_object(json_t *obj, const char *parent, const char *key, bool required, json_t **out,
		   struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *v;
	int r = locate(obj, parent, key, required, "an object", path, &v, err);

	if (r <= 0)
		return r;
	if (!json_is_object(v))
		return hr_jerr(err, path, "must be an object");
	*out = v;
	return 1;
}

int hr_jget_array(json_t *obj, const char *parent, const char *key, bool required, json_t **out,
		  struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *v;
	int r = locate(obj, parent, key, required, "an array", path, &v, err);

	if (r <= 0)
		return r;
	if (!json_is_array(v))
		return hr_jerr(err, path, "must be an array");
	*out = v;
	return 1;
}

int hr_jval_string(json_t *v, const char *path, char **out, struct hr_error *err)
{
	if (!json_is_string(v) || hr_jbig_u64(v, NULL))
		return hr_jerr(err, path, "must be a string");
	/* An embedded NUL would make C and JSON readers see different strings. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return hr_jerr(err, path, "must not contain NUL characters");
	*out = xstrdup(json_string_value(v));
	return 0;
}

int hr_jget_string(json_t *obj, const char *parent, const char *key, bool required, char **out,
		   struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	char *s = NULL;
	json_t *v;
	int r = locate(obj, parent, key, required, "a string", path, &v, err);

	if (r <= 0)
		return r;
	if (hr_jval_string(v, path, &s, err) < 0)
		return -1;
	free(*out);
	*out = s;
	return 1;
}

int hr_jget_bool(json_t *obj, const char *parent, const char *key, bool required, bool *out,
		 struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *v;
	int r = locate(obj, parent, key, required, "a boolean", path, &v, err);

	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return hr_jerr(err, path, "must be a boolean");
	*out = json_is_true(v);
	return 1;
}

int hr_jget_int_range(json_t *obj, const char *parent, const char *key, bool required,
		      int64_t min, int64_t max, int64_t *out, struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *v;
	int r = locate(obj, parent, key, required, "an integer", path, &v, err);
	json_int_t i;

	if (r <= 0)
		return r;
	if (hr_jbig_u64(v, NULL))
		return hr_jerr(err, path, "%s out of range (%lld..%lld)", hr_jbig_digits(v),
			       (long long)min, (long long)max);
	if (!json_is_integer(v))
		return hr_jerr(err, path, "must be an integer");
	i = json_integer_value(v);
	if (i < min || i > max)
		return hr_jerr(err, path, "%lld out of range (%lld..%lld)", (long long)i,
			       (long long)min, (long long)max);
	*out = i;
	return 1;
}

int hr_jget_i64(json_t *obj, const char *parent, const char *key, bool required, int64_t *out,
		struct hr_error *err)
{
	return hr_jget_int_range(obj, parent, key, required, INT64_MIN, INT64_MAX, out, err);
}

int hr_jval_u64(json_t *v, const char *path, uint64_t *out, struct hr_error *err)
{
	if (hr_jbig_u64(v, out))
		return 0;
	if (!json_is_integer(v))
		return hr_jerr(err, path, "must be a non-negative integer");
	if (json_integer_value(v) < 0)
		return hr_jerr(err, path, "must be a non-negative integer, got %lld",
			       (long long)json_integer_value(v));
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int hr_jget_u64(json_t *obj, const char *parent, const char *key, bool required, uint64_t *out,
		struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *v;
	int r = locate(obj, parent, key, required, "a non-negative integer", path, &v, err);

	if (r <= 0)
		return r;
	if (hr_jval_u64(v, path, out, err) < 0)
		return -1;
	return 1;
}

int hr_jget_u32(json_t *obj, const char *parent, const char *key, bool required, uint32_t *out,
		struct hr_error *err)
{
	int64_t i;
	int r = hr_jget_int_range(obj, parent, key, required, 0, UINT32_MAX, &i, err);

	if (r > 0)
		*out = (uint32_t)i;
	return r;
}

int hr_jget_u16(json_t *obj, const char *parent, const char *key, bool required, uint16_t *out,
		struct hr_error *err)
{
	int64_t i;
	int r = hr_jget_int_range(obj, parent, key, required, 0, UINT16_MAX, &i, err);

	if (r > 0)
		*out = (uint16_t)i;
	return r;
}

int hr_jget_strv(json_t *obj, const char *parent, const char *key, bool required, bool nonempty,
		 char ***out, size_t *n, struct hr_error *err)
{
	const char *expect = nonempty ? "a non-empty array of strings" : "an array of strings";
	char path[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	_cleanup_strv_ char **v = NULL;
	json_t *arr, *e;
	size_t i;
	int r = locate(obj, parent, key, required, expect, path, &arr, err);

	if (r <= 0)
		return r;
	if (!json_is_array(arr) || (nonempty && json_array_size(arr) == 0))
		return hr_jerr(err, path, "must be %s", expect);
	v = xcalloc(json_array_size(arr) + 1, sizeof(char *));
	json_array_foreach(arr, i, e) {
		hr_jpath_idx(epath, path, i);
		if (hr_jval_string(e, epath, &v[i], err) < 0)
			return -1;
	}
	hr_strv_free(*out);
	*out = hr_steal_ptr(v);
	if (n)
		*n = json_array_size(arr);
	return 1;
}

void hr_kv_free(struct hr_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int hr_jget_kv(json_t *obj, const char *parent, const char *key, struct hr_kv **out, size_t *n,
	       struct hr_error *err)
{
	char path[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	struct hr_kv *kv;
	const char *k;
	json_t *m, *v;
	size_t i = 0;
	int r = hr_jget_object(obj, parent, key, false, &m, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, key);
	kv = xcalloc(json_object_size(m), sizeof(*kv));
	json_object_foreach(m, k, v) {
		hr_jpath_key(epath, path, k);
		if (hr_jval_string(v, epath, &kv[i].value, err) < 0) {
			hr_kv_free(kv, i);
			return -1;
		}
		kv[i++].key = xstrdup(k);
	}
	*out = kv;
	*n = i;
	return 1;
}

/* jansson keeps integers in a long long, but OCI uint64 fields carry values
 * up to 2^64-1 (an "unlimited" rlimit is 18446744073709551615). Before
 * parsing, such literals are rewritten to a marked string ("\u0000u64:<digits>",
 * unforgeable since NUL is otherwise refused) that the u64 getters accept. */
#define BIG_MARK "\"\\u0000u64:"
#define BIG_PREFIX_LEN 5 /* "\0u64:" once parsed */
#define BIG_EXTRA ((int)sizeof(BIG_MARK) - 1 + 1)

struct big_rewrite {
	int line;
	int end_col; /* column just past the rewritten literal, in the new text */
};

struct widened {
	char *text;
	struct big_rewrite *rw;
	size_t n_rw;
	int nul_line, nul_col; /* first \u0000 escape of the input's own; line 0: none */
};

static bool digits_exceed_int64(const char *d, size_t n)
{
	/* Leading zeros are not JSON: left for jansson to refuse (rewritten,
	 * 00000000000000000042 was taken for 42). */
	if (d[0] == '0')
		return false;
	if (n == 19)
		return memcmp(d, "9223372036854775807", 19) > 0;
	return n == 20 && memcmp(d, "18446744073709551615", 20) <= 0;
}

static void widen_big_uints(const char *in, struct widened *w)
{
	size_t len = strlen(in), o = 0, cap = len + 1;
	bool in_str = false;
	int line = 1, col = 0;

	w->text = xmalloc(cap);
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		size_t n = 0;

		if (!in_str && c >= '0' && c <= '9' && (i == 0 || !strchr("-.0123456789eE+", in[i - 1]))) {
			while (in[i + n] >= '0' && in[i + n] <= '9')
				n++;
			if (digits_exceed_int64(in + i, n) && !(in[i + n] && strchr(".eE", in[i + n]))) {
				cap += BIG_EXTRA;
				w->text = xrealloc(w->text, cap);
				o += (size_t)sprintf(w->text + o, BIG_MARK "%.*s\"", (int)n, in + i);
				col += (int)n + BIG_EXTRA;
				w->rw = xrealloc(w->rw, (w->n_rw + 1) * sizeof(*w->rw));
				w->rw[w->n_rw++] = (struct big_rewrite){ line, col };
				i += n - 1;
				continue;
			}
		}
		if (in_str && c == '\\' && in[i + 1]) {
			if (!w->nul_line && in[i + 1] == 'u' && strncmp(in + i + 2, "0000", 4) == 0) {
				w->nul_line = line;
				w->nul_col = col + 1;
			}
			w->text[o++] = c;
			c = in[++i];
			col++;
		} else if (c == '"') {
			in_str = !in_str;
		} else if (c == '\n') {
			line++;
			col = -1;
		}
		if (((unsigned char)c & 0xc0) != 0x80)
			col++;
		w->text[o++] = c;
	}
	w->text[o] = '\0';
}

static int original_column(const struct widened *w, int line, int col)
{
	int orig = col;

	for (size_t i = 0; i < w->n_rw; i++)
		if (w->rw[i].line == line && w->rw[i].end_col <= col)
			orig -= BIG_EXTRA;
	return orig;
}

bool hr_jbig_u64(json_t *v, uint64_t *out)
{
	const char *s = json_string_value(v);

	if (!s || s[0] != '\0' || json_string_length(v) <= BIG_PREFIX_LEN ||
	    memcmp(s + 1, "u64:", 4) != 0)
		return false;
	if (out)
		*out = strtoull(s + BIG_PREFIX_LEN, NULL, 10);
	return true;
}

const char *hr_jbig_digits(json_t *v)
{
	return hr_jbig_u64(v, NULL) ? json_string_value(v) + BIG_PREFIX_LEN : NULL;
}

json_t *hr_json_parse(const char *text, const char *source_name, struct hr_error *err)
{
	struct widened w = { 0 };
	json_error_t jerr;
	json_t *root;

	widen_big_uints(text, &w);
	/* JSON_ALLOW_NUL is for the markers only: a \u0000 of the input's own
	 * could forge one ("\u0000u64:7" would pass for the number 7). Without
	 * markers jansson refuses it itself. */
	if (w.n_rw && w.nul_line) {
		hr_error_set(err, 0, "%s:%d:%d: invalid JSON: \\u0000 is not allowed", source_name,
			     w.nul_line, original_column(&w, w.nul_line, w.nul_col));
		free(w.text);
		free(w.rw);
		return NULL;
	}
	/* Duplicate keys are refused: two readers of one config must not be able
	 * to disagree about what it says. */
	root = json_loads(w.text, JSON_REJECT_DUPLICATES | (w.n_rw ? JSON_ALLOW_NUL : 0), &jerr);
	if (!root)
		hr_error_set(err, 0, "%s:%d:%d: invalid JSON: %s", source_name, jerr.line,
			     original_column(&w, jerr.line, jerr.column), jerr.text);
	free(w.text);
	free(w.rw);
	if (root && !json_is_object(root)) {
		json_decref(root);
		hr_error_set(err, 0, "%s: must be a JSON object", source_name);
		return NULL;
	}
	return root;
}

bool hr_path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

int hr_jget_array_of(json_t *obj, const char *parent, const char *key, size_t elem_size, hr_jelem_fn parse,
		     void **items, size_t *n, struct hr_error *err)
{
	char path[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	json_t *arr = NULL, *e;
	size_t i;
	int r = hr_jget_array(obj, parent, key, false, &arr, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, key);
	*items = xcalloc(json_array_size(arr), elem_size);
	json_array_foreach(arr, i, e) {
		*n = i + 1;
		if (parse(e, hr_jpath_idx(epath, path, i), *items, i, err) < 0)
			return -1;
	}
	return 0;
}
