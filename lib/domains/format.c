/*
 * The domains exchange format: a line parser over jansson that checks every
 * field and names the one that is wrong, and a streaming file reader that
 * parses each line into a scratch arena, checks it against the lines before
 * it (repeated domains and domain handles, hosts and entities described
 * differently), and keeps only what is new: the domain, and hosts and
 * entities not seen before.
 */
#include "domains/format.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/file.h"
#include "core/strmap.h"
#include "idn/uts46.h"

/* ---- the line parser ---- */

struct parser {
	struct idreg_arena *arena;
	struct idreg_diag *diag;
};

/* "field: reason" */
static idreg_err bad(struct parser *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static idreg_err bad(struct parser *p, const char *field, const char *fmt, ...)
{
	char reason[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return idreg_diag_set(p->diag, IDREG_EPARSE, "%s: %s", field, reason);
}

/* A value shown in a message: at most 60 bytes, control characters as '?'. */
static const char *shown(const char *s, size_t len, char *out, size_t size)
{
	size_t n = len < 60 ? len : 60;
	if (n >= size - 4) {
		n = size - 4;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	strcpy(out + n, len > n ? "..." : "");
	return out;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

/* Every key of @obj must be one of @allowed (NULL-terminated). */
static idreg_err known_keys(struct parser *p, const char *where, const json_t *obj,
			    const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		const char *const *a = allowed;
		while (*a != NULL && strcmp(*a, k) != 0) {
			a++;
		}
		if (*a == NULL) {
			char s[80];
			return bad(p, where, "unknown field '%s'", shown(k, strlen(k), s, sizeof(s)));
		}
	}
	return IDREG_OK;
}

/* A string field: present (or @required), no control characters, 1..@max bytes. */
static idreg_err get_string(struct parser *p, const char *field, const json_t *v, bool required,
			    size_t max, const char **out, size_t *out_len)
{
	*out = NULL;
	if (v == NULL) {
		return required ? bad(p, field, "missing") : IDREG_OK;
	}
	if (!json_is_string(v)) {
		return bad(p, field, "must be a string, not %s", type_name(v));
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len == 0) {
		return bad(p, field, "empty (leave the field out instead)");
	}
	if (len > max) {
		return bad(p, field, "longer than %zu bytes", max);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			return bad(p, field, "control character 0x%02x at byte %zu", c, i);
		}
	}
	*out = s;
	if (out_len != NULL) {
		*out_len = len;
	}
	return IDREG_OK;
}

static idreg_err copy_string(struct parser *p, const char *s, size_t len, const char **out)
{
	*out = idreg_arena_strndup(p->arena, s, len);
	return *out ? IDREG_OK : IDREG_ENOMEM;
}

static idreg_err get_array(struct parser *p, const char *field, const json_t *v, size_t max,
			   bool allow_empty, size_t *n)
{
	*n = 0;
	if (v == NULL) {
		return IDREG_OK;
	}
	if (!json_is_array(v)) {
		return bad(p, field, "must be an array, not %s", type_name(v));
	}
	*n = json_array_size(v);
	if (*n > max) {
		return bad(p, field, "more than %zu entries", max);
	}
	if (*n == 0 && !allow_empty) {
		return bad(p, field, "empty (leave the field out instead)");
	}
	return IDREG_OK;
}

static bool handle_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

static idreg_err get_handle(struct parser *p, const char *field, const json_t *v, bool required,
			    const char **out)
{
	const char *s;
	size_t len;
	idreg_err err = get_string(p, field, v, required, IDREG_DOMAINS_MAX_HANDLE, &s, &len);
	if (err != IDREG_OK || s == NULL) {
		*out = NULL;
		return err;
	}
	for (size_t i = 0; i < len; i++) {
		bool alnum = (s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z');
		if (!handle_char(s[i]) || (i == 0 && !alnum)) {
			char text[80];
			return bad(p, field,
				   "'%s': a handle is letters, digits and '-', '_', '.', ':', "
				   "starting with a letter or digit",
				   shown(s, len, text, sizeof(text)));
		}
	}
	return copy_string(p, s, len, out);
}

/* A domain or host name: both forms through UTS #46. */
static idreg_err get_name(struct parser *p, const char *field, const json_t *v,
			  const char **ldh, const char **unicode)
{
	const char *s = NULL;
	size_t len = 0;
	idreg_err err = get_string(p, field, v, true, IDREG_UTS46_INPUT_MAX, &s, &len);
	if (err != IDREG_OK) {
		return err;
	}
	char ascii[IDREG_UTS46_ASCII_MAX], uni[IDREG_UTS46_UNICODE_MAX];
	struct idreg_diag why;
	err = idreg_uts46_to_ascii(s, len, ascii, sizeof(ascii), &why);
	if (err == IDREG_OK) {
		err = idreg_uts46_to_unicode(ascii, strlen(ascii), uni, sizeof(uni), &why);
	}
	if (err == IDREG_ENOMEM) {
		return err;
	}
	if (err != IDREG_OK) {
		char text[80];
		return bad(p, field, "'%s': %s", shown(s, len, text, sizeof(text)), why.text);
	}
	err = copy_string(p, ascii, strlen(ascii), ldh);
	if (err == IDREG_OK) {
		*unicode = *ldh;
		if (strcmp(uni, ascii) != 0) {
			err = copy_string(p, uni, strlen(uni), unicode);
		}
	}
	return err;
}

static idreg_err get_time(struct parser *p, const char *field, const json_t *v, int64_t *out)
{
	*out = IDREG_TIME_NONE;
	const char *s;
	size_t len;
	idreg_err err = get_string(p, field, v, false, 64, &s, &len);
	if (err != IDREG_OK || s == NULL) {
		return err;
	}
	if (!idreg_time_parse(s, len, out)) {
		char text[80];
		return bad(p, field, "'%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ",
			   shown(s, len, text, sizeof(text)));
	}
	return IDREG_OK;
}

static idreg_err get_uint(struct parser *p, const char *field, const json_t *v, long long min,
			  long long max, unsigned *out)
{
	if (v == NULL) {
		return bad(p, field, "missing");
	}
	if (!json_is_integer(v)) {
		return bad(p, field, "must be an integer, not %s", type_name(v));
	}
	json_int_t n = json_integer_value(v);
	if (n < min || n > max) {
		return bad(p, field, "%lld is not in %lld..%lld", (long long)n, min, max);
	}
	*out = (unsigned)n;
	return IDREG_OK;
}

static idreg_err parse_status(struct parser *p, const json_t *v, uint32_t *out)
{
	*out = 0;
	size_t n;
	idreg_err err = get_array(p, "status", v, IDREG_DOMAIN_STATUS_COUNT, true, &n);
	for (size_t i = 0; err == IDREG_OK && i < n; i++) {
		char field[32];
		snprintf(field, sizeof(field), "status[%zu]", i);
		const char *s;
		size_t len;
		err = get_string(p, field, json_array_get(v, i), true, 64, &s, &len);
		if (err != IDREG_OK) {
			break;
		}
		enum idreg_domain_status st;
		char text[80];
		if (!idreg_domain_status_parse(s, len, &st)) {
			return bad(p, field, "unknown status '%s' (EPP names: ok, clientHold, ...)",
				   shown(s, len, text, sizeof(text)));
		}
		if (*out & (1u << st)) {
			return bad(p, field, "'%s' given twice", s);
		}
		*out |= 1u << st;
	}
	return err;
}

static idreg_err parse_addresses(struct parser *p, const char *where, const json_t *v,
				 struct idreg_host *h)
{
	char field[96];
	snprintf(field, sizeof(field), "%s.addresses", where);
	size_t n;
	idreg_err err = get_array(p, field, v, IDREG_DOMAINS_MAX_ADDRESSES, true, &n);
	if (err != IDREG_OK || n == 0) {
		return err;
	}
	h->addrs = idreg_arena_calloc(p->arena, n, sizeof(*h->addrs));
	if (h->addrs == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "%s.addresses[%zu]", where, i);
		const char *s;
		size_t len;
		err = get_string(p, field, json_array_get(v, i), true, 64, &s, &len);
		if (err != IDREG_OK) {
			return err;
		}
		if (idreg_ip_parse(s, len, &h->addrs[i]) != IDREG_OK) {
			char text[80];
			return bad(p, field, "bad IP address '%s'", shown(s, len, text, sizeof(text)));
		}
	}
	qsort(h->addrs, n, sizeof(*h->addrs), idreg_ip_order);
	for (size_t i = 1; i < n; i++) {
		if (idreg_ip_order(&h->addrs[i - 1], &h->addrs[i]) == 0) {
			char text[IDREG_IP_TEXT_MAX];
			idreg_ip_format(&h->addrs[i], text, sizeof(text));
			snprintf(field, sizeof(field), "%s.addresses", where);
			return bad(p, field, "%s given twice", text);
		}
	}
	h->n_addrs = n;
	return IDREG_OK;
}

static idreg_err parse_nameservers(struct parser *p, const json_t *v, struct idreg_domain_line *out)
{
	static const char *const keys[] = { "name", "handle", "addresses", NULL };
	size_t n;
	idreg_err err = get_array(p, "nameservers", v, IDREG_DOMAINS_MAX_NAMESERVERS, true, &n);
	if (err != IDREG_OK || n == 0) {
		return err;
	}
	const char **names = idreg_arena_calloc(p->arena, n, sizeof(*names));
	out->hosts = idreg_arena_calloc(p->arena, n, sizeof(*out->hosts));
	out->host_detailed = idreg_arena_calloc(p->arena, n, sizeof(*out->host_detailed));
	if (names == NULL || out->hosts == NULL || out->host_detailed == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char where[48], field[96];
		snprintf(where, sizeof(where), "nameservers[%zu]", i);
		const json_t *ns = json_array_get(v, i);
		if (!json_is_object(ns)) {
			return bad(p, where, "must be an object, not %s", type_name(ns));
		}
		err = known_keys(p, where, ns, keys);
		struct idreg_host *h = &out->hosts[i];
		snprintf(field, sizeof(field), "%s.name", where);
		if (err == IDREG_OK) {
			err = get_name(p, field, json_object_get(ns, "name"), &h->ldh_name, &h->unicode_name);
		}
		snprintf(field, sizeof(field), "%s.handle", where);
		if (err == IDREG_OK) {
			err = get_handle(p, field, json_object_get(ns, "handle"), false, &h->handle);
		}
		if (err == IDREG_OK) {
			err = parse_addresses(p, where, json_object_get(ns, "addresses"), h);
		}
		if (err != IDREG_OK) {
			return err;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(names[k], h->ldh_name) == 0) {
				return bad(p, where, "%s is also nameservers[%zu]", h->ldh_name, k);
			}
		}
		names[i] = h->ldh_name;
		/* "addresses": [] says the host has none. */
		out->host_detailed[i] = h->handle != NULL || json_object_get(ns, "addresses") != NULL;
	}
	out->domain.nameservers = names;
	out->domain.n_ns = n;
	return IDREG_OK;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static idreg_err parse_ds(struct parser *p, const json_t *v, struct idreg_domain *d)
{
	static const char *const keys[] = { "key_tag", "algorithm", "digest_type", "digest", NULL };
	size_t n;
	idreg_err err = get_array(p, "ds", v, IDREG_DOMAINS_MAX_DS, true, &n);
	if (err != IDREG_OK || n == 0) {
		return err;
	}
	struct idreg_ds *ds = idreg_arena_calloc(p->arena, n, sizeof(*ds));
	if (ds == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char where[32], field[64];
		snprintf(where, sizeof(where), "ds[%zu]", i);
		const json_t *o = json_array_get(v, i);
		if (!json_is_object(o)) {
			return bad(p, where, "must be an object, not %s", type_name(o));
		}
		err = known_keys(p, where, o, keys);
		unsigned key_tag = 0, algorithm = 0, digest_type = 0;
		snprintf(field, sizeof(field), "%s.key_tag", where);
		if (err == IDREG_OK) {
			err = get_uint(p, field, json_object_get(o, "key_tag"), 0, 65535, &key_tag);
		}
		snprintf(field, sizeof(field), "%s.algorithm", where);
		if (err == IDREG_OK) {
			err = get_uint(p, field, json_object_get(o, "algorithm"), 1, 255, &algorithm);
		}
		snprintf(field, sizeof(field), "%s.digest_type", where);
		if (err == IDREG_OK) {
			err = get_uint(p, field, json_object_get(o, "digest_type"), 1, 255, &digest_type);
		}
		const char *s = NULL;
		size_t len = 0;
		snprintf(field, sizeof(field), "%s.digest", where);
		if (err == IDREG_OK) {
			err = get_string(p, field, json_object_get(o, "digest"), true,
					 IDREG_DOMAINS_MAX_DIGEST, &s, &len);
		}
		if (err != IDREG_OK) {
			return err;
		}
		for (size_t k = 0; k < len; k++) {
			if (!is_hex(s[k])) {
				return bad(p, field, "not hexadecimal (character %zu)", k);
			}
		}
		/* RFC 4509 (SHA-256), RFC 3658 (SHA-1), RFC 6605 (SHA-384). */
		size_t want = digest_type == 1 ? 40 : digest_type == 2 ? 64 : digest_type == 4 ? 96 : 0;
		if (want != 0 && len != want) {
			return bad(p, field, "%zu hexadecimal digits; digest type %u has %zu", len,
				   digest_type, want);
		}
		if (len % 2 != 0) {
			return bad(p, field, "an odd number of hexadecimal digits");
		}
		char *digest = idreg_arena_strndup(p->arena, s, len);
		if (digest == NULL) {
			return IDREG_ENOMEM;
		}
		for (size_t k = 0; k < len; k++) {
			if (digest[k] >= 'a' && digest[k] <= 'f') {
				digest[k] = (char)(digest[k] - 'a' + 'A');
			}
		}
		ds[i] = (struct idreg_ds){ (uint16_t)key_tag, (uint8_t)algorithm, (uint8_t)digest_type,
					   digest };
		for (size_t k = 0; k < i; k++) {
			if (ds[k].key_tag == ds[i].key_tag && ds[k].algorithm == ds[i].algorithm &&
			    ds[k].digest_type == ds[i].digest_type && strcmp(ds[k].digest, digest) == 0) {
				return bad(p, where, "the same record as ds[%zu]", k);
			}
		}
	}
	d->ds = ds;
	d->n_ds = n;
	return IDREG_OK;
}

static idreg_err check_email(struct parser *p, const char *field, const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	bool ok = at != NULL && at > s && at < s + len - 1 && memchr(at + 1, '@', len - (size_t)(at - s) - 1) == NULL;
	for (size_t i = 0; ok && i < len; i++) {
		ok = s[i] != ' ';
	}
	char text[80];
	return ok ? IDREG_OK : bad(p, field, "'%s' is not an email address", shown(s, len, text, sizeof(text)));
}

static idreg_err check_phone(struct parser *p, const char *field, const char *s, size_t len)
{
	bool digit = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		digit |= c >= '0' && c <= '9';
		if (!((c >= '0' && c <= '9') || c == '+' || c == '.' || c == ' ' || c == '-' ||
		      c == '(' || c == ')' || c == 'x')) {
			char text[80];
			return bad(p, field, "'%s' is not a telephone number (+CC.NUMBER, 'x' before an extension)",
				   shown(s, len, text, sizeof(text)));
		}
	}
	return digit ? IDREG_OK : bad(p, field, "a telephone number without digits");
}

/* The entity's details, when the object gives any; *@defined says whether it did. */
static idreg_err parse_entity_details(struct parser *p, const char *where, const json_t *o,
				      struct idreg_entity *e, bool *defined)
{
	*defined = false;
	char field[96];
	idreg_err err = IDREG_OK;
	const json_t *kind = json_object_get(o, "kind");
	const json_t *personal = json_object_get(o, "personal");
	*defined = kind != NULL || personal != NULL;
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		*defined |= json_object_get(o, idreg_entity_field_name(f)) != NULL;
	}
	if (!*defined) {
		return IDREG_OK;
	}
	snprintf(field, sizeof(field), "%s.kind", where);
	const char *s;
	size_t len;
	err = get_string(p, field, kind, true, 32, &s, &len);
	if (err != IDREG_OK) {
		return err;
	}
	if (!idreg_entity_kind_parse(s, len, &e->kind)) {
		char text[80];
		return bad(p, field, "unknown kind '%s' (individual, org, group, location, application)",
			   shown(s, len, text, sizeof(text)));
	}
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		const char *name = idreg_entity_field_name(f);
		const json_t *v = json_object_get(o, name);
		snprintf(field, sizeof(field), "%s.%s", where, name);
		if (f == IDREG_EF_STREET) {
			size_t n;
			err = get_array(p, field, v, IDREG_DOMAINS_MAX_STREET, false, &n);
			struct idreg_buf joined;
			idreg_buf_init(&joined, IDREG_DOMAINS_MAX_STREET * (IDREG_DOMAINS_MAX_TEXT + 1));
			for (size_t i = 0; err == IDREG_OK && i < n; i++) {
				snprintf(field, sizeof(field), "%s.street[%zu]", where, i);
				err = get_string(p, field, json_array_get(v, i), true, IDREG_DOMAINS_MAX_TEXT,
						 &s, &len);
				if (err == IDREG_OK && i > 0) {
					err = idreg_buf_append(&joined, "\n", 1);
				}
				if (err == IDREG_OK) {
					err = idreg_buf_append(&joined, s, len);
				}
			}
			if (err == IDREG_OK && n > 0) {
				err = copy_string(p, joined.data, joined.len, &e->fields[f]);
			}
			idreg_buf_free(&joined);
			if (err != IDREG_OK) {
				return err;
			}
			continue;
		}
		size_t max = f == IDREG_EF_VOICE || f == IDREG_EF_FAX ? IDREG_DOMAINS_MAX_PHONE
			     : f == IDREG_EF_POSTAL_CODE		 ? IDREG_DOMAINS_MAX_POSTAL_CODE
			     : f == IDREG_EF_COUNTRY			 ? 2
									 : IDREG_DOMAINS_MAX_TEXT;
		err = get_string(p, field, v, f == IDREG_EF_FN, max, &s, &len);
		if (err == IDREG_OK && s != NULL) {
			if (f == IDREG_EF_EMAIL) {
				err = check_email(p, field, s, len);
			} else if (f == IDREG_EF_VOICE || f == IDREG_EF_FAX) {
				err = check_phone(p, field, s, len);
			} else if (f == IDREG_EF_COUNTRY &&
				   (len != 2 || (s[0] | 0x20) < 'a' || (s[0] | 0x20) > 'z' ||
				    (s[1] | 0x20) < 'a' || (s[1] | 0x20) > 'z')) {
				char text[80];
				err = bad(p, field, "'%s' is not an ISO 3166 two-letter code",
					  shown(s, len, text, sizeof(text)));
			}
		}
		if (err == IDREG_OK && s != NULL) {
			err = copy_string(p, s, len, &e->fields[f]);
			if (err == IDREG_OK && f == IDREG_EF_COUNTRY) {
				char *cc = (char *)e->fields[f];
				cc[0] = (char)(cc[0] & ~0x20);
				cc[1] = (char)(cc[1] & ~0x20);
			}
		}
		if (err != IDREG_OK) {
			return err;
		}
	}
	snprintf(field, sizeof(field), "%s.personal", where);
	size_t n;
	err = get_array(p, field, personal, IDREG_ENTITY_FIELD_COUNT, true, &n);
	for (size_t i = 0; err == IDREG_OK && i < n; i++) {
		snprintf(field, sizeof(field), "%s.personal[%zu]", where, i);
		err = get_string(p, field, json_array_get(personal, i), true, 32, &s, &len);
		if (err != IDREG_OK) {
			break;
		}
		enum idreg_entity_field f;
		char text[80];
		if (!idreg_entity_field_parse(s, len, &f)) {
			return bad(p, field, "'%s' is not an entity field", shown(s, len, text, sizeof(text)));
		}
		if (e->fields[f] == NULL) {
			return bad(p, field, "'%s' is not given", s);
		}
		if (e->personal & (1u << f)) {
			return bad(p, field, "'%s' given twice", s);
		}
		e->personal |= 1u << f;
	}
	return err;
}

