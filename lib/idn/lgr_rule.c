/*
 * Rules of an LGR (RFC 7940 section 6.3): the tree of matchers a <rule>
 * holds, compiled into a program of steps, and the matcher that runs one
 * against a label.
 *
 * The program is a regular expression over code points in the style of a
 * backtracking virtual machine: literal sequences, classes, "any", the
 * start and end of the label, the anchor (the code point whose context is
 * being evaluated), alternatives (SPLIT), and look-ahead and look-behind,
 * whose bodies are programs of their own.  A count ("n", "n+", "n:m") is
 * unrolled: n copies, then a loop or m - n optional copies.  Counts above
 * IDREG_LGR_LABEL_MAX + 1 are cut to it, which cannot change a match on a
 * label that short.  A rule referenced with by-ref is compiled in place.
 *
 * The matcher only asks whether there is a match, so it can remember every
 * (step, position) pair it has been at and never go there again (the
 * "bit-state" method of RE2): the result from a pair depends on nothing
 * else, since look-arounds look only at the label.  A rule thus costs at
 * most its steps times the label length, whatever its counts and choices.
 * Matching follows lgr-core, ICANN's reference implementation: a rule with
 * an anchor, used as the context of a code point, must match where that
 * code point is; any other rule may match anywhere in the label (it says
 * <start/> and <end/> when it means the whole label); a look-behind holds
 * when its body matches some stretch of the label ending where it stands.
 */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "idn/lgr_int.h"

/* ---- compiling ---- */

/* Longer chains of rules referring to rules are refused. */
#define INLINE_DEPTH_MAX 64

struct compiler {
	struct idreg_lgr *lgr;
	const struct lgr_node *nodes;
	const uint32_t *roots;
	size_t max_program;
	unsigned depth;
	bool anchored;
};

static idreg_err emit(struct compiler *c, uint8_t op, uint32_t x, uint32_t y)
{
	struct idreg_lgr *lgr = c->lgr;
	if (lgr->prog_len >= c->max_program) {
		return IDREG_ETOOBIG;
	}
	idreg_err err = idreg_array_reserve(&lgr->prog, &lgr->prog_cap, lgr->prog_len,
					    sizeof(*lgr->prog), 256);
	if (err != IDREG_OK) {
		return err;
	}
	lgr->prog[lgr->prog_len++] = (struct lgr_inst){ op, x, y };
	return IDREG_OK;
}

static uint32_t here(const struct compiler *c)
{
	return (uint32_t)c->lgr->prog_len;
}

static idreg_err compile_node(struct compiler *c, uint32_t id);

static idreg_err compile_children(struct compiler *c, uint32_t id)
{
	idreg_err err = IDREG_OK;
	for (uint32_t k = c->nodes[id].first; k != LGR_NONE && err == IDREG_OK; k = c->nodes[k].next) {
		err = compile_node(c, k);
	}
	return err;
}

/* Alternatives: SPLIT to each but the last, each ending with a jump past the rest. */
static idreg_err compile_choice(struct compiler *c, uint32_t id)
{
	uint32_t pending = LGR_NONE; /* chain of JMPs to patch, linked through x */
	idreg_err err = IDREG_OK;
	for (uint32_t k = c->nodes[id].first; k != LGR_NONE && err == IDREG_OK; k = c->nodes[k].next) {
		if (c->nodes[k].next == LGR_NONE) {
			err = compile_node(c, k);
			break;
		}
		uint32_t split = here(c);
		err = emit(c, LGR_OP_SPLIT, split + 1, 0);
		if (err == IDREG_OK) {
			err = compile_node(c, k);
		}
		if (err == IDREG_OK) {
			uint32_t jmp = here(c);
			err = emit(c, LGR_OP_JMP, pending, 0);
			pending = jmp;
			c->lgr->prog[split].y = here(c);
		}
	}
	uint32_t end = here(c);
	while (err == IDREG_OK && pending != LGR_NONE) {
		uint32_t next = c->lgr->prog[pending].x;
		c->lgr->prog[pending].x = end;
		pending = next;
	}
	return err;
}

static idreg_err compile_look(struct compiler *c, uint32_t id, uint8_t op)
{
	uint32_t at = here(c);
	idreg_err err = emit(c, op, at + 1, 0);
	if (err == IDREG_OK) {
		err = compile_children(c, id);
	}
	if (err == IDREG_OK) {
		err = emit(c, LGR_OP_MATCH, 0, 0);
	}
	if (err == IDREG_OK) {
		c->lgr->prog[at].y = here(c);
	}
	return err;
}

