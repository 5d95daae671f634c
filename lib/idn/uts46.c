/*
 * UTS #46 processing through ICU's UIDNA (see uts46.h): one UIDNA object,
 * opened once with pthread_once and shared by every thread; UTF-8 and
 * mixed-label checks before ICU sees the name; every UIDNA error bit turned
 * into words, naming the first label that fails when one can be found.
 */
#include "idn/uts46.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <unicode/uidna.h>

#define UTS46_OPTIONS                                                                        \
	(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_CHECK_BIDI | \
	 UIDNA_CHECK_CONTEXTJ | UIDNA_USE_STD3_RULES)

/* One UIDNA per set of options: [0] for lookup, [1] with the CONTEXTO rules. */
static pthread_once_t idna_once = PTHREAD_ONCE_INIT;
static UIDNA *idna_objects[2];
static UErrorCode idna_open_error;

static void idna_open(void)
{
	static const uint32_t options[2] = { UTS46_OPTIONS, UTS46_OPTIONS | UIDNA_CHECK_CONTEXTO };
	for (size_t i = 0; i < 2; i++) {
		UErrorCode ec = U_ZERO_ERROR;
		idna_objects[i] = uidna_openUTS46(options[i], &ec);
		if (U_FAILURE(ec)) {
			idna_open_error = ec;
			idna_objects[i] = NULL;
		}
	}
}

/* The shared UIDNA (with the CONTEXTO rules or not), or NULL when ICU could not open it. */
static const UIDNA *idna_get_checking(bool contexto)
{
	pthread_once(&idna_once, idna_open);
	return idna_objects[contexto ? 1 : 0];
}

/* The UIDNA of lookup: no CONTEXTO rules. */
static const UIDNA *idna_get(void)
{
	return idna_get_checking(false);
}

static const struct {
	uint32_t bit;
	const char *text;
} problem_texts[] = {
	{ IDREG_UTS46_EMPTY_LABEL, "empty label (two dots in a row, or a leading dot)" },
	{ IDREG_UTS46_LABEL_TOO_LONG, "a label longer than 63 octets in its A-label form" },
	{ IDREG_UTS46_NAME_TOO_LONG, "longer than 253 octets in its A-label form" },
	{ IDREG_UTS46_LEADING_HYPHEN, "a label starts with a hyphen" },
	{ IDREG_UTS46_TRAILING_HYPHEN, "a label ends with a hyphen" },
	{ IDREG_UTS46_HYPHEN_3_4,
	  "hyphens in the third and fourth positions of a label that is not an A-label" },
	{ IDREG_UTS46_LEADING_COMBINING_MARK, "a label starts with a combining mark" },
	{ IDREG_UTS46_DISALLOWED,
	  "a character that domain names may not contain (UTS #46 with STD3 rules)" },
	{ IDREG_UTS46_PUNYCODE, "an A-label (xn--) whose Punycode cannot be decoded" },
	{ IDREG_UTS46_LABEL_HAS_DOT, "an A-label (xn--) that decodes to a label with a dot" },
	{ IDREG_UTS46_INVALID_ACE_LABEL,
	  "an A-label (xn--) that is not the encoding of a valid U-label" },
	{ IDREG_UTS46_BIDI, "breaks the Bidi rule for right-to-left labels (RFC 5893)" },
	{ IDREG_UTS46_CONTEXTJ,
	  "a zero-width joiner or non-joiner where RFC 5892 (CONTEXTJ) does not allow one" },
	{ IDREG_UTS46_CONTEXTO_PUNCTUATION,
	  "a punctuation character out of the context RFC 5892 (CONTEXTO) allows" },
	{ IDREG_UTS46_CONTEXTO_DIGITS,
	  "Arabic-Indic digits mixed with extended Arabic-Indic digits (RFC 5892 CONTEXTO)" },
	{ IDREG_UTS46_MIXED_LABELS, "mixes A-labels (xn--) and U-labels (non-ASCII) in one name" },
	{ IDREG_UTS46_NOT_UTF8, "not valid UTF-8 (or contains a NUL byte)" },
	{ IDREG_UTS46_EMPTY, "empty name" },
	{ IDREG_UTS46_INPUT_TOO_LONG, "longer than 4096 bytes" },
	{ IDREG_UTS46_INTERNAL, "the IDNA library (ICU) could not be set up" },
};

const char *idreg_uts46_problem_text(uint32_t problem)
{
	for (size_t i = 0; i < sizeof(problem_texts) / sizeof(problem_texts[0]); i++) {
		if (problem_texts[i].bit == problem) {
			return problem_texts[i].text;
		}
	}
	return "an IDNA error";
}

