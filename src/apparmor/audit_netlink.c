/* Reading the kernel's audit records over NETLINK_AUDIT. The socket joins
 * the read-only multicast group, which the kernel feeds with every record
 * it logs (auditd, if one runs, still gets its own unicast copy); the
 * kernel log gets the same records only rate-limited when no auditd runs.
 * The socket's buffer is made large so a burst of records waits for us. */
#include "apparmor/audit.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"

#define RCVBUF_BYTES (32 << 20)
#define MSG_MAX 16384

int hr_aa_audit_open(struct hr_error *err)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	int size = RCVBUF_BYTES;

	if (fd < 0)
		return hr_error_set(err, errno, "opening a NETLINK_AUDIT socket for the AppArmor records");
	/* FORCE: past net.core.rmem_max, as root; else the ordinary limit */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return hr_error_set(err, e, "joining the kernel's audit log multicast group (needs CAP_AUDIT_READ "
					    "in the initial user namespace)");
	}
	return fd;
}

/* NLMSG_OK without its signed/unsigned comparison (clang's -Wsign-compare
 * rejects the macro): len is checked non-negative first. */
static bool nl_ok(const struct nlmsghdr *h, int len)
{
	return len >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= (unsigned int)len;
}

/* len stays signed: the last record's length is not padded to 4, so
 * NLMSG_NEXT leaves it negative, which nl_ok must see as the end. */
static int deliver(const char *buf, int len, hr_aa_audit_fn fn, void *ud)
{
	int n = 0;

	for (const struct nlmsghdr *h = (const void *)buf; nl_ok(h, len); h = NLMSG_NEXT(h, len)) {
		size_t body = h->nlmsg_len - NLMSG_HDRLEN;
		char text[MSG_MAX];
		if (body >= sizeof(text))
			body = sizeof(text) - 1;
		memcpy(text, NLMSG_DATA(h), body);
		text[body] = '\0';
		fn(ud, h->nlmsg_type, text);
		n++;
	}
	return n;
}

int hr_aa_audit_read(int fd, int timeout_ms, hr_aa_audit_fn fn, void *ud, int *lost, struct hr_error *err)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[MSG_MAX];
	int n = 0;

	if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
		return hr_error_set(err, errno, "poll on the audit socket");
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			(*lost)++;
			continue;
		}
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return n;
		if (len < 0)
			return hr_error_set(err, errno, "reading the audit socket");
		n += deliver(buf, (int)len, fn, ud);
	}
}

int hr_aa_audit_send_marker(const char *text, struct hr_error *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	struct {
		struct nlmsghdr h;
		char text[256];
	} msg = { 0 };
	size_t len = strlen(text);

	if (fd < 0)
		return hr_error_set(err, errno, "opening a NETLINK_AUDIT socket for the marker");
	if (len >= sizeof(msg.text))
		len = sizeof(msg.text) - 1;
	memcpy(msg.text, text, len);
	msg.h.nlmsg_len = NLMSG_LENGTH(len + 1);
	msg.h.nlmsg_type = AUDIT_USER_AVC;
	msg.h.nlmsg_flags = NLM_F_REQUEST;
	if (sendto(fd, &msg, msg.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return hr_error_set(err, errno, "sending the audit marker");
	return 0;
}

static int status_reply(int fd, unsigned *lost, struct hr_error *err)
{
	char buf[MSG_MAX];

	for (;;) {
		int len = (int)recv(fd, buf, sizeof(buf), 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return hr_error_set(err, errno, "reading the kernel's audit status");
		for (const struct nlmsghdr *h = (const void *)buf; nl_ok(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (e->error)
					return hr_error_set(err, -e->error, "asking the kernel's audit status");
			} else if (h->nlmsg_type == AUDIT_GET && h->nlmsg_len >= NLMSG_LENGTH(offsetof(struct audit_status, backlog))) {
				const struct audit_status *st = NLMSG_DATA(h);
				*lost = st->lost;
				return 0;
			}
		}
	}
}

int hr_aa_audit_lost(unsigned *lost, struct hr_error *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr req = { .nlmsg_len = NLMSG_LENGTH(0), .nlmsg_type = AUDIT_GET, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK };
	struct timeval tv = { .tv_sec = 1 };
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0)
		return hr_error_set(err, errno, "opening a NETLINK_AUDIT socket for the audit status");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &req, req.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return hr_error_set(err, errno, "asking the kernel's audit status");
	return status_reply(fd, lost, err);
}
