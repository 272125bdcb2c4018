/* The supervisor's tally. Hot path: one mutex, one hash lookup; the
 * syscall name, the process's comm and exe are looked up only for an entry
 * seen the first time (a few hundred per workload). */
#include "profile/record.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

#define X32_SYSCALL_BIT 0x40000000U

/* (arch, nr) -> name and kind, so libseccomp is asked once per syscall */
struct sysinfo {
	uint32_t arch;
	int nr;
	char *name;
	enum hr_rec_kind kind;
};

struct hr_recording {
	pthread_mutex_t lock;
	struct hr_rec_entry **slots; /* open addressing, power of two */
	size_t n_slots, n_entries;
	struct sysinfo *infos;       /* open addressing too */
	size_t n_infos_slots, n_infos;
	bool exec_seen, changed;
	long long start_ms;
};

static const struct { const char *name; enum hr_rec_kind kind; } arg_aware[] = {
	{ "clone", HR_REC_CLONE }, { "clone3", HR_REC_CLONE3 }, { "unshare", HR_REC_UNSHARE },
	{ "socket", HR_REC_SOCKET }, { "personality", HR_REC_PERSONALITY }, { "prctl", HR_REC_PRCTL },
	{ "ioctl", HR_REC_IOCTL },
};

enum hr_rec_kind hr_rec_kind_of(const char *name)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(arg_aware); i++)
		if (strcmp(name, arg_aware[i].name) == 0)
			return arg_aware[i].kind;
	return HR_REC_PLAIN;
}

unsigned hr_rec_arg_index(enum hr_rec_kind kind, uint32_t arch, bool second)
{
	if (kind == HR_REC_IOCTL)
		return 1;
	if (kind == HR_REC_SOCKET)
		return second ? 1 : 0;
	/* s390 passes clone's stack first and its flags second */
	if (kind == HR_REC_CLONE && (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X))
		return 1;
	return 0;
}

struct hr_recording *hr_recording_new(void)
{
	struct hr_recording *r = xcalloc(1, sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	r->n_slots = 256;
	r->slots = xcalloc(r->n_slots, sizeof(*r->slots));
	r->n_infos_slots = 256;
	r->infos = xcalloc(r->n_infos_slots, sizeof(*r->infos));
	r->start_ms = hr_now_ms();
	return r;
}

static void entry_clear(struct hr_rec_entry *e)
{
	free(e->name);
	free(e->first_exe);
}

void hr_recording_free(struct hr_recording *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_slots; i++)
		if (r->slots[i]) {
			entry_clear(r->slots[i]);
			free(r->slots[i]);
		}
	for (size_t i = 0; i < r->n_infos_slots; i++)
		free(r->infos[i].name);
	free(r->slots);
	free(r->infos);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static char *resolve_name(uint32_t arch, int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(arch, nr);

	if (!name && arch == SCMP_ARCH_X32)
		name = seccomp_syscall_resolve_num_arch(arch, (int)((uint32_t)nr & ~X32_SYSCALL_BIT));
	return name ? name : xasprintf("syscall_%d", nr);
}

static void infos_grow(struct hr_recording *r);

static struct sysinfo *sysinfo_get(struct hr_recording *r, uint32_t arch, int nr)
{
	size_t mask = r->n_infos_slots - 1, i = mix(arch, (uint64_t)nr) & mask;