bool idreg_uts46_valid_utf8(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c == 0) {
			return false;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned min, cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n) {
			return false;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			return false;
		}
		i += n + 1;
	}
	return true;
}

/* Length of the label separator at @s (at most @left bytes): '.' or a dot UTS #46 maps to '.'. */
static size_t dot_length(const unsigned char *s, size_t left)
{
	if (s[0] == '.') {
		return 1;
	}
	if (left >= 3 && ((s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x82) ||  /* U+3002 */
			  (s[0] == 0xef && s[1] == 0xbc && s[2] == 0x8e) ||  /* U+FF0E */
			  (s[0] == 0xef && s[1] == 0xbd && s[2] == 0xa1))) { /* U+FF61 */
		return 3;
	}
	return 0;
}

/* Call @fn for each label of the name (split as in dot_length); stops when it returns true. */
static bool each_label(const char *name, size_t len,
		       bool (*fn)(void *ctx, const char *label, size_t label_len), void *ctx)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t start = 0, i = 0;
	while (i < len) {
		size_t d = dot_length(s + i, len - i);
		if (d == 0) {
			i++;
			continue;
		}
		if (fn(ctx, name + start, i - start)) {
			return true;
		}
		i += d;
		start = i;
	}
	return fn(ctx, name + start, len - start);
}

struct label_kinds {
	bool a_label, u_label;
};

static bool note_label_kind(void *ctx, const char *label, size_t len)
{
	struct label_kinds *k = ctx;
	bool ascii = true;
	for (size_t i = 0; i < len; i++) {
		ascii &= (unsigned char)label[i] < 0x80;
	}
	if (!ascii) {
		k->u_label = true;
	} else if (len >= 4 && strncasecmp(label, "xn--", 4) == 0) {
		k->a_label = true;
	}
	return k->a_label && k->u_label;
}

bool idreg_uts46_mixed_labels(const char *name, size_t len)
{
	struct label_kinds kinds = { false, false };
	return each_label(name, len, note_label_kind, &kinds);
}

