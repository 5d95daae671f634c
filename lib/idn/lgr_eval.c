/*
 * Evaluating labels against a loaded LGR (RFC 7940 section 8), as ICANN's
 * reference implementation (lgr-core) does:
 *
 *   - A label is split into repertoire elements from the left, each time
 *     the longest element that is a prefix of the rest and whose when /
 *     not-when rule holds at that place; a code point no element starts
 *     with, or whose every element fails its context, makes it invalid.
 *   - Its variant types are those of the reflexive mappings of its elements
 *     (section 5.3.4); it is "only variants" when every element has one.
 *   - The actions are tried in order, the default ones of section 7.6
 *     last; the first whose match / not-match rule and any-variant /
 *     all-variants / only-variants condition hold gives the disposition.
 *   - Variant labels are the permutations of each element with its variants
 *     (section 8.2), the element itself first unless it has a reflexive
 *     mapping; a variant label must itself split into elements and pass the
 *     actions without variant types before its own types are applied.
 *   - The index label (section 8.5, computed as the Root Zone LGR procedure
 *     does) replaces each element by the smallest of itself and its
 *     variants whose context holds, over the ways to split the label, the
 *     smallest result.  Two labels that are variants of each other in a
 *     symmetric and transitive LGR have the same index label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "core/array.h"
#include "idn/lgr_int.h"

#define DEFAULT_MAX_GENERATED 1000

const char lgr_invalid[] = "invalid";

struct idreg_lgr_eval {
	const struct idreg_lgr *lgr;
	struct lgr_matcher m;
	uint8_t *rule_cache; /* whole-label results for the label being evaluated: 0 unknown, 1 no, 2 yes */
};

idreg_err idreg_lgr_eval_new(const struct idreg_lgr *lgr, struct idreg_lgr_eval **out)
{
	*out = NULL;
	struct idreg_lgr_eval *ev = calloc(1, sizeof(*ev));
	if (ev == NULL) {
		return IDREG_ENOMEM;
	}
	ev->lgr = lgr;
	ev->rule_cache = calloc(lgr->rule_count ? lgr->rule_count : 1, 1);
	if (ev->rule_cache == NULL || lgr_matcher_init(&ev->m, lgr) != IDREG_OK) {
		idreg_lgr_eval_free(ev);
		return IDREG_ENOMEM;
	}
	*out = ev;
	return IDREG_OK;
}

void idreg_lgr_eval_free(struct idreg_lgr_eval *ev)
{
	if (ev != NULL) {
		lgr_matcher_free(&ev->m);
		free(ev->rule_cache);
		free(ev);
	}
}

/* ---- labels as code points ---- */

idreg_err idreg_lgr_label_decode(const char *s, size_t len, uint32_t cps[IDREG_LGR_LABEL_MAX],
				 size_t *count, struct idreg_diag *diag)
{
	*count = 0;
	if (len == 0) {
		return idreg_diag_set(diag, IDREG_EPARSE, "empty label");
	}
	if (len > 4 * IDREG_LGR_LABEL_MAX) {
		return idreg_diag_set(diag, IDREG_EPARSE, "longer than %d code points",
				      IDREG_LGR_LABEL_MAX);
	}
	int32_t i = 0, n = (int32_t)len;
	size_t k = 0;
	while (i < n) {
		int32_t at = i;
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0) {
			return idreg_diag_set(diag, IDREG_EPARSE, "not valid UTF-8 (at byte %d)",
					      (int)at + 1);
		}
		if (c == 0) {
			return idreg_diag_set(diag, IDREG_EPARSE, "a NUL character (at byte %d)",
					      (int)at + 1);
		}
		if (k == IDREG_LGR_LABEL_MAX) {
			return idreg_diag_set(diag, IDREG_EPARSE, "longer than %d code points",
					      IDREG_LGR_LABEL_MAX);
		}
		cps[k++] = (uint32_t)c;
	}
	*count = k;
	return IDREG_OK;
}