	while (r->infos[i].name) {
		if (r->infos[i].arch == arch && r->infos[i].nr == nr)
			return &r->infos[i];
		i = (i + 1) & mask;
	}
	r->infos[i] = (struct sysinfo){ .arch = arch, .nr = nr, .name = resolve_name(arch, nr) };
	r->infos[i].kind = hr_rec_kind_of(r->infos[i].name);
	if (++r->n_infos * 2 > r->n_infos_slots) {
		infos_grow(r);
		return sysinfo_get(r, arch, nr);
	}
	return &r->infos[i];
}

static void infos_grow(struct hr_recording *r)
{
	struct sysinfo *old = r->infos;
	size_t n = r->n_infos_slots;

	r->n_infos_slots *= 2;
	r->infos = xcalloc(r->n_infos_slots, sizeof(*r->infos));
	for (size_t i = 0; i < n; i++) {
		if (!old[i].name)
			continue;
		size_t mask = r->n_infos_slots - 1, j = mix(old[i].arch, (uint64_t)old[i].nr) & mask;
		while (r->infos[j].name)
			j = (j + 1) & mask;
		r->infos[j] = old[i];
	}
	free(old);
}

/* clone3's flags are behind a pointer: read them from the process. A
 * profile cannot filter them (BPF sees no memory); the writer answers
 * clone3 with ENOSYS and allows these flags on clone, glibc's fallback. */
static uint64_t clone3_flags(pid_t pid, uint64_t ptr, uint64_t size)
{
	uint64_t flags;
	struct iovec local = { &flags, sizeof(flags) }, remote = { (void *)(uintptr_t)ptr, sizeof(flags) };

	if (size < sizeof(flags) || process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(flags))
		return HR_REC_UNKNOWN;
	return flags & HR_CLONE3_NS_FLAGS;
}

static void key_of(const struct sysinfo *si, const struct seccomp_notif *n, uint64_t *a, uint64_t *b)
{
	const __u64 *args = n->data.args;

	*a = *b = 0;
	switch (si->kind) {
	case HR_REC_PLAIN: break;
	case HR_REC_CLONE: *a = args[hr_rec_arg_index(si->kind, si->arch, false)] & HR_CLONE_NS_FLAGS; break;
	case HR_REC_CLONE3: *a = clone3_flags((pid_t)n->pid, args[0], args[1]); break;
	case HR_REC_UNSHARE:
	case HR_REC_PERSONALITY:
	case HR_REC_PRCTL: *a = args[0] & 0xffffffffULL; break;
	case HR_REC_SOCKET:
		*a = args[0] & 0xffffffffULL;
		*b = args[1] & 0xf; /* SOCK_TYPE_MASK */
		break;
	case HR_REC_IOCTL: *a = args[1] & 0xffffffffULL; break;
	}
}

static void read_proc_text(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	if (strcmp(what, "exe") == 0) {
		n = readlink(path, buf, len - 1);
	} else {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, len - 1);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void note_first(struct hr_recording *r, struct hr_rec_entry *e, const struct seccomp_notif *n)
{
	char exe[4096];

	e->by_workload = true;
	memcpy(e->first_args, n->data.args, sizeof(e->first_args));
	e->first_pid = (pid_t)n->pid;
	e->first_ms = hr_now_ms() - r->start_ms;
	read_proc_text(e->first_pid, "comm", e->first_comm, sizeof(e->first_comm));
	read_proc_text(e->first_pid, "exe", exe, sizeof(exe));
	e->first_exe = xstrdup(exe);
}

static bool same_key(const struct hr_rec_entry *e, uint32_t arch, int nr, uint64_t a, uint64_t b)
{
	return e->arch == arch && e->nr == nr && e->a == a && e->b == b;
}

static size_t slot_of(const struct hr_recording *r, uint32_t arch, int nr, uint64_t a, uint64_t b)
{
	return mix(mix(mix(arch, (uint64_t)nr), a), b) & (r->n_slots - 1);
}

static void slots_grow(struct hr_recording *r)
{
	struct hr_rec_entry **old = r->slots;
	size_t n = r->n_slots;

	r->n_slots *= 2;
	r->slots = xcalloc(r->n_slots, sizeof(*r->slots));
	for (size_t i = 0; i < n; i++) {
		struct hr_rec_entry *e = old[i];
		if (!e)
			continue;
		size_t j = slot_of(r, e->arch, e->nr, e->a, e->b);
		while (r->slots[j])
			j = (j + 1) & (r->n_slots - 1);
		r->slots[j] = e;
	}
	free(old);
}

static struct hr_rec_entry *entry_get(struct hr_recording *r, const struct sysinfo *si, uint64_t a, uint64_t b)
{
	size_t i = slot_of(r, si->arch, si->nr, a, b);
	struct hr_rec_entry *e;

	while ((e = r->slots[i])) {
		if (same_key(e, si->arch, si->nr, a, b))
			return e;
		i = (i + 1) & (r->n_slots - 1);
	}
	e = xcalloc(1, sizeof(*e));
	*e = (struct hr_rec_entry){ .arch = si->arch, .nr = si->nr, .kind = si->kind, .a = a, .b = b,
				    .name = xstrdup(si->name) };
	r->slots[i] = e;
	r->changed = true;
	if (++r->n_entries * 2 > r->n_slots)
		slots_grow(r);
	return e;
}

static bool is_exec(const struct sysinfo *si)
{
	return strcmp(si->name, "execve") == 0 || strcmp(si->name, "execveat") == 0;
}

void hr_recording_add(struct hr_recording *r, const struct seccomp_notif *n)
{
	struct sysinfo *si;
	struct hr_rec_entry *e;
	uint64_t a, b;

	/* x32 reports x86_64 with bit 30 of the number set; libseccomp and the
	 * profile call it an architecture of its own */
	uint32_t arch = n->data.arch == SCMP_ARCH_X86_64 && ((uint32_t)n->data.nr & X32_SYSCALL_BIT) ? SCMP_ARCH_X32
												     : n->data.arch;

	pthread_mutex_lock(&r->lock);
	si = sysinfo_get(r, arch, n->data.nr);
	if (!r->exec_seen && is_exec(si))
		r->exec_seen = true;
	key_of(si, n, &a, &b);
	e = entry_get(r, si, a, b);
	if (!r->exec_seen) {
		e->before_exec = true;
	} else {
		if (!e->by_workload) {
			note_first(r, e, n);
			r->changed = true;
		}
		e->count++;
	}
	pthread_mutex_unlock(&r->lock);
}

void hr_recording_mark_exec_seen(struct hr_recording *r)
{
	pthread_mutex_lock(&r->lock);
	r->exec_seen = true;
	pthread_mutex_unlock(&r->lock);
}

bool hr_recording_exec_seen(struct hr_recording *r)
{
	bool seen;

	pthread_mutex_lock(&r->lock);
	seen = r->exec_seen;
	pthread_mutex_unlock(&r->lock);
	return seen;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct hr_rec_entry *x = pa, *y = pb;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

size_t hr_recording_snapshot(struct hr_recording *r, struct hr_rec_entry **out, bool *changed)
{
	struct hr_rec_entry *v;
	size_t n = 0;

	pthread_mutex_lock(&r->lock);
	v = xcalloc(r->n_entries + 1, sizeof(*v));
	for (size_t i = 0; i < r->n_slots; i++) {
		const struct hr_rec_entry *e = r->slots[i];
		if (!e)
			continue;
		v[n] = *e;
		v[n].name = xstrdup(e->name);
		v[n].first_exe = xstrdup(e->first_exe);
		n++;
	}
	if (changed)
		*changed = r->changed;
	r->changed = false;
	pthread_mutex_unlock(&r->lock);
	qsort(v, n, sizeof(*v), entry_cmp);
	*out = v;
	return n;
}

void hr_rec_entries_free(struct hr_rec_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		entry_clear(&e[i]);
	free(e);
}
