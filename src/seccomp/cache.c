/* On-disk cache of compiled seccomp BPF: <dir>/<sha256>.bpf, keyed by a
 * canonical serialisation of the filter description. Big allowlists take
 * libseccomp milliseconds to compile; a hit is one small read. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sha256.h"
#include "base/util.h"
#include "seccomp/internal.h"

#ifndef HARDRUN_VERSION
#define HARDRUN_VERSION "dev"
#endif

/* Bump when the compiler's output for the same input may change. */
#define CACHE_FORMAT "hardrun-seccomp-bpf-v4" /* v2: ENOSYS prefix; v3: binary tree; v4: ranges (compact.c) */
#define CACHE_MAGIC "HRSCBPF1"
#define MAGIC_LEN 8
#define HEADER_LEN (MAGIC_LEN + 64 + 8 + HR_SHA256_LEN)

/* Every field is length- or count-prefixed, so distinct configs can never
 * serialise to the same bytes. */
static void put_u64(struct hr_sha256 *h, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	hr_sha256_update(h, b, sizeof(b));
}

static void put_str(struct hr_sha256 *h, const char *s)
{
	if (!s) {
		put_u64(h, UINT64_MAX);
		return;
	}
	put_u64(h, strlen(s));
	hr_sha256_update(h, s, strlen(s));
}

static void put_strv(struct hr_sha256 *h, char *const *v)
{
	size_t n = hr_strv_len(v);

	put_u64(h, n);
	for (size_t i = 0; i < n; i++)
		put_str(h, v[i]);
}

static void put_rule(struct hr_sha256 *h, const struct hr_seccomp_rule *r)
{
	put_strv(h, r->names);
	put_str(h, r->action);
	put_u64(h, r->has_errno_ret);
	put_u64(h, r->errno_ret);
	put_u64(h, r->n_args);
	for (size_t k = 0; k < r->n_args; k++) {
		put_u64(h, r->args[k].index);
		put_u64(h, r->args[k].value);
		put_u64(h, r->args[k].value_two);
		put_u64(h, (uint64_t)r->args[k].op);
	}
}

void hr_seccomp_cache_key(const struct hr_seccomp *cfg, char key[HR_SECCOMP_KEY_HEX])
{
	const struct scmp_version *v = seccomp_version();
	uint8_t digest[HR_SHA256_LEN];
	struct hr_sha256 h;

	hr_sha256_init(&h);
	put_str(&h, CACHE_FORMAT);
	put_str(&h, HARDRUN_VERSION);
	put_u64(&h, v->major);
	put_u64(&h, v->minor);
	put_u64(&h, v->micro);
	put_u64(&h, seccomp_arch_native());
	/* The API level decides which actions libseccomp will emit. */
	put_u64(&h, seccomp_api_get());
	put_str(&h, cfg->default_action);
	put_u64(&h, cfg->has_default_errno_ret);
	put_u64(&h, cfg->default_errno_ret);
	put_strv(&h, cfg->architectures);
	put_strv(&h, cfg->flags);
	put_u64(&h, cfg->n_syscalls);
	for (size_t i = 0; i < cfg->n_syscalls; i++)
		put_rule(&h, &cfg->syscalls[i]);
	hr_sha256_final(&h, digest);
	hr_sha256_hex(digest, key);
}

static uint64_t get_u64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* Only entries we wrote ourselves and nobody else could have changed. */
static bool trusted_entry(int fd, struct stat *st)
{
	return fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_uid == geteuid() &&
	       (st->st_mode & 022) == 0 && st->st_size >= HEADER_LEN;
}

static bool parse_entry(const uint8_t *buf, size_t len, const char *key, size_t *n_insns)
{
	uint8_t digest[HR_SHA256_LEN];
	uint64_t n;

	if (memcmp(buf, CACHE_MAGIC, MAGIC_LEN) != 0 || memcmp(buf + MAGIC_LEN, key, 64) != 0)
		return false;
	n = get_u64(buf + MAGIC_LEN + 64);
	if (n == 0 || n > 65536 || len != HEADER_LEN + n * sizeof(struct sock_filter))
		return false;
	hr_sha256(buf + HEADER_LEN, len - HEADER_LEN, digest);
	if (memcmp(digest, buf + MAGIC_LEN + 64 + 8, HR_SHA256_LEN) != 0)
		return false;
	*n_insns = (size_t)n;
	return true;
}

int hr_seccomp_cache_load(const char *dir, const char *key, void **filter, size_t *n_insns)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.bpf", dir, key);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	size_t n;

	if (fd < 0)
		return 0;
	if (!trusted_entry(fd, &st) || st.st_size > HEADER_LEN + 65536 * 8) {
		hr_log_debugf("seccomp cache: ignoring untrusted entry %s", path);
		return 0;
	}
	buf = xmalloc((size_t)st.st_size);
	if (hr_read_all(fd, buf, (size_t)st.st_size) != st.st_size ||
	    !parse_entry(buf, (size_t)st.st_size, key, &n)) {
		hr_log_debugf("seccomp cache: ignoring corrupt entry %s", path);
		return 0;
	}
	*filter = xmalloc(n * sizeof(struct sock_filter));
	memcpy(*filter, buf + HEADER_LEN, n * sizeof(struct sock_filter));
	*n_insns = n;
	hr_log_debugf("seccomp cache: hit %s (%zu instructions)", path, n);
	return 1;
}

int hr_seccomp_cache_store(const char *dir, const char *key, const void *filter, size_t n_insns)
{
	size_t body = n_insns * sizeof(struct sock_filter);
	_cleanup_free_ uint8_t *buf = xmalloc(HEADER_LEN + body);
	_cleanup_free_ char *name = xasprintf("%s.bpf", key);
	_cleanup_close_ int dirfd = -1;
	struct hr_error err = { 0 };

	memcpy(buf, CACHE_MAGIC, MAGIC_LEN);
	memcpy(buf + MAGIC_LEN, key, 64);
	for (int i = 0; i < 8; i++)
		buf[MAGIC_LEN + 64 + i] = (uint8_t)((uint64_t)n_insns >> (8 * i));
	hr_sha256(filter, body, buf + MAGIC_LEN + 64 + 8);
	memcpy(buf + HEADER_LEN, filter, body);

	if (hr_mkdir_p_at(AT_FDCWD, dir, 0700, &err) < 0)
		goto fail;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		hr_error_set(&err, errno, "open `%s`", dir);
		goto fail;
	}
	if (hr_write_file_atomic_at(dirfd, name, buf, HEADER_LEN + body, &err) < 0)
		goto fail;
	return 0;
fail:
	hr_log_debugf("seccomp cache: not storing %s: %s", key, err.msg);
	return -1;
}
