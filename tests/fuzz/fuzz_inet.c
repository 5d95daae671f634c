/*
 * libFuzzer target: the text parsers of lib/inet.
 *
 * The input goes, with its explicit length and without a terminating NUL,
 * to idreg_ip_parse, idreg_prefix_parse, idreg_asn_parse and
 * idreg_resource_query_parse.  What parses must round-trip: an address
 * formatted with idreg_ip_format parses back to the same value, a prefix's
 * range decomposes (idreg_range_to_prefixes) into exactly that one prefix,
 * an AS number reads back from "AS<n>", and a query's range formatted with
 * idreg_range_format parses back to the same range and decomposes into
 * prefixes that tile it exactly.  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inet/inet.h"

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

static void check_ip(const char *s, size_t len)
{
	struct idreg_ip ip;
	if (idreg_ip_parse(s, len, &ip) != IDREG_OK) {
		return;
	}
	check(ip.type == IDREG_RES_IPV4 || ip.type == IDREG_RES_IPV6);
	check(ip.value <= idreg_restype_max(ip.type));
	if (ip.type == IDREG_RES_IPV4) {
		check(ip.value <= 0xffffffffu);
	}
	char text[IDREG_IP_TEXT_MAX];
	idreg_ip_format(&ip, text, sizeof(text));
	check(terminated(text, sizeof(text)) && text[0] != '\0');
	struct idreg_ip back;
	check(idreg_ip_parse(text, strlen(text), &back) == IDREG_OK);
	check(back.type == ip.type && back.value == ip.value);
}

static void check_prefix(const char *s, size_t len)
{
	struct idreg_prefix prefix;
	struct idreg_diag diag;
	diag.text[0] = '\0';
	if (idreg_prefix_parse(s, len, &prefix, &diag) != IDREG_OK) {
		check(diag.text[0] != '\0' && terminated(diag.text, sizeof(diag.text)));
		return;
	}
	enum idreg_restype type = prefix.addr.type;
	unsigned bits = idreg_restype_bits(type);
	check(type == IDREG_RES_IPV4 || type == IDREG_RES_IPV6);
	check(prefix.len <= bits);
	check((prefix.addr.value & idreg_host_mask(bits, prefix.len)) == 0);
	idreg_u128 last = idreg_prefix_last(&prefix);
	check(prefix.addr.value <= last && last <= idreg_restype_max(type));

	struct idreg_prefix parts[2 * 128 + 1];
	size_t n = idreg_range_to_prefixes(type, prefix.addr.value, last, parts, 2 * 128 + 1);
	check(n == 1);
	check(parts[0].addr.type == type && parts[0].addr.value == prefix.addr.value &&
	      parts[0].len == prefix.len);

	char text[IDREG_PREFIX_TEXT_MAX];
	idreg_prefix_format(&prefix, text, sizeof(text));
	check(terminated(text, sizeof(text)));
	struct idreg_prefix back;
	check(idreg_prefix_parse(text, strlen(text), &back, &diag) == IDREG_OK);
	check(back.addr.type == type && back.addr.value == prefix.addr.value &&
	      back.len == prefix.len);
}

static void check_asn(const char *s, size_t len)
{
	uint32_t asn;
	if (idreg_asn_parse(s, len, &asn) != IDREG_OK) {
		return;
	}
	char text[16];
	snprintf(text, sizeof(text), "AS%u", (unsigned)asn);
	uint32_t back;
	check(idreg_asn_parse(text, strlen(text), &back) == IDREG_OK && back == asn);
	check(idreg_asn_parse(text + 2, strlen(text + 2), &back) == IDREG_OK && back == asn);
}

/* The prefixes of [first, last]: in order, adjacent, aligned, covering it all. */
static void check_tiling(enum idreg_restype type, idreg_u128 first, idreg_u128 last)
{
	if (type == IDREG_RES_ASN) {
		return;
	}
	unsigned bits = idreg_restype_bits(type);
	struct idreg_prefix parts[2 * 128 + 1];
	size_t n = idreg_range_to_prefixes(type, first, last, parts, 2 * 128 + 1);
	check(n >= 1 && n <= 2 * (size_t)bits);
	idreg_u128 next = first;
	for (size_t i = 0; i < n; i++) {
		check(parts[i].addr.type == type && parts[i].len <= bits);
		check(parts[i].addr.value == next);
		check((parts[i].addr.value & idreg_host_mask(bits, parts[i].len)) == 0);
		idreg_u128 end = idreg_prefix_last(&parts[i]);
		check(end <= last);
		if (i + 1 == n) {
			check(end == last);
		} else {
			next = end + 1;
		}
	}
}

static void check_query(const char *s, size_t len)
{
	struct idreg_resource_query q;
	struct idreg_diag diag;
	diag.text[0] = '\0';
	if (idreg_resource_query_parse(s, len, &q, &diag) != IDREG_OK) {
		check(diag.text[0] != '\0' && terminated(diag.text, sizeof(diag.text)));
		return;
	}
	check(q.type == IDREG_RES_ASN || q.type == IDREG_RES_IPV4 || q.type == IDREG_RES_IPV6);
	check(q.first <= q.last && q.last <= idreg_restype_max(q.type));
	check(q.is_point == (q.first == q.last));
	check_tiling(q.type, q.first, q.last);

	char text[IDREG_RANGE_TEXT_MAX];
	idreg_range_format(q.type, q.first, q.last, text, sizeof(text));
	check(terminated(text, sizeof(text)));
	struct idreg_resource_query back;
	check(idreg_resource_query_parse(text, strlen(text), &back, &diag) == IDREG_OK);
	check(back.type == q.type && back.first == q.first && back.last == q.last &&
	      back.is_point == q.is_point);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly @size bytes and no NUL after them: an over-read is an ASan report. */
	char *s = malloc(size ? size : 1);
	if (s == NULL) {
		return 0;
	}
	if (size > 0) {
		memcpy(s, data, size);
	}
	check_ip(s, size);
	check_prefix(s, size);
	check_asn(s, size);
	check_query(s, size);
	free(s);
	return 0;
}