/* The node once, without its count. */
static idreg_err compile_once(struct compiler *c, uint32_t id)
{
	const struct lgr_node *n = &c->nodes[id];
	switch ((enum lgr_node_kind)n->kind) {
	case LGR_N_SEQ: return compile_children(c, id);
	case LGR_N_CHOICE: return compile_choice(c, id);
	case LGR_N_CHAR: return emit(c, LGR_OP_CHAR, n->a, n->b);
	case LGR_N_ANY: return emit(c, LGR_OP_ANY, 0, 0);
	case LGR_N_CLASS: return emit(c, LGR_OP_CLASS, n->a, 0);
	case LGR_N_START: return emit(c, LGR_OP_START, 0, 0);
	case LGR_N_END: return emit(c, LGR_OP_END, 0, 0);
	case LGR_N_ANCHOR:
		c->anchored = true;
		return emit(c, LGR_OP_ANCHOR, 0, 0);
	case LGR_N_LOOK_AHEAD: return compile_look(c, id, LGR_OP_LOOK_AHEAD);
	case LGR_N_LOOK_BEHIND: return compile_look(c, id, LGR_OP_LOOK_BEHIND);
	case LGR_N_RULE_REF: {
		if (++c->depth > INLINE_DEPTH_MAX) {
			return IDREG_ETOOBIG;
		}
		idreg_err err = compile_children(c, c->roots[n->a]);
		c->depth--;
		return err;
	}
	}
	return IDREG_EINVAL;
}

static idreg_err compile_node(struct compiler *c, uint32_t id)
{
	const uint32_t limit = IDREG_LGR_LABEL_MAX + 1;
	uint32_t min = c->nodes[id].min, max = c->nodes[id].max;
	min = min > limit ? limit : min;
	idreg_err err = IDREG_OK;
	for (uint32_t k = 0; k < min && err == IDREG_OK; k++) {
		err = compile_once(c, id);
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (max == LGR_NONE) {
		/* loop: SPLIT body, out; body; JMP loop */
		uint32_t loop = here(c);
		err = emit(c, LGR_OP_SPLIT, loop + 1, 0);
		if (err == IDREG_OK) {
			err = compile_once(c, id);
		}
		if (err == IDREG_OK) {
			err = emit(c, LGR_OP_JMP, loop, 0);
		}
		if (err == IDREG_OK) {
			c->lgr->prog[loop].y = here(c);
		}
		return err;
	}
	max = max > limit ? limit : max;
	/* optional copies: each SPLIT goes on to its copy or past the last one */
	uint32_t splits[IDREG_LGR_LABEL_MAX + 1];
	uint32_t count = 0;
	for (uint32_t k = min; k < max && err == IDREG_OK; k++) {
		splits[count++] = here(c);
		err = emit(c, LGR_OP_SPLIT, here(c) + 1, 0);
		if (err == IDREG_OK) {
			err = compile_once(c, id);
		}
	}
	for (uint32_t k = 0; err == IDREG_OK && k < count; k++) {
		c->lgr->prog[splits[k]].y = here(c);
	}
	return err;
}

/* Note @f among the rule's first code points or classes; false when there are too many. */
static bool add_first(struct lgr_rule *rule, struct lgr_first f)
{
	for (uint8_t i = 0; i < rule->first_count; i++) {
		if (rule->first[i].is_class == f.is_class && rule->first[i].value == f.value) {
			return true;
		}
	}
	if (rule->first_count == LGR_FIRST_MAX) {
		return false;
	}
	rule->first[rule->first_count++] = f;
	return true;
}

/*
 * What a match searched for in a whole label can begin with: follow the
 * steps that consume nothing (alternatives, jumps, assertions) from the
 * entry to the first that consumes a code point, noting whether <start/>
 * was passed.  Without an anchor, <anchor/> matches nothing.  Any doubt
 * (memory, "any", a match of nothing, too many beginnings) leaves the rule
 * unfiltered, so the search only ever skips places where no match begins.
 */
static void find_first(const struct idreg_lgr *lgr, struct lgr_rule *rule)
{
	size_t len = rule->end - rule->entry;
	/* States: (step, <start/> passed), each visited once and pushing at most two. */
	uint8_t *seen = calloc(2 * len, 1);
	uint32_t *todo = malloc((4 * len + 1) * sizeof(*todo));
	rule->start_only = false;
	rule->filtered = false;
	rule->first_count = 0;
	if (seen == NULL || todo == NULL) {
		free(seen);
		free(todo);
		return;
	}
	bool anything = false, unanchored = false;
	size_t count = 0;
	todo[count++] = 0; /* the entry, before any <start/> */
	while (count > 0) {
		uint32_t state = todo[--count];
		uint32_t pc = rule->entry + state / 2;
		bool started = state % 2;
		if (seen[state]) {
			continue;
		}
		seen[state] = 1;
		const struct lgr_inst *in = &lgr->prog[pc];
		uint32_t next[2];
		size_t nexts = 0;
		switch ((enum lgr_op)in->op) {
		case LGR_OP_SPLIT:
			next[nexts++] = in->x;
			next[nexts++] = in->y;
			break;
		case LGR_OP_JMP: next[nexts++] = in->x; break;
		case LGR_OP_START:
			started = true;
			next[nexts++] = pc + 1;
			break;
		case LGR_OP_END: next[nexts++] = pc + 1; break;
		case LGR_OP_LOOK_AHEAD:
		case LGR_OP_LOOK_BEHIND: next[nexts++] = in->y; break;
		case LGR_OP_ANCHOR: break;
		case LGR_OP_CHAR:
		case LGR_OP_CLASS:
			unanchored |= !started;
			anything |= !add_first(rule, (struct lgr_first){
							     in->op == LGR_OP_CLASS,
							     in->op == LGR_OP_CLASS ? in->x : lgr->cps[in->x],
						     });
			break;
		default: /* ANY, MATCH */
			unanchored |= !started;
			anything = true;
			break;
		}
		for (size_t k = 0; k < nexts; k++) {
			todo[count++] = (next[k] - rule->entry) * 2 + started;
		}
	}
	rule->start_only = !unanchored;
	rule->filtered = !anything;
	free(seen);
	free(todo);
}

idreg_err lgr_compile_rule(struct idreg_lgr *lgr, const struct lgr_node *nodes,
			   const uint32_t *roots, uint32_t root, size_t max_program,
			   struct lgr_rule *rule)
{
	struct compiler c = { lgr, nodes, roots, max_program, 0, false };
	rule->entry = here(&c);
	rule->empty = nodes[root].first == LGR_NONE;
	idreg_err err = compile_children(&c, root);
	if (err == IDREG_OK) {
		err = emit(&c, LGR_OP_MATCH, 0, 0);
	}
	rule->end = here(&c);
	rule->anchored = c.anchored;
	if (err == IDREG_OK) {
		find_first(lgr, rule);
	}
	return err;
}

/* ---- matching ---- */

bool lgr_class_has(const struct idreg_lgr *lgr, uint32_t c, uint32_t cp)
{
	const struct lgr_cp_range *r = lgr->class_ranges + lgr->classes[c].off;
	size_t lo = 0, hi = lgr->classes[c].count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].first) {
			hi = mid;
		} else if (cp > r[mid].last) {
			lo = mid + 1;
		} else {
			return true;
		}
	}
	return false;
}

