/*
 * Registration-time IDNA2008 (see idna2008.h): the derived property of RFC
 * 5892 computed from ICU's character data, and the check of a name label by
 * label (A-label decoding and re-encoding, the code point filter, NFC,
 * lengths), then as a whole through ICU's UTS #46 processing with the
 * CONTEXTO rules, and the U -> A -> U round trip through ICU.
 */
#include "idn/idna2008.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "idn/punycode.h"

/* ---- the derived property (RFC 5892, sections 2 and 3) ---- */

/* 2.6 (F) Exceptions, all between U+00B7 and U+30FB. */
static const struct {
	uint32_t first, last;
	enum idreg_idna2008_property property;
} exceptions[] = {
	{ 0x00df, 0x00df, IDREG_IDNA2008_PVALID },     /* LATIN SMALL LETTER SHARP S */
	{ 0x03c2, 0x03c2, IDREG_IDNA2008_PVALID },     /* GREEK SMALL LETTER FINAL SIGMA */
	{ 0x06fd, 0x06fe, IDREG_IDNA2008_PVALID },     /* ARABIC SIGN SINDHI AMPERSAND, POSTPOSITION MEN */
	{ 0x0f0b, 0x0f0b, IDREG_IDNA2008_PVALID },     /* TIBETAN MARK INTERSYLLABIC TSHEG */
	{ 0x3007, 0x3007, IDREG_IDNA2008_PVALID },     /* IDEOGRAPHIC NUMBER ZERO */
	{ 0x00b7, 0x00b7, IDREG_IDNA2008_CONTEXTO },   /* MIDDLE DOT */
	{ 0x0375, 0x0375, IDREG_IDNA2008_CONTEXTO },   /* GREEK LOWER NUMERAL SIGN (KERAIA) */
	{ 0x05f3, 0x05f4, IDREG_IDNA2008_CONTEXTO },   /* HEBREW PUNCTUATION GERESH, GERSHAYIM */
	{ 0x30fb, 0x30fb, IDREG_IDNA2008_CONTEXTO },   /* KATAKANA MIDDLE DOT */
	{ 0x0660, 0x0669, IDREG_IDNA2008_CONTEXTO },   /* ARABIC-INDIC DIGITS */
	{ 0x06f0, 0x06f9, IDREG_IDNA2008_CONTEXTO },   /* EXTENDED ARABIC-INDIC DIGITS */
	{ 0x0640, 0x0640, IDREG_IDNA2008_DISALLOWED }, /* ARABIC TATWEEL */
	{ 0x07fa, 0x07fa, IDREG_IDNA2008_DISALLOWED }, /* NKO LAJANYALAN */
	{ 0x302e, 0x302f, IDREG_IDNA2008_DISALLOWED }, /* HANGUL SINGLE, DOUBLE DOT TONE MARK */
	{ 0x3031, 0x3035, IDREG_IDNA2008_DISALLOWED }, /* VERTICAL KANA REPEAT MARKS */
	{ 0x303b, 0x303b, IDREG_IDNA2008_DISALLOWED }, /* VERTICAL IDEOGRAPHIC ITERATION MARK */
};

static const char *const property_names[] = {
	[IDREG_IDNA2008_PVALID] = "PVALID",
	[IDREG_IDNA2008_CONTEXTJ] = "CONTEXTJ",
	[IDREG_IDNA2008_CONTEXTO] = "CONTEXTO",
	[IDREG_IDNA2008_DISALLOWED] = "DISALLOWED",
	[IDREG_IDNA2008_UNASSIGNED] = "UNASSIGNED",
};

static const char *const category_texts[] = {
	[IDREG_IDNA2008_EXCEPTIONS] = "listed among the Exceptions (RFC 5892, 2.6)",
	[IDREG_IDNA2008_UNASSIGNED_CODE_POINT] = "not assigned in Unicode " U_UNICODE_VERSION
						 " (Unassigned, RFC 5892, 2.10)",
	[IDREG_IDNA2008_LDH] = "a lower-case letter, digit or hyphen (LDH, RFC 5892, 2.5)",
	[IDREG_IDNA2008_JOIN_CONTROL] = "a join control (JoinControl, RFC 5892, 2.8)",
	[IDREG_IDNA2008_UNSTABLE] = "changed by NFKC and case folding, as upper case and "
				    "compatibility forms are (Unstable, RFC 5892, 2.2)",
	[IDREG_IDNA2008_IGNORABLE_PROPERTIES] = "a default ignorable code point, white space or "
						"a noncharacter (IgnorableProperties, RFC 5892, 2.3)",
	[IDREG_IDNA2008_IGNORABLE_BLOCKS] = "in a block of symbols or musical notation "
					    "(IgnorableBlocks, RFC 5892, 2.4)",
	[IDREG_IDNA2008_OLD_HANGUL_JAMO] = "a conjoining Hangul jamo (OldHangulJamo, RFC 5892, 2.9)",
	[IDREG_IDNA2008_LETTER_DIGITS] = "a letter, mark or digit (LetterDigits, RFC 5892, 2.1)",
	[IDREG_IDNA2008_OTHER] = "not a letter, mark or digit (RFC 5892, section 3)",
};