static idreg_err parse_entities(struct parser *p, const json_t *v, struct idreg_domain_line *out)
{
	static const char *const keys[] = { "handle", "roles", "kind", "fn", "org", "email", "voice",
					    "fax", "street", "locality", "region", "postal_code",
					    "country", "personal", NULL };
	size_t n;
	idreg_err err = get_array(p, "entities", v, IDREG_DOMAINS_MAX_ENTITIES, true, &n);
	if (err != IDREG_OK || n == 0) {
		return err;
	}
	struct idreg_domain_contact *contacts = idreg_arena_calloc(p->arena, n, sizeof(*contacts));
	out->entities = idreg_arena_calloc(p->arena, n, sizeof(*out->entities));
	out->entity_defined = idreg_arena_calloc(p->arena, n, sizeof(*out->entity_defined));
	if (contacts == NULL || out->entities == NULL || out->entity_defined == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char where[32], field[64];
		snprintf(where, sizeof(where), "entities[%zu]", i);
		const json_t *o = json_array_get(v, i);
		if (!json_is_object(o)) {
			return bad(p, where, "must be an object, not %s", type_name(o));
		}
		struct idreg_entity *e = &out->entities[i];
		err = known_keys(p, where, o, keys);
		snprintf(field, sizeof(field), "%s.handle", where);
		if (err == IDREG_OK) {
			err = get_handle(p, field, json_object_get(o, "handle"), true, &e->handle);
		}
		const json_t *roles = json_object_get(o, "roles");
		snprintf(field, sizeof(field), "%s.roles", where);
		size_t nroles = 0;
		if (err == IDREG_OK && roles == NULL) {
			err = bad(p, field, "missing");
		}
		if (err == IDREG_OK) {
			err = get_array(p, field, roles, IDREG_ROLE_COUNT, false, &nroles);
		}
		for (size_t r = 0; err == IDREG_OK && r < nroles; r++) {
			snprintf(field, sizeof(field), "%s.roles[%zu]", where, r);
			const char *s;
			size_t len;
			err = get_string(p, field, json_array_get(roles, r), true, 32, &s, &len);
			enum idreg_role role;
			char text[80];
			if (err == IDREG_OK && !idreg_role_parse(s, len, &role)) {
				err = bad(p, field,
					  "unknown role '%s' (registrant, administrative, technical, "
					  "billing, registrar, abuse)",
					  shown(s, len, text, sizeof(text)));
			} else if (err == IDREG_OK && (contacts[i].roles & (1u << role))) {
				err = bad(p, field, "'%s' given twice", s);
			} else if (err == IDREG_OK) {
				contacts[i].roles |= 1u << role;
			}
		}
		if (err == IDREG_OK) {
			err = parse_entity_details(p, where, o, e, &out->entity_defined[i]);
		}
		if (err != IDREG_OK) {
			return err;
		}
		contacts[i].handle = e->handle;
		for (size_t k = 0; k < i; k++) {
			if (strcasecmp(contacts[k].handle, e->handle) == 0) {
				return bad(p, where,
					   "entity '%s' is also entities[%zu]; give all its roles there",
					   e->handle, k);
			}
		}
	}
	out->domain.contacts = contacts;
	out->domain.n_contacts = n;
	return IDREG_OK;
}

