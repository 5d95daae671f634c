/*
 * Confusables through ICU's uspoof (see confusable.h): one USpoofChecker
 * limited to the identifier profile, set up once and then only read; the
 * label's restriction level and checks from it, the scripts named in
 * words; and a map from the skeleton of each character of the profile to
 * the scripts of all the characters with that skeleton, from which the
 * scripts of a label's whole-script look-alikes follow.
 */
#include "idn/confusable.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include "core/strmap.h"
#include "idn/idna2008.h"

#define IDREG__LEVEL_NAME(name, text, icu) text,
static const char *const level_names[] = { IDREG_CONFUSABLE_LEVEL_LIST(IDREG__LEVEL_NAME) };
#undef IDREG__LEVEL_NAME
#define IDREG__LEVEL_ICU(name, text, icu) icu,
static const URestrictionLevel level_icu[] = { IDREG_CONFUSABLE_LEVEL_LIST(IDREG__LEVEL_ICU) };
#undef IDREG__LEVEL_ICU
#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

#define IDREG__PROBLEM_TEXT(name, text) text,
static const char *const problem_texts[] = { IDREG_CONFUSABLE_PROBLEM_LIST(IDREG__PROBLEM_TEXT) };
#undef IDREG__PROBLEM_TEXT

const char *idreg_confusable_level_name(enum idreg_confusable_level level)
{
	return (unsigned)level < LEVEL_COUNT ? level_names[level] : "?";
}

bool idreg_confusable_level_parse(const char *name, enum idreg_confusable_level *out)
{
	for (size_t i = 0; i < LEVEL_COUNT; i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum idreg_confusable_level)i;
			return true;
		}
	}
	return false;
}

const char *idreg_confusable_problem_text(enum idreg_confusable_problem problem)
{
	return (unsigned)problem < sizeof(problem_texts) / sizeof(problem_texts[0])
		       ? problem_texts[problem]
		       : "?";
}

/* ---- scripts ---- */

/* A set of scripts (UScriptCode values), a bit each. */
#define SCRIPT_WORDS 4
_Static_assert(USCRIPT_CODE_LIMIT <= SCRIPT_WORDS * 64, "more scripts than a script set holds");
struct script_set {
	uint64_t bits[SCRIPT_WORDS];
};

static void script_add(struct script_set *set, UScriptCode script)
{
	set->bits[script / 64] |= UINT64_C(1) << (script % 64);
}

static bool script_has(const struct script_set *set, UScriptCode script)
{
	return (set->bits[script / 64] >> (script % 64)) & 1;
}

/* The Script_Extensions of @cp, without Common and Inherited (empty for those). */
static void scripts_of(UChar32 cp, struct script_set *out)
{
	memset(out, 0, sizeof(*out));
	UScriptCode codes[USCRIPT_CODE_LIMIT];
	UErrorCode ec = U_ZERO_ERROR;
	int32_t n = uscript_getScriptExtensions(cp, codes, USCRIPT_CODE_LIMIT, &ec);
	for (int32_t i = 0; U_SUCCESS(ec) && i < n; i++) {
		if (codes[i] != USCRIPT_COMMON && codes[i] != USCRIPT_INHERITED &&
		    codes[i] >= 0 && codes[i] < USCRIPT_CODE_LIMIT) {
			script_add(out, codes[i]);
		}
	}
}

static bool scripts_empty(const struct script_set *set)
{
	for (size_t i = 0; i < SCRIPT_WORDS; i++) {
		if (set->bits[i] != 0) {
			return false;
		}
	}
	return true;
}

/* Append the name of @script to the list @out ("Latin, Cyrillic"). */
static void append_script(char *out, size_t size, UScriptCode script)
{
	size_t at = strlen(out);
	snprintf(out + at, size - at, "%s%s", at > 0 ? ", " : "", uscript_getName(script));
}

/* ---- the checker, and the scripts of each skeleton of the profile ---- */

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static USpoofChecker *checker;
static const UNormalizer2 *nfd;
static UErrorCode setup_error;
/* Skeleton (UTF-8) of a character of the profile -> index in class_scripts. */
static struct idreg_strmap class_index;
static struct script_set *class_scripts;
static size_t class_count;

/* The skeleton of @n UTF-16 units at @text as UTF-8, or false. */
static bool skeleton_utf8(const UChar *text, int32_t n, char *out, int32_t size)
{
	UChar skeleton[64];
	UErrorCode ec = U_ZERO_ERROR;
	int32_t len = uspoof_getSkeleton(checker, 0, text, n, skeleton, 64, &ec);
	if (U_FAILURE(ec) || len >= 64) {
		return false;
	}
	int32_t written;
	u_strToUTF8(out, size, &written, skeleton, len, &ec);
	return U_SUCCESS(ec) && written < size;
}