const char *idreg_idna2008_property_name(enum idreg_idna2008_property property)
{
	return (unsigned)property < sizeof(property_names) / sizeof(property_names[0])
		       ? property_names[property]
		       : "?";
}

const char *idreg_idna2008_category_text(enum idreg_idna2008_category category)
{
	return (unsigned)category < sizeof(category_texts) / sizeof(category_texts[0])
		       ? category_texts[category]
		       : "?";
}

static pthread_once_t normalizers_once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *nfkc, *nfc;

static void normalizers_open(void)
{
	UErrorCode ec = U_ZERO_ERROR;
	nfkc = unorm2_getNFKCInstance(&ec);
	if (U_FAILURE(ec)) {
		nfkc = NULL;
	}
	ec = U_ZERO_ERROR;
	nfc = unorm2_getNFCInstance(&ec);
	if (U_FAILURE(ec)) {
		nfc = NULL;
	}
}

/* ICU's NFKC and NFC, or an error when its data cannot be loaded. */
static idreg_err normalizers(struct idreg_diag *diag)
{
	pthread_once(&normalizers_once, normalizers_open);
	if (nfkc == NULL || nfc == NULL) {
		return idreg_diag_set(diag, IDREG_EINVAL, "ICU's normalization data cannot be loaded");
	}
	return IDREG_OK;
}

/* 2.2 (B): toNFKC(toCasefold(toNFKC(cp))) != cp.  A code point that
 * Changes_When_NFKC_Casefolded does not (NFKC_Casefold is that mapping, done
 * until nothing changes) is stable, which spares most letters the three
 * mappings.  One code point grows to at most 18 under NFKC (U+FDFA) and each
 * of those to at most 3 under folding. */
static idreg_err unstable(uint32_t cp, bool *out)
{
	if (!u_hasBinaryProperty((UChar32)cp, UCHAR_CHANGES_WHEN_NFKC_CASEFOLDED)) {
		*out = false;
		return IDREG_OK;
	}
	UChar src[2], a[128], b[128], c[128];
	int32_t n = 0;
	U16_APPEND_UNSAFE(src, n, cp);
	UErrorCode ec = U_ZERO_ERROR;
	int32_t na = unorm2_normalize(nfkc, src, n, a, 128, &ec);
	int32_t nb = u_strFoldCase(b, 128, a, na, U_FOLD_CASE_DEFAULT, &ec);
	int32_t nc = unorm2_normalize(nfkc, b, nb, c, 128, &ec);
	if (U_FAILURE(ec)) {
		return IDREG_EINVAL;
	}
	*out = nc != n || memcmp(c, src, (size_t)n * sizeof(UChar)) != 0;
	return IDREG_OK;
}

