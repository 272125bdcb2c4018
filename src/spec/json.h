/* Typed JSON getters that produce errors naming the JSON path
 * ("process.rlimits[1].type: must be a string"), shared by the config.json
 * parser and other files parsed the same way (the host policy).
 *
 * Getter convention: returns 1 when the member was present and stored,
 * 0 when absent (or JSON null, as Go's decoder treats it; *out untouched),
 * -1 on error (err set). With required=true absence is an error. */
#ifndef HARDRUN_SPEC_JSON_H
#define HARDRUN_SPEC_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "spec/spec.h"

#define HR_JPATH_MAX 512

/* "parent.key" (or "key" when parent is empty) into buf[HR_JPATH_MAX]. */
const char *hr_jpath_key(char *buf, const char *parent, const char *key);
/* "parent[i]" into buf[HR_JPATH_MAX]. */
const char *hr_jpath_idx(char *buf, const char *parent, size_t i);

/* Sets err to "<path>: <fmt...>" (just "<fmt...>" for an empty path). */
int hr_jerr(struct hr_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The member or NULL when absent or null. */
json_t *hr_jmember(json_t *obj, const char *key);

int hr_jget_object(json_t *obj, const char *parent, const char *key, bool required, json_t **out,
		   struct hr_error *err);
int hr_jget_array(json_t *obj, const char *parent, const char *key, bool required, json_t **out,
		  struct hr_error *err);
/* Parses element idx of an array (path: its JSON path) into items[idx]. */
typedef int (*hr_jelem_fn)(json_t *e, const char *path, void *items, size_t idx, struct hr_error *err);
/* The optional array obj[key] of structs: *items gets a zeroed array of
 * elem_size elements, filled by parse one element at a time; *n counts each
 * element before it is parsed, so the owner's clear function also frees a
 * half-parsed one. 0 absent or parsed, -1 on error (*items still to free). */
int hr_jget_array_of(json_t *obj, const char *parent, const char *key, size_t elem_size, hr_jelem_fn parse,
		     void **items, size_t *n, struct hr_error *err);
int hr_jget_string(json_t *obj, const char *parent, const char *key, bool required, char **out,
		   struct hr_error *err);
int hr_jget_bool(json_t *obj, const char *parent, const char *key, bool required, bool *out,
		 struct hr_error *err);
int hr_jget_i64(json_t *obj, const char *parent, const char *key, bool required, int64_t *out,
		struct hr_error *err);
int hr_jget_u64(json_t *obj, const char *parent, const char *key, bool required, uint64_t *out,
		struct hr_error *err);
int hr_jget_u32(json_t *obj, const char *parent, const char *key, bool required, uint32_t *out,
		struct hr_error *err);
int hr_jget_u16(json_t *obj, const char *parent, const char *key, bool required, uint16_t *out,
		struct hr_error *err);
/* Any int in [min, max]. */
int hr_jget_int_range(json_t *obj, const char *parent, const char *key, bool required,
		      int64_t min, int64_t max, int64_t *out, struct hr_error *err);
/* NULL-terminated string list; *n (optional) gets its length. With nonempty
 * an empty array is an error. */
int hr_jget_strv(json_t *obj, const char *parent, const char *key, bool required, bool nonempty,
		 char ***out, size_t *n, struct hr_error *err);
/* Value conversion of an element already located (path names it). */
int hr_jval_string(json_t *v, const char *path, char **out, struct hr_error *err);
int hr_jval_u64(json_t *v, const char *path, uint64_t *out, struct hr_error *err);

/* A uint64 above INT64_MAX (see hr_json_parse): true and *out set if v is one. */
bool hr_jbig_u64(json_t *v, uint64_t *out);
const char *hr_jbig_digits(json_t *v);

/* Checks that obj is an object, else "<path>: must be an object". */
int hr_jcheck_object(json_t *v, const char *path, struct hr_error *err);

/* A string-to-string object ("annotations", "sysctl", "unified"). */
int hr_jget_kv(json_t *obj, const char *parent, const char *key, struct hr_kv **out, size_t *n,
	       struct hr_error *err);
void hr_kv_free(struct hr_kv *kv, size_t n);

/* Parses JSON text, "<source>:<line>:<col>: invalid JSON: ..." on error. */
json_t *hr_json_parse(const char *text, const char *source_name, struct hr_error *err);

bool hr_path_is_absolute(const char *p);

#endif