idreg_err idreg_lgr_label_encode(const uint32_t *cps, size_t n, char *out, size_t size)
{
	if (size == 0) {
		return IDREG_ETOOBIG;
	}
	int32_t at = 0, cap = size - 1 > INT32_MAX ? INT32_MAX : (int32_t)(size - 1);
	for (size_t i = 0; i < n; i++) {
		UBool error = false;
		U8_APPEND(out, at, cap, (UChar32)cps[i], error);
		if (error) {
			out[0] = '\0';
			return IDREG_ETOOBIG;
		}
	}
	out[at] = '\0';
	return IDREG_OK;
}

/* ---- repertoire lookup ---- */

uint32_t lgr_range_of(const struct idreg_lgr *lgr, uint32_t cp)
{
	size_t lo = 0, hi = lgr->range_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct lgr_elem *e = &lgr->elems[lgr->ranges[mid]];
		if (cp < e->first) {
			hi = mid;
		} else if (cp > e->last) {
			lo = mid + 1;
		} else {
			return lgr->ranges[mid];
		}
	}
	return LGR_NONE;
}

size_t lgr_candidates(const struct idreg_lgr *lgr, const uint32_t *cps, size_t n, size_t i,
		      uint32_t out[IDREG_LGR_SEQUENCE_MAX + 1])
{
	uint32_t cp = cps[i];
	size_t k = 0;
	bool single = false;
	for (size_t slot = (cp * 2654435761u) & lgr->start_mask; lgr->starts[slot].cp != LGR_NONE;
	     slot = (slot + 1) & lgr->start_mask) {
		const struct lgr_start *s = &lgr->starts[slot];
		if (s->cp != cp) {
			continue;
		}
		for (uint32_t j = 0; j < s->count; j++) {
			uint32_t id = lgr->start_elems[s->off + j];
			const struct lgr_elem *e = &lgr->elems[id];
			if (e->len <= n - i && lgr_same_cps(lgr->cps + e->cps, cps + i, e->len)) {
				out[k++] = id;
				single |= e->len == 1;
			}
		}
		break;
	}
	if (!single && lgr->range_count > 0) {
		uint32_t r = lgr_range_of(lgr, cp);
		if (r != LGR_NONE) {
			out[k++] = r;
		}
	}
	return k;
}

/* The code points an element stands for at position @i of @cps (a range: the one there). */
static const uint32_t *elem_cps(const struct idreg_lgr *lgr, const struct lgr_elem *e,
				const uint32_t *cps, size_t i)
{
	return e->is_range ? cps + i : lgr->cps + e->cps;
}

/* ---- rules ---- */

static void new_label(struct idreg_lgr_eval *ev)
{
	memset(ev->rule_cache, 0, ev->lgr->rule_count);
}

/* A when / not-when pair at @index of @cps, for the code points @anchor. */
static bool context_holds(struct idreg_lgr_eval *ev, uint32_t when, uint32_t not_when,
			  const uint32_t *cps, size_t n, size_t index, const uint32_t *anchor,
			  size_t anchor_len)
{
	if (when != LGR_NONE) {
		return lgr_rule_matches(&ev->m, ev->lgr, when, cps, n, index, anchor, anchor_len);
	}
	if (not_when != LGR_NONE) {
		return !lgr_rule_matches(&ev->m, ev->lgr, not_when, cps, n, index, anchor, anchor_len);
	}
	return true;
}

/* A whole-label rule, remembered for the label being evaluated. */
static bool label_matches(struct idreg_lgr_eval *ev, uint32_t rule, const uint32_t *cps, size_t n)
{
	if (ev->rule_cache[rule] == 0) {
		bool m = lgr_rule_matches(&ev->m, ev->lgr, rule, cps, n, 0, NULL, 0);
		ev->rule_cache[rule] = m ? 2 : 1;
	}
	return ev->rule_cache[rule] == 2;
}

/* ---- dispositions ---- */

struct split {
	uint32_t elem[IDREG_LGR_LABEL_MAX];
	uint8_t pos[IDREG_LGR_LABEL_MAX];
	size_t count;
};

