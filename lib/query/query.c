/*
 * RDAP path and WHOIS line parsers; see query.h.  The RDAP path grammar is
 * RFC 9082 section 3; search patterns follow section 4.1 (one '*', ending a
 * label, optionally followed by a suffix of whole labels).
 */
#include "query/query.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static idreg_err refuse(struct idreg_query_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static idreg_err refuse(struct idreg_query_error *err, int status, const char *fmt, ...)
{
	err->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	/* The reason quotes the client's bytes: keep it printable ASCII, so it is
	 * valid in JSON and harmless on a terminal. */
	for (char *p = err->reason; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			*p = '?';
		}
	}
	return IDREG_EPARSE;
}

/* Printable text without controls, bounded; the caller's NUL-terminated copy. */
static bool copy_text(const char *s, size_t len, char *out)
{
	if (len == 0 || len >= IDREG_QUERY_TEXT_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			return false;
		}
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/* A name pattern: at most one '*', which ends a label (RFC 9082 section 4.1). */
static bool pattern_ok(const char *p)
{
	const char *star = strchr(p, '*');
	if (star == NULL) {
		return true;
	}
	if (strchr(star + 1, '*') != NULL) {
		return false;
	}
	return star[1] == '\0' || star[1] == '.';
}

static idreg_err parse_ip_path(const char *rest, struct idreg_query *out,
			       struct idreg_query_error *err)
{
	struct idreg_diag diag;
	size_t len = strlen(rest);
	if (memchr(rest, '-', len) != NULL || memchr(rest, ' ', len) != NULL) {
		return refuse(err, 400, "ip/ takes an address or a prefix");
	}
	if (idreg_resource_query_parse(rest, len, &out->resource, &diag) != IDREG_OK ||
	    out->resource.type == IDREG_RES_ASN) {
		return refuse(err, 400, "'%.64s' is not an IP address or prefix", rest);
	}
	out->kind = IDREG_Q_IP;
	return IDREG_OK;
}

static idreg_err parse_autnum_path(const char *rest, struct idreg_query *out,
				   struct idreg_query_error *err)
{
	idreg_u128 asn;
	if (!idreg_parse_u128(rest, strlen(rest), &asn) || asn > UINT32_MAX) {
		return refuse(err, 400, "autnum/ takes an AS number in decimal (0 to 4294967295)");
	}
	out->kind = IDREG_Q_AUTNUM;
	out->resource.type = IDREG_RES_ASN;
	out->resource.first = out->resource.last = asn;
	out->resource.is_point = true;
	return IDREG_OK;
}

struct search_form {
	const char *path;
	const char *key;
	enum idreg_query_kind kind;
	bool is_address;
};

static const struct search_form search_forms[] = {
	{ "domains", "name", IDREG_Q_DOMAINS_BY_NAME, false },
	{ "domains", "nsLdhName", IDREG_Q_DOMAINS_BY_NS_NAME, false },
	{ "domains", "nsIp", IDREG_Q_DOMAINS_BY_NS_IP, true },
	{ "nameservers", "name", IDREG_Q_NAMESERVERS_BY_NAME, false },
	{ "nameservers", "ip", IDREG_Q_NAMESERVERS_BY_IP, true },
	{ "entities", "fn", IDREG_Q_ENTITIES_BY_FN, false },
	{ "entities", "handle", IDREG_Q_ENTITIES_BY_HANDLE, false },
};

static idreg_err parse_search(const char *path, const struct idreg_query_arg *args, size_t nargs,
			      struct idreg_query *out, struct idreg_query_error *err)
{
	if (nargs != 1) {
		return refuse(err, 422, "a search takes exactly one argument");
	}
	for (size_t i = 0; i < sizeof(search_forms) / sizeof(search_forms[0]); i++) {
		const struct search_form *f = &search_forms[i];
		if (strcmp(f->path, path) != 0 || strcmp(f->key, args[0].key) != 0) {
			continue;
		}
		const char *value = args[0].value;
		if (!copy_text(value, strlen(value), out->text)) {
			return refuse(err, 400, "search value empty, too long or not printable");
		}
		if (f->is_address) {
			if (idreg_ip_parse(value, strlen(value), &out->address) != IDREG_OK) {
				return refuse(err, 400, "'%.64s' is not an IP address", value);
			}
		} else if (!pattern_ok(value)) {
			return refuse(err, 422, "a pattern has at most one '*', at the end of a label");
		}
		out->kind = f->kind;
		return IDREG_OK;
	}
	return refuse(err, 422, "unsupported search: %s?%s=", path, args[0].key);
}

idreg_err idreg_query_parse_rdap(const char *path, const struct idreg_query_arg *args,
				 size_t nargs, struct idreg_query *out,
				 struct idreg_query_error *err)
{
	memset(out, 0, sizeof(*out));
	size_t len = strlen(path);
	if (len > 1024) {
		return refuse(err, 400, "path longer than 1024 bytes");
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c < 0x20 || c == 0x7f) {
			return refuse(err, 400, "control character in the path");
		}
	}
	if (strcmp(path, "help") == 0) {
		out->kind = IDREG_Q_HELP;
		return IDREG_OK;
	}
	if (strcmp(path, "domains") == 0 || strcmp(path, "nameservers") == 0 ||
	    strcmp(path, "entities") == 0) {
		return parse_search(path, args, nargs, out, err);
	}
	const char *slash = strchr(path, '/');
	if (slash == NULL || slash[1] == '\0') {
		return refuse(err, 400, "unknown or incomplete query path '%.64s'", path);
	}
	size_t type_len = (size_t)(slash - path);
	const char *rest = slash + 1;
	if (type_len == 2 && memcmp(path, "ip", 2) == 0) {
		return parse_ip_path(rest, out, err);
	}
	if (type_len == 6 && memcmp(path, "autnum", 6) == 0) {
		return parse_autnum_path(rest, out, err);
	}
	static const struct {
		const char *name;
		enum idreg_query_kind kind;
	} objects[] = {
		{ "domain", IDREG_Q_DOMAIN },
		{ "nameserver", IDREG_Q_NAMESERVER },
		{ "entity", IDREG_Q_ENTITY },
	};
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (type_len == strlen(objects[i].name) && memcmp(path, objects[i].name, type_len) == 0) {
			if (strchr(rest, '/') != NULL || !copy_text(rest, strlen(rest), out->text)) {
				return refuse(err, 400, "%s/ takes one name or handle", objects[i].name);
			}
			out->kind = objects[i].kind;
			return IDREG_OK;
		}
	}
	return refuse(err, 400, "unknown query type '%.*s'", (int)(type_len > 32 ? 32 : type_len), path);
}

