/* Every container under a state root, as `list` shows them. */
#ifndef HARDRUN_STATE_LIST_H
#define HARDRUN_STATE_LIST_H

#include "hardrun/error.h"

struct json_t;

/* Called once per container with its state object; < 0 (err set) stops the walk. */
typedef int hr_state_list_fn(struct json_t *row, void *arg, struct hr_error *err);

/* Calls fn for each container under root in id order with its state object
 * (hr_container_state_object), "owner" filled from the dir's owner when the
 * state has none (as runc's OWNER); the object is freed when fn returns.
 * Only the ids are held, for the sort: each container's state is read when
 * its turn comes, so memory does not grow with the number of containers.
 * A missing root lists nothing; a damaged container is listed as such. */
int hr_state_list(const char *root, hr_state_list_fn *fn, void *arg, struct hr_error *err);

#endif