static bool blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
			return false;
		}
	}
	return true;
}

idreg_err idreg_domains_parse_line(const char *line, size_t len, struct idreg_arena *arena,
				   struct idreg_domain_line *out, struct idreg_diag *diag)
{
	static const char *const keys[] = { "name", "handle", "status", "registered", "expires",
					    "last_changed", "nameservers", "ds", "entities", NULL };
	memset(out, 0, sizeof(*out));
	struct idreg_domain *d = &out->domain;
	d->registered = d->expires = d->last_changed = IDREG_TIME_NONE;
	if (blank(line, len)) {
		return IDREG_ENOTFOUND;
	}
	struct parser p = { .arena = arena, .diag = diag };
	json_error_t jerr;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE, "not a JSON object: %s (column %d)", jerr.text,
				      jerr.column);
	}
	idreg_err err;
	if (!json_is_object(root)) {
		err = idreg_diag_set(diag, IDREG_EPARSE, "not a JSON object but %s", type_name(root));
		goto out;
	}
	err = known_keys(&p, "domain", root, keys);
	if (err == IDREG_OK) {
		err = get_name(&p, "name", json_object_get(root, "name"), &d->ldh_name, &d->unicode_name);
	}
	if (err == IDREG_OK) {
		err = get_handle(&p, "handle", json_object_get(root, "handle"), false, &d->handle);
	}
	if (err == IDREG_OK) {
		err = parse_status(&p, json_object_get(root, "status"), &d->status);
	}
	if (err == IDREG_OK) {
		err = get_time(&p, "registered", json_object_get(root, "registered"), &d->registered);
	}
	if (err == IDREG_OK) {
		err = get_time(&p, "expires", json_object_get(root, "expires"), &d->expires);
	}
	if (err == IDREG_OK) {
		err = get_time(&p, "last_changed", json_object_get(root, "last_changed"),
			       &d->last_changed);
	}
	if (err == IDREG_OK && d->registered != IDREG_TIME_NONE && d->expires != IDREG_TIME_NONE &&
	    d->expires < d->registered) {
		err = bad(&p, "expires", "before the registration date");
	}
	if (err == IDREG_OK) {
		err = parse_nameservers(&p, json_object_get(root, "nameservers"), out);
	}
	if (err == IDREG_OK) {
		err = parse_ds(&p, json_object_get(root, "ds"), d);
	}
	if (err == IDREG_OK) {
		err = parse_entities(&p, json_object_get(root, "entities"), out);
	}
