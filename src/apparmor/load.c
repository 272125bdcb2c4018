/* `hardrun apparmor load`: apparmor_parser -r -W FILE, with the parser's
 * own complaint carried into the error. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define STDERR_MAX 1500

/* Looks the program up in $PATH the way execvp would; NULL if absent. */
static char *find_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path ? path : DEFAULT_PATH);
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* Runs argv with stderr captured into buf; returns the wait status or -1. */
static int run_capture(char *const argv[], char *buf, size_t cap, struct hr_error *err)
{
	int pfd[2], status;
	size_t used = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return hr_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return hr_error_set(err, errno, "fork");
	}
	if (pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char tmp[512];
		ssize_t r = read(pfd[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r < cap - 1 - used ? (size_t)r : cap - 1 - used;
		memcpy(buf + used, tmp, take);
		used += take;
	}
	buf[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return hr_error_set(err, errno, "waitpid apparmor_parser");
	return status;
}

int hr_apparmor_load_profile_file(const char *path, struct hr_error *err)
{
	_cleanup_free_ char *parser = NULL;
	char out[STDERR_MAX];
	int status;

	if (!path)
		return hr_error_set(err, 0, "apparmor load: no profile file given");
	if (access(path, R_OK) < 0)
		return hr_error_set(err, errno, "apparmor load: profile file `%s`", path);
	parser = find_in_path("apparmor_parser");
	if (!parser)
		return hr_error_set(err, 0, "apparmor_parser not found: install the apparmor package");
	char *const argv[] = { parser, "-r", "-W", (char *)path, NULL };
	status = run_capture(argv, out, sizeof(out), err);
	if (status < 0)
		return -1;
	trim(out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return hr_error_set(err, 0, "apparmor_parser -r -W %s failed (exit %d)%s%s", path,
				    WEXITSTATUS(status), *out ? ": " : "", out);
	return hr_error_set(err, 0, "apparmor_parser -r -W %s was killed by signal %d", path,
			    WTERMSIG(status));
}
