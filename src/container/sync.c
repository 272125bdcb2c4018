#include "container/sync.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"

int hr_sync_send(int sock, enum hr_sync_type type, int32_t value, const char *text, int fd)
{
	struct hr_sync_msg msg = { .type = type, .value = value };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (text)
		snprintf(msg.text, sizeof(msg.text), "%s", text);
	/* send only the used part of text */
	iov.iov_len = offsetof(struct hr_sync_msg, text) + strlen(msg.text) + 1;
	if (fd >= 0) {
		struct cmsghdr *cm;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

int hr_sync_recv(int sock, struct hr_sync_msg *msg, int *fd, struct hr_error *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n;

	if (fd)
		*fd = -1;
	memset(msg, 0, sizeof(*msg));
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hr_error_set(err, errno, "read from container process");
	if (n == 0)
		return hr_error_set(err, 0, "container process exited during setup");
	msg->text[sizeof(msg->text) - 1] = '\0';
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int got;
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
			if (fd)
				*fd = got;
			else
				close(got);
		}
	}
	return 0;
}

int hr_sync_expect(int sock, enum hr_sync_type type, struct hr_sync_msg *msg, int *fd, struct hr_error *err)
{
	if (hr_sync_recv(sock, msg, fd, err) < 0)
		return -1;
	if (msg->type == HR_SYNC_ERROR) {
		hr_error_set(err, 0, "%s", msg->text);
		err->errnum = msg->value;
		return -1;
	}
	if (msg->type != type)
		return hr_error_set(err, 0, "protocol error: container process sent message %u, expected %u",
				    msg->type, (unsigned)type);
	return 0;
}

void hr_sync_fail(int sock, const struct hr_error *err)
{
	hr_sync_send(sock, HR_SYNC_ERROR, err->errnum, err->msg, -1);
	_exit(1);
}

int hr_sync_wait_exec(int sock, struct hr_error *err)
{
	struct hr_sync_msg msg;
	ssize_t n;

	do
		n = recv(sock, &msg, sizeof(msg), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < 0)
		return hr_error_set(err, errno, "wait for exec");
	msg.text[sizeof(msg.text) - 1] = '\0';
	if (msg.type == HR_SYNC_ERROR) {
		hr_error_set(err, 0, "%s", msg.text);
		err->errnum = msg.value;
		return -1;
	}
	if (msg.type == HR_SYNC_EXEC_ERROR)
		return hr_error_set(err, msg.value, "%s", msg.text);
	return hr_error_set(err, 0, "protocol error: unexpected message %u before exec", msg.type);
}
