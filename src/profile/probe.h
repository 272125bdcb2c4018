/* `hardrun profile probe` (entry points in hardrun/profile.h): the
 * confinement a bundle's container really gets, reported by a small static
 * program (hardrun-probe, tests/helpers/probe.c) run inside a container made
 * from that bundle's exact config. */
#ifndef HARDRUN_PROFILE_PROBE_H
#define HARDRUN_PROFILE_PROBE_H

#include "hardrun/profile.h"

#endif