/* Split @cps into elements (section 8.1); false, with the reason in @d, when it cannot be. */
static bool split_label(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n, struct split *s,
			struct idreg_lgr_disposition *d)
{
	const struct idreg_lgr *lgr = ev->lgr;
	s->count = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cand[IDREG_LGR_SEQUENCE_MAX + 1];
		size_t k = lgr_candidates(lgr, cps, n, i, cand);
		uint32_t chosen = LGR_NONE, failed = LGR_NONE;
		for (size_t j = 0; j < k && chosen == LGR_NONE; j++) {
			const struct lgr_elem *e = &lgr->elems[cand[j]];
			if (context_holds(ev, e->when, e->not_when, cps, n, i, elem_cps(lgr, e, cps, i),
					  e->len)) {
				chosen = cand[j];
			} else if (failed == LGR_NONE) {
				failed = cand[j];
			}
		}
		if (chosen == LGR_NONE) {
			memset(d, 0, sizeof(*d));
			d->disp = lgr_invalid;
			d->position = i;
			d->cp = cps[i];
			if (failed == LGR_NONE) {
				d->why = IDREG_LGR_WHY_NOT_IN_REPERTOIRE;
			} else {
				const struct lgr_elem *e = &lgr->elems[failed];
				d->why = IDREG_LGR_WHY_CONTEXT;
				d->line = e->line;
				d->rule_negated = e->when == LGR_NONE;
				d->rule = lgr->rules[d->rule_negated ? e->not_when : e->when].name;
			}
			return false;
		}
		s->elem[s->count] = chosen;
		s->pos[s->count++] = (uint8_t)i;
		i += lgr->elems[chosen].len;
	}
	return true;
}

/* The types of the label's reflexive mappings (section 5.3.4) and whether every element has one. */
static void reflexive_types(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
			    const struct split *s, uint64_t *types, bool *only)
{
	const struct idreg_lgr *lgr = ev->lgr;
	uint64_t mask = 0;
	bool all = true;
	for (size_t k = 0; k < s->count; k++) {
		const struct lgr_elem *e = &lgr->elems[s->elem[k]];
		bool mapped = e->reflexive;
		mask |= e->reflexive_types;
		for (uint32_t j = 0; e->reflexive_context && j < e->var_count; j++) {
			const struct lgr_var *v = &lgr->vars[e->vars + j];
			if (v->reflexive && (v->when != LGR_NONE || v->not_when != LGR_NONE) &&
			    context_holds(ev, v->when, v->not_when, cps, n, s->pos[k], lgr->cps + v->cps,
					  v->len)) {
				mask |= v->type == LGR_NO_TYPE ? 0 : UINT64_C(1) << v->type;
				mapped = true;
			}
		}
		all &= mapped;
	}
	*types = mask;
	*only = all && mask != 0;
}

/* The first action that fires (section 8.3); the last default one always does. */
static void apply_actions(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n, uint64_t types,
			  bool only, struct idreg_lgr_disposition *d)
{
	const struct idreg_lgr *lgr = ev->lgr;
	for (size_t i = 0; i < lgr->action_count; i++) {
		const struct lgr_action *a = &lgr->actions[i];
		bool fires;
		switch ((enum lgr_trigger)a->trigger) {
		case LGR_TRIGGER_ANY: fires = (types & a->types) != 0; break;
		case LGR_TRIGGER_ALL: fires = types != 0 && (types & ~a->types) == 0; break;
		case LGR_TRIGGER_ONLY: fires = only && types != 0 && (types & ~a->types) == 0; break;
		default: fires = true; break;
		}
		if (!fires || (a->match != LGR_NONE && !label_matches(ev, a->match, cps, n)) ||
		    (a->not_match != LGR_NONE && label_matches(ev, a->not_match, cps, n))) {
			continue;
		}
		memset(d, 0, sizeof(*d));
		d->disp = a->disp;
		d->why = a->is_default ? IDREG_LGR_WHY_DEFAULT_ACTION : IDREG_LGR_WHY_ACTION;
		d->action = a->is_default ? i - lgr->own_actions + 1 : i + 1;
		d->line = a->line;
		d->comment = a->comment;
		d->rule_negated = a->not_match != LGR_NONE;
		d->rule = a->match != LGR_NONE       ? lgr->rules[a->match].name
			  : a->not_match != LGR_NONE ? lgr->rules[a->not_match].name
						     : NULL;
		d->types = types;
		d->only_variants = only;
		return;
	}
}

