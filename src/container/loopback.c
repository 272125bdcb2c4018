/* The network namespace a container gets is empty but for a loopback that
 * starts down: bring it up, as runc does, so 127.0.0.1 works. */
#include "container/handoff.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"

int hr_net_loopback_up(struct hr_error *err)
{
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (sock < 0)
		return hr_error_set(err, errno, "bring loopback up: socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return hr_error_set(err, errno, "bring loopback up: read flags of lo");
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return hr_error_set(err, errno, "bring loopback up");
	return 0;
}
