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

/* apparmor_parser ARGS FILE, its complaint carried into the error. */
static int run_parser(const char *const args[], const char *path, struct hr_error *err)
{
	_cleanup_free_ char *parser = NULL, *cmd = NULL;
	char out[STDERR_MAX];
	char *argv[8];
	size_t n = 0;
	int status;

	if (!path)
		return hr_error_set(err, 0, "apparmor load: no profile file given");
	if (access(path, R_OK) < 0)
		return hr_error_set(err, errno, "apparmor load: profile file `%s`", path);
	parser = find_in_path("apparmor_parser");
	if (!parser)
		return hr_error_set(err, 0, "apparmor_parser not found: install the apparmor package");
	argv[n++] = parser;
	for (; *args && n < 6; args++)
		argv[n++] = (char *)*args;
	argv[n++] = (char *)path;
	argv[n] = NULL;
	cmd = xstrdup("apparmor_parser");
	for (size_t i = 1; i < n; i++) {
		char *next = xasprintf("%s %s", cmd, argv[i]);
		free(cmd);
		cmd = next;
	}
	status = run_capture(argv, out, sizeof(out), err);
	if (status < 0)
		return -1;
	trim(out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return hr_error_set(err, 0, "%s failed (exit %d)%s%s", cmd, WEXITSTATUS(status), *out ? ": " : "", out);
	return hr_error_set(err, 0, "%s was killed by signal %d", cmd, WTERMSIG(status));
}

int hr_apparmor_load_profile_file(const char *path, struct hr_error *err)
{
	static const char *const args[] = { "-r", "-W", NULL };

	return run_parser(args, path, err);
}

/* -C: complain mode whatever the text says; -K: no cache written for a
 * profile that lives only as long as one run. */
int hr_apparmor_load_complain(const char *path, struct hr_error *err)
{
	static const char *const args[] = { "-r", "-C", "-K", NULL };

	return run_parser(args, path, err);
}

/* The kernel's .remove interface (what apparmor_parser -R writes): by name,
 * so it needs no file, and removes the profile's children with it. */
int hr_apparmor_remove_profile(const char *name, struct hr_error *err)
{
	_cleanup_close_ int fd = open("/sys/kernel/security/apparmor/.remove", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return hr_error_set(err, errno, "removing AppArmor profile \"%s\": open .remove", name);
	if (write(fd, name, strlen(name)) != (ssize_t)strlen(name))
		return hr_error_set(err, errno, "removing AppArmor profile \"%s\"", name);
	return 0;
}
