/* Internal to the spec parser: the section parsers shared between its files
 * (the JSON getters are in spec/json.h). The source file name is prefixed
 * once, by the public load functions. */
#ifndef HARDRUN_SPEC_INTERNAL_H
#define HARDRUN_SPEC_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "spec/json.h"
#include "spec/spec.h"

/* Section parsers shared between files. */
int hr_spec_parse_process(json_t *obj, const char *path, struct hr_process *p, struct hr_error *err);
int hr_spec_parse_linux(json_t *obj, const char *path, struct hr_linux *l, struct hr_error *err);
void hr_linux_clear(struct hr_linux *l);
int hr_spec_parse_resources(json_t *obj, const char *path, struct hr_resources *r,
			    struct hr_error *err);
int hr_spec_parse_mappings(json_t *obj, const char *parent, const char *key,
			   struct hr_id_mapping **out, size_t *n, struct hr_error *err);
int hr_spec_parse_seccomp(json_t *obj, const char *path, struct hr_seccomp **out,
			  struct hr_error *err);

#endif