/* Map the skeleton of every character of the profile to the scripts of its characters. */
static void setup_classes(const USet *profile, UErrorCode *ec)
{
	int32_t size = uset_size(profile);
	class_scripts = calloc((size_t)size, sizeof(*class_scripts));
	if (class_scripts == NULL) {
		*ec = U_MEMORY_ALLOCATION_ERROR;
		return;
	}
	idreg_strmap_init(&class_index);
	int32_t ranges = uset_getItemCount(profile);
	for (int32_t r = 0; r < ranges && U_SUCCESS(*ec); r++) {
		UChar32 first, last;
		uset_getItem(profile, r, &first, &last, NULL, 0, ec);
		for (UChar32 cp = first; cp <= last && U_SUCCESS(*ec); cp++) {
			UChar text[2];
			int32_t n = 0;
			U16_APPEND_UNSAFE(text, n, cp);
			char key[256];
			if (!skeleton_utf8(text, n, key, sizeof(key))) {
				continue;
			}
			int64_t index;
			if (idreg_strmap_get(&class_index, key, &index) != IDREG_OK) {
				index = (int64_t)class_count++;
				if (idreg_strmap_put(&class_index, key, index) != IDREG_OK) {
					*ec = U_MEMORY_ALLOCATION_ERROR;
					return;
				}
			}
			struct script_set own;
			scripts_of(cp, &own);
			for (size_t w = 0; w < SCRIPT_WORDS; w++) {
				class_scripts[index].bits[w] |= own.bits[w];
			}
		}
	}
}

static void setup(void)
{
	UErrorCode ec = U_ZERO_ERROR;
	nfd = unorm2_getNFDInstance(&ec);
	USet *profile = uset_openEmpty();
	uset_addAll(profile, uspoof_getRecommendedSet(&ec));
	uset_addAll(profile, uspoof_getInclusionSet(&ec));
	checker = uspoof_open(&ec);
	uspoof_setAllowedChars(checker, profile, &ec);
	/* The level ICU compares with is not used: the label's own level is. */
	uspoof_setRestrictionLevel(checker, USPOOF_HIGHLY_RESTRICTIVE);
	uspoof_setChecks(checker,
			 USPOOF_RESTRICTION_LEVEL | USPOOF_CHAR_LIMIT | USPOOF_INVISIBLE |
				 USPOOF_MIXED_NUMBERS | USPOOF_HIDDEN_OVERLAY | USPOOF_AUX_INFO,
			 &ec);
	if (U_SUCCESS(ec)) {
		setup_classes(profile, &ec);
	}
	uset_close(profile);
	setup_error = ec;
}

static idreg_err ready(struct idreg_diag *diag)
{
	pthread_once(&setup_once, setup);
	if (U_FAILURE(setup_error)) {
		return idreg_diag_set(diag, setup_error == U_MEMORY_ALLOCATION_ERROR ? IDREG_ENOMEM
										       : IDREG_EINVAL,
				      "ICU's spoof checker could not be set up: %s",
				      u_errorName(setup_error));
	}
	return IDREG_OK;
}

/* ---- the label ---- */

/* ICU ready, and the label to work on in @buf: an A-label decoded, ASCII letters in lower case. */
static idreg_err prepare(const char *utf8, size_t len, char *buf, size_t *out_len,
			 struct idreg_diag *diag)
{
	idreg_err err = ready(diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (len == 0) {
		return idreg_diag_set(diag, IDREG_EPARSE, "not a label: empty");
	}
	if (len > IDREG_CONFUSABLE_INPUT_MAX) {
		return idreg_diag_set(diag, IDREG_EPARSE, "not a label: longer than %d bytes",
				      IDREG_CONFUSABLE_INPUT_MAX);
	}
	if (memchr(utf8, '.', len) != NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE, "not a label: a dot (give one label)");
	}
	if (!idreg_uts46_valid_utf8(utf8, len)) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "not a label: not valid UTF-8 (or with a NUL byte)");
	}
	if (len >= 4 && strncasecmp(utf8, "xn--", 4) == 0) {
		struct idreg_idna2008_name name;
		struct idreg_diag why = { "" };
		err = idreg_idna2008_check_name(utf8, len, &name, NULL, &why);
		if (err != IDREG_OK) {
			return idreg_diag_set(diag, err, "not a label: %s", why.text);
		}
		*out_len = strlen(name.unicode);
		memcpy(buf, name.unicode, *out_len + 1);
		return IDREG_OK;
	}
	for (size_t i = 0; i < len; i++) {
		char c = utf8[i];
		buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	buf[len] = '\0';
	*out_len = len;
	return IDREG_OK;
}

