/* Hands the seccomp listener fd to the agent at linux.seccomp.listenerPath
 * as the runtime spec's "containerProcessState" message. */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "seccomp/seccomp.h"
#include "base/util.h"

/* {"ociVersion","fds":["seccompFd"],"pid","metadata","state":{...}}, with
 * ociVersion and pid taken from the state itself. */
char *hr_seccomp_process_state_json(const char *state_json, const char *metadata,
				    struct hr_error *err)
{
	json_error_t jerr;
	json_t *state = json_loads(state_json, 0, &jerr);
	json_t *msg, *ver, *pid;
	char *out;

	if (!state || !json_is_object(state)) {
		json_decref(state);
		return hr_error_set(err, 0, "seccomp listener: invalid container state JSON: %s",
				    state ? "not an object" : jerr.text), NULL;
	}
	ver = json_object_get(state, "ociVersion");
	pid = json_object_get(state, "pid");
	if (!json_is_string(ver) || !json_is_integer(pid)) {
		json_decref(state);
		return hr_error_set(err, 0, "seccomp listener: container state lacks ociVersion or pid"), NULL;
	}
	msg = json_pack("{sOs[s]sO}", "ociVersion", ver, "fds", "seccompFd", "pid", pid);
	if (!msg) {
		json_decref(state);
		return hr_error_set(err, ENOMEM, "seccomp listener: building the message"), NULL;
	}
	if (metadata)
		json_object_set_new(msg, "metadata", json_string(metadata));
	json_object_set_new(msg, "state", state);
	out = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!out)
		return hr_error_set(err, ENOMEM, "seccomp listener: serialising the message"), NULL;
	return out;
}

static int send_with_fd(int sock, const char *data, size_t len, int fd, struct hr_error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hr_error_set(err, errno, "sending the seccomp listener fd");
	/* The fd travelled with the first chunk; the rest is plain payload. */
	if ((size_t)n < len && hr_write_all(sock, data + n, len - (size_t)n) < 0)
		return hr_error_set(err, errno, "sending the container process state");
	return 0;
}

int hr_seccomp_send_to_listener(int sock, int notify_fd, const char *state_json,
				const char *metadata, struct hr_error *err)
{
	_cleanup_free_ char *msg = hr_seccomp_process_state_json(state_json, metadata, err);

	if (!msg)
		return -1;
	return send_with_fd(sock, msg, strlen(msg), notify_fd, err);
}
