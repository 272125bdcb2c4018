/* Parsing AppArmor's audit records: `key=value` pairs after
 * "audit(SEC.MSEC:SERIAL): ". A value is "quoted", or bare: numbers and
 * words (pid=247 signal=term), and untrusted strings that held a space, a
 * quote or a control character, which the kernel (audit_log_untrustedstring)
 * writes as hex without quotes. */
#include "apparmor/audit.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct field {
	const char *key;
	size_t offset;    /* of the char * in struct hr_aa_record */
	bool untrusted;   /* may be hex-encoded */
};

#define F(k, m, u) { k, offsetof(struct hr_aa_record, m), u }
static const struct field fields[] = {
	F("apparmor", apparmor, false),    F("operation", operation, false),
	F("profile", profile, true),       F("name", name, true),
	F("target", target, true),         F("info", info, false),
	F("requested_mask", requested_mask, false), F("denied_mask", denied_mask, false),
	F("capname", capname, false),      F("family", family, false),
	F("sock_type", sock_type, false),  F("signal", signal, false),
	F("peer", peer, true),             F("comm", comm, true),
	F("fstype", fstype, true),         F("srcname", srcname, true),
	F("flags", flags, false),
};
#undef F

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The decoded string, or NULL when v is not hex (then it is taken as is). */
static char *hex_decode(const char *v, size_t n)
{
	char *out;

	if (n == 0 || n % 2)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (hexval(v[i]) < 0)
			return NULL;
	out = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (char)(hexval(v[2 * i]) << 4 | hexval(v[2 * i + 1]));
	out[n / 2] = '\0';
	/* a NUL inside would cut the name short: keep the hex instead */
	if (strlen(out) != n / 2) {
		free(out);
		return NULL;
	}
	return out;
}

static void set_field(struct hr_aa_record *r, const char *key, size_t klen, const char *v, size_t vlen,
		      bool quoted)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		char **slot = (char **)((char *)r + f->offset);
		if (strlen(f->key) != klen || strncmp(f->key, key, klen) != 0 || *slot)
			continue;
		*slot = !quoted && f->untrusted ? hex_decode(v, vlen) : NULL;
		if (!*slot)
			*slot = xstrndup(v, vlen);
		return;
	}
	if (klen == 3 && strncmp(key, "pid", 3) == 0)
		r->pid = strtol(v, NULL, 10);
	else if (klen == 5 && strncmp(key, "error", 5) == 0)
		r->error = (int)strtol(v, NULL, 10);
}

/* "audit(1795955110.844:5): " -> time and serial; returns what follows. */
static const char *parse_stamp(const char *text, struct hr_aa_record *r)
{
	const char *p = strstr(text, "audit(");
	unsigned long long sec = 0, msec = 0, serial = 0;
	char close_paren = 0;

	if (!p)
		return text;
	if (sscanf(p, "audit(%llu.%llu:%llu%c", &sec, &msec, &serial, &close_paren) == 4 && close_paren == ')') {
		r->time_ms = sec * 1000 + msec;
		r->serial = serial;
	}
	p = strchr(p, ')');
	return p ? p + 1 : text;
}

int hr_aa_record_parse(const char *text, struct hr_aa_record *r)
{
	const char *p;

	memset(r, 0, sizeof(*r));
	r->pid = -1;
	p = parse_stamp(text, r);
	while (*p) {
		const char *key, *eq, *v;
		size_t vlen;
		bool quoted;

		while (*p == ' ' || *p == ':')
			p++;
		key = p;
		eq = p + strcspn(p, "= ");
		if (*eq != '=') {
			p = *eq ? eq + 1 : eq;
			continue;
		}
		v = eq + 1;
		quoted = *v == '"';
		if (quoted) {
			const char *end = strchr(v + 1, '"');
			vlen = end ? (size_t)(end - v - 1) : strlen(v + 1);
			v++;
			p = v + vlen + (end ? 1 : 0);
		} else {
			vlen = strcspn(v, " ");
			p = v + vlen;
		}
		set_field(r, key, (size_t)(eq - key), v, vlen, quoted);
	}
	if (!r->apparmor) {
		hr_aa_record_clear(r);
		return -1;
	}
	return 0;
}

void hr_aa_record_clear(struct hr_aa_record *r)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char **slot = (char **)((char *)r + fields[i].offset);
		free(*slot);
		*slot = NULL;
	}
}

bool hr_aa_record_is_of(const struct hr_aa_record *r, const char *self)
{
	size_t n = strlen(self);

	return r->profile && strncmp(r->profile, self, n) == 0 &&
	       (r->profile[n] == '\0' || strncmp(r->profile + n, "//", 2) == 0);
}