bool idreg_lgr_is_invalid(const struct idreg_lgr_disposition *d)
{
	return d->disp == lgr_invalid;
}

idreg_err idreg_lgr_disposition(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
				struct idreg_lgr_disposition *out)
{
	if (n == 0 || n > IDREG_LGR_LABEL_MAX) {
		return IDREG_EINVAL;
	}
	ev->m.out_of_memory = false;
	new_label(ev);
	struct split s;
	if (split_label(ev, cps, n, &s, out)) {
		uint64_t types;
		bool only;
		reflexive_types(ev, cps, n, &s, &types, &only);
		apply_actions(ev, cps, n, types, only, out);
	}
	return ev->m.out_of_memory ? IDREG_ENOMEM : IDREG_OK;
}

/* ---- words ---- */

/* snprintf that stays inside @size and never leaves *@at past it. */
static void append(char *out, size_t size, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *out, size_t size, size_t *at, const char *fmt, ...)
{
	if (*at >= size) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(out + *at, size - *at, fmt, ap);
	va_end(ap);
	*at = w < 0 ? size : *at + (size_t)w;
}

void idreg_lgr_types_text(const struct idreg_lgr *lgr, uint64_t types, char *out, size_t size)
{
	size_t at = 0;
	if (size > 0) {
		out[0] = '\0';
	}
	for (size_t t = 0; t < lgr->type_count; t++) {
		if (types & (UINT64_C(1) << t)) {
			append(out, size, &at, "%s%s", at ? " " : "", lgr->types[t]);
		}
	}
}

void idreg_lgr_reason(const struct idreg_lgr *lgr, const struct idreg_lgr_disposition *d,
		      char *out, size_t size)
{
	static const char *const trigger_names[] = {
		[LGR_TRIGGER_ALWAYS] = "", [LGR_TRIGGER_ANY] = " any-variant",
		[LGR_TRIGGER_ALL] = " all-variants", [LGR_TRIGGER_ONLY] = " only-variants",
	};
	size_t at = 0;
	if (size == 0) {
		return;
	}
	out[0] = '\0';
	switch (d->why) {
	case IDREG_LGR_WHY_NOT_IN_REPERTOIRE:
		append(out, size, &at, "U+%04X at position %zu is not in the repertoire",
		       (unsigned)d->cp, d->position + 1);
		break;
	case IDREG_LGR_WHY_CONTEXT:
		append(out, size, &at, "U+%04X at position %zu is out of context: %s rule '%s' %s "
				       "(repertoire line %u)",
		       (unsigned)d->cp, d->position + 1, d->rule_negated ? "its not-when" : "its when",
		       d->rule, d->rule_negated ? "matches" : "does not match", d->line);
		break;
	case IDREG_LGR_WHY_TOO_LONG:
		append(out, size, &at, "longer than %d code points", IDREG_LGR_LABEL_MAX);
		break;
	case IDREG_LGR_WHY_ACTION:
	case IDREG_LGR_WHY_DEFAULT_ACTION: {
		bool own = d->why == IDREG_LGR_WHY_ACTION;
		const struct lgr_action *a =
			&lgr->actions[own ? d->action - 1 : lgr->own_actions + d->action - 1];
		if (own) {
			append(out, size, &at, "action %zu (line %u): disp=%s", d->action, d->line, a->disp);
		} else {
			append(out, size, &at, "default action %zu (RFC 7940 section 7.6): disp=%s",
			       d->action, a->disp);
		}
		if (d->rule != NULL) {
			append(out, size, &at, " %s=%s", d->rule_negated ? "not-match" : "match", d->rule);
		}
		if (a->trigger != LGR_TRIGGER_ALWAYS) {
			char types[256];
			idreg_lgr_types_text(lgr, d->types & a->types, types, sizeof(types));
			append(out, size, &at, "%s (%s)", trigger_names[a->trigger],
			       types[0] ? types : "none");
		}
		if (a->comment != NULL && a->comment[0] != '\0') {
			append(out, size, &at, ": %s", a->comment);
		}
		break;
	}
	}
	/* One line, no tabs: the reason goes into TSV and logs. */
	for (char *p = out; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*p = ' ';
		}
	}
}

