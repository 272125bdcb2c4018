/* Small helpers shared by every module: cleanup attributes, allocation that
 * aborts on OOM, and fd-relative file I/O. */
#ifndef HARDRUN_UTIL_H
#define HARDRUN_UTIL_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "hardrun/error.h"

void hr_freep(void *p);
void hr_closep(int *fd);
void hr_fclosep(FILE **f);
void hr_strv_freep(char ***v);

#define _cleanup_free_ __attribute__((cleanup(hr_freep)))
#define _cleanup_close_ __attribute__((cleanup(hr_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(hr_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(hr_strv_freep)))

/* Ownership transfer out of a cleanup variable. */
#define hr_steal_ptr(p) ({ __typeof__(p) _tmp = (p); (p) = NULL; _tmp; })
#define hr_steal_fd(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

#define HR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failures abort: there is no sane recovery inside a runtime.
 * So these never return NULL (told to the compiler and to gcc -fanalyzer),
 * except xstrdup, which maps NULL to NULL. */
#define HR_NONNULL_ALLOC __attribute__((returns_nonnull, warn_unused_result))
void *xmalloc(size_t n) HR_NONNULL_ALLOC __attribute__((malloc, alloc_size(1)));
void *xcalloc(size_t n, size_t size) HR_NONNULL_ALLOC __attribute__((malloc, alloc_size(1, 2)));
void *xrealloc(void *p, size_t n) HR_NONNULL_ALLOC __attribute__((alloc_size(2)));
char *xstrdup(const char *s) __attribute__((malloc));
char *xstrndup(const char *s, size_t n) HR_NONNULL_ALLOC __attribute__((malloc));
char *xasprintf(const char *fmt, ...) HR_NONNULL_ALLOC __attribute__((malloc, format(printf, 1, 2)));

void hr_strv_free(char **v);
size_t hr_strv_len(char *const *v);

/* Reads/writes a whole file relative to dirfd (AT_FDCWD allowed). The read
 * result is NUL-terminated; *len (if non-NULL) excludes the NUL. */
int hr_read_file_at(int dirfd, const char *path, char **out, size_t *len, struct hr_error *err);
/* hr_read_file_at with extra open(2) flags (O_NOFOLLOW for cgroupfs). */
int hr_read_file_flags_at(int dirfd, const char *path, int oflags, char **out, size_t *len,
			  struct hr_error *err);
int hr_write_file_at(int dirfd, const char *path, const void *data, size_t len, struct hr_error *err);
/* Writes to an existing file (no O_CREAT), as needed for /proc and cgroupfs. */
int hr_write_existing_at(int dirfd, const char *path, const char *data, struct hr_error *err);

/* Atomic replace: write an unnamed O_TMPFILE beside name (or, where that is
 * unsupported, an O_EXCL|O_NOFOLLOW file under an unpredictable name), link
 * it under a random name and rename it over name (no fsync). Nobody can
 * pre-create or symlink the temp file. */
int hr_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, struct hr_error *err);

/* Connected SOCK_STREAM unix socket (close-on-exec), or -1 with err set. */
int hr_unix_connect(const char *path, struct hr_error *err);

ssize_t hr_write_all(int fd, const void *buf, size_t len);
ssize_t hr_read_all(int fd, void *buf, size_t len);

/* mkdir -p relative to dirfd, mode for created dirs; "" is an error. */
int hr_mkdir_p_at(int dirfd, const char *path, mode_t mode, struct hr_error *err);

/* Parses a non-negative decimal into *out; false on junk or overflow. */
bool hr_parse_u64(const char *s, unsigned long long *out);
bool hr_parse_i64(const char *s, long long *out);

/* Every signal back to its default disposition, none blocked: what a
 * process the runtime starts (workload, hook) must begin with. */
int hr_reset_signals(struct hr_error *err);

/* Monotonic milliseconds, for timeouts. */
long long hr_now_ms(void);

/* A close-on-exec memfd that can be sealed and executed (MFD_EXEC where
 * the kernel knows it: vm.memfd_noexec may default to noexec); -1 with err. */
int hr_memfd_for_exec(const char *name, struct hr_error *err);
/* Seals a memfd against every change (HR_MEMFD_SEALS); -1 with err. */
#define HR_MEMFD_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
int hr_memfd_seal(int fd, const char *name, struct hr_error *err);

#endif
