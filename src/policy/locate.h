/* line:col of a JSON path in text already accepted by the JSON parser. */
#ifndef HARDRUN_POLICY_LOCATE_H
#define HARDRUN_POLICY_LOCATE_H

#include <stdbool.h>

/* path as the error messages write it: "a.b[2].c" ("" = the whole text).
 * An object member's position is its key's. False if not found. */
bool hr_json_locate(const char *text, const char *path, int *line, int *col);

#endif
