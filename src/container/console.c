#include "container/console.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/util.h"

int hr_console_setup(bool has_size, uint32_t rows, uint32_t cols, uid_t uid, gid_t gid, struct hr_error *err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	_cleanup_close_ int slave = -1;
	int unlock = 0, ptn;
	char name[64];

	if (master < 0)
		return hr_error_set(err, errno, "open /dev/ptmx in the container");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &ptn) < 0)
		return hr_error_set(err, errno, "unlock pty");
	snprintf(name, sizeof(name), "/dev/pts/%d", ptn);
	/* the peer of this very master: no path lookup a symlink could divert */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return hr_error_set(err, errno, "open pty slave `%s`", name);
	/* the terminal belongs to the process that runs on it, as with runc */
	if (fchown(slave, uid, gid) < 0)
		return hr_error_set(err, errno, "chown pty slave `%s` to %u:%u", name, (unsigned)uid, (unsigned)gid);
	if (has_size) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return hr_error_set(err, errno, "set console size");
	}
	if (setsid() < 0 && errno != EPERM)
		return hr_error_set(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return hr_error_set(err, errno, "make `%s` the controlling terminal", name);
	for (int fd = 0; fd <= 2; fd++) {
		if (dup2(slave, fd) < 0)
			return hr_error_set(err, errno, "dup pty to fd %d", fd);
	}
	return hr_steal_fd(master);
}

int hr_console_send(int sock, int master, struct hr_error *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char name[] = "/dev/ptmx";
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return hr_error_set(err, errno, "send pty master over console socket");
	return 0;
}
