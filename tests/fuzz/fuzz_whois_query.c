/*
 * libFuzzer target: the WHOIS query parser, idreg_query_parse_whois, as
 * idregd calls it -- one query line of explicit length (its line end may
 * still be there), not NUL-terminated.
 *
 * The input goes to the parser in a malloc'd buffer of exactly its size,
 * so a read past the line is an ASan report.  Invariants, checked with
 * abort(): on error the result is IDREG_EPARSE, the status is 400, 404 or
 * 422 and the reason is a non-empty, NUL-terminated string of printable
 * ASCII; on success the kind is one a WHOIS line can ask for (help, an IP
 * address or range, an AS number or range, a domain name, an entity
 * handle -- alone or after "entity " -- without blanks or '/'), the text
 * is NUL-terminated, non-empty, at most IDREG_WHOIS_QUERY_MAX bytes and
 * free of control characters, an IP or AUTNUM query has a range of the
 * right type with first <= last <= the type's maximum, and a line with a
 * control character (other than the blanks and line ends trimmed from its
 * ends) is refused.  The same line parsed twice gives the same query.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* Whether the line, without the blanks and line ends the parser trims from
 * its ends, holds a control character. */
static bool has_control(const uint8_t *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n' || s[len - 1] == ' ' ||
			   s[len - 1] == '\t')) {
		len--;
	}
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			return true;
		}
	}
	return false;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct idreg_query *q1 = malloc(sizeof(*q1)), *q2 = malloc(sizeof(*q2));
	struct idreg_query_error *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	if (line == NULL || q1 == NULL || q2 == NULL || e1 == NULL || e2 == NULL) {
		abort();
	}
	if (size > 0) {
		memcpy(line, data, size);
	}
	memset(q1, 0xa5, sizeof(*q1));
	memset(e1, 0xa5, sizeof(*e1));
	memset(q2, 0x5a, sizeof(*q2));
	memset(e2, 0x5a, sizeof(*e2));
	idreg_err r1 = idreg_query_parse_whois(line, size, q1, e1);
	idreg_err r2 = idreg_query_parse_whois(line, size, q2, e2);
	check(r1 == r2);

	if (r1 != IDREG_OK) {
		check(r1 == IDREG_EPARSE);
		check(e1->status == 400 || e1->status == 404 || e1->status == 422);
		check(terminated(e1->reason, sizeof(e1->reason)));
		check(e1->reason[0] != '\0');
		for (const char *p = e1->reason; *p; p++) {
			check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
		}
		check(e1->status == e2->status && strcmp(e1->reason, e2->reason) == 0);
	} else {
		check(!has_control(data, size));
		check(terminated(q1->text, sizeof(q1->text)));
		size_t len = strlen(q1->text);
		check(len > 0 && len <= IDREG_WHOIS_QUERY_MAX);
		for (const char *p = q1->text; *p; p++) {
			check((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
		}
		switch (q1->kind) {
		case IDREG_Q_HELP:
		case IDREG_Q_DOMAIN:
			break;
		case IDREG_Q_ENTITY: /* one handle: "entity HANDLE" keeps only the handle */
			check(strpbrk(q1->text, " \t/") == NULL);
			break;
		case IDREG_Q_IP:
			check_range(q1, true);
			break;
		case IDREG_Q_AUTNUM:
			check_range(q1, false);
			break;
		default:
			check(false); /* not a kind a WHOIS line asks for */
		}
		check(memcmp(q1, q2, sizeof(*q1)) == 0);
	}

	free(line);
	free(q1);
	free(q2);
	free(e1);
	free(e2);
	return 0;
}
