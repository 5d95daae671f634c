/*
 * Lookup mapping: what users type, turned into the name it stands for.
 * Unicode UTS #46 processing (non-transitional, STD3 rules, the Bidi rule of
 * RFC 5893 and CONTEXTJ of RFC 5892) through ICU maps case, width and
 * compatibility forms (NFKC) and turns a name given with U-labels or
 * A-labels into its A-label (ASCII) form or its U-label (Unicode) form, with
 * DNS length limits.  RDAP, WHOIS and search use this.  Registering a name
 * is stricter and lives in idna2008.h: no mapping, only code points IDNA2008
 * allows, and A-labels checked both ways.
 *
 * A name that mixes A-labels ("xn--...") and U-labels (non-ASCII) is
 * refused with its own problem bit, IDREG_UTS46_MIXED_LABELS, so that RDAP
 * can answer 400 for it (RFC 9082, 3.1.3); idreg_uts46_mixed_labels() asks
 * the same question without converting.
 *
 * Threads: the ICU UIDNA object is opened once, on first use
 * (pthread_once), and never changed afterwards; ICU documents a UIDNA as
 * usable from several threads at once, so every function here may be
 * called from any thread without locking.
 */
#ifndef IDREG_IDN_UTS46_H
#define IDREG_IDN_UTS46_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* DNS limits (RFC 1035, 2.3.4), in octets of the A-label form, without a trailing dot. */
#define IDREG_DNS_NAME_MAX 253
#define IDREG_DNS_LABEL_MAX 63

/* Buffer sizes, with the NUL, that always hold a converted name: the A-label
 * form is at most 253 octets; each octet of it stands for at most one code
 * point of the U-label form, at most 4 bytes of UTF-8. */
#define IDREG_UTS46_ASCII_MAX 256
#define IDREG_UTS46_UNICODE_MAX 1024

/* Longest input accepted, in bytes (mapping can remove characters, so an
 * input may be longer than its result, but not without bound). */
#define IDREG_UTS46_INPUT_MAX 4096

/**
 * What is wrong with a name: a bit per problem.  The low bits are ICU's
 * UIDNA_ERROR_* values, unchanged; the high ones are idreg's own checks.
 */
enum idreg_uts46_problem {
	IDREG_UTS46_EMPTY_LABEL = 0x1,
	IDREG_UTS46_LABEL_TOO_LONG = 0x2,
	IDREG_UTS46_NAME_TOO_LONG = 0x4,
	IDREG_UTS46_LEADING_HYPHEN = 0x8,
	IDREG_UTS46_TRAILING_HYPHEN = 0x10,
	IDREG_UTS46_HYPHEN_3_4 = 0x20,
	IDREG_UTS46_LEADING_COMBINING_MARK = 0x40,
	IDREG_UTS46_DISALLOWED = 0x80,
	IDREG_UTS46_PUNYCODE = 0x100,
	IDREG_UTS46_LABEL_HAS_DOT = 0x200,
	IDREG_UTS46_INVALID_ACE_LABEL = 0x400,
	IDREG_UTS46_BIDI = 0x800,
	IDREG_UTS46_CONTEXTJ = 0x1000,
	IDREG_UTS46_CONTEXTO_PUNCTUATION = 0x2000,
	IDREG_UTS46_CONTEXTO_DIGITS = 0x4000,
	IDREG_UTS46_MIXED_LABELS = 0x10000, /* A-labels and U-labels in one name */
	IDREG_UTS46_NOT_UTF8 = 0x20000,     /* invalid UTF-8, or a NUL byte */
	IDREG_UTS46_EMPTY = 0x40000,        /* no name at all ("" or ".") */
	IDREG_UTS46_INPUT_TOO_LONG = 0x80000, /* longer than IDREG_UTS46_INPUT_MAX */
	IDREG_UTS46_INTERNAL = 0x100000,    /* ICU could not be set up */
};

/** Which form a conversion produces. */
enum idreg_uts46_form { IDREG_UTS46_TO_ASCII, IDREG_UTS46_TO_UNICODE };

