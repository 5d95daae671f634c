/*
 * Punycode (RFC 3492): the Bootstring encoding that turns a string of code
 * points into the ASCII that follows "xn--" in an A-label, and back.
 *
 * ICU does this inside its UTS #46 processing but offers no public call for
 * it; the registration check (idna2008.h) needs one of its own to decode an
 * A-label strictly, with the reason when it cannot, and to encode U-labels,
 * whose A-labels it then compares with ICU's.
 *
 * Both directions are bounded by the caller's arrays and check every integer
 * step for overflow (RFC 3492, 6.4); the decoder refuses anything that is not
 * a well-formed Punycode string, with the reason in words.  Case: the
 * encoder writes lower-case digits and copies basic code points as they
 * are; the decoder reads digits in either case and ignores RFC 3492's
 * optional mixed-case annotation.
 */
#ifndef IDREG_IDN_PUNYCODE_H
#define IDREG_IDN_PUNYCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/**
 * Encode @n code points (each at most U+10FFFF) as Punycode into @out of
 * @size bytes, NUL-terminated, its length in *@out_len.  The string holds no
 * "xn--" prefix.  IDREG_ETOOBIG when @out is too small, IDREG_EINVAL for a
 * code point above U+10FFFF, IDREG_EPARSE when the deltas overflow (they
 * cannot for fewer than about 2^20 code points).
 */
idreg_err idreg_punycode_encode(const uint32_t *cps, size_t n, char *out, size_t size,
				size_t *out_len, struct idreg_diag *diag);

/**
 * Decode the Punycode string @in of @len bytes (without "xn--") into at most
 * @max code points at @cps, their number in *@n.  IDREG_EPARSE, with the
 * reason, for a byte that is not ASCII, a basic part that is not ASCII, a
 * character that is not a Punycode digit, a number cut short, an overflow,
 * or a code point that is a surrogate or above U+10FFFF; IDREG_ETOOBIG when
 * more than @max code points would come out.
 */
idreg_err idreg_punycode_decode(const char *in, size_t len, uint32_t *cps, size_t max, size_t *n,
				struct idreg_diag *diag);

#endif