/* ---- index labels ---- */

/* The best index from one position on: a segment, then the best from @next. */
struct index_step {
	const uint32_t *seg;
	uint8_t len;
	uint8_t next;
	bool defined;
};

/* Reads the code points of a segment followed by the best index from a position on. */
struct chain {
	const struct index_step *best;
	const uint32_t *seg;
	size_t len, at, next;
};

/* The next code point of @c; false at its end. */
static bool chain_next(struct chain *c, uint32_t *cp)
{
	while (c->at == c->len) {
		const struct index_step *s = &c->best[c->next];
		if (s->next == c->next) {
			return false; /* the end of the label: its step leads to itself */
		}
		*c = (struct chain){ c->best, s->seg, s->len, 0, s->next };
	}
	*cp = c->seg[c->at++];
	return true;
}

/* Compare @a_seg + the best from @a_next with @b_seg + the best from @b_next. */
static int compare_chains(const struct index_step *best, const uint32_t *a_seg, size_t a_len,
			  size_t a_next, const uint32_t *b_seg, size_t b_len, size_t b_next)
{
	struct chain a = { best, a_seg, a_len, 0, a_next }, b = { best, b_seg, b_len, 0, b_next };
	for (;;) {
		uint32_t x = 0, y = 0;
		bool more_a = chain_next(&a, &x), more_b = chain_next(&b, &y);
		if (!more_a || !more_b) {
			return (int)more_a - (int)more_b;
		}
		if (x != y) {
			return x < y ? -1 : 1;
		}
	}
}

/* The smallest of element @e at @i and its variants whose context holds there. */
static void index_segment(struct idreg_lgr_eval *ev, const struct lgr_elem *e, const uint32_t *cps,
			  size_t n, size_t i, const uint32_t **seg, uint8_t *len)
{
	const struct idreg_lgr *lgr = ev->lgr;
	if (e->is_range) {
		*seg = cps + i;
		*len = 1;
		return;
	}
	*seg = lgr->cps + e->index_cps;
	*len = e->index_len;
	if (!e->context_variants) {
		return;
	}
	*seg = lgr->cps + e->cps;
	*len = e->len;
	for (uint32_t k = 0; k < e->var_count; k++) {
		const struct lgr_var *v = &lgr->vars[e->vars + k];
		if (lgr_compare_cps(lgr->cps + v->cps, v->len, *seg, *len) >= 0) {
			continue;
		}
		if (v->when != LGR_NONE || v->not_when != LGR_NONE) {
			/* The label with the variant in place. */
			uint32_t alt[IDREG_LGR_LABEL_MAX];
			size_t alt_len = i + v->len + (n - i - e->len);
			if (alt_len > IDREG_LGR_LABEL_MAX) {
				continue;
			}
			memcpy(alt, cps, i * sizeof(*cps));
			memcpy(alt + i, lgr->cps + v->cps, v->len * sizeof(*cps));
			memcpy(alt + i + v->len, cps + i + e->len, (n - i - e->len) * sizeof(*cps));
			if (!context_holds(ev, v->when, v->not_when, alt, alt_len, i, lgr->cps + v->cps,
					   v->len)) {
				continue;
			}
		}
		*seg = lgr->cps + v->cps;
		*len = v->len;
	}
}

