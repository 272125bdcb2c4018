/* AppArmor audit records (captured in the VM: tests/data/apparmor/
 * audit-records.txt) -> parsed fields -> profile rules; and renaming a
 * profile text for `profile check --apparmor`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor/audit.h"
#include "base/util.h"

#define RECORDS TEST_DATA_DIR "/apparmor/audit-records.txt"

static void test_parse_quoted_and_bare(void **state)
{
	struct hr_aa_record r;
	(void)state;

	assert_int_equal(hr_aa_record_parse("audit(1795955111.336:32): apparmor=\"ALLOWED\" operation=\"capable\" "
					    "profile=\"hardrun-learn-x\" pid=259 comm=\"ping\" capability=13  capname=\"net_raw\"",
					    &r), 0);
	assert_string_equal(r.apparmor, "ALLOWED");
	assert_string_equal(r.operation, "capable");
	assert_string_equal(r.profile, "hardrun-learn-x");
	assert_string_equal(r.comm, "ping");
	assert_string_equal(r.capname, "net_raw");
	assert_int_equal(r.pid, 259);
	assert_int_equal(r.serial, 32);
	assert_true(r.time_ms == 1795955111336ULL);
	assert_null(r.name);
	hr_aa_record_clear(&r);
}

static void test_parse_hex_names(void **state)
{
	struct hr_aa_record r;
	(void)state;

	/* "/tmp/z q": a space, so the kernel wrote it in hex */
	assert_int_equal(hr_aa_record_parse("type=1400 audit(1795955479.032:11): apparmor=\"ALLOWED\" operation=\"link\" "
					    "profile=\"hardrun-learn-x\" name=\"/tmp/hard\" pid=258 comm=\"ln\" requested_mask=\"l\" "
					    "denied_mask=\"l\" fsuid=0 ouid=0 target=2F746D702F7A2071", &r), 0);
	assert_string_equal(r.target, "/tmp/z q");
	assert_string_equal(r.name, "/tmp/hard");
	hr_aa_record_clear(&r);
	/* a hex profile name (it had a space) */
	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"DENIED\" operation=\"open\" profile=6120622F63 "
					    "name=\"/x\" requested_mask=\"r\" comm=\"c\" error=-13", &r), 0);
	assert_string_equal(r.profile, "a b/c");
	assert_int_equal(r.error, -13);
	hr_aa_record_clear(&r);
	/* a bare value that is not hex stays as written */
	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"ALLOWED\" operation=\"signal\" signal=term peer=unconfined", &r), 0);
	assert_string_equal(r.signal, "term");
	assert_string_equal(r.peer, "unconfined");
	hr_aa_record_clear(&r);
}

static void test_not_apparmor(void **state)
{
	struct hr_aa_record r;
	(void)state;

	assert_int_equal(hr_aa_record_parse("audit(1.2:3): pid=1 uid=0 msg='hardrun-marker=x'", &r), -1);
	assert_int_equal(hr_aa_record_parse("", &r), -1);
	assert_int_equal(hr_aa_record_parse("apparmor=\"ALLOWED\" name=\"unterminated", &r), 0);
	assert_string_equal(r.name, "unterminated");
	hr_aa_record_clear(&r);
}

static void test_is_of(void **state)
{
	struct hr_aa_record r = { .profile = "p//null-/bin/busybox" };
	(void)state;

	assert_true(hr_aa_record_is_of(&r, "p"));
	r.profile = "p";
	assert_true(hr_aa_record_is_of(&r, "p"));
	r.profile = "p2";
	assert_false(hr_aa_record_is_of(&r, "p"));
	r.profile = NULL;
	assert_false(hr_aa_record_is_of(&r, "p"));
}

/* Every captured record, through the rules, gives this profile. */
static void test_rules_from_captured_records(void **state)
{
	struct hr_aa_rules *rules = hr_aa_rules_new("hardrun-learn-x", "web");
	FILE *f = fopen(RECORDS, "r");
	char line[4096];
	_cleanup_free_ char *text = NULL;
	int n = 0, parsed = 0;
	(void)state;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct hr_aa_record r;
		line[strcspn(line, "\n")] = '\0';
		n++;
		if (hr_aa_record_parse(line, &r) < 0)
			continue;
		parsed++;
		assert_true(hr_aa_record_is_of(&r, "hardrun-learn-x"));
		hr_aa_rules_add(rules, &r);
		hr_aa_record_clear(&r);
	}
	fclose(f);
	assert_int_equal(parsed, n);
	text = hr_aa_rules_render(rules, "# learned");
	assert_string_equal(text, "# learned\n"
				  "profile web flags=(attach_disconnected,mediate_deleted) {\n"
				  "  capability chown,\n"
				  "  capability net_raw,\n"
				  "  network inet raw,\n"
				  "  network inet stream,\n"
				  "  ptrace (read) peer=web,\n"
				  "  signal (receive) set=(term) peer=web,\n"
				  "  signal (receive) set=(usr1) peer=web,\n"
				  "  signal (send) set=(term) peer=web,\n"
				  "  signal (send) set=(usr1) peer=web,\n"
				  "\n"
				  "  \"/tmp/z q\" rw,\n"
				  "  /bin/busybox ix,\n"
				  "  /dev/null w,\n"
				  "  /proc/[0-9]*/mounts r,\n"
				  "  /root/ r,\n"
				  "  /tmp/d/ w,\n"
				  "  /tmp/hard rwl,\n"
				  "  /tmp/l w,\n"
				  "  /tmp/moved w,\n"
				  "}\n");
	assert_int_equal(hr_aa_rules_count(rules), 18);
	hr_aa_rules_free(rules);
}

