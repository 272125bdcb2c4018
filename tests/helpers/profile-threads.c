/* profile-threads: for `profile learn` tests. Starts N threads (default 4)
 * that each call getcpu(2), which nothing else in the test rootfs calls, so
 * a learned profile has getcpu only when the supervisor saw every thread.
 * Prints "threads: N" and exits 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *worker(void *arg)
{
	unsigned cpu, node;

	(void)arg;
	syscall(SYS_getcpu, &cpu, &node, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t t[64];

	if (n < 1 || n > 64)
		return 2;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads: %d\n", n);
	return 0;
}
