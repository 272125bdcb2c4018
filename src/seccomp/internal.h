/* Shared by the src/seccomp files only; not a public contract. */
#ifndef HARDRUN_SECCOMP_INTERNAL_H
#define HARDRUN_SECCOMP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "seccomp/seccomp.h"

/* Hex SHA-256 of the canonical form of cfg plus everything else that shapes
 * the BPF (hardrun and libseccomp versions, native arch, kernel API level). */
void hr_seccomp_cache_key(const struct hr_seccomp *cfg, char key[HR_SECCOMP_KEY_HEX]);

/* 1 and *filter, *n_insns set on a hit, 0 on a miss (absent, foreign or
 * corrupt entries are misses: the cache is only an optimisation). */
int hr_seccomp_cache_load(const char *dir, const char *key, void **filter, size_t *n_insns);
/* Best effort: 0 when stored, -1 when not (logged at debug level). */
int hr_seccomp_cache_store(const char *dir, const char *key, const void *filter, size_t n_insns);

/* The program as libseccomp (and the ENOSYS prefix) make it, without
 * compact.c's ranges: what those are checked against, in tests. */
int hr_seccomp_compile_libseccomp(const struct hr_seccomp *cfg, struct hr_seccomp_program *out,
				  struct hr_error *err);

/* enosys.c: puts the "newer than the profile -> ENOSYS" prefix
 * before p's program (def: the profile's resolved default action). */
int hr_seccomp_prepend_enosys(const struct hr_seccomp *cfg, uint32_t def, struct hr_seccomp_program *p);

#endif
