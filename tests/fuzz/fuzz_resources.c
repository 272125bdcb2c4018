/* The LinuxResources document of `update --resources FILE|-`
 * (hr_resources_load_string, what src/cli/update.c calls), then the pure
 * conversions the cgroup code applies to it before touching cgroupfs:
 * device rules to the eBPF device program, swap and weight arithmetic. */
#include "fuzz_common.h"

#include "cgroup/cgroup.h"
#include "spec/spec.h"
#include "cgroup/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct hr_error err = { 0 };
	struct hr_resources r;
	void *insns = NULL;
	size_t n_insns = 0;
	int64_t swap_max;

	if (hr_resources_load_string(text, "fuzz/resources.json", &r, &err) == 0) {
		(void)hr_cg_needed_controllers(&r);
		if (hr_cgroup_device_program(r.devices, r.n_devices, &insns, &n_insns, &err) == 0)
			free(insns);
		(void)hr_cgroup_device_allowed(r.devices, r.n_devices, 'c', 1, 3, "rwm");
		if (r.has_memory && r.memory.has_swap)
			(void)hr_cgroup_swap_max(r.memory.has_limit, r.memory.limit, r.memory.swap,
						 &swap_max, &err);
		if (r.has_cpu && r.cpu.has_shares)
			(void)hr_cgroup_shares_to_weight(r.cpu.shares);
		if (r.has_block_io && r.block_io.has_weight)
			(void)hr_cgroup_blkio_to_io_weight(r.block_io.weight);
		hr_resources_clear(&r);
	}
	free(text);
	return 0;
}
