/* Every container under a state root, as `list` shows them. */
#ifndef HARDRUN_STATE_LIST_H
#define HARDRUN_STATE_LIST_H

#include "hardrun/error.h"

struct json_t;

/* A JSON array of the containers' state objects (hr_container_state_object),
 * sorted by id, "owner" filled from the dir's owner when the state has none
 * (as runc's OWNER). A missing root is an empty list; a damaged container
 * is listed as such. */
int hr_state_list(const char *root, struct json_t **out, struct hr_error *err);

#endif
