/*
 * Registration-time IDNA2008 (RFC 5890-5894): may a registry register this
 * name, and what are its A-label and U-label forms?
 *
 * Lookup (uts46.h) maps what users type; registration does not.  A name is
 * registrable when each of its labels, as given (ASCII letters in either
 * case, since the DNS ignores their case), is an LDH label, a U-label or an
 * A-label:
 *
 *  - an A-label ("xn--", any case) must be well-formed Punycode (RFC 3492)
 *    that decodes to a label with at least one non-ASCII code point, which
 *    is then checked as a U-label, and must be what that U-label encodes to
 *    (the round trip below); these are the bug classes of CVE-2019-12290
 *    and CVE-2024-12224: A-labels that are not the encoding of a valid
 *    U-label, or that stand for an ASCII label;
 *  - every code point of the U-label must be PVALID, CONTEXTJ or CONTEXTO
 *    in the derived property of RFC 5892 computed from the Unicode data of
 *    the ICU in use (idreg_idna2008_derive); nothing is mapped;
 *  - the U-label must be in NFC;
 *  - the A-label is at most 63 octets and the name at most 253;
 *  - then the whole name, in its U-label form, goes through ICU's UTS #46
 *    processing (non-transitional, STD3 rules, hyphen rules, no leading
 *    combining mark, the Bidi rule of RFC 5893, the CONTEXTJ and CONTEXTO
 *    rules of RFC 5892 Appendix A), which must find nothing wrong and must
 *    give back the same A-labels (the A-labels given, or those encoded by
 *    punycode.h), and ICU's U-label form of those A-labels must be the
 *    labels checked: the U -> A -> U round trip through an implementation
 *    independent of the one that decoded and encoded them.
 *
 * A refusal says which check failed, in which label, and for a code point
 * which one and under which rule of RFC 5892 section 2.  Every function
 * here may be called from any thread.
 */
#ifndef IDREG_IDN_IDNA2008_H
#define IDREG_IDN_IDNA2008_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "idn/uts46.h"

/** The derived property values of RFC 5892 (section 1 / 5). */
enum idreg_idna2008_property {
	IDREG_IDNA2008_PVALID,
	IDREG_IDNA2008_CONTEXTJ,
	IDREG_IDNA2008_CONTEXTO,
	IDREG_IDNA2008_DISALLOWED,
	IDREG_IDNA2008_UNASSIGNED,
};

/**
 * The category of RFC 5892 section 2 that decided a code point's property,
 * in the order of the rules of section 3.  BackwardCompatible (2.7, G) is
 * empty in RFC 5892 and in every later review, so it decides nothing here.
 */
enum idreg_idna2008_category {
	IDREG_IDNA2008_EXCEPTIONS,           /* 2.6 (F) */
	IDREG_IDNA2008_UNASSIGNED_CODE_POINT, /* 2.10 (J) */
	IDREG_IDNA2008_LDH,                  /* 2.5 (E) */
	IDREG_IDNA2008_JOIN_CONTROL,         /* 2.8 (H) */
	IDREG_IDNA2008_UNSTABLE,             /* 2.2 (B) */
	IDREG_IDNA2008_IGNORABLE_PROPERTIES, /* 2.3 (C) */
	IDREG_IDNA2008_IGNORABLE_BLOCKS,     /* 2.4 (D) */
	IDREG_IDNA2008_OLD_HANGUL_JAMO,      /* 2.9 (I) */
	IDREG_IDNA2008_LETTER_DIGITS,        /* 2.1 (A) */
	IDREG_IDNA2008_OTHER,                /* none of them: DISALLOWED */
};

struct idreg_idna2008_derived {
	enum idreg_idna2008_property property;
	enum idreg_idna2008_category category;
};

/**
 * The derived property of @cp (at most U+10FFFF) by the algorithm of RFC
 * 5892 section 3, from ICU's Unicode data (its version is U_UNICODE_VERSION).
 * IDREG_EINVAL for a value above U+10FFFF or when ICU's normalization data
 * cannot be loaded.
 */
idreg_err idreg_idna2008_derive(uint32_t cp, struct idreg_idna2008_derived *out);

/** "PVALID", "CONTEXTJ", "CONTEXTO", "DISALLOWED" or "UNASSIGNED". */
const char *idreg_idna2008_property_name(enum idreg_idna2008_property property);

/** The rule in words, with its section of RFC 5892. */
const char *idreg_idna2008_category_text(enum idreg_idna2008_category category);

/** A code point for a message: "U+00C4 (LATIN CAPITAL LETTER A WITH DIAERESIS)". */
void idreg_idna2008_code_point_words(uint32_t cp, char *out, size_t size);

/* X(NAME, text): the checks a name can fail, in the order they run. */
#define IDREG_IDNA2008_CHECK_LIST(X)                                                             \
	X(INPUT, "not a name")                                                                     \
	X(EMPTY_LABEL, "an empty label (two dots in a row, or a leading dot)")                    \
	X(PUNYCODE, "an A-label (xn--) whose Punycode cannot be decoded")                         \
	X(ALABEL_ASCII, "an xn-- label that decodes to ASCII only, which is no A-label")          \
	X(CODE_POINT, "a code point IDNA2008 does not allow (RFC 5892)")                          \
	X(NOT_NFC, "a label not in Unicode Normalization Form C (RFC 5891, 5.3)")                 \
	X(LABEL_TOO_LONG, "a label longer than 63 octets in its A-label form")                    \
	X(NAME_TOO_LONG, "longer than 253 octets in its A-label form")                            \
	X(UTS46, "a rule of IDNA2008 checked by UTS #46 processing")                              \
	X(ROUND_TRIP, "the U-label to A-label to U-label round trip does not give the name back")

#define IDREG__IDNA2008_CHECK(name, text) IDREG_IDNA2008_##name,
/** Which check refused a name. */
enum idreg_idna2008_check { IDREG_IDNA2008_CHECK_LIST(IDREG__IDNA2008_CHECK) };
#undef IDREG__IDNA2008_CHECK

/** Why a name was refused, for programs (the diag has it in words). */
struct idreg_idna2008_refusal {
	enum idreg_idna2008_check check;
	unsigned label;                        /* which label, from 1; 0: the whole name */
	uint32_t code_point;                   /* CODE_POINT, NOT_NFC: the one at fault */
	struct idreg_idna2008_derived derived; /* CODE_POINT: its property and why */
	uint32_t uts46_errors;                 /* UTS46: the IDREG_UTS46_* bits found */
};

/** A registrable name in both forms, without a trailing dot. */
struct idreg_idna2008_name {
	char ascii[IDREG_UTS46_ASCII_MAX];     /* A-labels and LDH labels, lower case */
	char unicode[IDREG_UTS46_UNICODE_MAX]; /* U-labels and LDH labels, lower case */
};

/**
 * Check the UTF-8 name @utf8 of @len bytes (LDH labels, U-labels and A-labels
 * separated by '.', one trailing dot allowed) for registration, as described
 * at the top of this file.  IDREG_OK with both forms in *@out; IDREG_EPARSE
 * with *@refusal (may be NULL) and a message naming the label, the code point
 * and the rule in @diag; IDREG_ENOMEM or IDREG_EINVAL when ICU itself fails.
 */
idreg_err idreg_idna2008_check_name(const char *utf8, size_t len, struct idreg_idna2008_name *out,
				    struct idreg_idna2008_refusal *refusal,
				    struct idreg_diag *diag);

/** The text of a check ("a label longer than 63 octets in its A-label form"). */
const char *idreg_idna2008_check_text(enum idreg_idna2008_check check);

#endif
