/* Signal names as runc accepts them, and the foreground wait loop. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "base/util.h"

static const struct { const char *name; int sig; } signal_names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

static int parse_rt(const char *s)
{
	long long off;
	if (strcasecmp(s, "RTMIN") == 0)
		return SIGRTMIN;
	if (strcasecmp(s, "RTMAX") == 0)
		return SIGRTMAX;
	if (strncasecmp(s, "RTMIN+", 6) == 0 && hr_parse_i64(s + 6, &off) && off >= 0 && SIGRTMIN + off <= SIGRTMAX)
		return SIGRTMIN + (int)off;
	if (strncasecmp(s, "RTMAX-", 6) == 0 && hr_parse_i64(s + 6, &off) && off >= 0 && SIGRTMAX - off >= SIGRTMIN)
		return SIGRTMAX - (int)off;
	return -1;
}

int hr_signal_parse(const char *s)
{
	long long n;

	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)*s))
		/* 0 probes whether the process exists, as kill(1) */
		return hr_parse_i64(s, &n) && n >= 0 && n <= SIGRTMAX ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < HR_ARRAY_SIZE(signal_names); i++) {
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	}
	return parse_rt(s);
}

static struct termios saved_tio;
static bool tio_raw;

static void tty_raw(int master)
{
	struct termios raw;
	struct winsize ws;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	raw = saved_tio;
	cfmakeraw(&raw);
	tio_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void tty_restore(void)
{
	if (tio_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_raw = false;
}

static bool copy_once(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	return n > 0 && hr_write_all(to, buf, (size_t)n) >= 0;
}

/* Forwards one signal; returns it (0: none, or one not forwarded). */
static int on_signal(int sfd, pid_t pid, int master)
{
	struct signalfd_siginfo si;
	struct winsize ws;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if ((int)si.ssi_signo == SIGWINCH) {
		if (master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
		return 0;
	}
	if ((int)si.ssi_signo == SIGCHLD)
		return 0;
	kill(pid, (int)si.ssi_signo);
	return (int)si.ssi_signo;
}

static bool terminating(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The poll timeout until the kill deadline (-1: none). */
static int until(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

static int exit_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int hr_wait_foreground(pid_t pid, int pidfd, int master, struct hr_error *err)
{
	return hr_wait_foreground_grace(pid, pidfd, master, -1, err);
}

int hr_wait_foreground_grace(pid_t pid, int pidfd, int master, int grace_ms, struct hr_error *err)
{
	sigset_t all;
	_cleanup_close_ int sfd = -1;
	bool in_open = master >= 0;
	long long deadline = -1;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigprocmask(SIG_BLOCK, &all, NULL);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0)
		return hr_error_set(err, errno, "signalfd");
	if (master >= 0)
		tty_raw(master);
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int sig, n = poll(p, 4, until(deadline));
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0 && deadline >= 0) {
			kill(pid, SIGKILL);
			deadline = -1;
		}
		if ((p[1].revents & POLLIN) && (sig = on_signal(sfd, pid, master)) && terminating(sig) &&
		    grace_ms >= 0 && deadline < 0)
			deadline = now_ms() + grace_ms;
		if (master >= 0 && (p[2].revents & POLLIN) && !copy_once(master, STDOUT_FILENO))
			master = -1;
		if (p[3].revents & (POLLIN | POLLHUP) && !copy_once(STDIN_FILENO, p[2].fd))
			in_open = false;
		if (p[0].revents & POLLIN) {
			/* drain what the workload wrote before it exited */
			while (master >= 0 && poll(&p[2], 1, 0) > 0 && (p[2].revents & POLLIN) &&
			       copy_once(master, STDOUT_FILENO))
				;
			break;
		}
	}
	tty_restore();
	return exit_status(pid);
}