idreg_err idreg_idna2008_derive(uint32_t cp, struct idreg_idna2008_derived *out)
{
	if (cp > 0x10ffff || normalizers(NULL) != IDREG_OK) {
		return IDREG_EINVAL;
	}
	for (size_t i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]) && cp >= 0xb7 && cp <= 0x30fb;
	     i++) {
		if (cp >= exceptions[i].first && cp <= exceptions[i].last) {
			*out = (struct idreg_idna2008_derived){ exceptions[i].property,
								IDREG_IDNA2008_EXCEPTIONS };
			return IDREG_OK;
		}
	}
	UChar32 c = (UChar32)cp;
	bool noncharacter = u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT);
	enum idreg_idna2008_property property = IDREG_IDNA2008_DISALLOWED;
	enum idreg_idna2008_category category;
	bool is_unstable;
	if (u_charType(c) == U_UNASSIGNED && !noncharacter) {
		property = IDREG_IDNA2008_UNASSIGNED;
		category = IDREG_IDNA2008_UNASSIGNED_CODE_POINT;
	} else if (cp == '-' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) {
		property = IDREG_IDNA2008_PVALID;
		category = IDREG_IDNA2008_LDH;
	} else if (u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL)) {
		property = IDREG_IDNA2008_CONTEXTJ;
		category = IDREG_IDNA2008_JOIN_CONTROL;
	} else if (unstable(cp, &is_unstable) != IDREG_OK) {
		return IDREG_EINVAL;
	} else if (is_unstable) {
		category = IDREG_IDNA2008_UNSTABLE;
	} else if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
		   u_hasBinaryProperty(c, UCHAR_WHITE_SPACE) || noncharacter) {
		category = IDREG_IDNA2008_IGNORABLE_PROPERTIES;
	} else if (ublock_getCode(c) == UBLOCK_COMBINING_MARKS_FOR_SYMBOLS ||
		   ublock_getCode(c) == UBLOCK_MUSICAL_SYMBOLS ||
		   ublock_getCode(c) == UBLOCK_ANCIENT_GREEK_MUSICAL_NOTATION) {
		category = IDREG_IDNA2008_IGNORABLE_BLOCKS;
	} else if (u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) == U_HST_LEADING_JAMO ||
		   u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) == U_HST_VOWEL_JAMO ||
		   u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) == U_HST_TRAILING_JAMO) {
		category = IDREG_IDNA2008_OLD_HANGUL_JAMO;
	} else if ((U_GET_GC_MASK(c) & (U_GC_LL_MASK | U_GC_LU_MASK | U_GC_LO_MASK | U_GC_ND_MASK |
					U_GC_LM_MASK | U_GC_MN_MASK | U_GC_MC_MASK)) != 0) {
		property = IDREG_IDNA2008_PVALID;
		category = IDREG_IDNA2008_LETTER_DIGITS;
	} else {
		category = IDREG_IDNA2008_OTHER;
	}
	*out = (struct idreg_idna2008_derived){ property, category };
	return IDREG_OK;
}

/* ---- checking a name ---- */

#define IDREG__IDNA2008_CHECK_TEXT(name, text) text,
static const char *const check_texts[] = { IDREG_IDNA2008_CHECK_LIST(IDREG__IDNA2008_CHECK_TEXT) };
#undef IDREG__IDNA2008_CHECK_TEXT

const char *idreg_idna2008_check_text(enum idreg_idna2008_check check)
{
	return (unsigned)check < sizeof(check_texts) / sizeof(check_texts[0]) ? check_texts[check]
									       : "?";
}

struct checker {
	struct idreg_idna2008_name *out;
	size_t ascii_len, unicode_len;
	struct idreg_idna2008_refusal *refusal;
	struct idreg_diag *diag;
};

/* @text (@len bytes of valid UTF-8) for a message: at most 64 bytes, cut
 * at a character boundary, control characters as '?'. */
static void shown(const char *text, size_t len, char *out, size_t size)
{
	size_t n = len < 64 ? len : 64;
	while (n < len && n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) {
		n--;
	}
	size_t at = 0;
	for (size_t i = 0; i < n && at + 4 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		out[at++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len && at + 4 < size) {
		memcpy(out + at, "...", 3);
		at += 3;
	}
	out[at] = '\0';
}

void idreg_idna2008_code_point_words(uint32_t cp, char *out, size_t size)
{
	char name[128];
	UErrorCode ec = U_ZERO_ERROR;
	u_charName((UChar32)cp, U_EXTENDED_CHAR_NAME, name, (int32_t)sizeof(name), &ec);
	if (U_FAILURE(ec)) {
		name[0] = '\0';
	}
	snprintf(out, size, "U+%04X (%s)", (unsigned)cp, name[0] ? name : "no name");
}

/* Refuse the name for @check, in label @number (0: the whole name) whose
 * text is @label; the details after the check's words. */
static idreg_err refuse(struct checker *ck, enum idreg_idna2008_check check, unsigned number,
			const char *label, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static idreg_err refuse(struct checker *ck, enum idreg_idna2008_check check, unsigned number,
			const char *label, size_t len, const char *fmt, ...)
{
	ck->refusal->check = check;
	ck->refusal->label = number;
	ck->out->ascii[0] = '\0';
	ck->out->unicode[0] = '\0';
	char details[400], where[112] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	if (number > 0) {
		char text[80];
		shown(label, len, text, sizeof(text));
		snprintf(where, sizeof(where), "label %u '%s': ", number, text);
	}
	return idreg_diag_set(ck->diag, IDREG_EPARSE, "%s%s%s%s", where,
			      idreg_idna2008_check_text(check), details[0] ? ": " : "", details);
}

/* @n code points as UTF-8 into @out (which has room: 4 bytes a code point and a NUL). */
static size_t utf8_of(const uint32_t *cps, size_t n, char *out)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		U8_APPEND_UNSAFE(out, at, (UChar32)cps[i]);
	}
	out[at] = '\0';
	return at;
}

