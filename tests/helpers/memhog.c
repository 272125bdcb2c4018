/* memhog MIB [STEP_MIB [DELAY_MS]]: allocates and touches MIB MiB in steps,
 * printing "allocated N MiB" after each step; then prints "done" and sleeps
 * until killed if the environment has MEMHOG_HOLD=1. For memory limit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: memhog MIB [STEP_MIB [DELAY_MS]]\n");
		return 2;
	}
	long total = atol(argv[1]);
	long step = argc > 2 ? atol(argv[2]) : 8;
	long delay = argc > 3 ? atol(argv[3]) : 0;
	if (step <= 0)
		step = 1;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (long done = 0; done < total;) {
		long n = total - done < step ? total - done : step;
		char *p = malloc((size_t)n << 20);
		if (!p) {
			printf("malloc failed at %ld MiB\n", done);
			return 1;
		}
		memset(p, 0x5a, (size_t)n << 20);   /* touch every page */
		done += n;
		printf("allocated %ld MiB\n", done);
		if (delay)
			usleep((useconds_t)delay * 1000);
	}
	printf("done\n");
	if (getenv("MEMHOG_HOLD"))
		for (;;)
			pause();
	return 0;
}