/**
 * Convert the UTF-8 name @utf8 of @len bytes (U-labels, A-labels or plain
 * LDH labels; one trailing dot allowed and dropped) to the requested form,
 * written NUL-terminated into @out of @size bytes: lower-case ASCII for
 * TO_ASCII, NFC Unicode with A-labels decoded for TO_UNICODE.  Returns
 * IDREG_OK; IDREG_EPARSE for a name that is not valid, with every problem
 * found in *@problems (may be NULL) and a message saying which check failed
 * (and in which label, when one can be named) in @diag; IDREG_ETOOBIG when
 * @out is too small (IDREG_UTS46_*_MAX always suffices); IDREG_ENOMEM or
 * IDREG_EINVAL when ICU itself fails.
 */
idreg_err idreg_uts46_convert(enum idreg_uts46_form form, const char *utf8, size_t len, char *out,
			      size_t size, uint32_t *problems, struct idreg_diag *diag);

/**
 * Plain UTS #46 processing of the name @utf8 of @len bytes, as Unicode
 * specifies it and its conformance file IdnaTestV2.txt tests it: ToASCII
 * (with VerifyDnsLength) or ToUnicode, with the options above plus the
 * CONTEXTO rules of RFC 5892 when @contexto, and none of idreg's own policy
 * (no mixed-label refusal, no removal of the trailing dot).  The result is
 * written NUL-terminated into @out (@size bytes), its length in *@out_len,
 * even when the name has errors (UTS #46 processing goes on and puts U+FFFD
 * for what it cannot keep); the ICU error bits (IDREG_UTS46_* below 0x10000)
 * go to *@errors, 0 when the name passed every check.  Returns IDREG_OK;
 * IDREG_ETOOBIG when @len exceeds IDREG_UTS46_INPUT_MAX or @out is too
 * small; IDREG_ENOMEM or IDREG_EINVAL when ICU itself fails (with
 * IDREG_UTS46_INTERNAL in *@errors when it could not be set up).  Invalid
 * UTF-8 is an error of ICU's (IDREG_UTS46_DISALLOWED).
 */
idreg_err idreg_uts46_process(enum idreg_uts46_form form, bool contexto, const char *utf8,
			      size_t len, char *out, size_t size, size_t *out_len, uint32_t *errors,
			      struct idreg_diag *diag);

/** Is @text strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF, no NUL? */
bool idreg_uts46_valid_utf8(const char *text, size_t len);

/** The A-label form of a name; see idreg_uts46_convert. */
idreg_err idreg_uts46_to_ascii(const char *utf8, size_t len, char *out, size_t size,
			       struct idreg_diag *diag);

/** The U-label form of a name; see idreg_uts46_convert. */
idreg_err idreg_uts46_to_unicode(const char *utf8, size_t len, char *out, size_t size,
				 struct idreg_diag *diag);

/**
 * Does the name mix A-labels (labels starting "xn--", any case) and
 * U-labels (labels with a non-ASCII byte)?  Labels are split at '.' and at
 * the dots UTS #46 maps to it (U+3002, U+FF0E, U+FF61).
 */
bool idreg_uts46_mixed_labels(const char *name, size_t len);

/**
 * Is the name all LDH: ASCII letters, digits and hyphens in labels of 1 to
 * 63 octets that neither start nor end with a hyphen, at most 253 octets,
 * with one trailing dot allowed?  A-labels are LDH labels too (RFC 5890);
 * upper case is LDH.
 */
bool idreg_uts46_is_ldh(const char *name, size_t len);

/**
 * Map part of a name (the prefix of a search pattern) as UTS #46 maps whole
 * names -- case folded, width folded, NFC, the other dots made '.' -- without
 * the checks only a whole label or name can pass (hyphens, Bidi, CONTEXTJ,
 * lengths).  IDREG_EPARSE for invalid UTF-8 or a character no name may
 * contain.
 */
idreg_err idreg_uts46_map_partial(const char *utf8, size_t len, char *out, size_t size,
				  struct idreg_diag *diag);

/** The message for one problem bit ("a label starts with a hyphen"). */
const char *idreg_uts46_problem_text(uint32_t problem);

#endif
