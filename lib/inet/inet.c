/*
 * Address, prefix, range and AS number parsing, formatting and arithmetic.
 * Text conversion of addresses is left to the C library's inet_pton and
 * inet_ntop (glibc's output is RFC 5952 canonical); this file adds strict
 * bounds, prefixes, ranges and AS numbers around them.
 */
#include "inet/inet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const restype_names[IDREG_RESTYPE_COUNT] = { "asn", "ipv4", "ipv6" };

const char *idreg_restype_name(enum idreg_restype type)
{
	return restype_names[type];
}

bool idreg_restype_parse(const char *s, size_t len, enum idreg_restype *out)
{
	for (int i = 0; i < IDREG_RESTYPE_COUNT; i++) {
		if (len == strlen(restype_names[i]) && memcmp(s, restype_names[i], len) == 0) {
			*out = (enum idreg_restype)i;
			return true;
		}
	}
	return false;
}

unsigned idreg_restype_bits(enum idreg_restype type)
{
	return type == IDREG_RES_IPV6 ? 128 : 32;
}

idreg_u128 idreg_restype_max(enum idreg_restype type)
{
	return type == IDREG_RES_IPV6 ? ~(idreg_u128)0 : (idreg_u128)UINT32_MAX;
}

idreg_u128 idreg_host_mask(unsigned bits, unsigned len)
{
	if (len >= bits) {
		return 0;
	}
	unsigned host = bits - len;
	return host >= 128 ? ~(idreg_u128)0 : (((idreg_u128)1 << host) - 1);
}

idreg_err idreg_ip_parse(const char *s, size_t len, struct idreg_ip *out)
{
	char text[IDREG_IP_TEXT_MAX];
	if (len == 0 || len >= sizeof(text) || memchr(s, '\0', len) != NULL) {
		return IDREG_EPARSE;
	}
	memcpy(text, s, len);
	text[len] = '\0';

	if (memchr(text, ':', len) != NULL) {
		unsigned char bytes[16];
		if (inet_pton(AF_INET6, text, bytes) != 1) {
			return IDREG_EPARSE;
		}
		idreg_u128 v = 0;
		for (int i = 0; i < 16; i++) {
			v = (v << 8) | bytes[i];
		}
		out->type = IDREG_RES_IPV6;
		out->value = v;
		return IDREG_OK;
	}
	struct in_addr a4;
	if (inet_pton(AF_INET, text, &a4) != 1) {
		return IDREG_EPARSE;
	}
	out->type = IDREG_RES_IPV4;
	out->value = ntohl(a4.s_addr);
	return IDREG_OK;
}

/* Append @v in decimal. */
static char *put_decimal(char *p, unsigned v)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0) {
		*p++ = digits[--n];
	}
	return p;
}

static char *put_ipv4(char *p, uint32_t v)
{
	for (int shift = 24; shift >= 0; shift -= 8) {
		p = put_decimal(p, (v >> shift) & 0xff);
		if (shift > 0) {
			*p++ = '.';
		}
	}
	return p;
}

/*
 * Canonical text, written here rather than by inet_ntop, which goes through
 * sprintf and costs more than an insert when an import formats every record.
 * IPv6 follows RFC 5952: lowercase hex without leading zeros, the longest run
 * of two or more zero groups (the first of equal runs) as "::", and mixed
 * notation for IPv4-mapped addresses (section 5).
 */
void idreg_ip_format(const struct idreg_ip *ip, char *out, size_t size)
{
	char text[IDREG_IP_TEXT_MAX];
	char *p = text;
	if (ip->type == IDREG_RES_IPV4) {
		p = put_ipv4(p, (uint32_t)ip->value);
	} else {
		unsigned groups[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = (unsigned)(ip->value >> (112 - 16 * i)) & 0xffff;
		}
		int best = -1, best_len = 0;
		for (int i = 0; i < 8;) {
			int j = i;
			while (j < 8 && groups[j] == 0) {
				j++;
			}
			if (j - i > best_len && j - i >= 2) {
				best = i;
				best_len = j - i;
			}
			i = j > i ? j : i + 1;
		}
		bool mapped = best == 0 && best_len == 5 && groups[5] == 0xffff;
		int last = mapped ? 6 : 8;
		static const char hex[] = "0123456789abcdef";
		for (int i = 0; i < last; i++) {
			if (i == best) {
				*p++ = ':';
				*p++ = ':';
				i += best_len - 1;
				continue;
			}
			if (i > 0 && i != best + best_len) {
				*p++ = ':';
			}
			bool started = false;
			for (int shift = 12; shift >= 0; shift -= 4) {
				unsigned nibble = (groups[i] >> shift) & 0xf;
				if (nibble != 0 || started || shift == 0) {
					*p++ = hex[nibble];
					started = true;
				}
			}
		}
		if (mapped) {
			*p++ = ':';
			p = put_ipv4(p, (uint32_t)ip->value);
		}
	}
	*p = '\0';
	snprintf(out, size, "%s", text);
}

