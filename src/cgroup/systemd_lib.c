/* libsystemd through dlopen (systemd_lib.h says why). */
#include "cgroup/systemd_lib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/util.h"

struct hr_sd_lib hr_sd;
static bool loaded;

/* Each pointer in struct hr_sd_lib, with the symbol it is filled from. */
#define SYM(field, name) { offsetof(struct hr_sd_lib, field), name }
static const struct {
	size_t offset;
	const char *name;
} symbols[] = {
	SYM(booted, "sd_booted"),
	SYM(bus_new, "sd_bus_new"),
	SYM(bus_set_address, "sd_bus_set_address"),
	SYM(bus_start, "sd_bus_start"),
	SYM(bus_open_system, "sd_bus_open_system"),
	SYM(bus_open_user, "sd_bus_open_user"),
	SYM(bus_unref, "sd_bus_unref"),
	SYM(bus_flush_close_unref, "sd_bus_flush_close_unref"),
	SYM(bus_process, "sd_bus_process"),
	SYM(bus_wait, "sd_bus_wait"),
	SYM(bus_call, "sd_bus_call"),
	SYM(bus_call_method, "sd_bus_call_method"),
	SYM(bus_get_property_string, "sd_bus_get_property_string"),
	SYM(bus_get_property_trivial, "sd_bus_get_property_trivial"),
	SYM(bus_match_signal, "sd_bus_match_signal"),
	SYM(bus_slot_unref, "sd_bus_slot_unref"),
	SYM(message_new_method_call, "sd_bus_message_new_method_call"),
	SYM(message_append, "sd_bus_message_append"),
	SYM(message_append_array, "sd_bus_message_append_array"),
	SYM(message_open_container, "sd_bus_message_open_container"),
	SYM(message_close_container, "sd_bus_message_close_container"),
	SYM(message_read, "sd_bus_message_read"),
	SYM(message_unref, "sd_bus_message_unref"),
	SYM(error_free, "sd_bus_error_free"),
	SYM(error_has_name, "sd_bus_error_has_name"),
	SYM(error_is_set, "sd_bus_error_is_set"),
};

int hr_sd_lib_load(struct hr_error *err)
{
	struct hr_sd_lib lib;
	void *h;

	if (loaded)
		return 0;
	/* never unloaded: the pointers stay valid for the process's life */
	h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return hr_error_set(err, 0, "systemd cgroup driver: cannot load libsystemd.so.0: %s", dlerror());
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *p = dlsym(h, symbols[i].name);

		if (!p)
			return hr_error_set(err, 0, "systemd cgroup driver: libsystemd.so.0 has no %s",
					    symbols[i].name);
		/* POSIX: a function pointer has an object pointer's representation */
		memcpy((char *)&lib + symbols[i].offset, &p, sizeof(p));
	}
	hr_sd = lib;
	loaded = true;
	return 0;
}

void hr_sd_error_freep(sd_bus_error *e)
{
	if (loaded)
		hr_sd.error_free(e);
}

void hr_sd_message_unrefp(sd_bus_message **m)
{
	if (*m)
		hr_sd.message_unref(*m);
}

void hr_sd_slot_unrefp(sd_bus_slot **s)
{
	if (*s)
		hr_sd.bus_slot_unref(*s);
}