idreg_err idreg_lgr_index_label(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
				uint32_t *out, size_t cap, size_t *out_len)
{
	const struct idreg_lgr *lgr = ev->lgr;
	*out_len = 0;
	if (n == 0 || n > IDREG_LGR_LABEL_MAX) {
		return IDREG_EINVAL;
	}
	ev->m.out_of_memory = false;
	new_label(ev);
	/* best[i]: the smallest index of cps[i..n); best[n] is the empty end. */
	struct index_step best[IDREG_LGR_LABEL_MAX + 1];
	memset(best, 0, sizeof(best));
	best[n] = (struct index_step){ NULL, 0, (uint8_t)n, true };
	for (size_t i = n; i-- > 0;) {
		uint32_t cand[IDREG_LGR_SEQUENCE_MAX + 1];
		size_t k = lgr_candidates(lgr, cps, n, i, cand);
		for (size_t j = 0; j < k; j++) {
			const struct lgr_elem *e = &lgr->elems[cand[j]];
			size_t next = i + e->len;
			if (!best[next].defined ||
			    !context_holds(ev, e->when, e->not_when, cps, n, i, elem_cps(lgr, e, cps, i),
					   e->len)) {
				continue;
			}
			const uint32_t *seg;
			uint8_t len;
			index_segment(ev, e, cps, n, i, &seg, &len);
			if (!best[i].defined ||
			    compare_chains(best, seg, len, next, best[i].seg, best[i].len, best[i].next) < 0) {
				best[i] = (struct index_step){ seg, len, (uint8_t)next, true };
			}
		}
	}
	if (ev->m.out_of_memory) {
		return IDREG_ENOMEM;
	}
	if (!best[0].defined) {
		return IDREG_ENOTFOUND;
	}
	size_t at = 0;
	for (size_t i = 0; i < n; i = best[i].next) {
		if (at + best[i].len > cap) {
			return IDREG_ETOOBIG;
		}
		memcpy(out + at, best[i].seg, best[i].len * sizeof(*out));
		at += best[i].len;
	}
	*out_len = at;
	return IDREG_OK;
}

/* ---- variant labels ---- */

/* Labels already generated, to report each once: open addressing over a flat store. */
struct seen {
	uint32_t *store; /* length, then the code points, per label */
	size_t store_len, store_cap;
	uint32_t *slots; /* offset + 1 into store; 0 empty */
	size_t mask;
};

static uint64_t hash_cps(const uint32_t *cps, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ cps[i]) * 1099511628211u;
	}
	return h ^ n;
}

/* Add the label; false if it was there already.  Sets *@err on failure. */
static bool seen_add(struct seen *s, const uint32_t *cps, size_t n, idreg_err *err)
{
	size_t slot = hash_cps(cps, n) & s->mask;
	for (; s->slots[slot] != 0; slot = (slot + 1) & s->mask) {
		const uint32_t *l = s->store + s->slots[slot] - 1;
		if (l[0] == n && lgr_same_cps(l + 1, cps, n)) {
			return false;
		}
	}
	if (idreg_array_reserve(&s->store, &s->store_cap, s->store_len + n, sizeof(*s->store),
				1024) != IDREG_OK) {
		*err = IDREG_ENOMEM;
		return false;
	}
	s->store[s->store_len] = (uint32_t)n;
	memcpy(s->store + s->store_len + 1, cps, n * sizeof(*cps));
	s->slots[slot] = (uint32_t)s->store_len + 1;
	s->store_len += n + 1;
	return true;
}

struct gen {
	struct idreg_lgr_eval *ev;
	const uint32_t *orig;
	size_t n;
	size_t max;
	bool include_invalid;
	idreg_lgr_variant_fn fn;
	void *ctx;
	struct idreg_lgr_variant_summary *sum;
	uint32_t out[IDREG_LGR_LABEL_MAX];
	size_t len;
	struct seen seen;
	/* coverable[i]: elements can be found from position i to the end of the label */
	bool coverable[IDREG_LGR_LABEL_MAX + 1];
	size_t steps, max_steps; /* elements placed, and the most allowed */
	bool stop;
	idreg_err err;
};

/* The disposition of a variant label made with @types (section 8.3). */
static void variant_disposition(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
				uint64_t types, bool only, struct idreg_lgr_disposition *d)
{
	new_label(ev);
	struct split s;
	if (!split_label(ev, cps, n, &s, d)) {
		d->types = types;
		d->only_variants = only;
		return;
	}
	apply_actions(ev, cps, n, 0, false, d);
	if (!idreg_lgr_is_invalid(d)) {
		apply_actions(ev, cps, n, types, only, d);
	}
	d->types = types;
	d->only_variants = only;
}

