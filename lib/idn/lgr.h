/*
 * Label Generation Rulesets (RFC 7940): load an LGR from its XML form and
 * evaluate labels against it the way RFC 7940 section 8 (and ICANN's
 * reference implementation, lgr-core) does.
 *
 * Loading reads the XML as a stream (libxml2's xmlTextReader), optionally
 * validating it against the RFC 7940 RELAX NG schema as it goes, and checks
 * what the schema cannot: code points, duplicate repertoire entries,
 * references to rules, classes and reference ids, and that every variant
 * mapping has its reverse.  Rules are compiled into small programs run by a
 * backtracking matcher that never visits a (step, position) twice, so a
 * rule costs at most its size times the label length.  Unicode properties
 * of classes (gc, sc, jt, ...) come from the ICU in use.  Every problem is
 * reported as "FILE:LINE: what" in the diag.
 *
 * A label is evaluated for:
 *   - its disposition ("valid", "invalid", "blocked", "allocatable" or any
 *     other the LGR's actions name) and the reason: which action fired, or
 *     which code point is outside the repertoire or fails its context rule;
 *   - its variant labels, each with its disposition (RFC 7940 section 8.2),
 *     up to a cap;
 *   - its index label (RFC 7940 section 8.5): each repertoire element
 *     replaced by the smallest of itself and its variants, so that two
 *     labels that are variants of each other share it and "is a variant of
 *     this label already registered?" is one lookup of the index label.
 *
 * A loaded LGR is immutable and may be shared by threads; evaluation needs
 * scratch space, a struct idreg_lgr_eval, one per thread.
 */
#ifndef IDREG_IDN_LGR_H
#define IDREG_IDN_LGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Longest label evaluated, in code points (a DNS label has at most 63 octets). */
#define IDREG_LGR_LABEL_MAX 63
/* Longest code point sequence in a repertoire element or a variant. */
#define IDREG_LGR_SEQUENCE_MAX 16
/* Longest index label: each code point of a label may stand for a sequence. */
#define IDREG_LGR_INDEX_MAX (IDREG_LGR_LABEL_MAX * IDREG_LGR_SEQUENCE_MAX)
/* Distinct variant types an LGR may use. */
#define IDREG_LGR_TYPES_MAX 64

struct idreg_lgr;

/** Bounds on what loading may cost; a zero field takes its default. */
struct idreg_lgr_limits {
	size_t max_file_bytes; /* size of the XML file; default 64 MiB */
	size_t max_elements;   /* XML elements in the file; default 2,000,000 */
	size_t max_depth;      /* nesting of XML elements; default 64 */
	size_t max_program;    /* steps of all compiled rules together; default 65,536 */
};

struct idreg_lgr_options {
	/* RELAX NG schema of RFC 7940 (lgr.rng) to validate against; NULL: none. */
	const char *schema_path;
	struct idreg_lgr_limits limits;
};

/**
 * Load the LGR in the XML file @path.  IDREG_ENOTFOUND or IDREG_EACCES when
 * it cannot be opened, IDREG_ETOOBIG past a limit, IDREG_EPARSE for XML that
 * is malformed, fails the schema or is inconsistent, with "PATH:LINE: what"
 * in @diag.
 */
idreg_err idreg_lgr_load(const char *path, const struct idreg_lgr_options *opts,
			 struct idreg_lgr **out, struct idreg_diag *diag);

/** The same from @len bytes at @data; @name stands for the file in messages. */
idreg_err idreg_lgr_load_buffer(const char *name, const char *data, size_t len,
				const struct idreg_lgr_options *opts, struct idreg_lgr **out,
				struct idreg_diag *diag);

void idreg_lgr_free(struct idreg_lgr *lgr);

/** What an LGR holds, from its meta section and its tables. */
struct idreg_lgr_info {
	const char *version;         /* "" when absent */
	const char *date;            /* "" when absent */
	const char *unicode_version; /* "" when absent */
	const char *languages;       /* space-separated; "" when none */
	size_t code_points;          /* single code points: <char> and inside <range> */
	size_t sequences;            /* <char> elements with a code point sequence */
	size_t variants;             /* <var> mappings, reflexive ones included */
	size_t classes, rules, actions, types;
	size_t memory_bytes; /* held by the loaded LGR */
};

void idreg_lgr_info(const struct idreg_lgr *lgr, struct idreg_lgr_info *info);

/** Scratch space for evaluating labels against one LGR; one per thread. */
struct idreg_lgr_eval;

idreg_err idreg_lgr_eval_new(const struct idreg_lgr *lgr, struct idreg_lgr_eval **out);
void idreg_lgr_eval_free(struct idreg_lgr_eval *ev);