idreg_err lgr_matcher_init(struct lgr_matcher *m, const struct idreg_lgr *lgr)
{
	memset(m, 0, sizeof(*m));
	m->visited = calloc(lgr->prog_len ? lgr->prog_len : 1, sizeof(*m->visited));
	return m->visited == NULL ? IDREG_ENOMEM : IDREG_OK;
}

void lgr_matcher_free(struct lgr_matcher *m)
{
	free(m->visited);
	free(m->jobs);
	memset(m, 0, sizeof(*m));
}

/* One evaluation: the label, the anchor, the scratch. */
struct run {
	struct lgr_matcher *m;
	const struct idreg_lgr *lgr;
	const uint32_t *cps;
	size_t n;
	const uint32_t *anchor; /* NULL: no anchor (a whole-label rule) */
	size_t anchor_len;
};

static void forget(struct run *r, uint32_t from, uint32_t to)
{
	memset(r->m->visited + from, 0, (to - from) * sizeof(*r->m->visited));
}

/* Mark (pc, pos) visited; false if it already was. */
static bool first_visit(struct run *r, uint32_t pc, uint32_t pos)
{
	uint64_t bit = UINT64_C(1) << pos;
	if (r->m->visited[pc] & bit) {
		return false;
	}
	r->m->visited[pc] |= bit;
	return true;
}

static bool push(struct run *r, uint32_t pc, uint32_t pos)
{
	struct lgr_matcher *m = r->m;
	if (idreg_array_reserve(&m->jobs, &m->job_cap, m->job_count, sizeof(*m->jobs), 64) !=
	    IDREG_OK) {
		m->out_of_memory = true;
		return false;
	}
	m->jobs[m->job_count++] = (struct lgr_job){ pc, pos };
	return true;
}