bool idreg_uts46_is_ldh(const char *name, size_t len)
{
	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len > IDREG_DNS_NAME_MAX) {
		return false;
	}
	size_t label = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? name[i] : '.';
		if (c == '.') {
			if (label == 0 || label > IDREG_DNS_LABEL_MAX || name[i - 1] == '-') {
				return false;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   (c == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

/* Find the first label whose own conversion shows one of @bits. */
struct label_search {
	const UIDNA *idna;
	uint32_t bits;
	const char *label;
	size_t len;
	uint32_t errors;
};

static bool find_failing_label(void *ctx, const char *label, size_t len)
{
	struct label_search *ls = ctx;
	char out[IDREG_UTS46_UNICODE_MAX];
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	UErrorCode ec = U_ZERO_ERROR;
	uidna_labelToASCII_UTF8(ls->idna, label, (int32_t)len, out, (int32_t)sizeof(out), &info, &ec);
	uint32_t errors = info.errors;
	if (ec == U_BUFFER_OVERFLOW_ERROR) {
		errors |= IDREG_UTS46_LABEL_TOO_LONG;
	}
	if ((errors & ls->bits) != 0) {
		ls->label = label;
		ls->len = len;
		ls->errors = errors & ls->bits;
		return true;
	}
	return false;
}

/* "label 'x': reason; reason" into @diag. */
static idreg_err name_problems(const UIDNA *idna, const char *name, size_t len, uint32_t found,
			       uint32_t *problems, struct idreg_diag *diag)
{
	if (problems != NULL) {
		*problems = found;
	}
	if (diag == NULL) {
		return IDREG_EPARSE;
	}
	/* Problems of one label: the ones a label can show on its own. */
	const uint32_t label_bits = 0xffff & ~(uint32_t)IDREG_UTS46_NAME_TOO_LONG &
				    ~(uint32_t)IDREG_UTS46_EMPTY_LABEL;
	struct label_search ls = { .idna = idna, .bits = found & label_bits };
	char text[sizeof(diag->text)];
	size_t at = 0;
	text[0] = '\0';
	if (idna != NULL && ls.bits != 0 && each_label(name, len, find_failing_label, &ls)) {
		char shown[80];
		size_t n = ls.len < 64 ? ls.len : 64;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)ls.label[i];
			shown[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		shown[n] = '\0';
		at += (size_t)snprintf(text, sizeof(text), "label '%s%s': ", shown,
				       ls.len > n ? "..." : "");
	}
	bool first = true;
	for (size_t i = 0; i < sizeof(problem_texts) / sizeof(problem_texts[0]); i++) {
		if ((found & problem_texts[i].bit) != 0 && at < sizeof(text)) {
			at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%s", first ? "" : "; ",
					       problem_texts[i].text);
			first = false;
		}
	}
	return idreg_diag_set(diag, IDREG_EPARSE, "%s", text);
}

/* Longest label of an ASCII name, in octets. */
static size_t longest_label(const char *s, size_t len)
{
	size_t longest = 0, run = 0;
	for (size_t i = 0; i < len; i++) {
		run = s[i] == '.' ? 0 : run + 1;
		longest = run > longest ? run : longest;
	}
	return longest;
}

/* ICU could not open a UIDNA: say why. */
static idreg_err idna_unavailable(struct idreg_diag *diag)
{
	return idreg_diag_set(diag,
			      idna_open_error == U_MEMORY_ALLOCATION_ERROR ? IDREG_ENOMEM : IDREG_EINVAL,
			      "the IDNA library (ICU) could not be set up: %s",
			      u_errorName(idna_open_error));
}

idreg_err idreg_uts46_process(enum idreg_uts46_form form, bool contexto, const char *utf8,
			      size_t len, char *out, size_t size, size_t *out_len, uint32_t *errors,
			      struct idreg_diag *diag)
{
	*out_len = 0;
	*errors = 0;
	if (size > 0) {
		out[0] = '\0';
	}
	if (len > IDREG_UTS46_INPUT_MAX || size > INT32_MAX) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "name longer than %d bytes",
				      IDREG_UTS46_INPUT_MAX);
	}
	const UIDNA *idna = idna_get_checking(contexto);
	if (idna == NULL) {
		*errors = IDREG_UTS46_INTERNAL;
		return idna_unavailable(diag);
	}
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	UErrorCode ec = U_ZERO_ERROR;
	int32_t n = form == IDREG_UTS46_TO_ASCII
			    ? uidna_nameToASCII_UTF8(idna, utf8, (int32_t)len, out, (int32_t)size,
						     &info, &ec)
			    : uidna_nameToUnicodeUTF8(idna, utf8, (int32_t)len, out, (int32_t)size,
						      &info, &ec);
	if (ec == U_BUFFER_OVERFLOW_ERROR || ec == U_STRING_NOT_TERMINATED_WARNING) {
		if (size > 0) {
			out[0] = '\0';
		}
		return idreg_diag_set(diag, IDREG_ETOOBIG, "processed name longer than %zu bytes",
				      size ? size - 1 : 0);
	}
	if (U_FAILURE(ec)) {
		return idreg_diag_set(diag, ec == U_MEMORY_ALLOCATION_ERROR ? IDREG_ENOMEM : IDREG_EINVAL,
				      "IDNA processing failed: %s", u_errorName(ec));
	}
	*out_len = (size_t)n;
	*errors = info.errors;
	return IDREG_OK;
}

