/*
 * Confusables (Unicode UTS #39, through ICU's uspoof): may a label be
 * registered although it may be mistaken for another, and what does it
 * look like?
 *
 * The registration check (idreg_confusable_check) asks of one label:
 *
 *  - its restriction level (UTS #39 section 5.2): every character must be
 *    in the identifier profile (Identifier_Status=Allowed: ICU's
 *    recommended and inclusion sets), and the scripts of its characters
 *    (Script_Extensions; Common and Inherited ignored) must be one script,
 *    or for highly restrictive Latin with Han and Bopomofo, with Han,
 *    Hiragana and Katakana or with Han and Hangul; moderately restrictive
 *    adds Latin with any one other script but Cyrillic, Greek and
 *    Cherokee; minimally restrictive allows any mix.  The level the caller
 *    asks for is the loosest accepted; a refusal names the scripts and the
 *    character that brought in the one too many;
 *  - digits of one numbering system only (5.3), no invisible characters
 *    and no nonspacing mark repeated (5.4), no dot hidden by a combining
 *    dot above (ICU's hidden-overlay check), whatever the level;
 *  - for information, not refusal: the scripts in which a label with the
 *    same skeleton could be written in that script alone (the
 *    whole-script confusables of section 4 for a single-script label):
 *    Cyrillic "ѕсоре" could be Latin "scope", and "scope" Cyrillic.
 *
 * The skeleton (idreg_confusable_skeleton, UTS #39 section 4) is the same
 * for labels that look alike ("paypal" with a Cyrillic а, or "gοogle" with
 * a Greek omicron, has the skeleton of "paypal", of "google"), so "does
 * this label look like one already registered?" is one lookup in an index
 * keyed by skeleton.  Skeletons depend on the Unicode data of the ICU in
 * use: an index of them is rebuilt when ICU changes.
 *
 * A label is given as a U-label or an LDH label (UTF-8, ASCII letters in
 * either case, which both functions take in lower case, as the DNS does)
 * or as an A-label, which is first checked and decoded by the IDNA2008
 * registration check (idna2008.h).  The IDNA2008 check is not otherwise
 * made here: a registry runs both.
 *
 * Threads: one ICU USpoofChecker is set up once (pthread_once) and then
 * only read; ICU documents the checking and skeleton functions of a
 * USpoofChecker as safe to call from several threads at once.  Every
 * function here may be called from any thread.
 */
#ifndef IDREG_IDN_CONFUSABLE_H
#define IDREG_IDN_CONFUSABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Longest label accepted, in bytes of UTF-8: 63 code points of 4 bytes. */
#define IDREG_CONFUSABLE_INPUT_MAX 252
/* Room, with the NUL, for any skeleton of such a label. */
#define IDREG_CONFUSABLE_SKELETON_MAX 4096
/* Room for a list of script names in a verdict. */
#define IDREG_CONFUSABLE_SCRIPTS_MAX 256

/* X(NAME, name, ICU value): the restriction levels of UTS #39 section 5.2, strictest first. */
#define IDREG_CONFUSABLE_LEVEL_LIST(X)                                      \
	X(ASCII, "ascii", USPOOF_ASCII)                                     \
	X(SINGLE_SCRIPT, "single-script", USPOOF_SINGLE_SCRIPT_RESTRICTIVE) \
	X(HIGHLY_RESTRICTIVE, "highly-restrictive", USPOOF_HIGHLY_RESTRICTIVE) \
	X(MODERATELY_RESTRICTIVE, "moderately-restrictive", USPOOF_MODERATELY_RESTRICTIVE) \
	X(MINIMALLY_RESTRICTIVE, "minimally-restrictive", USPOOF_MINIMALLY_RESTRICTIVE) \
	X(UNRESTRICTED, "unrestricted", USPOOF_UNRESTRICTIVE)