out:
	json_decref(root);
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "out of memory");
	}
	return err;
}

bool idreg_entity_equal(const struct idreg_entity *a, const struct idreg_entity *b)
{
	if (strcmp(a->handle, b->handle) != 0 || a->kind != b->kind || a->personal != b->personal) {
		return false;
	}
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		const char *x = a->fields[f], *y = b->fields[f];
		if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0)) {
			return false;
		}
	}
	return true;
}

static bool host_details_equal(const struct idreg_host *a, const struct idreg_host *b)
{
	if ((a->handle == NULL) != (b->handle == NULL) ||
	    (a->handle != NULL && strcmp(a->handle, b->handle) != 0) || a->n_addrs != b->n_addrs) {
		return false;
	}
	for (size_t i = 0; i < a->n_addrs; i++) {
		if (idreg_ip_order(&a->addrs[i], &b->addrs[i]) != 0) {
			return false;
		}
	}
	return true;
}

/* ---- the file reader ---- */

struct reader {
	const char *name;
	const struct idreg_domains_read_options *opts;
	struct idreg_arena *arena;     /* what the file keeps */
	struct idreg_arena scratch;    /* one line's parse, reset per line */
	struct idreg_domains_file *file;
	size_t domains_cap, hosts_cap, entities_cap;
	struct idreg_strmap domain_names;  /* ldh name -> line */
	struct idreg_strmap domain_handles;/* lower-case handle -> line */
	struct idreg_strmap host_names;    /* ldh name -> index in hosts */
	struct idreg_strmap entity_handles;/* lower-case handle -> index in entities */
};