static bool run_from(struct run *r, uint32_t entry, uint32_t start, int target);

static bool look_behind(struct run *r, const struct lgr_inst *in, uint32_t pos)
{
	forget(r, in->x, in->y);
	for (uint32_t q = pos + 1; q-- > 0;) {
		if (run_from(r, in->x, q, (int)pos)) {
			return true;
		}
	}
	return false;
}

/* Is there a way from step @entry at @start to a MATCH (at position @target, unless -1)? */
static bool run_from(struct run *r, uint32_t entry, uint32_t start, int target)
{
	struct lgr_matcher *m = r->m;
	const struct lgr_inst *prog = r->lgr->prog;
	size_t base = m->job_count;
	if (!first_visit(r, entry, start) || !push(r, entry, start)) {
		return false;
	}
	while (m->job_count > base) {
		struct lgr_job job = m->jobs[--m->job_count];
		uint32_t pc = job.pc, pos = job.pos;
		for (;;) {
			const struct lgr_inst *in = &prog[pc];
			bool ok;
			switch ((enum lgr_op)in->op) {
			case LGR_OP_CHAR:
				ok = pos + in->y <= r->n && lgr_same_cps(r->cps + pos, r->lgr->cps + in->x, in->y);
				pos += ok ? in->y : 0;
				pc++;
				break;
			case LGR_OP_CLASS:
				ok = pos < r->n && lgr_class_has(r->lgr, in->x, r->cps[pos]);
				pos += ok;
				pc++;
				break;
			case LGR_OP_ANY:
				ok = pos < r->n;
				pos += ok;
				pc++;
				break;
			case LGR_OP_START:
				ok = pos == 0;
				pc++;
				break;
			case LGR_OP_END:
				ok = pos == r->n;
				pc++;
				break;
			case LGR_OP_ANCHOR:
				ok = r->anchor != NULL && pos + r->anchor_len <= r->n &&
				     lgr_same_cps(r->cps + pos, r->anchor, r->anchor_len);
				pos += ok ? (uint32_t)r->anchor_len : 0;
				pc++;
				break;
			case LGR_OP_SPLIT:
				ok = true;
				if (first_visit(r, in->y, pos) && !push(r, in->y, pos)) {
					ok = false;
				}
				pc = in->x;
				break;
			case LGR_OP_JMP:
				ok = true;
				pc = in->x;
				break;
			case LGR_OP_LOOK_AHEAD:
				forget(r, in->x, in->y);
				ok = run_from(r, in->x, pos, -1);
				pc = in->y;
				break;
			case LGR_OP_LOOK_BEHIND:
				ok = look_behind(r, in, pos);
				pc = in->y;
				break;
			case LGR_OP_MATCH:
				if (target < 0 || pos == (uint32_t)target) {
					m->job_count = base;
					return true;
				}
				ok = false;
				break;
			default:
				ok = false;
				break;
			}
			if (!ok || m->out_of_memory || !first_visit(r, pc, pos)) {
				break;
			}
		}
	}
	return false;
}

/* Can a match of @rule begin with @cp? */
static bool may_begin(const struct idreg_lgr *lgr, const struct lgr_rule *rule, uint32_t cp)
{
	for (uint8_t i = 0; i < rule->first_count; i++) {
		const struct lgr_first *f = &rule->first[i];
		if (f->is_class ? lgr_class_has(lgr, f->value, cp) : f->value == cp) {
			return true;
		}
	}
	return false;
}

bool lgr_rule_matches(struct lgr_matcher *m, const struct idreg_lgr *lgr, uint32_t r,
		      const uint32_t *cps, size_t n, size_t index, const uint32_t *anchor,
		      size_t anchor_len)
{
	const struct lgr_rule *rule = &lgr->rules[r];
	if (rule->empty || n > IDREG_LGR_LABEL_MAX) {
		return false;
	}
	struct run run = { m, lgr, cps, n, anchor, anchor_len };
	if (anchor != NULL && rule->anchored) {
		forget(&run, rule->entry, rule->end);
		return run_from(&run, rule->entry, (uint32_t)index, -1);
	}
	run.anchor = NULL;
	bool forgotten = false;
	for (uint32_t s = 0; s <= n && (s == 0 || !rule->start_only); s++) {
		if (rule->filtered && (s == n || !may_begin(lgr, rule, cps[s]))) {
			continue;
		}
		if (!forgotten) {
			forget(&run, rule->entry, rule->end);
			forgotten = true;
		}
		if (run_from(&run, rule->entry, s, -1)) {
			return true;
		}
	}
	return false;
}