/* Longest label input worth decoding: a U-label of more code points than this
 * has an A-label longer than 63 octets. */
#define LABEL_CODE_POINTS_MAX IDREG_DNS_LABEL_MAX

/* A-label: decode the Punycode after "xn--" strictly, into @cps (@n).  That
 * it is the encoding of what it decodes to is for the round trip to say. */
static idreg_err decode_a_label(struct checker *ck, unsigned number, const char *label,
				size_t len, const char *folded, uint32_t *cps, size_t *n)
{
	struct idreg_diag why = { "" };
	if (idreg_punycode_decode(folded + 4, len - 4, cps, LABEL_CODE_POINTS_MAX, n, &why) !=
	    IDREG_OK) {
		return refuse(ck, IDREG_IDNA2008_PUNYCODE, number, label, len, "%s", why.text);
	}
	bool non_ascii = false;
	for (size_t i = 0; i < *n; i++) {
		non_ascii |= cps[i] >= 0x80;
	}
	if (!non_ascii) {
		char text[IDREG_DNS_LABEL_MAX + 1];
		utf8_of(cps, *n, text);
		return refuse(ck, IDREG_IDNA2008_ALABEL_ASCII, number, label, len,
			      *n ? "it decodes to '%s'" : "it decodes to nothing%s", text);
	}
	return IDREG_OK;
}

/* Every code point PVALID, CONTEXTJ or CONTEXTO; the label in NFC. */
static idreg_err filter_label(struct checker *ck, unsigned number, const char *label, size_t len,
			      const uint32_t *cps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct idreg_idna2008_derived d;
		if (idreg_idna2008_derive(cps[i], &d) != IDREG_OK) {
			return idreg_diag_set(ck->diag, IDREG_EINVAL,
					      "ICU cannot give the properties of U+%04X",
					      (unsigned)cps[i]);
		}
		if (d.property == IDREG_IDNA2008_DISALLOWED || d.property == IDREG_IDNA2008_UNASSIGNED) {
			ck->refusal->code_point = cps[i];
			ck->refusal->derived = d;
			char words[160];
			idreg_idna2008_code_point_words(cps[i], words, sizeof(words));
			return refuse(ck, IDREG_IDNA2008_CODE_POINT, number, label, len, "%s is %s: %s",
				      words, idreg_idna2008_property_name(d.property),
				      idreg_idna2008_category_text(d.category));
		}
	}
	UChar u16[LABEL_CODE_POINTS_MAX * 2], normal[LABEL_CODE_POINTS_MAX * 2 * 3];
	int32_t n16 = 0;
	for (size_t i = 0; i < n; i++) {
		U16_APPEND_UNSAFE(u16, n16, (UChar32)cps[i]);
	}
	UErrorCode ec = U_ZERO_ERROR;
	if (unorm2_isNormalized(nfc, u16, n16, &ec) && U_SUCCESS(ec)) {
		return IDREG_OK;
	}
	int32_t nn = unorm2_normalize(nfc, u16, n16, normal, (int32_t)(sizeof(normal) / sizeof(UChar)),
				      &ec);
	if (U_FAILURE(ec)) {
		return idreg_diag_set(ck->diag, IDREG_EINVAL, "NFC normalization failed: %s",
				      u_errorName(ec));
	}
	/* The first code point from which the label and its NFC form differ. */
	int32_t at = 0;
	size_t index = 0;
	while (at < n16 && at < nn && u16[at] == normal[at]) {
		at += U16_IS_LEAD(u16[at]) ? 2 : 1;
		index++;
	}
	ck->refusal->code_point = cps[index < n ? index : n - 1];
	char words[160], nfc_text[LABEL_CODE_POINTS_MAX * 2 * 3 * 3 + 1], nfc_shown[80];
	idreg_idna2008_code_point_words(ck->refusal->code_point, words, sizeof(words));
	UErrorCode ec8 = U_ZERO_ERROR;
	int32_t n8;
	u_strToUTF8(nfc_text, (int32_t)sizeof(nfc_text), &n8, normal, nn, &ec8);
	shown(nfc_text, U_SUCCESS(ec8) ? (size_t)n8 : 0, nfc_shown, sizeof(nfc_shown));
	return refuse(ck, IDREG_IDNA2008_NOT_NFC, number, label, len,
		      "from %s on it differs from its NFC form '%s'", words, nfc_shown);
}