static idreg_err bad_line(struct reader *r, uint32_t lineno, const char *reason,
			  struct idreg_diag *diag)
{
	if (!r->opts->skip_bad) {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %s", r->name, lineno, reason);
	}
	idreg_skip_note(r->file->skips, &r->file->skipped, lineno, reason);
	return IDREG_OK;
}

static void lower_key(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++) {
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	}
	out[i] = '\0';
}

/* Does the parsed line agree with the lines before it?  Says why not in @why. */
static bool line_agrees(struct reader *r, const struct idreg_domain_line *pl, char *why, size_t size)
{
	const struct idreg_domains_file *file = r->file;
	const struct idreg_domain *d = &pl->domain;
	int64_t v;
	char key[IDREG_DOMAINS_MAX_HANDLE + 1];
	if (idreg_strmap_get(&r->domain_names, d->ldh_name, &v) == IDREG_OK) {
		snprintf(why, size, "name: %s is also the domain on line %lld", d->ldh_name, (long long)v);
		return false;
	}
	if (d->handle != NULL) {
		lower_key(d->handle, key, sizeof(key));
		if (idreg_strmap_get(&r->domain_handles, key, &v) == IDREG_OK) {
			snprintf(why, size, "handle: '%s' is also the handle of the domain on line %lld",
				 d->handle, (long long)v);
			return false;
		}
	}
	for (size_t i = 0; i < d->n_ns; i++) {
		if (!pl->host_detailed[i] ||
		    idreg_strmap_get(&r->host_names, pl->hosts[i].ldh_name, &v) != IDREG_OK) {
			continue;
		}
		const struct idreg_file_host *fh = &file->hosts[v];
		if (fh->detail_line != 0 && !host_details_equal(&fh->host, &pl->hosts[i])) {
			snprintf(why, size,
				 "nameservers[%zu]: %s has other addresses or another handle than on line %u",
				 i, pl->hosts[i].ldh_name, fh->detail_line);
			return false;
		}
	}
	for (size_t i = 0; i < d->n_contacts; i++) {
		lower_key(pl->entities[i].handle, key, sizeof(key));
		if (!pl->entity_defined[i] || idreg_strmap_get(&r->entity_handles, key, &v) != IDREG_OK) {
			continue;
		}
		const struct idreg_file_entity *fe = &file->entities[v];
		if (fe->defined_line != 0 && !idreg_entity_equal(&fe->entity, &pl->entities[i])) {
			snprintf(why, size, "entities[%zu]: entity '%s' is described differently on line %u",
				 i, pl->entities[i].handle, fe->defined_line);
			return false;
		}
	}
	return true;
}

