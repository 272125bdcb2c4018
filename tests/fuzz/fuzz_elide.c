/* exec's lean read (spec/json_elide.c) on any text, checked against
 * jansson (differential): when the scanner elides something from a text
 * jansson accepts, the result must parse too and be the same JSON once
 * linux.seccomp.syscalls is set aside in both. The scanner may decline any
 * text (NULL); it must never change anything else. */
#include "fuzz_common.h"

#include <jansson.h>
#include <stdio.h>

#include "spec/spec.h"

static json_t *without_rules(json_t *root)
{
	json_t *seccomp = json_object_get(json_object_get(root, "linux"), "seccomp");

	if (!json_is_object(seccomp) || !json_is_array(json_object_get(seccomp, "syscalls"))) {
		fprintf(stderr, "fuzz_elide: no linux.seccomp.syscalls array where one was elided\n");
		abort();
	}
	json_object_del(seccomp, "syscalls");
	return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *lean = hr_json_elide_seccomp_rules(text);
	json_error_t jerr;
	json_t *a, *b;

	a = lean ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (a) {
		b = json_loads(lean, JSON_REJECT_DUPLICATES, &jerr);
		if (!b) {
			fprintf(stderr, "fuzz_elide: elided text no longer parses: %s\n", jerr.text);
			abort();
		}
		if (json_array_size(json_object_get(json_object_get(json_object_get(b, "linux"), "seccomp"), "syscalls")) != 0 ||
		    !json_equal(without_rules(a), without_rules(b))) {
			fprintf(stderr, "fuzz_elide: elision changed more than linux.seccomp.syscalls\n");
			abort();
		}
		json_decref(b);
	}
	json_decref(a);
	free(lean);
	free(text);
	return 0;
}