static void emit(struct gen *g, uint64_t types, bool only)
{
	if (g->sum->generated == g->max) {
		g->sum->truncated = true;
		g->stop = true;
		return;
	}
	g->sum->generated++;
	if ((g->len == g->n && lgr_same_cps(g->out, g->orig, g->n)) || !seen_add(&g->seen, g->out, g->len, &g->err)) {
		g->stop = g->err != IDREG_OK;
		return;
	}
	struct idreg_lgr_disposition d;
	variant_disposition(g->ev, g->out, g->len, types, only, &d);
	if (g->ev->m.out_of_memory) {
		g->err = IDREG_ENOMEM;
		g->stop = true;
		return;
	}
	if (!g->include_invalid && idreg_lgr_is_invalid(&d)) {
		return;
	}
	g->sum->reported++;
	if (!g->fn(g->ctx, g->out, g->len, &d)) {
		g->stop = true;
	}
}

/* The label made of the variant prefix, @mid, and the original from @rest on. */
static size_t spliced(const struct gen *g, const uint32_t *mid, size_t mid_len, size_t rest,
		      uint32_t out[IDREG_LGR_LABEL_MAX])
{
	size_t len = g->len + mid_len + (g->n - rest);
	if (len > IDREG_LGR_LABEL_MAX) {
		return 0;
	}
	memcpy(out, g->out, g->len * sizeof(*out));
	if (mid_len > 0) {
		memcpy(out + g->len, mid, mid_len * sizeof(*out));
	}
	memcpy(out + g->len + mid_len, g->orig + rest, (g->n - rest) * sizeof(*out));
	return len;
}

/* The elements to permute at @i (lgr-core's choice), at most IDREG_LGR_SEQUENCE_MAX + 1. */
static size_t elements_at(struct gen *g, size_t i, uint32_t chosen[IDREG_LGR_SEQUENCE_MAX + 1])
{
	const struct idreg_lgr *lgr = g->ev->lgr;
	uint32_t cand[IDREG_LGR_SEQUENCE_MAX + 1];
	size_t k = lgr_candidates(lgr, g->orig, g->n, i, cand), c = 0;
	uint32_t label[IDREG_LGR_LABEL_MAX];
	size_t label_len = spliced(g, NULL, 0, i, label);
	/* Those with variants whose context holds after the prefix made so far. */
	for (size_t j = 0; j < k; j++) {
		const struct lgr_elem *e = &lgr->elems[cand[j]];
		if (e->var_count > 0 && label_len > 0 &&
		    context_holds(g->ev, e->when, e->not_when, label, label_len, g->len,
				  elem_cps(lgr, e, g->orig, i), e->len)) {
			chosen[c++] = cand[j];
		}
	}
	/* None: the longest, as it stands. */
	if (c == 0 && k > 0) {
		chosen[c++] = cand[0];
	}
	/* A sequence brings the shorter elements at the same place. */
	size_t longest = 0;
	for (size_t j = 0; j < c; j++) {
		size_t len = lgr->elems[chosen[j]].len;
		longest = len > longest ? len : longest;
	}
	for (size_t j = 0; j < k && longest > 1; j++) {
		bool there = false;
		for (size_t x = 0; x < c; x++) {
			there |= chosen[x] == cand[j];
		}
		if (!there && lgr->elems[cand[j]].len < longest) {
			chosen[c++] = cand[j];
		}
	}
	return c;
}

static void permute(struct gen *g, size_t i, uint64_t types, bool only, bool has_variant);

/* Does variant @v of the element at @i stand, after the prefix made so far? */
static bool variant_holds(struct gen *g, const struct lgr_var *v, size_t rest)
{
	const struct idreg_lgr *lgr = g->ev->lgr;
	if (v->when == LGR_NONE && v->not_when == LGR_NONE) {
		return true;
	}
	uint32_t label[IDREG_LGR_LABEL_MAX];
	size_t len = spliced(g, lgr->cps + v->cps, v->len, rest, label);
	return len > 0 && context_holds(g->ev, v->when, v->not_when, label, len, g->len,
					lgr->cps + v->cps, v->len);
}