/* Room for a prepared label: the input, or the U-label of an A-label. */
#define LABEL_BUF (IDREG_UTS46_UNICODE_MAX)
_Static_assert(IDREG_CONFUSABLE_INPUT_MAX < LABEL_BUF, "label buffer");

/*
 * The label's scripts in the order they appear, in @out->scripts; the
 * first character that brought in a second script in @out->code_point.
 * A character of several scripts (Script_Extensions) adds none when it
 * shares one with those named, else its first.
 */
static void name_scripts(const char *text, size_t len, struct idreg_confusable_verdict *out)
{
	struct script_set named = { { 0 } };
	size_t count = 0;
	for (int32_t i = 0; i < (int32_t)len;) {
		UChar32 cp;
		U8_NEXT_UNSAFE(text, i, cp);
		struct script_set own;
		scripts_of(cp, &own);
		UScriptCode first = USCRIPT_INVALID_CODE;
		bool shared = false;
		for (int s = 0; s < USCRIPT_CODE_LIMIT; s++) {
			if (script_has(&own, (UScriptCode)s)) {
				shared |= script_has(&named, (UScriptCode)s);
				if (first == USCRIPT_INVALID_CODE) {
					first = (UScriptCode)s;
				}
			}
		}
		if (first == USCRIPT_INVALID_CODE || shared) {
			continue;
		}
		script_add(&named, first);
		append_script(out->scripts, sizeof(out->scripts), first);
		if (++count == 2) {
			out->code_point = (uint32_t)cp;
		}
	}
}

/*
 * The scripts in which a look-alike of the label could be written alone:
 * those every character (in NFD; Common and Inherited ones left out) has a
 * character of the same skeleton in, less the scripts the label is in.
 */
static void whole_script(const char *text, size_t len, struct idreg_confusable_verdict *out)
{
	UChar u16[LABEL_BUF], decomposed[2 * LABEL_BUF];
	int32_t n;
	UErrorCode ec = U_ZERO_ERROR;
	u_strFromUTF8(u16, LABEL_BUF, &n, text, (int32_t)len, &ec);
	n = unorm2_normalize(nfd, u16, n, decomposed, 2 * LABEL_BUF, &ec);
	if (U_FAILURE(ec)) {
		return;
	}
	struct script_set common, label;
	bool any = false;
	memset(&common, 0xff, sizeof(common));
	memset(&label, 0xff, sizeof(label));
	for (int32_t i = 0; i < n;) {
		int32_t start = i;
		UChar32 cp;
		U16_NEXT_UNSAFE(decomposed, i, cp);
		struct script_set own;
		scripts_of(cp, &own);
		if (scripts_empty(&own)) {
			continue;
		}
		any = true;
		struct script_set look_alikes = own;
		char key[256];
		int64_t index;
		if (skeleton_utf8(decomposed + start, i - start, key, sizeof(key)) &&
		    idreg_strmap_get(&class_index, key, &index) == IDREG_OK) {
			for (size_t w = 0; w < SCRIPT_WORDS; w++) {
				look_alikes.bits[w] |= class_scripts[index].bits[w];
			}
		}
		for (size_t w = 0; w < SCRIPT_WORDS; w++) {
			common.bits[w] &= look_alikes.bits[w];
			label.bits[w] &= own.bits[w];
		}
	}
	for (int s = 0; any && s < USCRIPT_CODE_LIMIT; s++) {
		if (script_has(&common, (UScriptCode)s) && !script_has(&label, (UScriptCode)s)) {
			append_script(out->whole_script, sizeof(out->whole_script), (UScriptCode)s);
		}
	}
}

static enum idreg_confusable_level level_of(URestrictionLevel icu)
{
	for (size_t i = 0; i < LEVEL_COUNT; i++) {
		if (level_icu[i] == icu) {
			return (enum idreg_confusable_level)i;
		}
	}
	return IDREG_CONFUSABLE_UNRESTRICTED;
}

/* The first character of the label outside the identifier profile. */
static uint32_t outside_profile(const char *text, size_t len)
{
	const USet *recommended, *inclusion;
	UErrorCode ec = U_ZERO_ERROR;
	recommended = uspoof_getRecommendedSet(&ec);
	inclusion = uspoof_getInclusionSet(&ec);
	for (int32_t i = 0; U_SUCCESS(ec) && i < (int32_t)len;) {
		UChar32 cp;
		U8_NEXT_UNSAFE(text, i, cp);
		if (!uset_contains(recommended, cp) && !uset_contains(inclusion, cp)) {
			return (uint32_t)cp;
		}
	}
	return 0;
}