static const char *keep_string(struct reader *r, const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(r->arena, s, strlen(s));
}

static idreg_err keep_host(struct reader *r, const struct idreg_host *src, struct idreg_host *dst)
{
	dst->ldh_name = keep_string(r, src->ldh_name);
	dst->unicode_name = src->unicode_name == src->ldh_name ? dst->ldh_name
								 : keep_string(r, src->unicode_name);
	dst->handle = keep_string(r, src->handle);
	dst->n_addrs = src->n_addrs;
	dst->addrs = NULL;
	if (src->n_addrs > 0) {
		dst->addrs = idreg_arena_alloc(r->arena, src->n_addrs * sizeof(*dst->addrs));
		if (dst->addrs != NULL) {
			memcpy(dst->addrs, src->addrs, src->n_addrs * sizeof(*dst->addrs));
		}
	}
	if (dst->ldh_name == NULL || dst->unicode_name == NULL || (src->handle && !dst->handle) ||
	    (src->n_addrs && !dst->addrs)) {
		return IDREG_ENOMEM;
	}
	return IDREG_OK;
}

static idreg_err keep_entity(struct reader *r, const struct idreg_entity *src,
			     struct idreg_entity *dst)
{
	*dst = *src;
	dst->handle = keep_string(r, src->handle);
	bool ok = dst->handle != NULL;
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		dst->fields[f] = keep_string(r, src->fields[f]);
		ok &= src->fields[f] == NULL || dst->fields[f] != NULL;
	}
	return ok ? IDREG_OK : IDREG_ENOMEM;
}

