/* spin [SECONDS]: burns CPU (forever, or for SECONDS of wall time), and with
 * SPIN_COUNTER=FILE rewrites FILE with a progress counter about every 10 ms
 * of work, so tests can see whether it makes progress (pause/resume). The
 * counter goes to FILE.new and is renamed over FILE: a reader, or a freeze
 * of the cgroup, between truncate and write would otherwise see FILE empty. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 0;
	const char *counter = getenv("SPIN_COUNTER");
	double start = now(), last = start;
	unsigned long long n = 0;
	volatile unsigned long long sink = 0;
	char tmp[PATH_MAX];

	if (counter && snprintf(tmp, sizeof(tmp), "%s.new", counter) >= (int)sizeof(tmp))
		return 2;

	for (;;) {
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long long)i;
		double t = now();
		if (counter && t - last >= 0.01) {
			FILE *f = fopen(tmp, "w");
			if (f) {
				fprintf(f, "%llu\n", ++n);
				if (fclose(f) == 0)
					rename(tmp, counter);
			}
			last = t;
		}
		if (limit > 0 && t - start >= limit)
			return 0;
	}
}
