/*
 * The inside of a loaded LGR, shared by the parts of the engine:
 * lgr_load.c turns the XML into these tables, lgr_rule.c compiles rules
 * into programs and runs them, lgr_eval.c evaluates labels.  Nothing here
 * is for use outside lib/idn/lgr*.c.
 */
#ifndef IDREG_IDN_LGR_INT_H
#define IDREG_IDN_LGR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "idn/lgr.h"

#define LGR_NONE UINT32_MAX
#define LGR_NO_TYPE 0xff
/* Label positions run from 0 to IDREG_LGR_LABEL_MAX: one 64-bit word per program step. */
_Static_assert(IDREG_LGR_LABEL_MAX < 64, "visited positions must fit one 64-bit word");

/* A mapping from a repertoire element to a variant (RFC 7940 section 5.3). */
struct lgr_var {
	uint32_t cps;    /* offset of its code points in lgr->cps */
	uint8_t len;     /* 0 for a null variant */
	uint8_t type;    /* index in lgr->types, or LGR_NO_TYPE */
	bool reflexive;  /* maps the element to itself */
	uint32_t when;   /* rule, or LGR_NONE */
	uint32_t not_when;
	uint32_t line;
};

/* A repertoire element: a <char> (code point or sequence) or a <range>. */
struct lgr_elem {
	uint32_t cps;    /* offset of its code points in lgr->cps (a <char>) */
	uint8_t len;     /* code points; 1 for a range */
	bool is_range;
	bool context_variants; /* a variant has a when/not-when rule */
	bool reflexive_context; /* a reflexive mapping has a when/not-when rule */
	uint32_t first, last;  /* a range's code points; a single code point has first == last */
	uint32_t when, not_when;
	uint32_t vars, var_count; /* its variants in lgr->vars, ordered by code points */
	uint64_t reflexive_types; /* types of its reflexive mappings without context rules */
	bool reflexive;           /* it has a reflexive mapping without context rules */
	uint32_t index_cps;       /* the smallest of itself and its variants (no context rules) */
	uint8_t index_len;
	uint32_t line;
};

/* Elements that start with one code point: a slot of the lookup table. */
struct lgr_start {
	uint32_t cp; /* LGR_NONE: empty slot */
	uint32_t off; /* first element id in lgr->start_elems, longest first */
	uint32_t count;
};

/* A class: a sorted list of disjoint code point ranges. */
struct lgr_class {
	uint32_t off, count; /* in lgr->class_ranges */
};

struct lgr_cp_range {
	uint32_t first, last;
};

/* Steps of a compiled rule. */
enum lgr_op {
	LGR_OP_CHAR,        /* x: code points in lgr->cps, y: how many */
	LGR_OP_CLASS,       /* x: class */
	LGR_OP_ANY,
	LGR_OP_START,
	LGR_OP_END,
	LGR_OP_ANCHOR,      /* the code points whose context is being evaluated */
	LGR_OP_SPLIT,       /* try x, then y */
	LGR_OP_JMP,         /* x */
	LGR_OP_LOOK_AHEAD,  /* body at [x, y), then go on at y */
	LGR_OP_LOOK_BEHIND, /* likewise */
	LGR_OP_MATCH,
};

struct lgr_inst {
	uint8_t op;
	uint32_t x, y;
};

/* What a match of a rule searched for anywhere in a label can begin with. */
#define LGR_FIRST_MAX 16

struct lgr_first {
	bool is_class;
	uint32_t value; /* a code point, or a class */
};

struct lgr_rule {
	const char *name;
	uint32_t entry, end; /* its steps: [entry, end) */
	bool anchored;       /* has an <anchor/>: a context rule for a code point */
	bool empty;          /* no matcher at all: matches nothing (as lgr-core) */
	bool start_only;     /* every match begins at the start of the label */
	bool filtered;       /* every match begins with one of first[] */
	uint8_t first_count;
	struct lgr_first first[LGR_FIRST_MAX];
	uint32_t line;
};

/* The disposition "invalid": every action that gives it points here. */
extern const char lgr_invalid[];

enum lgr_trigger { LGR_TRIGGER_ALWAYS, LGR_TRIGGER_ANY, LGR_TRIGGER_ALL, LGR_TRIGGER_ONLY };

struct lgr_action {
	const char *disp;
	const char *comment;
	uint32_t match, not_match; /* rules, or LGR_NONE */
	uint8_t trigger;
	uint64_t types;
	uint32_t line;   /* 0 for a default action */
	bool is_default; /* RFC 7940 section 7.6 */
};

