/*
 * libFuzzer target: the RDAP request parser, idreg_query_parse_rdap, as
 * idregd calls it -- a percent-decoded path (a C string) and the decoded
 * query-string arguments.
 *
 * The input is split at its first '\n': before it the path, after it up to
 * MAX_ARGS arguments, one a line, "key=value" (a line without '=' is a key
 * with an empty value).  Every string is a malloc'd copy of exactly its
 * bytes and a NUL, so a read past one is an ASan report; bytes after a NUL
 * inside a piece are cut off, as a C string would be.
 *
 * Invariants, checked with abort(): on error the result is IDREG_EPARSE,
 * the status is 400, 404 or 422 and the reason is a non-empty,
 * NUL-terminated string of printable ASCII; on success the kind is one of
 * enum idreg_query_kind, the text is NUL-terminated (and, for names,
 * handles and patterns, non-empty and free of control characters), an IP
 * or AUTNUM query has a range of the right type with first <= last <= the
 * type's maximum, and an address search has an address.  The same input
 * parsed twice gives the same query.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

#define MAX_ARGS 10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static char *piece(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s == NULL) {
		abort();
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_error(idreg_err ret, const struct idreg_query_error *err)
{
	check(ret == IDREG_EPARSE);
	check(err->status == 400 || err->status == 404 || err->status == 422);
	check(terminated(err->reason, sizeof(err->reason)));
	check(err->reason[0] != '\0');
	for (const char *p = err->reason; *p; p++) {
		check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	}
}

static void check_range(const struct idreg_query *q, bool ip)
{
	const struct idreg_resource_query *r = &q->resource;
	if (ip) {
		check(r->type == IDREG_RES_IPV4 || r->type == IDREG_RES_IPV6);
	} else {
		check(r->type == IDREG_RES_ASN);
		check(r->last <= UINT32_MAX);
	}
	check(r->first <= r->last);
	check(r->last <= idreg_restype_max(r->type));
	check(r->is_point == (r->first == r->last));
}

static void check_text(const struct idreg_query *q)
{
	check(q->text[0] != '\0');
	for (const char *p = q->text; *p; p++) {
		check((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
	}
}

static void check_query(const struct idreg_query *q)
{
	check(terminated(q->text, sizeof(q->text)));
	switch (q->kind) {
	case IDREG_Q_HELP:
		break;
	case IDREG_Q_IP:
		check_range(q, true);
		break;
	case IDREG_Q_AUTNUM:
		check_range(q, false);
		break;
	case IDREG_Q_DOMAINS_BY_NS_IP:
	case IDREG_Q_NAMESERVERS_BY_IP:
		check(q->address.type == IDREG_RES_IPV4 || q->address.type == IDREG_RES_IPV6);
		check(q->address.value <= idreg_restype_max(q->address.type));
		check_text(q);
		break;
	case IDREG_Q_DOMAIN:
	case IDREG_Q_NAMESERVER:
	case IDREG_Q_ENTITY:
	case IDREG_Q_DOMAINS_BY_NAME:
	case IDREG_Q_DOMAINS_BY_NS_NAME:
	case IDREG_Q_NAMESERVERS_BY_NAME:
	case IDREG_Q_ENTITIES_BY_FN:
	case IDREG_Q_ENTITIES_BY_HANDLE:
		check_text(q);
		break;
	default:
		check(false); /* not a kind */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t path_len = nl ? (size_t)(nl - data) : size;
	char *path = piece(data, path_len);
	char *keys[MAX_ARGS], *values[MAX_ARGS];
	struct idreg_query_arg args[MAX_ARGS];
	size_t nargs = 0;
	const uint8_t *p = nl ? nl + 1 : data + size, *end = data + size;
	while (p < end && nargs < MAX_ARGS) {
		const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
		size_t line = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const uint8_t *eq = memchr(p, '=', line);
		size_t key_len = eq ? (size_t)(eq - p) : line;
		keys[nargs] = piece(p, key_len);
		values[nargs] = eq ? piece(eq + 1, line - key_len - 1) : piece(p, 0);
		args[nargs] = (struct idreg_query_arg){ keys[nargs], values[nargs] };
		nargs++;
		p += line + (eol ? 1 : 0);
	}

	struct idreg_query *q1 = malloc(sizeof(*q1)), *q2 = malloc(sizeof(*q2));
	struct idreg_query_error *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	if (q1 == NULL || q2 == NULL || e1 == NULL || e2 == NULL) {
		abort();
	}
	/* Garbage first: the parser must fill in what it reports. */
	memset(q1, 0xa5, sizeof(*q1));
	memset(e1, 0xa5, sizeof(*e1));
	memset(q2, 0x5a, sizeof(*q2));
	memset(e2, 0x5a, sizeof(*e2));
	idreg_err r1 = idreg_query_parse_rdap(path, args, nargs, q1, e1);
	idreg_err r2 = idreg_query_parse_rdap(path, args, nargs, q2, e2);
	check(r1 == r2);
	if (r1 == IDREG_OK) {
		check_query(q1);
		check(memcmp(q1, q2, sizeof(*q1)) == 0);
	} else {
		check_error(r1, e1);
		check(e1->status == e2->status && strcmp(e1->reason, e2->reason) == 0);
	}

	free(q1);
	free(q2);
	free(e1);
	free(e2);
	for (size_t i = 0; i < nargs; i++) {
		free(keys[i]);
		free(values[i]);
	}
	free(path);
	return 0;
}
