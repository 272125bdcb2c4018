/* The options create and run share; run adds --detach and --keep. */
#ifndef HARDRUN_CLI_CREATE_H
#define HARDRUN_CLI_CREATE_H

#include "cli.h"
#include "hardrun/hardrun.h"

enum {
	CREATE_BUNDLE, CREATE_PID_FILE, CREATE_CONSOLE_SOCKET, CREATE_PRESERVE_FDS, CREATE_NO_PIVOT,
	CREATE_NO_NEW_KEYRING, CREATE_NO_SUBREAPER, CREATE_N_OPTIONS,
};

#define CLI_CREATE_OPTIONS                                                                                   \
	[CREATE_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "the bundle directory (default: .)" },     \
	[CREATE_PID_FILE] = { "pid-file", 0, CLI_VALUE, "FILE", NULL, "write the container's pid to FILE" },  \
	[CREATE_CONSOLE_SOCKET] = { "console-socket", 0, CLI_VALUE, "SOCKET", NULL,                           \
				    "send the pty master of a terminal container to this unix socket" },       \
	[CREATE_PRESERVE_FDS] = { "preserve-fds", 0, CLI_VALUE, "N", NULL,                                    \
				  "pass N more fds (from 3 on) to the container" },                            \
	[CREATE_NO_PIVOT] = { "no-pivot", 0, CLI_FLAG, NULL, NULL, "use MS_MOVE and chroot, not pivot_root" }, \
	[CREATE_NO_NEW_KEYRING] = { "no-new-keyring", 0, CLI_FLAG, NULL, NULL,                                \
				    "keep the caller's session keyring" },                                     \
	[CREATE_NO_SUBREAPER] = { "no-subreaper", 0, CLI_FLAG, NULL, NULL,                                    \
				  "accepted for runc compatibility; ignored" }

/* The hr_create_opts the shared options describe. */
int cli_create_opts(const char *verb, struct hr_global *g, const struct cli_args *a, struct hr_create_opts *o,
		    struct hr_error *err);

#endif
