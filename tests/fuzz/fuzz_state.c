/* A container's state as hardrun reads it back from --root: state.json and
 * the record file (.hardrun-record) that kill and delete trust. Both may be
 * damaged or forged by anyone who can write there; reading them must never
 * crash, leak or trust a cgroup path that is not hardrun's.
 * Input: the first byte picks the file (even: state.json, odd: the
 * record), the rest is its content. */
#include "fuzz_common.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "state/state.h"

static char root[64];

/* The scratch root goes when libFuzzer exits (it exits through exit()). */
static void remove_root(void)
{
	static const char *const files[] = { "state.json", ".hardrun-record", HR_STATE_MARKER };
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/c/%s", root, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/c", root);
	rmdir(path);
	rmdir(root);
}

static void setup_once(void)
{
	struct hr_container *c = NULL;
	struct hr_error err = { 0 };

	if (root[0])
		return;
	snprintf(root, sizeof(root), "/tmp/hardrun-fuzzstate.XXXXXX");
	if (!mkdtemp(root) || hr_container_new(root, "c", &c, &err) < 0) {
		fprintf(stderr, "fuzz_state: cannot create a state root: %s\n", err.msg);
		abort();
	}
	hr_container_free(c);
	atexit(remove_root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_container *c = NULL;
	struct hr_error err = { 0 };
	char path[128];
	int fd;

	setup_once();
	if (size < 1)
		return 0;
	snprintf(path, sizeof(path), "%s/c/%s", root, (data[0] & 1) ? ".hardrun-record" : "state.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || hr_write_all(fd, data + 1, size - 1) < 0)
		abort();
	close(fd);
	if (hr_container_open(root, "c", HR_OPEN_DAMAGED, &c, &err) == 0) {
		json_decref(hr_container_state_object(c));
		(void)hr_container_status(c);
		hr_container_free(c);
	}
	return 0;
}