static void test_record_rule(void **state)
{
	struct hr_aa_record r;
	char *rule;
	(void)state;

	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"ALLOWED\" operation=\"exec\" info=\"no new privs\" "
					    "profile=\"t\" name=\"/proc/self/exe\" requested_mask=\"x\"", &r), 0);
	assert_null(hr_aa_record_rule(&r, "t", "n")); /* the refused transition: no rule */
	hr_aa_record_clear(&r);
	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"ALLOWED\" operation=\"mount\" info=\"failed flags match\" "
					    "error=-13 profile=\"t\" name=\"/mnt/\" pid=1 comm=\"mount\" fstype=\"tmpfs\" "
					    "srcname=\"none\" flags=\"rw, nosuid\"", &r), 0);
	rule = hr_aa_record_rule(&r, "t", "n");
	assert_string_equal(rule, "mount fstype=tmpfs options=(rw,nosuid) none -> /mnt/,");
	free(rule);
	hr_aa_record_clear(&r);
	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"ALLOWED\" operation=\"open\" profile=\"t//null-x\" "
					    "name=\"/a*b[1]\" requested_mask=\"rk\"", &r), 0);
	rule = hr_aa_record_rule(&r, "t", "n");
	assert_string_equal(rule, "/a\\*b\\[1\\] rk,");
	free(rule);
	hr_aa_record_clear(&r);
	assert_int_equal(hr_aa_record_parse("audit(1.2:3): apparmor=\"STATUS\" operation=\"profile_load\" profile=\"t\"", &r), 0);
	assert_null(hr_aa_record_rule(&r, "t", "n"));
	hr_aa_record_clear(&r);
}

static void rename_ok(const char *text, const char *want, const char *want_old)
{
	char *out = NULL, *old = NULL;
	struct hr_error err = { 0 };

	assert_int_equal(hr_aa_profile_rename(text, "new", &out, &old, &err), 0);
	assert_string_equal(out, want);
	assert_string_equal(old, want_old);
	free(out);
	free(old);
}

static void test_rename(void **state)
{
	char *out = NULL, *old = NULL;
	struct hr_error err = { 0 };
	(void)state;

	rename_ok("#include <tunables/global>\n@{X}=/a/ # {not a block\nprofile web flags=(complain) {\n"
		  "  signal peer=web,\n  /{usr/,}bin/x r,\n  ^hat {\n  }\n}\n",
		  "#include <tunables/global>\n@{X}=/a/ # {not a block\nprofile new flags=(complain) {\n"
		  "  signal peer=new,\n  /{usr/,}bin/x r,\n  ^hat {\n  }\n}\n", "web");
	rename_ok("/usr/bin/web {\n}\n", "profile new /usr/bin/web {\n}\n", "/usr/bin/web");
	rename_ok("web flags=(attach_disconnected) {\n peer=webx,\n}\n",
		  "profile new flags=(attach_disconnected) {\n peer=webx,\n}\n", "web");
	assert_int_equal(hr_aa_profile_rename("a {\n}\nb {\n}\n", "new", &out, &old, &err), -1);
	assert_string_equal(err.msg, "2 top-level profiles; check one profile at a time");
	assert_int_equal(hr_aa_profile_rename("# nothing\n", "new", &out, &old, &err), -1);
	assert_string_equal(err.msg, "no profile found (a `profile NAME {` block)");
}

/* check loads the text from a temporary file: relative quoted includes
 * are made absolute against the profile's own directory; <...> includes,
 * absolute ones and other lines stay as they are. */
static void test_absolute_includes(void **state)
{
	const char *text = "#include <tunables/global>\n"
			   "profile p {\n"
			   "  #include \"local/extra\"\n"
			   "\tinclude if exists \"more.d/x\"\n"
			   "  include \"/abs/y\"\n"
			   "  /etc/include r,\n"
			   "}";
	const char *want = "#include <tunables/global>\n"
			   "profile p {\n"
			   "  #include \"/etc/pro files/local/extra\"\n"
			   "\tinclude if exists \"/etc/pro files/more.d/x\"\n"
			   "  include \"/abs/y\"\n"
			   "  /etc/include r,\n"
			   "}";
	char *out = hr_aa_profile_absolute_includes(text, "/etc/pro files");

	(void)state;
	assert_string_equal(out, want);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_quoted_and_bare),
		cmocka_unit_test(test_parse_hex_names),
		cmocka_unit_test(test_not_apparmor),
		cmocka_unit_test(test_is_of),
		cmocka_unit_test(test_rules_from_captured_records),
		cmocka_unit_test(test_record_rule),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_absolute_includes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
