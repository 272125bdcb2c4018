/* exec's lean read (spec/json_elide.c): the value of linux.seccomp.syscalls
 * is replaced by [] and nothing else changes, whatever the strings around
 * it hold; text it cannot read exactly (escaped or duplicate keys, trailing
 * bytes, bad nesting) gives NULL, and the parse of the result equals the
 * full parse but for the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "spec/spec.h"

static void expect_elided(const char *in, const char *want)
{
	char *out = hr_json_elide_seccomp_rules(in);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_rules_replaced_and_nothing_else(void **state)
{
	(void)state;
	expect_elided("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
		      "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}}}");
	/* whitespace, other members before and after, numbers, literals */
	expect_elided(" {\n \"a\": [1, -2.5e3, true, null],\n \"linux\" : { \"x\": {}, \"seccomp\" : {\n"
		      "  \"syscalls\" : [ [ ], { \"k\": \"]\" } ] , \"flags\": [] } } }\n",
		      " {\n \"a\": [1, -2.5e3, true, null],\n \"linux\" : { \"x\": {}, \"seccomp\" : {\n"
		      "  \"syscalls\" : [] , \"flags\": [] } } }\n");
}

static void test_strings_that_look_like_structure(void **state)
{
	(void)state;
	/* brackets, quotes and the key names inside strings and annotations */
	expect_elided("{\"annotations\":{\"syscalls\":\"[\\\"}\",\"linux\":\"{\\\"seccomp\\\":1}\"},"
		      "\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[\"a\\\\\",\"]}\"]}]}}}",
		      "{\"annotations\":{\"syscalls\":\"[\\\"}\",\"linux\":\"{\\\"seccomp\\\":1}\"},"
		      "\"linux\":{\"seccomp\":{\"syscalls\":[]}}}");
	/* a "syscalls" elsewhere (process, nested object) is not the one */
	assert_null(hr_json_elide_seccomp_rules("{\"process\":{\"syscalls\":[1]},\"linux\":{\"seccomp\":{}}}"));
	assert_null(hr_json_elide_seccomp_rules("{\"linux\":{\"x\":{\"seccomp\":{\"syscalls\":[1]}}}}"));
}

static void test_unreadable_text_gives_null(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"linux\":{}}",
		"{\"linux\":{\"seccomp\":null}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":null}}}",
		/* escaped key: not compared, so not found */
		"{\"linux\":{\"seccomp\":{\"sysc\\u0061lls\":[1]}}}",
		/* duplicates at each level */
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1],\"syscalls\":[2]}}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1]},\"seccomp\":{}}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1]}},\"linux\":{}}",
		/* trailing bytes, unterminated string, unbalanced */
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1]}}} x",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[\"1]}}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1}}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[1]}}",
		"{\"linux\" {\"seccomp\":{\"syscalls\":[1]}}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = hr_json_elide_seccomp_rules(bad[i]);
		if (out)
			fail_msg("case %zu elided: %s", i, out);
	}
}

static void test_deep_nesting_refused_not_crashed(void **state)
{
	size_t depth = 100000;
	char *text = xmalloc(depth * 2 + 64);
	size_t n = 0;

	(void)state;
	n += (size_t)sprintf(text, "{\"linux\":{\"seccomp\":{\"syscalls\":");
	memset(text + n, '[', depth);
	memset(text + n + depth, ']', depth);
	strcpy(text + n + 2 * depth, "}}}");
	assert_null(hr_json_elide_seccomp_rules(text));
	free(text);
}

/* the lean parse is the full parse without the rules */
static void test_lean_parse_matches_full_parse(void **state)
{
	const char *cfg = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
			  "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
			  "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
			  "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
			  "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}}}";
	struct hr_spec *full = NULL, *lean = NULL;
	struct hr_error err = { 0 };
	char *text = hr_json_elide_seccomp_rules(cfg);

	(void)state;
	assert_non_null(text);
	if (hr_spec_load_string(cfg, "full", &full, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(hr_spec_load_string(text, "lean", &lean, &err), 0);
	assert_int_equal(full->linux_.seccomp->n_syscalls, 1);
	assert_int_equal(lean->linux_.seccomp->n_syscalls, 0);
	assert_string_equal(lean->linux_.seccomp->default_action, full->linux_.seccomp->default_action);
	assert_int_equal(lean->linux_.seccomp->default_errno_ret, 38);
	assert_string_equal(lean->linux_.seccomp->architectures[0], "SCMP_ARCH_X86_64");
	assert_string_equal(lean->linux_.seccomp->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	assert_string_equal(lean->process.args[0], "/bin/true");
	hr_spec_free(full);
	hr_spec_free(lean);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_replaced_and_nothing_else),
		cmocka_unit_test(test_strings_that_look_like_structure),
		cmocka_unit_test(test_unreadable_text_gives_null),
		cmocka_unit_test(test_deep_nesting_refused_not_crashed),
		cmocka_unit_test(test_lean_parse_matches_full_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