idreg_err idreg_uts46_convert(enum idreg_uts46_form form, const char *utf8, size_t len, char *out,
			      size_t size, uint32_t *problems, struct idreg_diag *diag)
{
	if (problems != NULL) {
		*problems = 0;
	}
	if (size > 0) {
		out[0] = '\0';
	}
	if (len > IDREG_UTS46_INPUT_MAX) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_INPUT_TOO_LONG, problems, diag);
	}
	if (!idreg_uts46_valid_utf8(utf8, len)) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_NOT_UTF8, problems, diag);
	}
	size_t in_len = len;
	if (in_len > 0 && utf8[in_len - 1] == '.') {
		in_len--; /* one trailing dot: the root */
	}
	if (in_len == 0) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_EMPTY, problems, diag);
	}
	if (idreg_uts46_mixed_labels(utf8, in_len)) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_MIXED_LABELS, problems, diag);
	}
	const UIDNA *idna = idna_get();
	char ascii[IDREG_UTS46_UNICODE_MAX];
	size_t alen;
	uint32_t found;
	idreg_err err = idreg_uts46_process(IDREG_UTS46_TO_ASCII, false, utf8, in_len, ascii,
					    sizeof(ascii), &alen, &found, diag);
	if (err == IDREG_ETOOBIG) {
		found = IDREG_UTS46_NAME_TOO_LONG;
		alen = 0;
	} else if (err != IDREG_OK) {
		if (problems != NULL) {
			*problems = found;
		}
		return err;
	}
	if (alen > 0 && ascii[alen - 1] == '.') {
		alen--; /* a trailing dot written as U+3002 and mapped */
	}
	if (found == 0) {
		if (alen == 0) {
			found |= IDREG_UTS46_EMPTY;
		} else if (alen > IDREG_DNS_NAME_MAX) {
			found |= IDREG_UTS46_NAME_TOO_LONG;
		}
		if (longest_label(ascii, alen) > IDREG_DNS_LABEL_MAX) {
			found |= IDREG_UTS46_LABEL_TOO_LONG;
		}
		for (size_t i = 0; i < alen; i++) {
			if ((unsigned char)ascii[i] >= 0x80 || ascii[i] == '\0') {
				found |= IDREG_UTS46_DISALLOWED;
			}
		}
	}
	if (found != 0) {
		return name_problems(idna, utf8, in_len, found, problems, diag);
	}
	for (size_t i = 0; i < alen; i++) {
		if (ascii[i] >= 'A' && ascii[i] <= 'Z') {
			ascii[i] = (char)(ascii[i] - 'A' + 'a');
		}
	}
	ascii[alen] = '\0';

	const char *result = ascii;
	size_t rlen = alen;
	char unicode[IDREG_UTS46_UNICODE_MAX];
	if (form == IDREG_UTS46_TO_UNICODE) {
		/* From the A-label form, which was just checked: the U-label form of
		 * a valid name, and no second set of problems. */
		size_t ulen;
		uint32_t uerrors;
		err = idreg_uts46_process(IDREG_UTS46_TO_UNICODE, false, ascii, alen, unicode,
					  sizeof(unicode), &ulen, &uerrors, diag);
		if (err == IDREG_ETOOBIG || (err == IDREG_OK && (uerrors != 0 || ulen == 0))) {
			return name_problems(idna, ascii, alen,
					     uerrors ? uerrors : IDREG_UTS46_NAME_TOO_LONG, problems, diag);
		}
		if (err != IDREG_OK) {
			return err;
		}
		result = unicode;
		rlen = ulen;
	}
	if (rlen + 1 > size) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "converted name longer than %zu bytes",
				      size ? size - 1 : 0);
	}
	memcpy(out, result, rlen);
	out[rlen] = '\0';
	return IDREG_OK;
}

idreg_err idreg_uts46_map_partial(const char *utf8, size_t len, char *out, size_t size,
				  struct idreg_diag *diag)
{
	if (size > 0) {
		out[0] = '\0';
	}
	if (len > IDREG_UTS46_INPUT_MAX) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_INPUT_TOO_LONG, NULL, diag);
	}
	if (!idreg_uts46_valid_utf8(utf8, len)) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_NOT_UTF8, NULL, diag);
	}
	if (len == 0) {
		return IDREG_OK;
	}
	char mapped[IDREG_UTS46_UNICODE_MAX * 4];
	size_t n;
	uint32_t errors;
	idreg_err err = idreg_uts46_process(IDREG_UTS46_TO_UNICODE, false, utf8, len, mapped,
					    sizeof(mapped), &n, &errors, diag);
	if (err == IDREG_ETOOBIG) {
		return name_problems(NULL, utf8, 0, IDREG_UTS46_INPUT_TOO_LONG, NULL, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	/* Only what no part of a name may have; the rest needs the whole label. */
	const uint32_t fatal = IDREG_UTS46_DISALLOWED | IDREG_UTS46_PUNYCODE |
			       IDREG_UTS46_INVALID_ACE_LABEL | IDREG_UTS46_LABEL_HAS_DOT;
	if (errors & fatal) {
		return name_problems(idna_get(), utf8, len, errors & fatal, NULL, diag);
	}
	if (n + 1 > size) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "mapped text longer than %zu bytes",
				      size ? size - 1 : 0);
	}
	memcpy(out, mapped, n);
	out[n] = '\0';
	return IDREG_OK;
}

idreg_err idreg_uts46_to_ascii(const char *utf8, size_t len, char *out, size_t size,
			       struct idreg_diag *diag)
{
	return idreg_uts46_convert(IDREG_UTS46_TO_ASCII, utf8, len, out, size, NULL, diag);
}

idreg_err idreg_uts46_to_unicode(const char *utf8, size_t len, char *out, size_t size,
				 struct idreg_diag *diag)
{
	return idreg_uts46_convert(IDREG_UTS46_TO_UNICODE, utf8, len, out, size, NULL, diag);
}
