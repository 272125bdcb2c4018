/* libsystemd, loaded when the systemd driver first talks to systemd: with
 * what it pulls in (libgcrypt, libgpg-error, liblzma, libzstd, liblz4) it
 * costs about 0.8 MB of resident memory in every hardrun process that links
 * it, and only --systemd-cgroup needs it (issue 16's peak RSS). The sd_*
 * names below stand for pointers filled by dlsym, so the driver's code reads
 * as plain sd-bus; only for src/cgroup/systemd*.c, after <systemd/sd-bus.h>. */
#ifndef HARDRUN_CGROUP_SYSTEMD_LIB_H
#define HARDRUN_CGROUP_SYSTEMD_LIB_H

#include <systemd/sd-bus.h>

#include "hardrun/error.h"

struct hr_sd_lib {
	int (*booted)(void);
	int (*bus_new)(sd_bus **ret);
	int (*bus_set_address)(sd_bus *bus, const char *address);
	int (*bus_start)(sd_bus *bus);
	int (*bus_open_system)(sd_bus **ret);
	int (*bus_open_user)(sd_bus **ret);
	sd_bus *(*bus_unref)(sd_bus *bus);
	sd_bus *(*bus_flush_close_unref)(sd_bus *bus);
	int (*bus_process)(sd_bus *bus, sd_bus_message **r);
	int (*bus_wait)(sd_bus *bus, uint64_t timeout_usec);
	int (*bus_call)(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error,
			sd_bus_message **reply);
	int (*bus_call_method)(sd_bus *bus, const char *destination, const char *path, const char *interface,
			       const char *member, sd_bus_error *ret_error, sd_bus_message **reply,
			       const char *types, ...);
	int (*bus_get_property_string)(sd_bus *bus, const char *destination, const char *path,
				       const char *interface, const char *member, sd_bus_error *ret_error,
				       char **ret);
	int (*bus_get_property_trivial)(sd_bus *bus, const char *destination, const char *path,
					const char *interface, const char *member, sd_bus_error *ret_error,
					char type, void *ret_ptr);
	int (*bus_match_signal)(sd_bus *bus, sd_bus_slot **ret, const char *sender, const char *path,
				const char *interface, const char *member, sd_bus_message_handler_t callback,
				void *userdata);
	sd_bus_slot *(*bus_slot_unref)(sd_bus_slot *slot);
	int (*message_new_method_call)(sd_bus *bus, sd_bus_message **m, const char *destination,
				       const char *path, const char *interface, const char *member);
	int (*message_append)(sd_bus_message *m, const char *types, ...);
	int (*message_append_array)(sd_bus_message *m, char type, const void *ptr, size_t size);
	int (*message_open_container)(sd_bus_message *m, char type, const char *contents);
	int (*message_close_container)(sd_bus_message *m);
	int (*message_read)(sd_bus_message *m, const char *types, ...);
	sd_bus_message *(*message_unref)(sd_bus_message *m);
	void (*error_free)(sd_bus_error *e);
	int (*error_has_name)(const sd_bus_error *e, const char *name);
	int (*error_is_set)(const sd_bus_error *e);
};

/* The loaded library; valid once hr_sd_lib_load succeeded. */
extern struct hr_sd_lib hr_sd;

/* Loads libsystemd.so.0 once; an error names it when it is missing. */
int hr_sd_lib_load(struct hr_error *err);

/* Cleanups for __attribute__((cleanup)): safe before the library is loaded
 * (nothing to free then). */
void hr_sd_error_freep(sd_bus_error *e);
void hr_sd_message_unrefp(sd_bus_message **m);
void hr_sd_slot_unrefp(sd_bus_slot **s);

#define sd_booted (*hr_sd.booted)
#define sd_bus_new (*hr_sd.bus_new)
#define sd_bus_set_address (*hr_sd.bus_set_address)
#define sd_bus_start (*hr_sd.bus_start)
#define sd_bus_open_system (*hr_sd.bus_open_system)
#define sd_bus_open_user (*hr_sd.bus_open_user)
#define sd_bus_unref (*hr_sd.bus_unref)
#define sd_bus_flush_close_unref (*hr_sd.bus_flush_close_unref)
#define sd_bus_process (*hr_sd.bus_process)
#define sd_bus_wait (*hr_sd.bus_wait)
#define sd_bus_call (*hr_sd.bus_call)
#define sd_bus_call_method (*hr_sd.bus_call_method)
#define sd_bus_get_property_string (*hr_sd.bus_get_property_string)
#define sd_bus_get_property_trivial (*hr_sd.bus_get_property_trivial)
#define sd_bus_match_signal (*hr_sd.bus_match_signal)
#define sd_bus_message_new_method_call (*hr_sd.message_new_method_call)
#define sd_bus_message_append (*hr_sd.message_append)
#define sd_bus_message_append_array (*hr_sd.message_append_array)
#define sd_bus_message_open_container (*hr_sd.message_open_container)
#define sd_bus_message_close_container (*hr_sd.message_close_container)
#define sd_bus_message_read (*hr_sd.message_read)
#define sd_bus_error_has_name (*hr_sd.error_has_name)
#define sd_bus_error_is_set (*hr_sd.error_is_set)
/* the header's own cleanup helpers would link libsystemd directly */
#define sd_bus_error_free hr_sd_error_freep
#define sd_bus_message_unrefp hr_sd_message_unrefp
#define sd_bus_slot_unrefp hr_sd_slot_unrefp

#endif