static idreg_err refuse(struct idreg_confusable_verdict *out, enum idreg_confusable_problem problem,
			struct idreg_diag *diag, const char *details)
{
	out->problem = problem;
	return idreg_diag_set(diag, IDREG_EPARSE, "%s: %s", idreg_confusable_problem_text(problem),
			      details);
}

idreg_err idreg_confusable_check(const char *utf8, size_t len, enum idreg_confusable_level level,
				 struct idreg_confusable_verdict *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->level = IDREG_CONFUSABLE_UNRESTRICTED;
	char text[LABEL_BUF];
	size_t text_len;
	idreg_err err = prepare(utf8, len, text, &text_len, diag);
	if (err != IDREG_OK) {
		out->problem = err == IDREG_EPARSE ? IDREG_CONFUSABLE_INPUT : IDREG_CONFUSABLE_NONE;
		return err;
	}
	UErrorCode ec = U_ZERO_ERROR;
	USpoofCheckResult *result = uspoof_openCheckResult(&ec);
	int32_t failed = uspoof_check2UTF8(checker, text, (int32_t)text_len, result, &ec);
	URestrictionLevel icu_level = uspoof_getCheckResultRestrictionLevel(result, &ec);
	uspoof_closeCheckResult(result);
	if (U_FAILURE(ec)) {
		return idreg_diag_set(diag, ec == U_MEMORY_ALLOCATION_ERROR ? IDREG_ENOMEM : IDREG_EINVAL,
				      "ICU's spoof check failed: %s", u_errorName(ec));
	}
	out->level = level_of(icu_level);
	name_scripts(text, text_len, out);
	whole_script(text, text_len, out);

	char details[768], words[160];
	if (out->level > level && (failed & USPOOF_CHAR_LIMIT)) {
		out->code_point = outside_profile(text, text_len);
		idreg_idna2008_code_point_words(out->code_point, words, sizeof(words));
		snprintf(details, sizeof(details), "%s (only the unrestricted level allows one)",
			 words);
		return refuse(out, IDREG_CONFUSABLE_NOT_IN_PROFILE, diag, details);
	}
	if (out->level > level) {
		if (out->code_point != 0) {
			idreg_idna2008_code_point_words(out->code_point, words, sizeof(words));
			snprintf(details, sizeof(details),
				 "%s: %s brings in the second script; the label is %s, %s required",
				 out->scripts, words, idreg_confusable_level_name(out->level),
				 idreg_confusable_level_name(level));
		} else {
			snprintf(details, sizeof(details), "%s; the label is %s, %s required",
				 out->scripts[0] ? out->scripts : "no script",
				 idreg_confusable_level_name(out->level),
				 idreg_confusable_level_name(level));
		}
		return refuse(out, IDREG_CONFUSABLE_RESTRICTION_LEVEL, diag, details);
	}
	if (failed & USPOOF_MIXED_NUMBERS) {
		return refuse(out, IDREG_CONFUSABLE_MIXED_NUMBERS, diag, "in the label");
	}
	if (failed & USPOOF_INVISIBLE) {
		return refuse(out, IDREG_CONFUSABLE_INVISIBLE, diag, "in the label");
	}
	if (failed & USPOOF_HIDDEN_OVERLAY) {
		return refuse(out, IDREG_CONFUSABLE_HIDDEN_OVERLAY, diag, "in the label");
	}
	return IDREG_OK;
}

idreg_err idreg_confusable_skeleton(const char *utf8, size_t len, char *out, size_t size,
				    struct idreg_diag *diag)
{
	if (size > 0) {
		out[0] = '\0';
	}
	char text[LABEL_BUF];
	size_t text_len;
	idreg_err err = prepare(utf8, len, text, &text_len, diag);
	if (err != IDREG_OK) {
		return err;
	}
	UErrorCode ec = U_ZERO_ERROR;
	int32_t n = uspoof_getSkeletonUTF8(checker, 0, text, (int32_t)text_len, out,
					   size > INT32_MAX ? INT32_MAX : (int32_t)size, &ec);
	if (ec == U_BUFFER_OVERFLOW_ERROR || ec == U_STRING_NOT_TERMINATED_WARNING ||
	    (U_SUCCESS(ec) && (size_t)n >= size)) {
		if (size > 0) {
			out[0] = '\0';
		}
		return idreg_diag_set(diag, IDREG_ETOOBIG, "the skeleton needs %d bytes", n + 1);
	}
	if (U_FAILURE(ec)) {
		return idreg_diag_set(diag, IDREG_EINVAL, "ICU's skeleton failed: %s", u_errorName(ec));
	}
	return IDREG_OK;
}
