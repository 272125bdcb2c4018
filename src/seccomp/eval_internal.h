/* Shared by eval.c and explore.c only. */
#ifndef HARDRUN_SECCOMP_EVAL_INTERNAL_H
#define HARDRUN_SECCOMP_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#define HR_BPF_MEMWORDS 16
#define HR_BPF_MAX_INSNS 4096

/* A = A op operand. 1: division by zero (the program returns 0, a kill),
 * -1: not an ALU operation seccomp accepts. */
int hr_bpf_alu(uint16_t op, uint32_t *a, uint32_t operand);
/* Whether a conditional jump (JEQ/JGT/JGE/JSET) is taken. */
bool hr_bpf_jump_taken(uint16_t op, uint32_t a, uint32_t k);

#endif
