/* Differential target for hr_json_parse, the JSON front end of every
 * document above. It rewrites integer literals above INT64_MAX into marker
 * strings before jansson parses the text, and must not thereby accept
 * anything that is not JSON, nor read a document differently. Checked
 * against jansson on the text as written:
 *   - whatever hr_json_parse accepts, jansson accepts too (with integers
 *     decoded as reals, so that big ones parse), as the same tree: markers
 *     stand exactly where jansson has numbers of that value;
 *   - whatever plain jansson accepts (no integer above INT64_MAX then) as an
 *     object, hr_json_parse accepts as the same tree.
 * A difference aborts (a finding); bad input is otherwise just refused. */
#include "fuzz_common.h"

#include <jansson.h>
#include <stdio.h>

#include "spec/internal.h"

static void differ(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_json: hr_json_parse and jansson differ: %s\ninput: %s\n", what, text);
	abort();
}

/* ours: hr_json_parse's tree; ref: jansson's; as_real: ref was parsed with
 * JSON_DECODE_INT_AS_REAL. */
static bool same(json_t *ours, json_t *ref, bool as_real)
{
	uint64_t u;
	const char *k;
	json_t *v;
	size_t i;

	switch (json_typeof(ours)) {
	case JSON_OBJECT:
		if (!json_is_object(ref) || json_object_size(ours) != json_object_size(ref))
			return false;
		json_object_foreach(ours, k, v)
			if (!json_object_get(ref, k) || !same(v, json_object_get(ref, k), as_real))
				return false;
		return true;
	case JSON_ARRAY:
		if (!json_is_array(ref) || json_array_size(ours) != json_array_size(ref))
			return false;
		json_array_foreach(ours, i, v)
			if (!same(v, json_array_get(ref, i), as_real))
				return false;
		return true;
	case JSON_STRING:
		if (hr_jbig_u64(ours, &u))
			return as_real && json_is_real(ref) && json_real_value(ref) == (double)u;
		return json_is_string(ref) && json_string_length(ours) == json_string_length(ref) &&
		       memcmp(json_string_value(ours), json_string_value(ref), json_string_length(ref)) == 0;
	case JSON_INTEGER:
		if (as_real)
			return json_is_real(ref) && json_real_value(ref) == (double)json_integer_value(ours);
		return json_is_integer(ref) && json_integer_value(ref) == json_integer_value(ours);
	case JSON_REAL:
		return json_is_real(ref) && json_real_value(ref) == json_real_value(ours);
	default:
		return json_typeof(ours) == json_typeof(ref);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct hr_error err = { 0 };
	json_error_t jerr;
	json_t *ours = hr_json_parse(text, "fuzz.json", &err);
	json_t *as_real = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
	json_t *plain = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (ours && (!as_real || !same(ours, as_real, true)))
		differ(as_real ? "accepted as another document" : "accepted, jansson refuses it", text);
	if (plain && json_is_object(plain) && (!ours || !same(ours, plain, false)))
		differ(ours ? "read as another document" : "refused, jansson accepts it", text);
	json_decref(ours);
	json_decref(as_real);
	json_decref(plain);
	free(text);
	return 0;
}