/* One label: its code points, checked, and both its forms appended to the name. */
static idreg_err check_label(struct checker *ck, unsigned number, const char *label, size_t len)
{
	if (len == 0) {
		return refuse(ck, IDREG_IDNA2008_EMPTY_LABEL, number, label, len, "%s", "");
	}
	/* ASCII letters in lower case; the rest as given. */
	char folded[IDREG_DNS_LABEL_MAX + 1];
	uint32_t cps[LABEL_CODE_POINTS_MAX + 1];
	size_t n = 0;
	bool ascii = true;
	for (size_t i = 0; i < len && n <= LABEL_CODE_POINTS_MAX;) {
		UChar32 c;
		U8_NEXT_UNSAFE(label, i, c);
		if (c >= 'A' && c <= 'Z') {
			c += 'a' - 'A';
		}
		ascii &= c < 0x80;
		if (n < sizeof(folded)) {
			folded[n] = (char)c;
		}
		cps[n++] = (uint32_t)c;
	}
	if (n > LABEL_CODE_POINTS_MAX) {
		return refuse(ck, IDREG_IDNA2008_LABEL_TOO_LONG, number, label, len,
			      "more than %d code points", LABEL_CODE_POINTS_MAX);
	}
	bool a_label = ascii && n >= 4 && memcmp(folded, "xn--", 4) == 0;
	char alabel[IDREG_UTS46_ASCII_MAX];
	size_t alen = 0;
	idreg_err err;
	if (a_label) {
		memcpy(alabel, folded, n);
		alen = n;
		if ((err = decode_a_label(ck, number, label, len, folded, cps, &n)) != IDREG_OK) {
			return err;
		}
	}
	if ((err = filter_label(ck, number, label, len, cps, n)) != IDREG_OK) {
		return err;
	}
	if (!a_label && ascii) {
		memcpy(alabel, folded, n);
		alen = n;
	} else if (!a_label) {
		memcpy(alabel, "xn--", 4);
		if (idreg_punycode_encode(cps, n, alabel + 4, IDREG_DNS_LABEL_MAX + 1 - 4, &alen,
					  NULL) != IDREG_OK) {
			return refuse(ck, IDREG_IDNA2008_LABEL_TOO_LONG, number, label, len, "%s",
				      "its A-label would be longer");
		}
		alen += 4;
	}
	if (ck->ascii_len + (number > 1) + alen > IDREG_DNS_NAME_MAX) {
		return refuse(ck, IDREG_IDNA2008_NAME_TOO_LONG, 0, NULL, 0,
			      "the A-label form reaches %zu octets at label %u",
			      ck->ascii_len + (number > 1) + alen, number);
	}
	if (number > 1) {
		ck->out->ascii[ck->ascii_len++] = '.';
		ck->out->unicode[ck->unicode_len++] = '.';
	}
	memcpy(ck->out->ascii + ck->ascii_len, alabel, alen);
	ck->ascii_len += alen;
	ck->out->ascii[ck->ascii_len] = '\0';
	ck->unicode_len += utf8_of(cps, n, ck->out->unicode + ck->unicode_len);
	return IDREG_OK;
}

/* UTS #46 problems of one label, alone or followed by @after: the problem bits. */
static uint32_t label_problems(const char *label, size_t len, const char *after)
{
	char text[IDREG_UTS46_UNICODE_MAX + 8], out[IDREG_UTS46_UNICODE_MAX];
	size_t out_len, extra = strlen(after);
	uint32_t errors;
	memcpy(text, label, len);
	memcpy(text + len, after, extra);
	if (idreg_uts46_process(IDREG_UTS46_TO_ASCII, true, text, len + extra, out, sizeof(out),
				&out_len, &errors, NULL) != IDREG_OK) {
		return 0;
	}
	return errors;
}

/* ICU's UTS #46 problems of the U-label form, blamed on the first label that
 * shows them on its own or, for the Bidi rule, that breaks it in a name with
 * a right-to-left label (followed by U+05D0 HEBREW LETTER ALEF). */
