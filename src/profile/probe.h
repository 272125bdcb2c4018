/* `hardrun profile probe`: the confinement a bundle's container really gets,
 * reported by a small static program (hardrun-probe, tests/helpers/probe.c)
 * run inside a container made from that bundle's exact config. */
#ifndef HARDRUN_PROFILE_PROBE_H
#define HARDRUN_PROFILE_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "hardrun/error.h"

/* Runs the probe in a container from bundle (state under root) and returns
 * its report, with the host's namespace ids added for comparison. */
int hr_profile_probe(const char *root, const char *bundle, bool debug, json_t **report,
		     struct hr_error *err);
void hr_profile_probe_print(const json_t *report, FILE *out);

#endif