idreg_err idreg_query_parse_whois(const char *line, size_t len, struct idreg_query *out,
				  struct idreg_query_error *err)
{
	memset(out, 0, sizeof(*out));
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' ' ||
			   line[len - 1] == '\t')) {
		len--;
	}
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0) {
		return refuse(err, 400, "empty query; send 'help' for help");
	}
	if (len > IDREG_WHOIS_QUERY_MAX) {
		return refuse(err, 400, "query longer than %d bytes", IDREG_WHOIS_QUERY_MAX);
	}
	if (!copy_text(line, len, out->text)) {
		return refuse(err, 400, "control character in the query");
	}
	if (strcmp(out->text, "help") == 0 || strcmp(out->text, "HELP") == 0) {
		out->kind = IDREG_Q_HELP;
		return IDREG_OK;
	}
	/* "entity HANDLE": a handle, even one that reads as an AS number (LACNIC's opaque ids). */
	static const char entity_keyword[] = "entity ";
	size_t keyword_len = sizeof(entity_keyword) - 1;
	if (len > keyword_len && strncasecmp(line, entity_keyword, keyword_len) == 0) {
		size_t skip = keyword_len + strspn(out->text + keyword_len, " \t");
		size_t handle_len = len - skip;
		if (strcspn(out->text + skip, " \t/") != handle_len) {
			return refuse(err, 400, "'entity' takes one handle");
		}
		memmove(out->text, out->text + skip, handle_len + 1);
		out->kind = IDREG_Q_ENTITY;
		return IDREG_OK;
	}
	struct idreg_diag diag;
	if (idreg_resource_query_parse(line, len, &out->resource, &diag) == IDREG_OK) {
		out->kind = out->resource.type == IDREG_RES_ASN ? IDREG_Q_AUTNUM : IDREG_Q_IP;
		return IDREG_OK;
	}
	if (memchr(line, '/', len) != NULL) { /* meant as a prefix: say what is wrong with it */
		return refuse(err, 400, "%s", diag.text);
	}
	/* Not a number resource: a name if it has a dot or non-ASCII, else a handle. */
	bool name_like = false;
	for (size_t i = 0; i < len; i++) {
		name_like |= line[i] == '.' || (unsigned char)line[i] >= 0x80;
		if (line[i] == ' ' || line[i] == '/') {
			return refuse(err, 400, "cannot read '%.64s' as an address, AS number, name or handle",
				      out->text);
		}
	}
	out->kind = name_like ? IDREG_Q_DOMAIN : IDREG_Q_ENTITY;
	return IDREG_OK;
}