/* Write @cps in place of the element and go on from @next. */
static void place(struct gen *g, const uint32_t *cps, size_t len, size_t next, uint64_t types,
		  bool only, bool has_variant, bool element_has_variants)
{
	if (g->len + len > IDREG_LGR_LABEL_MAX || !g->coverable[next] || g->stop) {
		return;
	}
	/* Dead ends (a sequence the rest of the label does not continue) cost steps too. */
	if (++g->steps > g->max_steps) {
		g->sum->truncated = true;
		g->stop = true;
		return;
	}
	memcpy(g->out + g->len, cps, len * sizeof(*g->out));
	g->len += len;
	if (next < g->n) {
		permute(g, next, types, only, has_variant);
	} else if (has_variant || element_has_variants) {
		emit(g, types, only);
	}
	g->len -= len;
}

static void permute_element(struct gen *g, size_t i, uint32_t id, uint64_t types, bool only,
			    bool has_variant)
{
	const struct idreg_lgr *lgr = g->ev->lgr;
	const struct lgr_elem *e = &lgr->elems[id];
	size_t next = i + e->len;
	bool variants = e->var_count > 0;
	/* The element itself comes first, unless a reflexive mapping stands for it. */
	bool reflexive = false;
	for (uint32_t k = 0; k < e->var_count && !reflexive; k++) {
		const struct lgr_var *v = &lgr->vars[e->vars + k];
		reflexive = v->reflexive && variant_holds(g, v, next);
	}
	if (!reflexive) {
		place(g, elem_cps(lgr, e, g->orig, i), e->len, next, types, false, has_variant,
		      variants);
	}
	for (uint32_t k = 0; k < e->var_count && !g->stop; k++) {
		const struct lgr_var *v = &lgr->vars[e->vars + k];
		if (variant_holds(g, v, next)) {
			uint64_t type = v->type == LGR_NO_TYPE ? 0 : UINT64_C(1) << v->type;
			place(g, lgr->cps + v->cps, v->len, next, types | type, only, true, variants);
		}
	}
}

static void permute(struct gen *g, size_t i, uint64_t types, bool only, bool has_variant)
{
	uint32_t chosen[IDREG_LGR_SEQUENCE_MAX + 1];
	size_t c = elements_at(g, i, chosen);
	for (size_t j = 0; j < c && !g->stop; j++) {
		permute_element(g, i, chosen[j], types, only, has_variant);
	}
}

idreg_err idreg_lgr_variants(struct idreg_lgr_eval *ev, const uint32_t *cps, size_t n,
			     const struct idreg_lgr_variant_options *opts, idreg_lgr_variant_fn fn,
			     void *ctx, struct idreg_lgr_variant_summary *summary)
{
	memset(summary, 0, sizeof(*summary));
	if (n == 0 || n > IDREG_LGR_LABEL_MAX) {
		return IDREG_EINVAL;
	}
	struct gen *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		return IDREG_ENOMEM;
	}
	*g = (struct gen){
		.ev = ev, .orig = cps, .n = n,
		.max = opts && opts->max_generated ? opts->max_generated : DEFAULT_MAX_GENERATED,
		.include_invalid = opts && opts->include_invalid, .fn = fn, .ctx = ctx, .sum = summary,
	};
	size_t slots = 16;
	while (slots < 2 * g->max && slots < (SIZE_MAX >> 2)) {
		slots *= 2;
	}
	g->seen.slots = calloc(slots, sizeof(*g->seen.slots));
	g->seen.mask = slots - 1;
	if (g->seen.slots == NULL) {
		free(g);
		return IDREG_ENOMEM;
	}
	/* Only the places from which the rest of the label splits into elements lead anywhere. */
	g->coverable[n] = true;
	for (size_t i = n; i-- > 0;) {
		uint32_t cand[IDREG_LGR_SEQUENCE_MAX + 1];
		size_t k = lgr_candidates(ev->lgr, cps, n, i, cand);
		for (size_t j = 0; j < k && !g->coverable[i]; j++) {
			g->coverable[i] = g->coverable[i + ev->lgr->elems[cand[j]].len];
		}
	}
	g->max_steps = g->max * (IDREG_LGR_LABEL_MAX + 1);
	ev->m.out_of_memory = false;
	if (g->coverable[0]) {
		permute(g, 0, 0, true, false);
	}
	idreg_err err = g->err != IDREG_OK ? g->err : ev->m.out_of_memory ? IDREG_ENOMEM : IDREG_OK;
	free(g->seen.slots);
	free(g->seen.store);
	free(g);
	return err;
}
