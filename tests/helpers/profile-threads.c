/* profile-threads: for `profile learn` tests. Starts N threads (default 4)
 * that each call getcpu(2), which nothing else in the test rootfs calls, so
 * a learned profile has getcpu only when the supervisor saw every thread.
 * Prints "threads: N" and exits 0.
 *
 * pthread_join waits with futex(2) only when its thread has not exited
 * yet, so whether a run calls futex depends on scheduling: a profile
 * learned from a run that did not would deny it in a run that does (seen
 * once in CI: "would have denied futex ... 0x109"). The main thread calls
 * futex once itself, so every run does. */
#include <linux/futex.h>
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

	static unsigned word;

	if (n < 1 || n > 64)
		return 2;
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads: %d\n", n);
	return 0;
}
