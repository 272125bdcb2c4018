/* Smaller seccomp programs: libseccomp's program turned into range checks
 * over syscall numbers (compact.c says how; shared by the src/seccomp
 * files only). */
#ifndef HARDRUN_SECCOMP_COMPACT_H
#define HARDRUN_SECCOMP_COMPACT_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slot;

/* A program run with the architecture known and the syscall number known
 * or not (compact.c): per instruction whether it is reached and how a
 * conditional jump is decided. */
struct hr_bpf_spec {
	const struct sock_filter *prog;
	size_t n;
	uint32_t arch, nr;
	bool nr_known;
	bool unsafe;            /* the program does what this cannot follow */
	struct slot *slots;     /* per instruction: state, reached this run */
	int8_t *decided;        /* per jump: 1 taken, 0 not, -1 both ways */
	uint32_t gen;
	size_t n_rets, n_open;  /* returns reached, undecided jumps reached */
	uint32_t ret;           /* the return value, when n_rets == 1 and n_open == 0 */
	uint32_t *nr_consts, *arch_consts; /* what they were compared with */
	size_t n_nr_consts, n_arch_consts, cap_nr_consts, cap_arch_consts;
};

/* Room for element n of an array of *cap elements of size bytes: it grows
 * by doubling (a growth by one would copy it all each time). */
void *hr_bpf_room(void *v, size_t n, size_t *cap, size_t size);

void hr_bpf_spec_init(struct hr_bpf_spec *s, const struct sock_filter *prog, size_t n);
void hr_bpf_spec_free(struct hr_bpf_spec *s);
void hr_bpf_specialize(struct hr_bpf_spec *s, uint32_t arch, bool nr_known, uint32_t nr);
bool hr_bpf_reached(const struct hr_bpf_spec *s, size_t i);

/* The smaller program equivalent to prog (compact_build.c), checked
 * against it (compact_check.c). 1 and *out (malloc'd) when there is one,
 * 0 when prog stays as it is. */
int hr_seccomp_compact(const struct sock_filter *prog, size_t n, struct sock_filter **out, size_t *out_n);

/* compact_check.c: whether q answers as p does on the architectures and
 * the number intervals given (every path of each program for residues). */
struct hr_compact_case {
	uint32_t arch, lo, hi;
	bool residue;
};
bool hr_seccomp_compact_same(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn,
			     const struct hr_compact_case *cases, size_t n_cases, uint32_t other_arch);

#endif