/* Keep a line that agrees with the file: its domain, and new hosts and entities. */
static idreg_err keep_line(struct reader *r, const struct idreg_domain_line *pl)
{
	struct idreg_domains_file *file = r->file;
	const struct idreg_domain *d = &pl->domain;
	idreg_err err;
	if (idreg_array_reserve(&file->domains, &r->domains_cap, file->count, sizeof(*file->domains),
				4096) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	uint32_t *host_ix = d->n_ns ? idreg_arena_alloc(r->arena, d->n_ns * sizeof(uint32_t)) : NULL;
	uint32_t *entity_ix = d->n_contacts ? idreg_arena_alloc(r->arena, d->n_contacts * sizeof(uint32_t))
					    : NULL;
	const char **ns = d->n_ns ? idreg_arena_alloc(r->arena, d->n_ns * sizeof(char *)) : NULL;
	struct idreg_domain_contact *contacts =
		d->n_contacts ? idreg_arena_alloc(r->arena, d->n_contacts * sizeof(*contacts)) : NULL;
	struct idreg_ds *ds = d->n_ds ? idreg_arena_alloc(r->arena, d->n_ds * sizeof(*ds)) : NULL;
	if ((d->n_ns && (!host_ix || !ns)) || (d->n_contacts && (!entity_ix || !contacts)) ||
	    (d->n_ds && !ds)) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < d->n_ns; i++) {
		int64_t v;
		const struct idreg_host *h = &pl->hosts[i];
		if (idreg_strmap_get(&r->host_names, h->ldh_name, &v) != IDREG_OK) {
			if (idreg_array_reserve(&file->hosts, &r->hosts_cap, file->n_hosts,
						sizeof(*file->hosts), 1024) != IDREG_OK) {
				return IDREG_ENOMEM;
			}
			v = (int64_t)file->n_hosts;
			struct idreg_file_host *fh = &file->hosts[file->n_hosts];
			memset(fh, 0, sizeof(*fh));
			if ((err = keep_host(r, h, &fh->host)) != IDREG_OK ||
			    (err = idreg_strmap_put(&r->host_names, h->ldh_name, v)) != IDREG_OK) {
				return err;
			}
			fh->detail_line = pl->host_detailed[i] ? pl->line : 0;
			file->n_hosts++;
		} else if (pl->host_detailed[i] && file->hosts[v].detail_line == 0) {
			struct idreg_file_host *fh = &file->hosts[v];
			if ((err = keep_host(r, h, &fh->host)) != IDREG_OK) {
				return err;
			}
			fh->detail_line = pl->line;
		}
		host_ix[i] = (uint32_t)v;
		ns[i] = file->hosts[v].host.ldh_name;
	}
	for (size_t i = 0; i < d->n_contacts; i++) {
		int64_t v;
		char key[IDREG_DOMAINS_MAX_HANDLE + 1];
		const struct idreg_entity *e = &pl->entities[i];
		lower_key(e->handle, key, sizeof(key));
		if (idreg_strmap_get(&r->entity_handles, key, &v) != IDREG_OK) {
			if (idreg_array_reserve(&file->entities, &r->entities_cap, file->n_entities,
						sizeof(*file->entities), 1024) != IDREG_OK) {
				return IDREG_ENOMEM;
			}
			v = (int64_t)file->n_entities;
			struct idreg_file_entity *fe = &file->entities[file->n_entities];
			memset(fe, 0, sizeof(*fe));
			if ((err = keep_entity(r, e, &fe->entity)) != IDREG_OK ||
			    (err = idreg_strmap_put(&r->entity_handles, key, v)) != IDREG_OK) {
				return err;
			}
			fe->defined_line = pl->entity_defined[i] ? pl->line : 0;
			fe->first_line = pl->line;
			file->n_entities++;
		} else if (pl->entity_defined[i] && file->entities[v].defined_line == 0) {
			struct idreg_file_entity *fe = &file->entities[v];
			if ((err = keep_entity(r, e, &fe->entity)) != IDREG_OK) {
				return err;
			}
			fe->defined_line = pl->line;
		}
		entity_ix[i] = (uint32_t)v;
		contacts[i].handle = file->entities[v].entity.handle;
		contacts[i].roles = d->contacts[i].roles;
	}
	for (size_t i = 0; i < d->n_ds; i++) {
		ds[i] = d->ds[i];
		ds[i].digest = keep_string(r, d->ds[i].digest);
		if (ds[i].digest == NULL) {
			return IDREG_ENOMEM;
		}
	}
	struct idreg_file_domain *fd = &file->domains[file->count];
	fd->line = pl->line;
	fd->domain = *d;
	fd->domain.ldh_name = keep_string(r, d->ldh_name);
	fd->domain.unicode_name = d->unicode_name == d->ldh_name ? fd->domain.ldh_name
								 : keep_string(r, d->unicode_name);
	fd->domain.handle = keep_string(r, d->handle);
	fd->domain.nameservers = ns;
	fd->domain.contacts = contacts;
	fd->domain.ds = ds;
	fd->host_ix = host_ix;
	fd->entity_ix = entity_ix;
	if (fd->domain.ldh_name == NULL || fd->domain.unicode_name == NULL ||
	    (d->handle && !fd->domain.handle)) {
		return IDREG_ENOMEM;
	}
	if ((err = idreg_strmap_put(&r->domain_names, d->ldh_name, pl->line)) != IDREG_OK) {
		return err;
	}
	if (d->handle != NULL) {
		char key[IDREG_DOMAINS_MAX_HANDLE + 1];
		lower_key(d->handle, key, sizeof(key));
		if ((err = idreg_strmap_put(&r->domain_handles, key, pl->line)) != IDREG_OK) {
			return err;
		}
	}
	file->count++;
	return IDREG_OK;
}

static idreg_err one_line(struct reader *r, const char *line, size_t len, uint32_t lineno,
			  struct idreg_diag *diag)
{
	idreg_arena_reset(&r->scratch);
	struct idreg_domain_line pl;
	struct idreg_diag why = { "" };
	idreg_err err = idreg_domains_parse_line(line, len, &r->scratch, &pl, &why);
	if (err == IDREG_ENOTFOUND) {
		return IDREG_OK;
	}
	if (err == IDREG_ENOMEM) {
		return err;
	}
	if (err != IDREG_OK) {
		return bad_line(r, lineno, why.text, diag);
	}
	pl.line = lineno;
	char reason[sizeof(why.text)];
	if (!line_agrees(r, &pl, reason, sizeof(reason))) {
		return bad_line(r, lineno, reason, diag);
	}
	if (r->file->count == r->opts->max_domains) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: line %u: more than %zu domains", r->name,
				      lineno, r->opts->max_domains);
	}
	return keep_line(r, &pl);
}

