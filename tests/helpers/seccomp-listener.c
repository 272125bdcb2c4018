/* seccomp-listener SOCKET STATEFILE VALUE: test helper standing in for a
 * seccomp agent at linux.seccomp.listenerPath. Receives the notify fd and
 * the container state JSON (written to STATEFILE), then answers every
 * notified syscall with return value VALUE until the container is gone.
 * Built static; runs on the host. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn, char *json, size_t cap)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = json, .iov_len = cap - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(conn, &mh, 0);
	int fd = -1;

	if (n < 0)
		return -1;
	json[n] = '\0';
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static char json[65536];
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int srv, conn, fd;
	FILE *f;

	if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: seccomp-listener SOCKET STATEFILE VALUE\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0) {
		perror("seccomp-listener: listen");
		return 1;
	}
	conn = accept(srv, NULL, NULL);
	fd = conn < 0 ? -1 : recv_fd(conn, json, sizeof(json));
	if (fd < 0) {
		perror("seccomp-listener: receive notify fd");
		return 1;
	}
	f = fopen(argv[2], "w");
	if (f) {
		fputs(json, f);
		fclose(f);
	}
	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break; /* ENOENT/EBADF: the filter's users are gone */
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = atoll(argv[3]);
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
