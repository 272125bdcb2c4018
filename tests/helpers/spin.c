/* spin [SECONDS]: burns CPU (forever, or for SECONDS of wall time), and with
 * SPIN_COUNTER=FILE rewrites FILE with a progress counter about every 10 ms
 * of work, so tests can see whether it makes progress (pause/resume). */
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

	for (;;) {
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long long)i;
		double t = now();
		if (counter && t - last >= 0.01) {
			FILE *f = fopen(counter, "w");
			if (f) {
				fprintf(f, "%llu\n", ++n);
				fclose(f);
			}
			last = t;
		}
		if (limit > 0 && t - start >= limit)
			return 0;
	}
}