static idreg_err uts46_refusal(struct checker *ck, uint32_t errors)
{
	static const char *const contexts[] = { "", ".\u05d0" };
	unsigned number = 0;
	const char *label = NULL;
	size_t len = 0;
	for (size_t c = 0; c < 2 && label == NULL; c++) {
		uint32_t wanted = c == 0 ? errors : errors & IDREG_UTS46_BIDI;
		unsigned k = 1;
		for (const char *p = ck->out->unicode; wanted != 0; k++) {
			const char *dot = strchr(p, '.');
			size_t plen = dot ? (size_t)(dot - p) : strlen(p);
			uint32_t found = label_problems(p, plen, contexts[c]) & wanted;
			if (found != 0) {
				number = k, label = p, len = plen, errors = found;
				break;
			}
			if (dot == NULL) {
				break;
			}
			p = dot + 1;
		}
	}
	ck->refusal->uts46_errors = errors;
	char words[400];
	size_t at = 0;
	words[0] = '\0';
	for (uint32_t bit = 1; bit < 0x10000 && at < sizeof(words); bit <<= 1) {
		if ((errors & bit) != 0) {
			at += (size_t)snprintf(words + at, sizeof(words) - at, "%s%s", at ? "; " : "",
					       idreg_uts46_problem_text(bit));
		}
	}
	/* Copy the label first: refuse() clears the forms it points into. */
	char text[IDREG_UTS46_UNICODE_MAX];
	memcpy(text, label ? label : "", len);
	text[len] = '\0';
	return refuse(ck, IDREG_IDNA2008_UTS46, number, text, len, "%s", words);
}

/* The whole name through ICU: UTS #46 checks, then U -> A -> U. */
static idreg_err check_with_icu(struct checker *ck)
{
	char icu[IDREG_UTS46_UNICODE_MAX];
	size_t icu_len;
	uint32_t errors;
	idreg_err err = idreg_uts46_process(IDREG_UTS46_TO_ASCII, true, ck->out->unicode,
					    ck->unicode_len, icu, sizeof(icu), &icu_len, &errors,
					    ck->diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (errors != 0) {
		return uts46_refusal(ck, errors);
	}
	if (icu_len != ck->ascii_len || memcmp(icu, ck->out->ascii, icu_len) != 0) {
		char text[80];
		shown(icu, icu_len, text, sizeof(text));
		return refuse(ck, IDREG_IDNA2008_ROUND_TRIP, 0, NULL, 0,
			      "ICU's A-label form of the name is '%s'", text);
	}
	err = idreg_uts46_process(IDREG_UTS46_TO_UNICODE, true, ck->out->ascii, ck->ascii_len, icu,
				  sizeof(icu), &icu_len, &errors, ck->diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (errors != 0 || icu_len != ck->unicode_len ||
	    memcmp(icu, ck->out->unicode, icu_len) != 0) {
		char text[80];
		shown(icu, icu_len, text, sizeof(text));
		return refuse(ck, IDREG_IDNA2008_ROUND_TRIP, 0, NULL, 0,
			      "ICU's U-label form of its A-labels is '%s'", text);
	}
	return IDREG_OK;
}

idreg_err idreg_idna2008_check_name(const char *utf8, size_t len, struct idreg_idna2008_name *out,
				    struct idreg_idna2008_refusal *refusal, struct idreg_diag *diag)
{
	struct idreg_idna2008_refusal ignored;
	struct checker ck = { .out = out, .refusal = refusal ? refusal : &ignored, .diag = diag };
	memset(ck.refusal, 0, sizeof(*ck.refusal));
	out->ascii[0] = '\0';
	out->unicode[0] = '\0';
	idreg_err err = normalizers(diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (len > IDREG_UTS46_INPUT_MAX) {
		return refuse(&ck, IDREG_IDNA2008_INPUT, 0, NULL, 0, "longer than %d bytes",
			      IDREG_UTS46_INPUT_MAX);
	}
	if (!idreg_uts46_valid_utf8(utf8, len)) {
		return refuse(&ck, IDREG_IDNA2008_INPUT, 0, NULL, 0, "%s",
			      "not valid UTF-8 (or with a NUL byte)");
	}
	if (len > 0 && utf8[len - 1] == '.') {
		len--; /* one trailing dot: the root */
	}
	if (len == 0) {
		return refuse(&ck, IDREG_IDNA2008_INPUT, 0, NULL, 0, "%s", "empty name");
	}
	unsigned number = 1;
	for (size_t start = 0, i = 0; i <= len; i++) {
		if (i == len || utf8[i] == '.') {
			if ((err = check_label(&ck, number++, utf8 + start, i - start)) != IDREG_OK) {
				return err;
			}
			start = i + 1;
		}
	}
	return check_with_icu(&ck);
}