static bool parse_small_uint(const char *s, size_t len, unsigned max, unsigned *out)
{
	if (len == 0 || len > 3 || (len > 1 && s[0] == '0')) {
		return false;
	}
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max) {
		return false;
	}
	*out = v;
	return true;
}

idreg_err idreg_prefix_parse(const char *s, size_t len, struct idreg_prefix *out,
			     struct idreg_diag *diag)
{
	const char *slash = memchr(s, '/', len);
	if (slash == NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE, "'%.*s' is not a prefix (address/length)",
				      (int)(len > 64 ? 64 : len), s);
	}
	struct idreg_ip addr;
	if (idreg_ip_parse(s, (size_t)(slash - s), &addr) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_EPARSE, "'%.*s' is not an IP address",
				      (int)(slash - s > 64 ? 64 : slash - s), s);
	}
	unsigned bits = idreg_restype_bits(addr.type);
	unsigned plen;
	const char *lenp = slash + 1;
	size_t lenlen = len - (size_t)(lenp - s);
	if (!parse_small_uint(lenp, lenlen, bits, &plen)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "prefix length '%.*s' is not in 0..%u",
				      (int)(lenlen > 16 ? 16 : lenlen), lenp, bits);
	}
	if ((addr.value & idreg_host_mask(bits, plen)) != 0) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "'%.*s' has host bits set beyond /%u", (int)(len > 64 ? 64 : len),
				      s, plen);
	}
	out->addr = addr;
	out->len = plen;
	return IDREG_OK;
}

void idreg_prefix_format(const struct idreg_prefix *prefix, char *out, size_t size)
{
	char addr[IDREG_IP_TEXT_MAX];
	idreg_ip_format(&prefix->addr, addr, sizeof(addr));
	snprintf(out, size, "%s/%u", addr, prefix->len);
}

idreg_u128 idreg_prefix_last(const struct idreg_prefix *prefix)
{
	return prefix->addr.value | idreg_host_mask(idreg_restype_bits(prefix->addr.type), prefix->len);
}

size_t idreg_range_to_prefixes(enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       struct idreg_prefix *out, size_t max)
{
	unsigned bits = idreg_restype_bits(type);
	size_t count = 0;
	for (;;) {
		/* Largest aligned block that starts at @first and stays within @last. */
		unsigned host = 0;
		while (host < bits) {
			idreg_u128 mask = idreg_host_mask(bits, bits - host - 1);
			if ((first & mask) != 0 || (first | mask) > last) {
				break;
			}
			host++;
		}
		if (count < max) {
			out[count].addr.type = type;
			out[count].addr.value = first;
			out[count].len = bits - host;
		}
		count++;
		idreg_u128 block_last = first | idreg_host_mask(bits, bits - host);
		if (block_last >= last) {
			break;
		}
		first = block_last + 1;
	}
	return count;
}

bool idreg_parse_u128(const char *s, size_t len, idreg_u128 *out)
{
	if (len == 0 || len > 39) {
		return false;
	}
	idreg_u128 v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		idreg_u128 next = v * 10 + (unsigned)(s[i] - '0');
		if (next / 10 != v) {
			return false;
		}
		v = next;
	}
	*out = v;
	return true;
}

idreg_err idreg_asn_parse(const char *s, size_t len, uint32_t *out)
{
	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 11) {
		return IDREG_EPARSE;
	}
	idreg_u128 v;
	const char *dot = memchr(s, '.', len);
	if (dot != NULL) { /* asdot, RFC 5396: high.low */
		idreg_u128 high, low;
		size_t hlen = (size_t)(dot - s);
		if (!idreg_parse_u128(s, hlen, &high) ||
		    !idreg_parse_u128(dot + 1, len - hlen - 1, &low) || high > 65535 || low > 65535) {
			return IDREG_EPARSE;
		}
		v = (high << 16) | low;
	} else if (!idreg_parse_u128(s, len, &v) || v > UINT32_MAX) {
		return IDREG_EPARSE;
	}
	*out = (uint32_t)v;
	return IDREG_OK;
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1])) {
		(*len)--;
	}
}