/* Lines come from memory or from a file descriptor, read in chunks. */
struct line_source {
	const char *data;
	size_t size, pos;
	int fd;
	char *buf;
	size_t cap, start, end;
	bool eof;
};

enum { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_ERROR };

static int next_line(struct line_source *src, size_t max, const char **line, size_t *len)
{
	if (src->fd < 0) {
		if (src->pos >= src->size) {
			return LINE_EOF;
		}
		const char *p = src->data + src->pos;
		const char *nl = memchr(p, '\n', src->size - src->pos);
		*len = nl ? (size_t)(nl - p) : src->size - src->pos;
		*line = p;
		src->pos += *len + (nl != NULL);
		return *len > max ? LINE_TOO_LONG : LINE_OK;
	}
	bool discarding = false;
	for (;;) {
		char *p = src->buf + src->start;
		char *nl = memchr(p, '\n', src->end - src->start);
		if (nl != NULL) {
			*line = p;
			*len = (size_t)(nl - p);
			src->start += *len + 1;
			return discarding || *len > max ? LINE_TOO_LONG : LINE_OK;
		}
		if (src->end - src->start > max) {
			discarding = true; /* too long: drop what is held, and look for its end */
			src->start = src->end = 0;
		}
		if (src->eof) {
			if (src->end == src->start && !discarding) {
				return LINE_EOF;
			}
			*line = p;
			*len = src->end - src->start;
			src->start = src->end;
			return discarding ? LINE_TOO_LONG : LINE_OK;
		}
		if (src->start > 0) {
			memmove(src->buf, src->buf + src->start, src->end - src->start);
			src->end -= src->start;
			src->start = 0;
		}
		ssize_t n = read(src->fd, src->buf + src->end, src->cap - src->end);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return LINE_ERROR;
		}
		src->eof = n == 0;
		src->end += (size_t)n;
	}
}

static idreg_err read_lines(struct reader *r, struct line_source *src, struct idreg_diag *diag)
{
	uint32_t lineno = 0;
	for (;;) {
		const char *line;
		size_t len;
		int got = next_line(src, r->opts->max_line, &line, &len);
		if (got == LINE_EOF) {
			return IDREG_OK;
		}
		if (got == LINE_ERROR) {
			return idreg_diag_set(diag, IDREG_EIO, "%s: read error: %s", r->name, strerror(errno));
		}
		if (++lineno == UINT32_MAX) {
			return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: too many lines", r->name);
		}
		idreg_err err;
		if (got == LINE_TOO_LONG) {
			char reason[64];
			snprintf(reason, sizeof(reason), "longer than %zu bytes", r->opts->max_line);
			err = bad_line(r, lineno, reason, diag);
		} else {
			err = one_line(r, line, len, lineno, diag);
		}
		if (err != IDREG_OK) {
			return err;
		}
	}
}

static idreg_err read_source(const char *name, struct line_source *src,
			     const struct idreg_domains_read_options *opts, struct idreg_arena *arena,
			     struct idreg_domains_file *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->path = name;
	struct reader r = { .name = name, .opts = opts, .arena = arena, .file = out };
	idreg_arena_init(&r.scratch, 64 * 1024, 0);
	idreg_strmap_init(&r.domain_names);
	idreg_strmap_init(&r.domain_handles);
	idreg_strmap_init(&r.host_names);
	idreg_strmap_init(&r.entity_handles);
	idreg_err err = read_lines(&r, src, diag);
	idreg_arena_free(&r.scratch);
	idreg_strmap_free(&r.domain_names);
	idreg_strmap_free(&r.domain_handles);
	idreg_strmap_free(&r.host_names);
	idreg_strmap_free(&r.entity_handles);
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "%s: out of memory", name);
	}
	if (err != IDREG_OK) {
		idreg_domains_file_free(out);
	}
	return err;
}

idreg_err idreg_domains_read_buffer(const char *name, const char *data, size_t size,
				    const struct idreg_domains_read_options *opts,
				    struct idreg_arena *arena, struct idreg_domains_file *out,
				    struct idreg_diag *diag)
{
	struct line_source src = { .data = data, .size = size, .fd = -1 };
	return read_source(name, &src, opts, arena, out, diag);
}

idreg_err idreg_domains_read_file(const char *path, const struct idreg_domains_read_options *opts,
				  struct idreg_arena *arena, struct idreg_domains_file *out,
				  struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	int fd;
	idreg_err opened = idreg_file_open(path, 0, &fd, NULL, diag);
	if (opened != IDREG_OK) {
		return opened;
	}
	struct line_source src = { .fd = fd };
	src.cap = opts->max_line + 1 + 256 * 1024;
	src.buf = malloc(src.cap);
	if (src.buf == NULL) {
		close(fd);
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", path);
	}
	idreg_err err = read_source(path, &src, opts, arena, out, diag);
	free(src.buf);
	close(fd);
	return err;
}

void idreg_domains_file_free(struct idreg_domains_file *file)
{
	free(file->domains);
	free(file->hosts);
	free(file->entities);
	file->domains = NULL;
	file->hosts = NULL;
	file->entities = NULL;
	file->count = file->n_hosts = file->n_entities = 0;
}