#define IDREG__CONFUSABLE_LEVEL(name, text, icu) IDREG_CONFUSABLE_##name,
enum idreg_confusable_level { IDREG_CONFUSABLE_LEVEL_LIST(IDREG__CONFUSABLE_LEVEL) };
#undef IDREG__CONFUSABLE_LEVEL

/** The level a registry checks at unless told otherwise (UTS #39 section 5.2). */
#define IDREG_CONFUSABLE_LEVEL_DEFAULT IDREG_CONFUSABLE_HIGHLY_RESTRICTIVE

/* X(NAME, text): why a label is refused. */
#define IDREG_CONFUSABLE_PROBLEM_LIST(X)                                                        \
	X(NONE, "no problem")                                                                    \
	X(INPUT, "not a label")                                                                  \
	X(NOT_IN_PROFILE,                                                                        \
	  "a character outside the identifier profile (UTS #39, Identifier_Status Allowed)")    \
	X(RESTRICTION_LEVEL, "scripts mixed beyond the restriction level (UTS #39, 5.2)")       \
	X(MIXED_NUMBERS, "digits of more than one numbering system (UTS #39, 5.3)")             \
	X(INVISIBLE, "an invisible character, or a nonspacing mark repeated (UTS #39, 5.4)")    \
	X(HIDDEN_OVERLAY, "a combining dot above a letter that has a dot already (ICU hidden overlay)")

#define IDREG__CONFUSABLE_PROBLEM(name, text) IDREG_CONFUSABLE_##name,
enum idreg_confusable_problem { IDREG_CONFUSABLE_PROBLEM_LIST(IDREG__CONFUSABLE_PROBLEM) };
#undef IDREG__CONFUSABLE_PROBLEM

/** What the check found. */
struct idreg_confusable_verdict {
	enum idreg_confusable_problem problem; /* NONE when the label may be registered */
	enum idreg_confusable_level level;     /* the strictest level the label meets */
	uint32_t code_point;                   /* NOT_IN_PROFILE: the character; RESTRICTION_LEVEL:
						  the one that brought in a script too many */
	char scripts[IDREG_CONFUSABLE_SCRIPTS_MAX];      /* the label's scripts: "Latin, Cyrillic" */
	char whole_script[IDREG_CONFUSABLE_SCRIPTS_MAX]; /* scripts a look-alike could be
							    written in alone; "" for none */
};

/**
 * Check the label @utf8 of @len bytes at restriction level @level, as
 * described at the top of this file.  IDREG_OK when it may be registered;
 * IDREG_EPARSE when not, with the problem in *@out and in words, naming the
 * scripts and the character, in @diag; both with the label's level,
 * scripts and whole-script look-alikes in *@out.  IDREG_ENOMEM or
 * IDREG_EINVAL when ICU itself fails.  A label longer than
 * IDREG_CONFUSABLE_INPUT_MAX is refused before its bytes are read.
 */
idreg_err idreg_confusable_check(const char *utf8, size_t len, enum idreg_confusable_level level,
				 struct idreg_confusable_verdict *out, struct idreg_diag *diag);

/**
 * The UTS #39 skeleton of the label @utf8 of @len bytes, as UTF-8 into
 * @out of @size bytes (IDREG_CONFUSABLE_SKELETON_MAX always suffices).
 * Labels that may be mistaken for one another have the same skeleton.
 * IDREG_EPARSE (with the reason) for a label that cannot be read;
 * IDREG_ETOOBIG when @out is too small.
 */
idreg_err idreg_confusable_skeleton(const char *utf8, size_t len, char *out, size_t size,
				    struct idreg_diag *diag);

/** "highly-restrictive" and so on. */
const char *idreg_confusable_level_name(enum idreg_confusable_level level);

/** The level named @name (as idreg_confusable_level_name gives it); false for none. */
bool idreg_confusable_level_parse(const char *name, enum idreg_confusable_level *out);

/** The text of a problem. */
const char *idreg_confusable_problem_text(enum idreg_confusable_problem problem);

#endif