static bool looks_like_asn(const char *s, size_t len)
{
	return len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's');
}

/* One end of a range, or a whole query: an address, a prefix or an AS number. */
static idreg_err parse_single(const char *s, size_t len, struct idreg_resource_query *out,
			      struct idreg_diag *diag)
{
	trim(&s, &len);
	if (len == 0) {
		return idreg_diag_set(diag, IDREG_EPARSE, "empty query");
	}
	/* An address has a colon (IPv6) or three dots (IPv4); anything else is an
	 * AS number, plain ("64496"), prefixed ("AS64496") or asdot ("1.10"). */
	size_t dots = 0;
	for (size_t i = 0; i < len; i++) {
		dots += s[i] == '.';
	}
	if (looks_like_asn(s, len) || (memchr(s, ':', len) == NULL && dots < 3)) {
		uint32_t asn;
		if (idreg_asn_parse(s, len, &asn) != IDREG_OK) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "'%.*s' is not an AS number, address or prefix",
					      (int)(len > 64 ? 64 : len), s);
		}
		out->type = IDREG_RES_ASN;
		out->first = out->last = asn;
		out->is_point = true;
		return IDREG_OK;
	}
	if (memchr(s, '/', len) != NULL) {
		struct idreg_prefix prefix;
		idreg_err err = idreg_prefix_parse(s, len, &prefix, diag);
		if (err != IDREG_OK) {
			return err;
		}
		out->type = prefix.addr.type;
		out->first = prefix.addr.value;
		out->last = idreg_prefix_last(&prefix);
		out->is_point = out->first == out->last;
		return IDREG_OK;
	}
	struct idreg_ip ip;
	if (idreg_ip_parse(s, len, &ip) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_EPARSE, "'%.*s' is not an IP address",
				      (int)(len > 64 ? 64 : len), s);
	}
	out->type = ip.type;
	out->first = out->last = ip.value;
	out->is_point = true;
	return IDREG_OK;
}

idreg_err idreg_resource_query_parse(const char *s, size_t len, struct idreg_resource_query *out,
				     struct idreg_diag *diag)
{
	if (len > 256) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "query longer than 256 bytes");
	}
	const char *dash = memchr(s, '-', len);
	if (dash == NULL) {
		return parse_single(s, len, out, diag);
	}
	struct idreg_resource_query lo, hi;
	idreg_err err = parse_single(s, (size_t)(dash - s), &lo, diag);
	if (err == IDREG_OK) {
		err = parse_single(dash + 1, len - (size_t)(dash - s) - 1, &hi, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (!lo.is_point || !hi.is_point || lo.type != hi.type) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "a range joins two addresses or two AS numbers of one kind");
	}
	if (hi.first < lo.first) {
		return idreg_diag_set(diag, IDREG_EPARSE, "range ends before it starts");
	}
	out->type = lo.type;
	out->first = lo.first;
	out->last = hi.first;
	out->is_point = out->first == out->last;
	return IDREG_OK;
}

void idreg_range_format(enum idreg_restype type, idreg_u128 first, idreg_u128 last, char *out,
			size_t size)
{
	if (type == IDREG_RES_ASN) {
		if (first == last) {
			snprintf(out, size, "AS%u", (unsigned)first);
		} else {
			snprintf(out, size, "AS%u-AS%u", (unsigned)first, (unsigned)last);
		}
		return;
	}
	struct idreg_ip a = { type, first }, b = { type, last };
	char ta[IDREG_IP_TEXT_MAX], tb[IDREG_IP_TEXT_MAX];
	idreg_ip_format(&a, ta, sizeof(ta));
	idreg_ip_format(&b, tb, sizeof(tb));
	snprintf(out, size, "%s - %s", ta, tb);
}

void idreg_format_u128(idreg_u128 v, char *out, size_t size)
{
	char digits[40];
	size_t n = 0;
	do {
		digits[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v != 0);
	size_t k = 0;
	while (n > 0 && k + 1 < size) {
		out[k++] = digits[--n];
	}
	if (size > 0) {
		out[k] = '\0';
	}
}

void idreg_block_format(enum idreg_restype type, idreg_u128 first, idreg_u128 last, char *out,
			size_t size)
{
	struct idreg_prefix p[2];
	if (type != IDREG_RES_ASN && idreg_range_to_prefixes(type, first, last, p, 2) == 1) {
		idreg_prefix_format(&p[0], out, size);
	} else {
		idreg_range_format(type, first, last, out, size);
	}
}