struct idreg_lgr {
	struct idreg_arena arena; /* strings */
	const char *name;
	const char *version, *date, *unicode_version, *languages;

	uint32_t *cps; /* code points of elements, variants and rule literals */
	size_t cps_count, cps_cap;
	struct lgr_elem *elems;
	size_t elem_count, elem_cap;
	struct lgr_var *vars;
	size_t var_count, var_cap;

	/* Lookup: open addressing on the first code point; ranges by binary search. */
	struct lgr_start *starts;
	size_t start_mask;
	uint32_t *start_elems;
	uint32_t *ranges; /* ids of range elements, by first code point */
	size_t range_count;

	struct lgr_class *classes;
	size_t class_count, class_cap;
	struct lgr_cp_range *class_ranges;
	size_t class_range_count, class_range_cap;

	struct lgr_inst *prog;
	size_t prog_len, prog_cap;
	struct lgr_rule *rules;
	size_t rule_count, rule_cap;
	struct lgr_action *actions; /* the LGR's own, then the defaults */
	size_t action_count, action_cap;
	size_t own_actions;

	const char *types[IDREG_LGR_TYPES_MAX];
	size_t type_count;

	size_t code_points, sequences; /* for idreg_lgr_info */
};

/* Rules as parsed, before compiling: a tree of matchers. */
enum lgr_node_kind {
	LGR_N_SEQ,         /* a <rule> with content: its children in order */
	LGR_N_CHOICE,
	LGR_N_CHAR,        /* a: code points in lgr->cps, b: how many */
	LGR_N_ANY,
	LGR_N_CLASS,       /* a: class */
	LGR_N_START,
	LGR_N_END,
	LGR_N_ANCHOR,
	LGR_N_LOOK_AHEAD,
	LGR_N_LOOK_BEHIND,
	LGR_N_RULE_REF,    /* a: rule */
};

struct lgr_node {
	uint8_t kind;
	uint32_t min, max;   /* the count attribute; max LGR_NONE for "n+"; 1, 1 without */
	uint32_t first, last; /* children */
	uint32_t next;        /* sibling */
	uint32_t a, b;
	uint32_t line;
};

/* Order of code point sequences: element by element, a prefix first. */
static inline int lgr_compare_cps(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++) {
		if (a[i] != b[i]) {
			return a[i] < b[i] ? -1 : 1;
		}
	}
	return an < bn ? -1 : an > bn;
}

/* Are the @n code points at @a and at @b the same? */
static inline bool lgr_same_cps(const uint32_t *a, const uint32_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			return false;
		}
	}
	return true;
}

/* The elements that start at @cps[@i] and are a prefix of @cps[@i..@n), longest first. */
size_t lgr_candidates(const struct idreg_lgr *lgr, const uint32_t *cps, size_t n, size_t i,
		      uint32_t out[IDREG_LGR_SEQUENCE_MAX + 1]);

/* The range element holding @cp, or LGR_NONE. */
uint32_t lgr_range_of(const struct idreg_lgr *lgr, uint32_t cp);

/* Is @cp in class @c? */
bool lgr_class_has(const struct idreg_lgr *lgr, uint32_t c, uint32_t cp);

/**
 * Compile the rule whose tree starts at node @root (in @nodes; @roots[r] is
 * the tree of rule r) into lgr->prog, filling @rule's steps.  IDREG_ETOOBIG
 * when the program would pass @max_program steps.
 */
idreg_err lgr_compile_rule(struct idreg_lgr *lgr, const struct lgr_node *nodes,
			   const uint32_t *roots, uint32_t root, size_t max_program,
			   struct lgr_rule *rule);

/* The matcher's scratch: visited (step, position) pairs and a job stack. */
struct lgr_matcher {
	uint64_t *visited; /* one word per program step */
	struct lgr_job {
		uint32_t pc, pos;
	} *jobs;
	size_t job_count, job_cap;
	bool out_of_memory;
};

idreg_err lgr_matcher_init(struct lgr_matcher *m, const struct idreg_lgr *lgr);
void lgr_matcher_free(struct lgr_matcher *m);

/**
 * Does rule @r match the label @cps?  With @anchor (a context rule for the
 * element @anchor of @anchor_len code points at @index) an anchored rule
 * must match from @index; otherwise the rule may match anywhere.  Sets
 * m->out_of_memory (and answers false) when the job stack cannot grow.
 */
bool lgr_rule_matches(struct lgr_matcher *m, const struct idreg_lgr *lgr, uint32_t r,
		      const uint32_t *cps, size_t n, size_t index, const uint32_t *anchor,
		      size_t anchor_len);

#endif