/**
 * Decode the UTF-8 label @s of @len bytes into code points: IDREG_EPARSE for
 * invalid UTF-8, a NUL, an empty label or one longer than
 * IDREG_LGR_LABEL_MAX code points, with the reason in @diag.
 */
idreg_err idreg_lgr_label_decode(const char *s, size_t len, uint32_t cps[IDREG_LGR_LABEL_MAX],
				 size_t *count, struct idreg_diag *diag);

/** Encode @n code points as NUL-terminated UTF-8 in @out; IDREG_ETOOBIG if it does not fit. */
idreg_err idreg_lgr_label_encode(const uint32_t *cps, size_t n, char *out, size_t size);

/** Why a label has its disposition. */
enum idreg_lgr_why {
	IDREG_LGR_WHY_ACTION,            /* an action of the LGR fired */
	IDREG_LGR_WHY_DEFAULT_ACTION,    /* a default action of RFC 7940 section 7.6 fired */
	IDREG_LGR_WHY_NOT_IN_REPERTOIRE, /* a code point is in no repertoire element */
	IDREG_LGR_WHY_CONTEXT,           /* a code point's when/not-when rule is not met */
	IDREG_LGR_WHY_TOO_LONG,          /* a variant label longer than IDREG_LGR_LABEL_MAX */
};

struct idreg_lgr_disposition {
	const char *disp; /* "valid", "invalid", "blocked", ...; held by the LGR */
	enum idreg_lgr_why why;
	size_t action;       /* ACTION: its number in file order, from 1; DEFAULT: from 1 */
	unsigned line;       /* line of the action (ACTION) or of the <char>/<range> (CONTEXT) */
	const char *rule;    /* the action's match/not-match rule, or the when/not-when rule */
	bool rule_negated;   /* not-match / not-when */
	const char *comment; /* the action's comment, or NULL */
	size_t position;     /* NOT_IN_REPERTOIRE, CONTEXT: index of the code point */
	uint32_t cp;         /* NOT_IN_REPERTOIRE, CONTEXT: the code point */
	uint64_t types;      /* the variant types of the mappings that made the label */
	bool only_variants;  /* every element of the label came from a variant mapping */
};

/** Is @d the disposition "invalid"? */
bool idreg_lgr_is_invalid(const struct idreg_lgr_disposition *d);

/**
 * The disposition of the label @cps (@n code points, 1 to
 * IDREG_LGR_LABEL_MAX): RFC 7940 sections 8.1 and 8.3, with the types of
 * the label's reflexive mappings.  IDREG_EINVAL for a bad length,
 * IDREG_ENOMEM when the matcher cannot get memory.
 */
idreg_err idreg_lgr_disposition(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
				struct idreg_lgr_disposition *out);

/** The reason for @d in words, NUL-terminated in @out (truncated to @size). */
void idreg_lgr_reason(const struct idreg_lgr *lgr, const struct idreg_lgr_disposition *d,
		      char *out, size_t size);

/** The names of the variant types in @types, space-separated, in @out ("" for none). */
void idreg_lgr_types_text(const struct idreg_lgr *lgr, uint64_t types, char *out, size_t size);

/**
 * The index label of @cps into @out (room for @cap code points,
 * IDREG_LGR_INDEX_MAX always suffices), its length in *@out_len.
 * IDREG_ENOTFOUND when the label cannot be split into repertoire elements
 * whose context rules hold (it has no index label); IDREG_ETOOBIG when @cap
 * is too small.
 */
idreg_err idreg_lgr_index_label(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
				uint32_t *out, size_t cap, size_t *out_len);

struct idreg_lgr_variant_options {
	size_t max_generated; /* permutations to try at most; 0: 1000 */
	bool include_invalid; /* also report variant labels whose disposition is invalid */
};

struct idreg_lgr_variant_summary {
	size_t generated; /* permutations tried */
	size_t reported;  /* variant labels passed to the callback */
	bool truncated;   /* stopped at max_generated, or after max_generated x 64
			     elements placed in permutations that led nowhere */
};

/** Called for each variant label; return false to stop. */
typedef bool (*idreg_lgr_variant_fn)(void *ctx, const uint32_t *cps, size_t n,
				     const struct idreg_lgr_disposition *d);

/**
 * Enumerate the variant labels of @cps (RFC 7940 section 8.2) in the order
 * the permutations are made, each once, without the label itself, and
 * with its disposition (section 8.3; invalid ones only if asked).
 */
idreg_err idreg_lgr_variants(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
			     const struct idreg_lgr_variant_options *opts, idreg_lgr_variant_fn fn,
			     void *ctx, struct idreg_lgr_variant_summary *summary);

#endif
