/*
 * Punycode, RFC 3492 section 6, with the parameter values of section 5 and
 * the overflow checks of section 6.4 done on 32-bit unsigned integers.
 */
#include "idn/punycode.h"

enum {
	BASE = 36,
	TMIN = 1,
	TMAX = 26,
	SKEW = 38,
	DAMP = 700,
	INITIAL_BIAS = 72,
	INITIAL_N = 0x80,
	DELIMITER = '-',
};

#define MAXINT UINT32_MAX
#define CODE_POINT_MAX 0x10ffffu

/* RFC 3492, 6.1: the bias after a delta. */
static uint32_t adapt(uint32_t delta, uint32_t numpoints, int firsttime)
{
	delta = firsttime ? delta / DAMP : delta / 2;
	delta += delta / numpoints;
	uint32_t k = 0;
	while (delta > ((BASE - TMIN) * TMAX) / 2) {
		delta /= BASE - TMIN;
		k += BASE;
	}
	return k + (((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

/* The threshold t for the digit at position k (RFC 3492, 6.2/6.3). */
static uint32_t threshold(uint32_t k, uint32_t bias)
{
	return k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
}

static char encode_digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* The value of a digit, either case; BASE when @c is not one. */
static uint32_t decode_digit(unsigned char c)
{
	if (c >= '0' && c <= '9') {
		return 26u + (c - '0');
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a';
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	return BASE;
}

idreg_err idreg_punycode_encode(const uint32_t *cps, size_t n_cps, char *out, size_t size,
				size_t *out_len, struct idreg_diag *diag)
{
	size_t at = 0;
	*out_len = 0;
	if (size > 0) {
		out[0] = '\0';
	}
#define PUT(ch)                                                                                \
	do {                                                                                   \
		if (at + 1 >= size) {                                                          \
			return idreg_diag_set(diag, IDREG_ETOOBIG,                             \
					      "Punycode longer than %zu bytes", size ? size - 1 : 0); \
		}                                                                              \
		out[at++] = (ch);                                                              \
	} while (0)

	if (n_cps >= MAXINT) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "too many code points to encode");
	}
	uint32_t basic = 0;
	for (size_t j = 0; j < n_cps; j++) {
		if (cps[j] > CODE_POINT_MAX) {
			return idreg_diag_set(diag, IDREG_EINVAL, "U+%X is not a code point",
					      (unsigned)cps[j]);
		}
		if (cps[j] < 0x80) {
			PUT((char)cps[j]);
			basic++;
		}
	}
	if (basic > 0) {
		PUT(DELIMITER);
	}
	uint32_t n = INITIAL_N, delta = 0, bias = INITIAL_BIAS, h = basic;
	while (h < n_cps) {
		uint32_t m = MAXINT;
		for (size_t j = 0; j < n_cps; j++) {
			if (cps[j] >= n && cps[j] < m) {
				m = cps[j];
			}
		}
		if (m - n > (MAXINT - delta) / (h + 1)) {
			return idreg_diag_set(diag, IDREG_EPARSE, "Punycode overflow while encoding");
		}
		delta += (m - n) * (h + 1);
		n = m;
		for (size_t j = 0; j < n_cps; j++) {
			if (cps[j] < n && ++delta == 0) {
				return idreg_diag_set(diag, IDREG_EPARSE,
						      "Punycode overflow while encoding");
			}
			if (cps[j] == n) {
				uint32_t q = delta;
				for (uint32_t k = BASE;; k += BASE) {
					uint32_t t = threshold(k, bias);
					if (q < t) {
						break;
					}
					PUT(encode_digit(t + (q - t) % (BASE - t)));
					q = (q - t) / (BASE - t);
				}
				PUT(encode_digit(q));
				bias = adapt(delta, h + 1, h == basic);
				delta = 0;
				h++;
			}
		}
		delta++;
		n++;
	}
#undef PUT
	out[at] = '\0';
	*out_len = at;
	return IDREG_OK;
}

idreg_err idreg_punycode_decode(const char *in, size_t len, uint32_t *cps, size_t max, size_t *n_out,
				struct idreg_diag *diag)
{
	*n_out = 0;
	size_t basic = 0;
	for (size_t j = 0; j < len; j++) {
		if ((unsigned char)in[j] >= 0x80) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "Punycode has a non-ASCII byte 0x%02X at offset %zu",
					      (unsigned)(unsigned char)in[j], j);
		}
		if (in[j] == DELIMITER) {
			basic = j;
		}
	}
	if (basic > max || len >= MAXINT) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "Punycode decodes to more than %zu code points",
				      max);
	}
	size_t out = 0;
	for (; out < basic; out++) {
		cps[out] = (unsigned char)in[out];
	}
	uint32_t n = INITIAL_N, i = 0, bias = INITIAL_BIAS;
	for (size_t pos = basic > 0 ? basic + 1 : 0; pos < len;) {
		uint32_t oldi = i, w = 1;
		for (uint32_t k = BASE;; k += BASE) {
			if (pos >= len) {
				return idreg_diag_set(diag, IDREG_EPARSE,
						      "Punycode ends in the middle of a number");
			}
			unsigned char c = (unsigned char)in[pos];
			uint32_t digit = decode_digit(c);
			if (digit >= BASE) {
				return idreg_diag_set(diag, IDREG_EPARSE,
						      "'%c' at offset %zu is not a Punycode digit",
						      c >= 0x20 && c < 0x7f ? c : '?', pos);
			}
			pos++;
			if (digit > (MAXINT - i) / w) {
				return idreg_diag_set(diag, IDREG_EPARSE, "Punycode overflow at offset %zu",
						      pos - 1);
			}
			i += digit * w;
			uint32_t t = threshold(k, bias);
			if (digit < t) {
				break;
			}
			if (w > MAXINT / (BASE - t)) {
				return idreg_diag_set(diag, IDREG_EPARSE, "Punycode overflow at offset %zu",
						      pos - 1);
			}
			w *= BASE - t;
		}
		uint32_t count = (uint32_t)out + 1;
		bias = adapt(i - oldi, count, oldi == 0);
		if (i / count > MAXINT - n) {
			return idreg_diag_set(diag, IDREG_EPARSE, "Punycode overflow at offset %zu", pos - 1);
		}
		n += i / count;
		i %= count;
		if (n > CODE_POINT_MAX || (n >= 0xd800 && n <= 0xdfff)) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "Punycode decodes to U+%X, which is not a Unicode scalar value",
					      (unsigned)n);
		}
		if (out >= max) {
			return idreg_diag_set(diag, IDREG_ETOOBIG,
					      "Punycode decodes to more than %zu code points", max);
		}
		for (size_t j = out; j > i; j--) {
			cps[j] = cps[j - 1];
		}
		cps[i] = n;
		out++;
		i++;
	}
	*n_out = out;
	return IDREG_OK;
}
