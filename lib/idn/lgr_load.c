/*
 * Loading an LGR (RFC 7940) from XML into the tables of lgr_int.h.
 *
 * The file is read as a stream with libxml2's xmlTextReader, which also
 * validates it against the RELAX NG schema when one is given, so memory
 * stays near the size of the result however large the file.  Each element
 * is handled as it opens and closes, with a stack of open elements:
 *   <meta>   version, date, languages, Unicode version, reference ids;
 *   <data>   <char> and <range> become repertoire elements, <var> their
 *            variant mappings; tags collect code points for from-tag classes;
 *   <rules>  classes are built as ICU sets (by property, tag, code points,
 *            or set operations on other classes) and stored as sorted
 *            ranges; rules are trees of matchers, compiled (lgr_rule.c) when
 *            they close; actions are kept in order.
 * Names are resolved as RFC 7940 section 6 says: a class or rule used
 * by-ref must be defined before; when/not-when and match/not-match may name
 * rules defined anywhere, and are resolved at the end, when the lookup
 * table is built, duplicates and overlaps are refused, every variant
 * mapping must have its reverse (section 5.3), and the default actions of
 * section 7.6 are appended.
 *
 * Line numbers: libxml2 keeps a node's line only up to 65,535, and the
 * Chinese LGRs are longer, so the loader finds each start tag in the file
 * itself (skipping comments, CDATA and processing instructions), in step
 * with the reader, and counts lines there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/strmap.h"
#include "idn/lgr_int.h"

#define LGR_NAMESPACE "urn:ietf:params:xml:ns:lgr-1.0"
#define TEXT_MAX (1u << 20) /* text of one <class> or meta element */

static const struct idreg_lgr_limits default_limits = {
	.max_file_bytes = 64u << 20,
	.max_elements = 2000000,
	.max_depth = 64,
	.max_program = 65536,
};

/* ---- elements and attributes ---- */

enum kind {
	K_NONE,
	K_LGR,
	K_META,
	K_META_TEXT, /* a meta element whose text is kept or ignored */
	K_REFERENCES,
	K_DATA,
	K_CHAR,
	K_VAR,
	K_RANGE,
	K_RULES,
	K_RULE,
	K_CHOICE,
	K_LOOK,
	K_LEAF, /* any, start, end, anchor, char as a matcher */
	K_CLASS,
	K_SET_OP,
	K_ACTION,
};

/* Where a class or rule stands: declared under <rules>, used in a rule, or inside a set operation. */
enum role { ROLE_DECLARATION, ROLE_MATCHER, ROLE_OPERAND };

enum set_op { OP_UNION, OP_INTERSECTION, OP_DIFFERENCE, OP_SYMMETRIC_DIFFERENCE, OP_COMPLEMENT };

static const struct {
	const char *name;
	unsigned min, max; /* operands */
} set_ops[] = {
	[OP_UNION] = { "union", 2, UINT32_MAX },
	[OP_INTERSECTION] = { "intersection", 2, 2 },
	[OP_DIFFERENCE] = { "difference", 2, 2 },
	[OP_SYMMETRIC_DIFFERENCE] = { "symmetric-difference", 2, 2 },
	[OP_COMPLEMENT] = { "complement", 1, 1 },
};

enum attr {
	A_CP,
	A_TYPE,
	A_WHEN,
	A_NOT_WHEN,
	A_TAG,
	A_REF,
	A_NAME,
	A_BY_REF,
	A_COUNT,
	A_FROM_TAG,
	A_PROPERTY,
	A_FIRST_CP,
	A_LAST_CP,
	A_DISP,
	A_MATCH,
	A_NOT_MATCH,
	A_ANY_VARIANT,
	A_ALL_VARIANTS,
	A_ONLY_VARIANTS,
	A_COMMENT,
	A_ID,
	ATTR_COUNT
};

static const char *const attr_names[ATTR_COUNT] = {
	"cp",    "type",  "when",      "not-when",  "tag",         "ref",          "name",
	"by-ref", "count", "from-tag",  "property",  "first-cp",    "last-cp",      "disp",
	"match", "not-match", "any-variant", "all-variants", "only-variants", "comment", "id",
};

struct frame {
	uint8_t kind, role, op;
	const char *tag;   /* the element's name, for messages */
	unsigned operands; /* set operations: operands combined so far */
	uint32_t node;     /* its matcher node, or LGR_NONE */
	bool by_ref;       /* a <rule by-ref>: no content */
	USet *set;         /* classes and set operations */
	const char *name;  /* declarations */
	uint32_t line;
};

struct named_class {
	USet *set;
};

/* A when/not-when pair waiting for the rules to be known. */
struct pending_context {
	uint32_t id; /* element or variant */
	bool is_var;
	const char *when, *not_when;
	uint32_t line;
};

struct action_names {
	const char *match, *not_match;
};

struct builder {
	struct idreg_lgr *lgr;
	const char *file;
	struct idreg_lgr_limits lim;
	struct idreg_diag *diag;
	idreg_err err;
	xmlTextReaderPtr reader;

	/* start-tag scanner, for line numbers */
	const char *buf;
	size_t len, at;
	uint32_t line;
	bool scan;
	uint32_t elem_line; /* line of the element being handled */

	struct frame *frames;
	size_t depth;
	size_t elements;
	bool seen_root, seen_meta, seen_data, seen_rules;

	struct idreg_arena scratch; /* attribute values of the current element */
	const char *attr[ATTR_COUNT];
	struct idreg_buf text;
	struct idreg_buf languages;

	struct idreg_strmap rule_names, class_names, tag_names, type_names, ref_ids;
	USet **tag_sets;
	size_t tag_count, tag_cap;
	struct named_class *named;
	size_t named_count, named_cap;
	struct lgr_node *nodes;
	size_t node_count, node_cap;
	uint32_t *roots; /* tree of each rule, parallel to lgr->rules */
	size_t roots_cap;
	struct pending_context *pending;
	size_t pending_count, pending_cap;
	struct action_names *action_names;
	size_t action_names_cap;
	uint32_t cur_elem; /* the <char> whose <var>s are being read */
};

static idreg_err fail(struct builder *b, uint32_t line, idreg_err err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static idreg_err fail(struct builder *b, uint32_t line, idreg_err err, const char *fmt, ...)
{
	if (b->err != IDREG_OK) {
		return b->err;
	}
	char text[sizeof(b->diag->text)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	b->err = err;
	if (line > 0) {
		idreg_diag_set(b->diag, err, "%s:%u: %s", b->file, (unsigned)line, text);
	} else {
		idreg_diag_set(b->diag, err, "%s: %s", b->file, text);
	}
	return err;
}

static idreg_err no_memory(struct builder *b)
{
	return fail(b, b->elem_line, IDREG_ENOMEM, "out of memory");
}

/* ---- line numbers ---- */

/* Move @i past the first @end at or after it, counting lines. */
static void skip_past(struct builder *b, size_t *i, uint32_t *line, const char *end)
{
	size_t end_len = strlen(end);
	while (*i < b->len) {
		if (b->len - *i >= end_len && memcmp(b->buf + *i, end, end_len) == 0) {
			*i += end_len;
			return;
		}
		*line += b->buf[*i] == '\n';
		(*i)++;
	}
}

static bool at_text(const struct builder *b, size_t i, const char *s)
{
	size_t n = strlen(s);
	return b->len - i >= n && memcmp(b->buf + i, s, n) == 0;
}

/* The line of the next start tag in the file: the reader reports elements in that order. */
static uint32_t next_start_tag_line(struct builder *b)
{
	size_t i = b->at;
	uint32_t line = b->line;
	while (i < b->len) {
		char c = b->buf[i];
		if (c == '\n') {
			line++;
		}
		if (c != '<') {
			i++;
			continue;
		}
		if (at_text(b, i, "<!--")) {
			skip_past(b, &i, &line, "-->");
		} else if (at_text(b, i, "<![CDATA[")) {
			skip_past(b, &i, &line, "]]>");
		} else if (at_text(b, i, "<?")) {
			skip_past(b, &i, &line, "?>");
		} else if (at_text(b, i, "<!") || at_text(b, i, "</")) {
			i += 2;
		} else {
			b->at = i + 1;
			b->line = line;
			return line;
		}
	}
	b->at = i;
	b->line = line;
	return line;
}

/* ---- small parsers ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One code point in hex (RFC 7940: 4 to 6 upper-case digits), not a surrogate. */
static bool parse_cp(const char *s, size_t len, uint32_t *cp)
{
	if (len < 4 || len > 6) {
		return false;
	}
	uint32_t v = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			v = v * 16 + (uint32_t)(c - '0');
		} else if (c >= 'A' && c <= 'F') {
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		} else {
			return false;
		}
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		return false;
	}
	*cp = v;
	return true;
}

/* Next whitespace-separated token of @s from *@at; false at the end. */
static bool next_token(const char *s, size_t *at, const char **tok, size_t *len)
{
	size_t i = *at;
	while (s[i] != '\0' && is_space(s[i])) {
		i++;
	}
	if (s[i] == '\0') {
		*at = i;
		return false;
	}
	size_t start = i;
	while (s[i] != '\0' && !is_space(s[i])) {
		i++;
	}
	*tok = s + start;
	*len = i - start;
	*at = i;
	return true;
}

/* Longest name of a tag, a variant type or a reference id. */
#define NAME_MAX_LEN 255

/* The token as a NUL-terminated name in @name; an error naming @what if it is too long. */
static idreg_err token_name(struct builder *b, const char *what, const char *tok, size_t len,
			    char name[NAME_MAX_LEN + 1])
{
	if (len > NAME_MAX_LEN) {
		return fail(b, b->elem_line, IDREG_EPARSE, "%s longer than %d bytes", what,
			    NAME_MAX_LEN);
	}
	memcpy(name, tok, len);
	name[len] = '\0';
	return IDREG_OK;
}

/* A space-separated code point sequence of at most IDREG_LGR_SEQUENCE_MAX, appended to lgr->cps. */
static idreg_err parse_sequence(struct builder *b, const char *what, const char *s, bool allow_empty,
				uint32_t *off, uint8_t *count)
{
	struct idreg_lgr *lgr = b->lgr;
	uint32_t cps[IDREG_LGR_SEQUENCE_MAX];
	size_t n = 0, at = 0, len;
	const char *tok;
	while (next_token(s, &at, &tok, &len)) {
		if (n == IDREG_LGR_SEQUENCE_MAX) {
			return fail(b, b->elem_line, IDREG_ETOOBIG,
				    "%s: a sequence of more than %d code points", what,
				    IDREG_LGR_SEQUENCE_MAX);
		}
		if (!parse_cp(tok, len, &cps[n])) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "%s: '%.*s' is not a code point (4 to 6 upper-case hex digits, "
				    "at most 10FFFF, not a surrogate)",
				    what, (int)(len > 16 ? 16 : len), tok);
		}
		n++;
	}
	if (n == 0 && !allow_empty) {
		return fail(b, b->elem_line, IDREG_EPARSE, "%s: no code point", what);
	}
	if (lgr->cps_count + n > UINT32_MAX ||
	    idreg_array_reserve(&lgr->cps, &lgr->cps_cap, lgr->cps_count + n, sizeof(*lgr->cps),
				1024) != IDREG_OK) {
		return no_memory(b);
	}
	memcpy(lgr->cps + lgr->cps_count, cps, n * sizeof(*cps));
	*off = (uint32_t)lgr->cps_count;
	*count = (uint8_t)n;
	lgr->cps_count += n;
	return IDREG_OK;
}

/* The count attribute: "n", "n+" or "n:m" (RFC 7940 section 6.3.3). */
static idreg_err parse_count(struct builder *b, const char *s, uint32_t *min, uint32_t *max)
{
	char *end;
	errno = 0;
	unsigned long lo = strtoul(s, &end, 10);
	unsigned long hi = lo;
	bool ok = end != s && s[0] >= '0' && s[0] <= '9' && errno == 0 && lo < UINT32_MAX;
	if (ok && *end == '+') {
		hi = UINT32_MAX;
		end++;
	} else if (ok && *end == ':') {
		const char *m = end + 1;
		hi = strtoul(m, &end, 10);
		ok = end != m && m[0] >= '0' && m[0] <= '9' && errno == 0 && hi < UINT32_MAX && lo <= hi;
	}
	if (!ok || *end != '\0') {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "count='%.32s' is not \"n\", \"n+\" or \"n:m\" with n <= m", s);
	}
	*min = (uint32_t)lo;
	*max = hi == UINT32_MAX ? LGR_NONE : (uint32_t)hi;
	return IDREG_OK;
}

/* Every id in a ref attribute is declared in <references>, and only once in the attribute. */
static idreg_err check_refs(struct builder *b)
{
	const char *s = b->attr[A_REF];
	if (s == NULL) {
		return IDREG_OK;
	}
	size_t at = 0, len;
	const char *tok;
	while (next_token(s, &at, &tok, &len)) {
		char id[NAME_MAX_LEN + 1];
		if (token_name(b, "a reference id", tok, len, id) != IDREG_OK) {
			return b->err;
		}
		int64_t v;
		if (idreg_strmap_get(&b->ref_ids, id, &v) != IDREG_OK) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "ref: reference '%s' is not declared in <references>", id);
		}
		size_t at2 = at, len2;
		const char *tok2;
		while (next_token(s, &at2, &tok2, &len2)) {
			if (len2 == len && memcmp(tok, tok2, len) == 0) {
				return fail(b, b->elem_line, IDREG_EPARSE,
					    "ref: reference '%s' given twice", id);
			}
		}
	}
	return IDREG_OK;
}

static const char *keep(struct builder *b, const char *s)
{
	if (s == NULL) {
		return NULL;
	}
	const char *copy = idreg_arena_strndup(&b->lgr->arena, s, strlen(s));
	if (copy == NULL) {
		no_memory(b);
	}
	return copy;
}

/* ---- variant types ---- */

static idreg_err intern_type(struct builder *b, const char *name, uint8_t *out)
{
	int64_t v;
	if (idreg_strmap_get(&b->type_names, name, &v) == IDREG_OK) {
		*out = (uint8_t)v;
		return IDREG_OK;
	}
	if (strlen(name) > NAME_MAX_LEN) {
		return fail(b, b->elem_line, IDREG_EPARSE, "a variant type longer than %d bytes",
			    NAME_MAX_LEN);
	}
	struct idreg_lgr *lgr = b->lgr;
	if (lgr->type_count == IDREG_LGR_TYPES_MAX) {
		return fail(b, b->elem_line, IDREG_ETOOBIG, "more than %d variant types",
			    IDREG_LGR_TYPES_MAX);
	}
	const char *copy = keep(b, name);
	if (copy == NULL || idreg_strmap_put(&b->type_names, name, (int64_t)lgr->type_count) != IDREG_OK) {
		return no_memory(b);
	}
	lgr->types[lgr->type_count] = copy;
	*out = (uint8_t)lgr->type_count++;
	return IDREG_OK;
}

/* The set of known types named in a space-separated list; unknown names add nothing. */
static uint64_t type_mask(struct builder *b, const char *list)
{
	uint64_t mask = 0;
	size_t at = 0, len;
	const char *tok;
	while (list != NULL && next_token(list, &at, &tok, &len)) {
		/* A longer name is no type any variant has. */
		char name[NAME_MAX_LEN + 1];
		int64_t v;
		if (len <= NAME_MAX_LEN) {
			memcpy(name, tok, len);
			name[len] = '\0';
			if (idreg_strmap_get(&b->type_names, name, &v) == IDREG_OK) {
				mask |= UINT64_C(1) << v;
			}
		}
	}
	return mask;
}

/* ---- data: <char>, <var>, <range> ---- */

static idreg_err note_context(struct builder *b, uint32_t id, bool is_var)
{
	const char *when = b->attr[A_WHEN], *not_when = b->attr[A_NOT_WHEN];
	if (when != NULL && not_when != NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "both when and not-when (RFC 7940 section 5.2 allows one)");
	}
	if (when == NULL && not_when == NULL) {
		return IDREG_OK;
	}
	if (idreg_array_reserve(&b->pending, &b->pending_cap, b->pending_count, sizeof(*b->pending),
				64) != IDREG_OK) {
		return no_memory(b);
	}
	b->pending[b->pending_count++] = (struct pending_context){
		id, is_var, keep(b, when), keep(b, not_when), b->elem_line,
	};
	return b->err;
}

static idreg_err add_to_tag(struct builder *b, const char *tag, size_t len, uint32_t first,
			    uint32_t last)
{
	char name[NAME_MAX_LEN + 1];
	if (token_name(b, "a tag", tag, len, name) != IDREG_OK) {
		return b->err;
	}
	int64_t v;
	if (idreg_strmap_get(&b->tag_names, name, &v) != IDREG_OK) {
		if (idreg_array_reserve(&b->tag_sets, &b->tag_cap, b->tag_count, sizeof(*b->tag_sets),
					16) != IDREG_OK) {
			return no_memory(b);
		}
		USet *set = uset_openEmpty();
		if (set == NULL) {
			return no_memory(b);
		}
		b->tag_sets[b->tag_count] = set;
		v = (int64_t)b->tag_count++;
		if (idreg_strmap_put(&b->tag_names, name, v) != IDREG_OK) {
			return no_memory(b);
		}
	}
	uset_addRange(b->tag_sets[v], (UChar32)first, (UChar32)last);
	return IDREG_OK;
}

static idreg_err note_tags(struct builder *b, uint32_t first, uint32_t last, bool sequence)
{
	const char *s = b->attr[A_TAG];
	if (s == NULL) {
		return IDREG_OK;
	}
	if (sequence) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "a tag on a code point sequence (RFC 7940 section 5.5)");
	}
	size_t at = 0, len;
	const char *tok;
	while (next_token(s, &at, &tok, &len)) {
		size_t at2 = at, len2;
		const char *tok2;
		while (next_token(s, &at2, &tok2, &len2)) {
			if (len2 == len && memcmp(tok, tok2, len) == 0) {
				return fail(b, b->elem_line, IDREG_EPARSE, "tag '%.*s' given twice",
					    (int)len, tok);
			}
		}
		if (add_to_tag(b, tok, len, first, last) != IDREG_OK) {
			return b->err;
		}
	}
	return IDREG_OK;
}

static idreg_err new_elem(struct builder *b, struct lgr_elem **out)
{
	struct idreg_lgr *lgr = b->lgr;
	if (lgr->elem_count >= UINT32_MAX - 1 ||
	    idreg_array_reserve(&lgr->elems, &lgr->elem_cap, lgr->elem_count, sizeof(*lgr->elems),
				256) != IDREG_OK) {
		return no_memory(b);
	}
	struct lgr_elem *e = &lgr->elems[lgr->elem_count];
	memset(e, 0, sizeof(*e));
	e->when = e->not_when = LGR_NONE;
	e->vars = (uint32_t)lgr->var_count;
	e->line = b->elem_line;
	*out = e;
	return IDREG_OK;
}

static idreg_err start_char(struct builder *b)
{
	if (b->attr[A_CP] == NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE, "<char> without cp");
	}
	struct lgr_elem *e = NULL;
	if (new_elem(b, &e) != IDREG_OK ||
	    parse_sequence(b, "cp", b->attr[A_CP], false, &e->cps, &e->len) != IDREG_OK) {
		return b->err;
	}
	e->first = e->last = b->lgr->cps[e->cps];
	uint32_t id = (uint32_t)b->lgr->elem_count++;
	if (e->len == 1) {
		b->lgr->code_points++;
	} else {
		b->lgr->sequences++;
	}
	b->cur_elem = id;
	if (note_context(b, id, false) != IDREG_OK) {
		return b->err;
	}
	return note_tags(b, e->first, e->last, e->len > 1);
}

static idreg_err start_range(struct builder *b)
{
	const char *first = b->attr[A_FIRST_CP], *last = b->attr[A_LAST_CP];
	uint32_t lo, hi;
	if (first == NULL || last == NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE, "<range> needs first-cp and last-cp");
	}
	if (!parse_cp(first, strlen(first), &lo) || !parse_cp(last, strlen(last), &hi) || lo > hi) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "<range first-cp=\"%.8s\" last-cp=\"%.8s\">: not code points in order",
			    first, last);
	}
	if (lo <= 0xdfff && hi >= 0xd800) {
		return fail(b, b->elem_line, IDREG_EPARSE, "<range> spans the surrogates");
	}
	struct lgr_elem *e = NULL;
	if (new_elem(b, &e) != IDREG_OK) {
		return b->err;
	}
	e->is_range = true;
	e->len = 1;
	e->first = lo;
	e->last = hi;
	uint32_t id = (uint32_t)b->lgr->elem_count++;
	b->lgr->code_points += hi - lo + 1;
	if (note_context(b, id, false) != IDREG_OK) {
		return b->err;
	}
	return note_tags(b, lo, hi, false);
}

static idreg_err start_var(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	if (b->attr[A_CP] == NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE, "<var> without cp");
	}
	if (lgr->var_count >= UINT32_MAX - 1 ||
	    idreg_array_reserve(&lgr->vars, &lgr->var_cap, lgr->var_count, sizeof(*lgr->vars), 256) !=
		    IDREG_OK) {
		return no_memory(b);
	}
	struct lgr_var *v = &lgr->vars[lgr->var_count];
	memset(v, 0, sizeof(*v));
	v->when = v->not_when = LGR_NONE;
	v->type = LGR_NO_TYPE;
	v->line = b->elem_line;
	if (parse_sequence(b, "cp", b->attr[A_CP], true, &v->cps, &v->len) != IDREG_OK) {
		return b->err;
	}
	if (b->attr[A_TYPE] != NULL && intern_type(b, b->attr[A_TYPE], &v->type) != IDREG_OK) {
		return b->err;
	}
	const struct lgr_elem *e = &lgr->elems[b->cur_elem];
	v->reflexive = v->len == e->len &&
		       memcmp(lgr->cps + v->cps, lgr->cps + e->cps, v->len * sizeof(uint32_t)) == 0;
	uint32_t id = (uint32_t)lgr->var_count++;
	lgr->elems[b->cur_elem].var_count++;
	return note_context(b, id, true);
}

static int compare_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

/* Variants of an element: by code points, then context rules, then line. */
static int compare_vars(const void *x, const void *y, void *arg)
{
	const struct idreg_lgr *lgr = arg;
	const struct lgr_var *a = x, *b = y;
	int c = lgr_compare_cps(lgr->cps + a->cps, a->len, lgr->cps + b->cps, b->len);
	if (c == 0) {
		c = compare_u32(a->when, b->when);
	}
	if (c == 0) {
		c = compare_u32(a->not_when, b->not_when);
	}
	return c != 0 ? c : compare_u32(a->line, b->line);
}

/* Each element's variants in code point order, no mapping given twice. */
static idreg_err sort_variants(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	for (size_t i = 0; i < lgr->elem_count; i++) {
		uint32_t n = lgr->elems[i].var_count;
		if (n < 2) {
			continue;
		}
		struct lgr_var *v = lgr->vars + lgr->elems[i].vars;
		qsort_r(v, n, sizeof(*v), compare_vars, lgr);
		for (uint32_t k = 1; k < n; k++) {
			if (lgr_compare_cps(lgr->cps + v[k - 1].cps, v[k - 1].len, lgr->cps + v[k].cps,
					v[k].len) == 0 &&
			    v[k - 1].when == v[k].when && v[k - 1].not_when == v[k].not_when) {
				return fail(b, v[k].line, IDREG_EPARSE,
					    "the same variant mapping twice (also line %u)",
					    (unsigned)v[k - 1].line);
			}
		}
	}
	return IDREG_OK;
}

/* ---- rules: matcher trees ---- */

static idreg_err new_node(struct builder *b, uint8_t kind, uint32_t parent, uint32_t *out)
{
	if (b->node_count >= UINT32_MAX - 1 ||
	    idreg_array_reserve(&b->nodes, &b->node_cap, b->node_count, sizeof(*b->nodes), 256) !=
		    IDREG_OK) {
		return no_memory(b);
	}
	uint32_t id = (uint32_t)b->node_count++;
	b->nodes[id] = (struct lgr_node){
		.kind = kind, .min = 1, .max = 1, .first = LGR_NONE, .last = LGR_NONE,
		.next = LGR_NONE, .line = b->elem_line,
	};
	if (parent != LGR_NONE) {
		struct lgr_node *p = &b->nodes[parent];
		if (p->last == LGR_NONE) {
			p->first = id;
		} else {
			b->nodes[p->last].next = id;
		}
		p->last = id;
	}
	*out = id;
	return IDREG_OK;
}

/* The count attribute of a matcher, where one is allowed. */
static idreg_err apply_count(struct builder *b, uint32_t node, bool allowed, const char *tag)
{
	const char *count = b->attr[A_COUNT];
	if (count == NULL) {
		return IDREG_OK;
	}
	if (!allowed) {
		return fail(b, b->elem_line, IDREG_EPARSE, "count is not allowed on this <%s>", tag);
	}
	return parse_count(b, count, &b->nodes[node].min, &b->nodes[node].max);
}

static idreg_err check_name(struct builder *b, const struct frame *f)
{
	const char *name = b->attr[A_NAME];
	if (f->role == ROLE_DECLARATION && name == NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE, "<%s> directly in <rules> needs a name",
			    f->tag);
	}
	if (f->role != ROLE_DECLARATION && name != NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "<%s name=\"%.64s\">: only classes and rules directly in <rules> are named",
			    f->tag, name);
	}
	int64_t v;
	if (name != NULL && (idreg_strmap_get(&b->rule_names, name, &v) == IDREG_OK ||
			     idreg_strmap_get(&b->class_names, name, &v) == IDREG_OK)) {
		return fail(b, b->elem_line, IDREG_EPARSE, "'%.64s' is defined twice", name);
	}
	return IDREG_OK;
}

static idreg_err start_rule(struct builder *b, struct frame *f, const struct frame *parent)
{
	if (check_name(b, f) != IDREG_OK) {
		return b->err;
	}
	const char *by_ref = b->attr[A_BY_REF];
	if (f->role == ROLE_DECLARATION) {
		if (by_ref != NULL) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "a named <rule> cannot also be by-ref");
		}
		f->name = keep(b, b->attr[A_NAME]);
		return new_node(b, LGR_N_SEQ, LGR_NONE, &f->node);
	}
	if (by_ref == NULL) {
		return new_node(b, LGR_N_SEQ, parent->node, &f->node) == IDREG_OK
			       ? apply_count(b, f->node, true, "rule")
			       : b->err;
	}
	int64_t rule;
	if (idreg_strmap_get(&b->rule_names, by_ref, &rule) != IDREG_OK) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "rule '%.64s' is not defined before this by-ref (RFC 7940 section 6.3.4)",
			    by_ref);
	}
	f->by_ref = true;
	if (new_node(b, LGR_N_RULE_REF, parent->node, &f->node) != IDREG_OK) {
		return b->err;
	}
	b->nodes[f->node].a = (uint32_t)rule;
	return apply_count(b, f->node, true, "rule");
}

static idreg_err finish_rule(struct builder *b, struct frame *f)
{
	if (f->role != ROLE_DECLARATION) {
		return IDREG_OK;
	}
	struct idreg_lgr *lgr = b->lgr;
	if (idreg_array_reserve(&lgr->rules, &lgr->rule_cap, lgr->rule_count, sizeof(*lgr->rules),
				16) != IDREG_OK ||
	    idreg_array_reserve(&b->roots, &b->roots_cap, lgr->rule_count, sizeof(*b->roots), 16) !=
		    IDREG_OK) {
		return no_memory(b);
	}
	uint32_t id = (uint32_t)lgr->rule_count;
	struct lgr_rule *rule = &lgr->rules[id];
	memset(rule, 0, sizeof(*rule));
	rule->name = f->name;
	rule->line = f->line;
	b->roots[id] = f->node;
	idreg_err err = lgr_compile_rule(lgr, b->nodes, b->roots, f->node, b->lim.max_program, rule);
	if (err == IDREG_ETOOBIG) {
		return fail(b, f->line, err,
			    "rule '%.64s': the rules compile to more than %zu steps (or refer to "
			    "rules too deeply)",
			    f->name, b->lim.max_program);
	}
	if (err != IDREG_OK) {
		return no_memory(b);
	}
	lgr->rule_count++;
	if (idreg_strmap_put(&b->rule_names, f->name, id) != IDREG_OK) {
		return no_memory(b);
	}
	return IDREG_OK;
}

static idreg_err start_leaf(struct builder *b, struct frame *f, const struct frame *parent)
{
	static const struct {
		const char *tag;
		uint8_t kind;
		bool count;
	} leaves[] = {
		{ "any", LGR_N_ANY, true },      { "start", LGR_N_START, false },
		{ "end", LGR_N_END, false },     { "anchor", LGR_N_ANCHOR, false },
		{ "char", LGR_N_CHAR, true },
	};
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		if (strcmp(f->tag, leaves[i].tag) != 0) {
			continue;
		}
		if (new_node(b, leaves[i].kind, parent->node, &f->node) != IDREG_OK ||
		    apply_count(b, f->node, leaves[i].count, f->tag) != IDREG_OK) {
			return b->err;
		}
		if (leaves[i].kind != LGR_N_CHAR) {
			return IDREG_OK;
		}
		if (b->attr[A_CP] == NULL) {
			return fail(b, b->elem_line, IDREG_EPARSE, "<char> without cp");
		}
		uint8_t len;
		if (parse_sequence(b, "cp", b->attr[A_CP], false, &b->nodes[f->node].a, &len) !=
		    IDREG_OK) {
			return b->err;
		}
		b->nodes[f->node].b = len;
		return IDREG_OK;
	}
	return fail(b, b->elem_line, IDREG_EINVAL, "<%s>: not a matcher", f->tag);
}

/* ---- rules: classes ---- */

/* Add the class @set to the LGR's classes as sorted ranges; its id in *@out. */
static idreg_err add_class(struct builder *b, const USet *set, uint32_t *out)
{
	struct idreg_lgr *lgr = b->lgr;
	int32_t items = uset_getItemCount(set);
	if (lgr->class_count >= UINT32_MAX - 1 ||
	    idreg_array_reserve(&lgr->classes, &lgr->class_cap, lgr->class_count,
				sizeof(*lgr->classes), 16) != IDREG_OK) {
		return no_memory(b);
	}
	struct lgr_class *c = &lgr->classes[lgr->class_count];
	c->off = (uint32_t)lgr->class_range_count;
	c->count = 0;
	for (int32_t i = 0; i < items; i++) {
		UChar32 first, last;
		UErrorCode ec = U_ZERO_ERROR;
		if (uset_getItem(set, i, &first, &last, NULL, 0, &ec) != 0 || U_FAILURE(ec)) {
			continue; /* a string, which classes cannot hold */
		}
		if (idreg_array_reserve(&lgr->class_ranges, &lgr->class_range_cap,
					lgr->class_range_count, sizeof(*lgr->class_ranges),
					64) != IDREG_OK) {
			return no_memory(b);
		}
		lgr->class_ranges[lgr->class_range_count++] =
			(struct lgr_cp_range){ (uint32_t)first, (uint32_t)last };
		c->count++;
	}
	*out = (uint32_t)lgr->class_count++;
	return IDREG_OK;
}

/* A Unicode property class, "name:value" (RFC 7940 section 6.2.4), from ICU. */
static idreg_err add_property(struct builder *b, USet *set, const char *property)
{
	const char *colon = strchr(property, ':');
	size_t len = strlen(property);
	UChar name[64], value[64];
	if (colon == NULL || colon == property || colon[1] == '\0' || len >= 64) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "property='%.64s' is not \"name:value\" (e.g. \"gc:Mn\")", property);
	}
	for (size_t i = 0; i < len; i++) {
		char c = property[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == ':' || c == '-' || c == '.')) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "property='%.64s': not a Unicode property name", property);
		}
	}
	size_t name_len = (size_t)(colon - property);
	u_charsToUChars(property, name, (int32_t)name_len);
	u_charsToUChars(colon + 1, value, (int32_t)(len - name_len - 1));
	UErrorCode ec = U_ZERO_ERROR;
	uset_applyPropertyAlias(set, name, (int32_t)name_len, value, (int32_t)(len - name_len - 1),
				&ec);
	if (U_FAILURE(ec)) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "property='%.64s': ICU knows no such Unicode property or value (%s)",
			    property, u_errorName(ec));
	}
	return IDREG_OK;
}

static idreg_err start_class(struct builder *b, struct frame *f, const struct frame *parent)
{
	if (check_name(b, f) != IDREG_OK) {
		return b->err;
	}
	f->name = keep(b, b->attr[A_NAME]);
	f->set = uset_openEmpty();
	if (f->set == NULL) {
		return no_memory(b);
	}
	if (f->role == ROLE_MATCHER) {
		if (new_node(b, LGR_N_CLASS, parent->node, &f->node) != IDREG_OK ||
		    apply_count(b, f->node, true, f->tag) != IDREG_OK) {
			return b->err;
		}
	} else if (b->attr[A_COUNT] != NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "count is only allowed on a class used as a matcher in a rule");
	}
	if (f->kind == K_SET_OP) {
		return IDREG_OK;
	}
	const char *by_ref = b->attr[A_BY_REF], *tag = b->attr[A_FROM_TAG],
		   *property = b->attr[A_PROPERTY];
	if ((by_ref != NULL) + (tag != NULL) + (property != NULL) > 1) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "a <class> is one of by-ref, from-tag, property or code points");
	}
	if (by_ref != NULL && f->name != NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE, "a named <class> cannot also be by-ref");
	}
	int64_t v;
	if (by_ref != NULL) {
		if (idreg_strmap_get(&b->class_names, by_ref, &v) != IDREG_OK) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "class '%.64s' is not defined before this by-ref (RFC 7940 "
				    "section 6.2.1)",
				    by_ref);
		}
		uset_addAll(f->set, b->named[v].set);
	} else if (tag != NULL) {
		/* A tag no code point carries makes an empty class, as in lgr-core. */
		if (idreg_strmap_get(&b->tag_names, tag, &v) == IDREG_OK) {
			uset_addAll(f->set, b->tag_sets[v]);
		}
	} else if (property != NULL) {
		return add_property(b, f->set, property);
	}
	return IDREG_OK;
}

/* Code points and ranges ("0061 0063-0065") of a <class>'s text. */
static idreg_err add_class_text(struct builder *b, struct frame *f)
{
	const char *s = b->text.data;
	size_t at = 0, len;
	const char *tok;
	bool any = false;
	while (s != NULL && next_token(s, &at, &tok, &len)) {
		const char *dash = memchr(tok, '-', len);
		uint32_t lo, hi;
		bool ok = dash == NULL ? parse_cp(tok, len, &lo) && (hi = lo, true)
				       : parse_cp(tok, (size_t)(dash - tok), &lo) &&
						 parse_cp(dash + 1, len - (size_t)(dash - tok) - 1, &hi) &&
						 lo <= hi;
		if (!ok) {
			return fail(b, f->line, IDREG_EPARSE,
				    "<class>: '%.*s' is not a code point or a range XXXX-YYYY",
				    (int)(len > 20 ? 20 : len), tok);
		}
		uset_addRange(f->set, (UChar32)lo, (UChar32)hi);
		any = true;
	}
	if (any && (b->attr[A_BY_REF] != NULL || b->attr[A_FROM_TAG] != NULL ||
		    b->attr[A_PROPERTY] != NULL)) {
		return fail(b, f->line, IDREG_EPARSE,
			    "a <class> is one of by-ref, from-tag, property or code points");
	}
	return IDREG_OK;
}

/* Fold an operand into its set operation. */
static idreg_err combine(struct builder *b, struct frame *op, const USet *set, uint32_t line)
{
	unsigned k = ++op->operands;
	if (k > set_ops[op->op].max) {
		return fail(b, line, IDREG_EPARSE, "<%s> takes %u operand%s", set_ops[op->op].name,
			    set_ops[op->op].max, set_ops[op->op].max == 1 ? "" : "s");
	}
	if (k == 1 || op->op == OP_UNION) {
		uset_addAll(op->set, set);
	} else if (op->op == OP_INTERSECTION) {
		uset_retainAll(op->set, set);
	} else if (op->op == OP_DIFFERENCE) {
		uset_removeAll(op->set, set);
	} else {
		uset_complementAll(op->set, set);
	}
	return IDREG_OK;
}

/* A class or set operation closes: its set goes where it stands. */
static idreg_err finish_class(struct builder *b, struct frame *f, struct frame *parent)
{
	if (f->kind == K_CLASS) {
		if (add_class_text(b, f) != IDREG_OK) {
			return b->err;
		}
	} else {
		if (f->operands < set_ops[f->op].min) {
			return fail(b, f->line, IDREG_EPARSE, "<%s> needs %s%u operand%s",
				    set_ops[f->op].name, set_ops[f->op].max > 2 ? "at least " : "",
				    set_ops[f->op].min, set_ops[f->op].min == 1 ? "" : "s");
		}
		if (f->op == OP_COMPLEMENT) {
			uset_complement(f->set);
		}
	}
	if (f->role == ROLE_OPERAND) {
		return combine(b, parent, f->set, f->line);
	}
	if (f->role == ROLE_MATCHER) {
		return add_class(b, f->set, &b->nodes[f->node].a);
	}
	if (idreg_array_reserve(&b->named, &b->named_cap, b->named_count, sizeof(*b->named), 16) !=
		    IDREG_OK ||
	    idreg_strmap_put(&b->class_names, f->name, (int64_t)b->named_count) != IDREG_OK) {
		return no_memory(b);
	}
	b->named[b->named_count++].set = f->set;
	f->set = NULL; /* kept until the end of the load */
	return IDREG_OK;
}

/* ---- rules: actions ---- */

static idreg_err start_action(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	const char *disp = b->attr[A_DISP];
	if (disp == NULL || disp[0] == '\0') {
		return fail(b, b->elem_line, IDREG_EPARSE, "<action> without disp");
	}
	if (b->attr[A_MATCH] != NULL && b->attr[A_NOT_MATCH] != NULL) {
		return fail(b, b->elem_line, IDREG_EPARSE,
			    "<action> with both match and not-match (RFC 7940 section 7.1)");
	}
	static const struct {
		enum attr attr;
		uint8_t trigger;
	} triggers[] = {
		{ A_ANY_VARIANT, LGR_TRIGGER_ANY },
		{ A_ALL_VARIANTS, LGR_TRIGGER_ALL },
		{ A_ONLY_VARIANTS, LGR_TRIGGER_ONLY },
	};
	if (idreg_array_reserve(&lgr->actions, &lgr->action_cap, lgr->action_count,
				sizeof(*lgr->actions), 16) != IDREG_OK ||
	    idreg_array_reserve(&b->action_names, &b->action_names_cap, lgr->action_count,
				sizeof(*b->action_names), 16) != IDREG_OK) {
		return no_memory(b);
	}
	struct lgr_action a = {
		.disp = strcmp(disp, lgr_invalid) == 0 ? lgr_invalid : keep(b, disp),
		.comment = keep(b, b->attr[A_COMMENT]),
		.match = LGR_NONE, .not_match = LGR_NONE, .line = b->elem_line,
	};
	for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
		const char *list = b->attr[triggers[i].attr];
		if (list == NULL) {
			continue;
		}
		if (a.trigger != LGR_TRIGGER_ALWAYS) {
			return fail(b, b->elem_line, IDREG_EPARSE,
				    "<action> with more than one of any-variant, all-variants and "
				    "only-variants");
		}
		a.trigger = triggers[i].trigger;
		a.types = type_mask(b, list);
	}
	b->action_names[lgr->action_count] =
		(struct action_names){ keep(b, b->attr[A_MATCH]), keep(b, b->attr[A_NOT_MATCH]) };
	lgr->actions[lgr->action_count++] = a;
	return b->err;
}

/* ---- meta ---- */

static idreg_err finish_meta_text(struct builder *b, struct frame *f)
{
	struct idreg_lgr *lgr = b->lgr;
	const char *text = b->text.data ? b->text.data : "";
	while (is_space(*text)) {
		text++;
	}
	size_t len = strlen(text);
	while (len > 0 && is_space(text[len - 1])) {
		len--;
	}
	const char *copy = NULL;
	if (strcmp(f->tag, "version") == 0 || strcmp(f->tag, "date") == 0 ||
	    strcmp(f->tag, "unicode-version") == 0) {
		copy = idreg_arena_strndup(&lgr->arena, text, len);
		if (copy == NULL) {
			return no_memory(b);
		}
	}
	if (strcmp(f->tag, "version") == 0) {
		lgr->version = copy;
	} else if (strcmp(f->tag, "date") == 0) {
		lgr->date = copy;
	} else if (strcmp(f->tag, "unicode-version") == 0) {
		lgr->unicode_version = copy;
	} else if (strcmp(f->tag, "language") == 0) {
		if ((b->languages.len > 0 && idreg_buf_puts(&b->languages, " ") != IDREG_OK) ||
		    idreg_buf_append(&b->languages, text, len) != IDREG_OK) {
			return fail(b, f->line, IDREG_ETOOBIG, "too many languages");
		}
	}
	return IDREG_OK;
}

static idreg_err start_reference(struct builder *b)
{
	const char *id = b->attr[A_ID];
	if (id == NULL || id[0] == '\0') {
		return fail(b, b->elem_line, IDREG_EPARSE, "<reference> without id");
	}
	return idreg_strmap_put(&b->ref_ids, id, 1) == IDREG_OK ? IDREG_OK : no_memory(b);
}

/* ---- the element stack ---- */

static bool is_matcher_parent(uint8_t kind)
{
	return kind == K_RULE || kind == K_CHOICE || kind == K_LOOK;
}

static bool set_op_named(const char *name, uint8_t *op)
{
	for (uint8_t i = 0; i < sizeof(set_ops) / sizeof(set_ops[0]); i++) {
		if (strcmp(name, set_ops[i].name) == 0) {
			*op = i;
			return true;
		}
	}
	return false;
}

/* What the element @name is inside @parent; false if it has no place there. */
static bool classify(const struct frame *parent, const char *name, struct frame *f)
{
	uint8_t pk = parent ? parent->kind : K_NONE;
	static const char *const meta_texts[] = {
		"version", "date",         "language",        "scope",
		"validity-start", "validity-end", "unicode-version", "description",
	};
	switch (pk) {
	case K_NONE: f->kind = strcmp(name, "lgr") == 0 ? K_LGR : K_NONE; break;
	case K_LGR:
		f->kind = strcmp(name, "meta") == 0   ? K_META
			  : strcmp(name, "data") == 0 ? K_DATA
			  : strcmp(name, "rules") == 0 ? K_RULES
						       : K_NONE;
		break;
	case K_META:
		for (size_t i = 0; i < sizeof(meta_texts) / sizeof(meta_texts[0]); i++) {
			if (strcmp(name, meta_texts[i]) == 0) {
				f->kind = K_META_TEXT;
			}
		}
		if (strcmp(name, "references") == 0) {
			f->kind = K_REFERENCES;
		}
		break;
	case K_REFERENCES: f->kind = strcmp(name, "reference") == 0 ? K_META_TEXT : K_NONE; break;
	case K_DATA:
		f->kind = strcmp(name, "char") == 0 ? K_CHAR : strcmp(name, "range") == 0 ? K_RANGE : K_NONE;
		break;
	case K_CHAR: f->kind = strcmp(name, "var") == 0 ? K_VAR : K_NONE; break;
	case K_RULES:
		f->role = ROLE_DECLARATION;
		f->kind = strcmp(name, "rule") == 0     ? K_RULE
			  : strcmp(name, "class") == 0  ? K_CLASS
			  : strcmp(name, "action") == 0 ? K_ACTION
			  : set_op_named(name, &f->op)  ? K_SET_OP
							: K_NONE;
		break;
	case K_SET_OP:
		f->role = ROLE_OPERAND;
		f->kind = strcmp(name, "class") == 0 ? K_CLASS : set_op_named(name, &f->op) ? K_SET_OP : K_NONE;
		break;
	default:
		if (!is_matcher_parent(pk) || parent->by_ref) {
			f->kind = K_NONE;
			break;
		}
		f->role = ROLE_MATCHER;
		if (strcmp(name, "rule") == 0) {
			f->kind = K_RULE;
		} else if (strcmp(name, "choice") == 0) {
			f->kind = K_CHOICE;
		} else if (strcmp(name, "look-ahead") == 0 || strcmp(name, "look-behind") == 0) {
			f->kind = K_LOOK;
		} else if (strcmp(name, "class") == 0) {
			f->kind = K_CLASS;
		} else if (set_op_named(name, &f->op)) {
			f->kind = K_SET_OP;
		} else {
			f->kind = strcmp(name, "any") == 0 || strcmp(name, "start") == 0 ||
						  strcmp(name, "end") == 0 || strcmp(name, "anchor") == 0 ||
						  strcmp(name, "char") == 0
					  ? K_LEAF
					  : K_NONE;
		}
		break;
	}
	return f->kind != K_NONE;
}

static idreg_err read_attributes(struct builder *b)
{
	idreg_arena_reset(&b->scratch);
	memset(b->attr, 0, sizeof(b->attr));
	while (xmlTextReaderMoveToNextAttribute(b->reader) == 1) {
		if (xmlTextReaderConstNamespaceUri(b->reader) != NULL) {
			continue; /* xmlns declarations, attributes of other vocabularies */
		}
		const char *name = (const char *)xmlTextReaderConstLocalName(b->reader);
		const char *value = (const char *)xmlTextReaderConstValue(b->reader);
		for (size_t k = 0; name != NULL && value != NULL && k < ATTR_COUNT; k++) {
			if (strcmp(name, attr_names[k]) == 0) {
				b->attr[k] = idreg_arena_strndup(&b->scratch, value, strlen(value));
				if (b->attr[k] == NULL) {
					return no_memory(b);
				}
			}
		}
	}
	xmlTextReaderMoveToElement(b->reader);
	return IDREG_OK;
}

/* Is this element where the document order allows it? */
static idreg_err check_order(struct builder *b, const struct frame *f)
{
	const char *problem = NULL;
	if (f->kind == K_LGR) {
		problem = b->seen_root ? "a second <lgr>" : NULL;
		b->seen_root = true;
	} else if (f->kind == K_META) {
		problem = b->seen_meta || b->seen_data ? "<meta> must come once, before <data>" : NULL;
		b->seen_meta = true;
	} else if (f->kind == K_DATA) {
		problem = b->seen_data ? "a second <data>" : NULL;
		b->seen_data = true;
	} else if (f->kind == K_RULES) {
		problem = !b->seen_data || b->seen_rules ? "<rules> must come once, after <data>" : NULL;
		b->seen_rules = true;
	}
	return problem ? fail(b, b->elem_line, IDREG_EPARSE, "%s", problem) : IDREG_OK;
}

static idreg_err start_frame(struct builder *b, struct frame *f, struct frame *parent)
{
	switch ((enum kind)f->kind) {
	case K_LGR:
	case K_META:
	case K_DATA:
	case K_RULES: return check_order(b, f);
	case K_META_TEXT:
		idreg_buf_clear(&b->text);
		return strcmp(f->tag, "reference") == 0 ? start_reference(b) : IDREG_OK;
	case K_CHAR: return start_char(b);
	case K_VAR: return start_var(b);
	case K_RANGE: return start_range(b);
	case K_RULE: return start_rule(b, f, parent);
	case K_CHOICE:
		return new_node(b, LGR_N_CHOICE, parent->node, &f->node) == IDREG_OK
			       ? apply_count(b, f->node, true, f->tag)
			       : b->err;
	case K_LOOK:
		return new_node(b, strcmp(f->tag, "look-ahead") == 0 ? LGR_N_LOOK_AHEAD : LGR_N_LOOK_BEHIND,
				parent->node, &f->node) == IDREG_OK
			       ? apply_count(b, f->node, false, f->tag)
			       : b->err;
	case K_LEAF: return start_leaf(b, f, parent);
	case K_CLASS:
		idreg_buf_clear(&b->text);
		return start_class(b, f, parent);
	case K_SET_OP: return start_class(b, f, parent);
	case K_ACTION: return start_action(b);
	case K_REFERENCES:
	case K_NONE: break;
	}
	return IDREG_OK;
}

static void end_element(struct builder *b)
{
	struct frame *f = &b->frames[b->depth - 1];
	struct frame *parent = b->depth > 1 ? &b->frames[b->depth - 2] : NULL;
	b->elem_line = f->line;
	if (b->err == IDREG_OK) {
		switch ((enum kind)f->kind) {
		case K_CHAR: b->cur_elem = LGR_NONE; break;
		case K_META_TEXT: finish_meta_text(b, f); break;
		case K_CLASS:
		case K_SET_OP: finish_class(b, f, parent); break;
		case K_RULE: finish_rule(b, f); break;
		case K_CHOICE: {
			const struct lgr_node *n = &b->nodes[f->node];
			if (n->first == LGR_NONE || b->nodes[n->first].next == LGR_NONE) {
				fail(b, f->line, IDREG_EPARSE, "<choice> needs two or more matchers");
			}
			break;
		}
		default: break;
		}
	}
	if (f->set != NULL) {
		uset_close(f->set);
	}
	b->depth--;
}

static void start_element(struct builder *b)
{
	bool empty = xmlTextReaderIsEmptyElement(b->reader) == 1;
	const char *name = (const char *)xmlTextReaderConstLocalName(b->reader);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(b->reader);
	b->elem_line = b->scan ? next_start_tag_line(b)
			       : (uint32_t)xmlGetLineNo(xmlTextReaderCurrentNode(b->reader));
	if (name == NULL) {
		no_memory(b);
		return;
	}
	if (++b->elements > b->lim.max_elements) {
		fail(b, b->elem_line, IDREG_ETOOBIG, "more than %zu elements", b->lim.max_elements);
		return;
	}
	if (b->depth >= b->lim.max_depth) {
		fail(b, b->elem_line, IDREG_ETOOBIG, "elements nested deeper than %zu",
		     b->lim.max_depth);
		return;
	}
	struct frame *parent = b->depth > 0 ? &b->frames[b->depth - 1] : NULL;
	if (ns == NULL || strcmp(ns, LGR_NAMESPACE) != 0) {
		fail(b, b->elem_line, IDREG_EPARSE, "<%.64s> is not in the LGR namespace %s", name,
		     LGR_NAMESPACE);
		return;
	}
	struct frame f = { .node = LGR_NONE, .line = b->elem_line };
	if (!classify(parent, name, &f)) {
		fail(b, b->elem_line, IDREG_EPARSE, "<%.64s> has no place %s%s%s", name,
		     parent ? "in <" : "at the top", parent ? parent->tag : "", parent ? ">" : "");
		return;
	}
	/* The name lives as long as the reader's dictionary: for the whole load. */
	f.tag = name;
	b->frames[b->depth++] = f;
	if (read_attributes(b) != IDREG_OK || check_refs(b) != IDREG_OK ||
	    start_frame(b, &b->frames[b->depth - 1], parent) != IDREG_OK) {
		return;
	}
	if (empty) {
		end_element(b);
	}
}

/* The meta elements whose text the LGR keeps. */
static bool keeps_text(const char *tag)
{
	return strcmp(tag, "version") == 0 || strcmp(tag, "date") == 0 ||
	       strcmp(tag, "unicode-version") == 0 || strcmp(tag, "language") == 0;
}

static void text_node(struct builder *b)
{
	const char *value = (const char *)xmlTextReaderConstValue(b->reader);
	if (value == NULL || b->depth == 0) {
		return;
	}
	const struct frame *f = &b->frames[b->depth - 1];
	if (f->kind == K_META_TEXT && !keeps_text(f->tag)) {
		return;
	}
	if (f->kind == K_CLASS || f->kind == K_META_TEXT) {
		if (idreg_buf_puts(&b->text, value) != IDREG_OK) {
			fail(b, f->line, IDREG_ETOOBIG, "<%s>: text longer than %u bytes", f->tag,
			     TEXT_MAX);
		}
		return;
	}
	for (const char *p = value; *p != '\0'; p++) {
		if (!is_space(*p)) {
			fail(b, f->line, IDREG_EPARSE, "<%s> holds text, which it may not", f->tag);
			return;
		}
	}
}

/* libxml2's errors: malformed XML, and the schema's findings. */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct builder *b = ctx;
	if (e == NULL || e->level == XML_ERR_WARNING || b->err != IDREG_OK) {
		return;
	}
	char message[256];
	snprintf(message, sizeof(message), "%s", e->message ? e->message : "error");
	message[strcspn(message, "\n")] = '\0';
	uint32_t line = e->line > 0 && e->line < 65535 ? (uint32_t)e->line : b->elem_line;
	if (e->domain == XML_FROM_RELAXNGV) {
		fail(b, line, IDREG_EPARSE, "does not follow the RFC 7940 schema: %s", message);
	} else if (e->domain == XML_FROM_RELAXNGP) {
		fail(b, line, IDREG_EINVAL, "not a usable RELAX NG schema: %s", message);
	} else {
		fail(b, line, IDREG_EPARSE, "malformed XML: %s", message);
	}
}

/* ---- the end: names, lookup, checks, defaults ---- */

static idreg_err rule_named(struct builder *b, const char *name, uint32_t line, const char *what,
			    uint32_t *out)
{
	int64_t v;
	if (name == NULL) {
		*out = LGR_NONE;
		return IDREG_OK;
	}
	if (idreg_strmap_get(&b->rule_names, name, &v) != IDREG_OK) {
		return fail(b, line, IDREG_EPARSE, "%s='%.64s': no such rule", what, name);
	}
	*out = (uint32_t)v;
	return IDREG_OK;
}

static idreg_err resolve_names(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	for (size_t i = 0; i < b->pending_count; i++) {
		const struct pending_context *p = &b->pending[i];
		uint32_t *when = p->is_var ? &lgr->vars[p->id].when : &lgr->elems[p->id].when;
		uint32_t *not_when = p->is_var ? &lgr->vars[p->id].not_when : &lgr->elems[p->id].not_when;
		if (rule_named(b, p->when, p->line, "when", when) != IDREG_OK ||
		    rule_named(b, p->not_when, p->line, "not-when", not_when) != IDREG_OK) {
			return b->err;
		}
	}
	for (size_t i = 0; i < lgr->action_count; i++) {
		struct lgr_action *a = &lgr->actions[i];
		if (rule_named(b, b->action_names[i].match, a->line, "match", &a->match) != IDREG_OK ||
		    rule_named(b, b->action_names[i].not_match, a->line, "not-match", &a->not_match) !=
			    IDREG_OK) {
			return b->err;
		}
	}
	return sort_variants(b);
}

/* The default actions of RFC 7940 section 7.6, after the LGR's own. */
static idreg_err add_default_actions(struct builder *b)
{
	static const struct {
		const char *disp;
		uint8_t trigger;
		const char *comment;
	} defaults[] = {
		{ lgr_invalid, LGR_TRIGGER_ANY, "default action for invalid" },
		{ "blocked", LGR_TRIGGER_ANY, "default action for blocked" },
		{ "allocatable", LGR_TRIGGER_ANY, "default action for allocatable" },
		{ "activated", LGR_TRIGGER_ALL, "default action for activated" },
		{ "valid", LGR_TRIGGER_ALWAYS, "default catch-all" },
	};
	struct idreg_lgr *lgr = b->lgr;
	lgr->own_actions = lgr->action_count;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (idreg_array_reserve(&lgr->actions, &lgr->action_cap, lgr->action_count,
					sizeof(*lgr->actions), 16) != IDREG_OK) {
			return no_memory(b);
		}
		lgr->actions[lgr->action_count++] = (struct lgr_action){
			.disp = defaults[i].disp,
			.comment = defaults[i].comment,
			.match = LGR_NONE,
			.not_match = LGR_NONE,
			.trigger = defaults[i].trigger,
			.types = defaults[i].trigger == LGR_TRIGGER_ALWAYS ? 0 : type_mask(b, defaults[i].disp),
			.is_default = true,
		};
	}
	return IDREG_OK;
}

static int compare_elems(const void *x, const void *y, void *arg)
{
	const struct idreg_lgr *lgr = arg;
	const struct lgr_elem *a = &lgr->elems[*(const uint32_t *)x];
	const struct lgr_elem *b = &lgr->elems[*(const uint32_t *)y];
	if (a->is_range || b->is_range) {
		return (a->first > b->first) - (a->first < b->first);
	}
	return lgr_compare_cps(lgr->cps + a->cps, a->len, lgr->cps + b->cps, b->len);
}

static void format_cps(const struct idreg_lgr *lgr, const uint32_t *cps, size_t n, char *out,
		       size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && at < size; i++) {
		at += (size_t)snprintf(out + at, size - at, "%sU+%04X", i ? " " : "", (unsigned)cps[i]);
	}
	if (n == 0) {
		snprintf(out, size, "(nothing)");
	}
	(void)lgr;
}

/* The element whose code points are exactly @cps, or LGR_NONE. */
static uint32_t find_elem(const struct idreg_lgr *lgr, const uint32_t *cps, size_t n)
{
	uint32_t cand[IDREG_LGR_SEQUENCE_MAX + 1];
	size_t k = n ? lgr_candidates(lgr, cps, n, 0, cand) : 0;
	for (size_t i = 0; i < k; i++) {
		if (lgr->elems[cand[i]].len == n) {
			return cand[i];
		}
	}
	return LGR_NONE;
}

/* The lookup table: elements by first code point, longest first; ranges apart. */
static idreg_err build_lookup(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	size_t chars = 0;
	for (size_t i = 0; i < lgr->elem_count; i++) {
		chars += !lgr->elems[i].is_range;
	}
	lgr->range_count = lgr->elem_count - chars;
	uint32_t *order = malloc((chars ? chars : 1) * sizeof(*order));
	lgr->ranges = malloc((lgr->range_count ? lgr->range_count : 1) * sizeof(*lgr->ranges));
	lgr->start_elems = malloc((chars ? chars : 1) * sizeof(*lgr->start_elems));
	size_t slots = 16;
	while (slots < 2 * chars) {
		slots *= 2;
	}
	lgr->starts = malloc(slots * sizeof(*lgr->starts));
	if (order == NULL || lgr->ranges == NULL || lgr->start_elems == NULL || lgr->starts == NULL) {
		free(order);
		return no_memory(b);
	}
	lgr->start_mask = slots - 1;
	for (size_t i = 0; i < slots; i++) {
		lgr->starts[i].cp = LGR_NONE;
	}
	size_t c = 0, r = 0;
	for (uint32_t i = 0; i < lgr->elem_count; i++) {
		if (lgr->elems[i].is_range) {
			lgr->ranges[r++] = i;
		} else {
			order[c++] = i;
		}
	}
	qsort_r(order, chars, sizeof(*order), compare_elems, lgr);
	qsort_r(lgr->ranges, lgr->range_count, sizeof(*lgr->ranges), compare_elems, lgr);
	char shown[128];
	for (size_t i = 1; i < chars; i++) {
		const struct lgr_elem *p = &lgr->elems[order[i - 1]], *e = &lgr->elems[order[i]];
		if (lgr_compare_cps(lgr->cps + p->cps, p->len, lgr->cps + e->cps, e->len) == 0) {
			format_cps(lgr, lgr->cps + e->cps, e->len, shown, sizeof(shown));
			free(order);
			return fail(b, p->line > e->line ? p->line : e->line, IDREG_EPARSE,
				    "%s is in the repertoire twice (also line %u)", shown,
				    (unsigned)(p->line > e->line ? e->line : p->line));
		}
	}
	for (size_t i = 1; i < lgr->range_count; i++) {
		const struct lgr_elem *p = &lgr->elems[lgr->ranges[i - 1]], *e = &lgr->elems[lgr->ranges[i]];
		if (e->first <= p->last) {
			free(order);
			return fail(b, e->line, IDREG_EPARSE, "<range> overlaps the range of line %u",
				    (unsigned)p->line);
		}
	}
	/* Group by first code point: sorted order keeps a group together; longest first inside. */
	for (size_t i = 0; i < chars;) {
		uint32_t cp = lgr->cps[lgr->elems[order[i]].cps];
		size_t j = i;
		while (j < chars && lgr->cps[lgr->elems[order[j]].cps] == cp) {
			j++;
		}
		/* Longest first: insertion sort by length, groups are small. */
		lgr->start_elems[i] = order[i];
		for (size_t x = i + 1; x < j; x++) {
			lgr->start_elems[x] = order[x];
			uint32_t id = lgr->start_elems[x];
			size_t y = x;
			while (y > i && lgr->elems[lgr->start_elems[y - 1]].len < lgr->elems[id].len) {
				lgr->start_elems[y] = lgr->start_elems[y - 1];
				y--;
			}
			lgr->start_elems[y] = id;
		}
		size_t slot = (cp * 2654435761u) & lgr->start_mask;
		while (lgr->starts[slot].cp != LGR_NONE) {
			slot = (slot + 1) & lgr->start_mask;
		}
		lgr->starts[slot] = (struct lgr_start){ cp, (uint32_t)i, (uint32_t)(j - i) };
		i = j;
	}
	free(order);
	/* A code point given alone must not also be inside a range. */
	for (size_t i = 0; i < lgr->elem_count; i++) {
		const struct lgr_elem *e = &lgr->elems[i];
		if (e->is_range || e->len != 1) {
			continue;
		}
		uint32_t holder = lgr_range_of(lgr, e->first);
		if (holder != LGR_NONE) {
			return fail(b, e->line, IDREG_EPARSE, "U+%04X is also in the <range> of line %u",
				    (unsigned)e->first, (unsigned)lgr->elems[holder].line);
		}
	}
	return IDREG_OK;
}

/* Every variant mapping has its reverse (RFC 7940 section 5.3.1). */
static idreg_err check_symmetry(struct builder *b)
{
	struct idreg_lgr *lgr = b->lgr;
	char from[128], to[128];
	for (uint32_t i = 0; i < lgr->elem_count; i++) {
		const struct lgr_elem *e = &lgr->elems[i];
		for (uint32_t k = 0; k < e->var_count; k++) {
			const struct lgr_var *v = &lgr->vars[e->vars + k];
			if (v->reflexive || v->len == 0) {
				continue;
			}
			uint32_t t = find_elem(lgr, lgr->cps + v->cps, v->len);
			bool back = false;
			for (uint32_t j = 0; t != LGR_NONE && j < lgr->elems[t].var_count && !back; j++) {
				const struct lgr_var *w = &lgr->vars[lgr->elems[t].vars + j];
				back = lgr_compare_cps(lgr->cps + w->cps, w->len, lgr->cps + e->cps, e->len) == 0;
			}
			if (back) {
				continue;
			}
			format_cps(lgr, lgr->cps + e->cps, e->len, from, sizeof(from));
			format_cps(lgr, lgr->cps + v->cps, v->len, to, sizeof(to));
			if (t == LGR_NONE) {
				return fail(b, v->line, IDREG_EPARSE,
					    "variant %s of %s is not in the repertoire, so the mapping "
					    "has no reverse (variant mappings must be symmetric)",
					    to, from);
			}
			return fail(b, v->line, IDREG_EPARSE,
				    "asymmetric variant: %s maps to %s, but %s (line %u) has no "
				    "variant %s",
				    from, to, to, (unsigned)lgr->elems[t].line, from);
		}
	}
	return IDREG_OK;
}

/* What evaluation needs per element without running rules: reflexive types, static index. */
static void summarise_elems(struct idreg_lgr *lgr)
{
	for (uint32_t i = 0; i < lgr->elem_count; i++) {
		struct lgr_elem *e = &lgr->elems[i];
		uint32_t best = e->cps;
		uint8_t best_len = e->len;
		const uint32_t *best_cps = e->is_range ? NULL : lgr->cps + e->cps;
		for (uint32_t k = 0; k < e->var_count; k++) {
			const struct lgr_var *v = &lgr->vars[e->vars + k];
			bool context = v->when != LGR_NONE || v->not_when != LGR_NONE;
			e->context_variants |= context;
			if (v->reflexive) {
				e->reflexive_context |= context;
				if (!context) {
					e->reflexive = true;
					e->reflexive_types |=
						v->type == LGR_NO_TYPE ? 0 : UINT64_C(1) << v->type;
				}
			}
			if (!context && lgr_compare_cps(lgr->cps + v->cps, v->len, best_cps, best_len) < 0) {
				best = v->cps;
				best_len = v->len;
				best_cps = lgr->cps + v->cps;
			}
		}
		e->index_cps = best;
		e->index_len = best_len;
	}
}

static idreg_err finish(struct builder *b)
{
	if (!b->seen_data) {
		return fail(b, 0, IDREG_EPARSE, "no <data> section");
	}
	if (resolve_names(b) != IDREG_OK || add_default_actions(b) != IDREG_OK ||
	    build_lookup(b) != IDREG_OK || check_symmetry(b) != IDREG_OK) {
		return b->err;
	}
	summarise_elems(b->lgr);
	struct idreg_lgr *lgr = b->lgr;
	lgr->languages = idreg_arena_strndup(&lgr->arena, b->languages.data ? b->languages.data : "",
					     b->languages.len);
	return lgr->languages == NULL ? no_memory(b) : IDREG_OK;
}

/* ---- loading ---- */

/* libxml2 wants its global state set up once, before any thread parses. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static void builder_free(struct builder *b)
{
	for (size_t i = 0; i < b->depth; i++) {
		if (b->frames[i].set != NULL) {
			uset_close(b->frames[i].set);
		}
	}
	free(b->frames);
	for (size_t i = 0; i < b->tag_count; i++) {
		uset_close(b->tag_sets[i]);
	}
	free(b->tag_sets);
	for (size_t i = 0; i < b->named_count; i++) {
		uset_close(b->named[i].set);
	}
	free(b->named);
	free(b->nodes);
	free(b->roots);
	free(b->pending);
	free(b->action_names);
	idreg_strmap_free(&b->rule_names);
	idreg_strmap_free(&b->class_names);
	idreg_strmap_free(&b->tag_names);
	idreg_strmap_free(&b->type_names);
	idreg_strmap_free(&b->ref_ids);
	idreg_buf_free(&b->text);
	idreg_buf_free(&b->languages);
	idreg_arena_free(&b->scratch);
}

static void set_limits(struct idreg_lgr_limits *lim, const struct idreg_lgr_options *opts)
{
	*lim = default_limits;
	if (opts != NULL) {
		const struct idreg_lgr_limits *o = &opts->limits;
		lim->max_file_bytes = o->max_file_bytes ? o->max_file_bytes : lim->max_file_bytes;
		lim->max_elements = o->max_elements ? o->max_elements : lim->max_elements;
		lim->max_depth = o->max_depth ? o->max_depth : lim->max_depth;
		lim->max_program = o->max_program ? o->max_program : lim->max_program;
	}
}

/* A schema is small: lgr.rng has 25 kB. */
#define SCHEMA_MAX_BYTES (1u << 20)

/* The file at @path, of at most @max bytes, mapped into memory; undo with unmap_file. */
static idreg_err map_file(const char *path, size_t max, const char **data, size_t *size,
			  struct idreg_diag *diag)
{
	int fd;
	idreg_err err = idreg_file_open(path, max, &fd, size, diag);
	if (err != IDREG_OK) {
		return err;
	}
	void *map = *size ? mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
	int map_errno = errno;
	close(fd);
	if (map == MAP_FAILED) {
		return idreg_diag_set(diag, IDREG_EIO, "%s: cannot map: %s", path,
				      strerror(map_errno));
	}
	*data = map;
	return IDREG_OK;
}

static void unmap_file(const char *data, size_t size)
{
	if (size > 0) {
		munmap((void *)data, size);
	}
}

/* Parse the RELAX NG schema at @path and have the reader validate against it. */
static idreg_err set_schema(struct builder *b, const char *path, xmlRelaxNGPtr *schema)
{
	const char *text = NULL;
	size_t size;
	idreg_err err = map_file(path, SCHEMA_MAX_BYTES, &text, &size, b->diag);
	if (err != IDREG_OK) {
		return b->err = err;
	}
	xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewMemParserCtxt(text, (int)size);
	if (pctx == NULL) {
		unmap_file(text, size);
		return no_memory(b);
	}
	/* Its errors are about the schema file, not the LGR. */
	struct builder schema_errors = { .file = path, .diag = b->diag };
	xmlRelaxNGSetParserStructuredErrors(pctx, on_xml_error, &schema_errors);
	xmlSetStructuredErrorFunc(&schema_errors, on_xml_error);
	*schema = xmlRelaxNGParse(pctx);
	xmlSetStructuredErrorFunc(b, on_xml_error);
	xmlRelaxNGFreeParserCtxt(pctx);
	unmap_file(text, size);
	if (*schema == NULL) {
		if (schema_errors.err == IDREG_OK) {
			fail(&schema_errors, 0, IDREG_EINVAL, "not a RELAX NG schema");
		}
		return b->err = schema_errors.err;
	}
	if (xmlTextReaderRelaxNGSetSchema(b->reader, *schema) != 0) {
		return fail(b, 0, IDREG_EINVAL, "the schema %s cannot be used", path);
	}
	return IDREG_OK;
}

idreg_err idreg_lgr_load_buffer(const char *name, const char *data, size_t len,
				const struct idreg_lgr_options *opts, struct idreg_lgr **out,
				struct idreg_diag *diag)
{
	*out = NULL;
	struct builder b = { .file = name, .diag = diag, .buf = data, .len = len, .line = 1,
			     .cur_elem = LGR_NONE };
	set_limits(&b.lim, opts);
	if (len > b.lim.max_file_bytes) {
		return fail(&b, 0, IDREG_ETOOBIG, "larger than %zu bytes", b.lim.max_file_bytes);
	}
	if (len > INT32_MAX) {
		return fail(&b, 0, IDREG_ETOOBIG, "larger than libxml2 reads from memory");
	}
	/* Line numbers from the text itself unless it is not ASCII-compatible (UTF-16). */
	b.scan = !(len >= 2 && (((unsigned char)data[0] == 0xfe && (unsigned char)data[1] == 0xff) ||
				((unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xfe))) &&
		 memchr(data, '\0', len < 4 ? len : 4) == NULL;
	struct idreg_lgr *lgr = calloc(1, sizeof(*lgr));
	b.frames = calloc(b.lim.max_depth, sizeof(*b.frames));
	if (lgr == NULL || b.frames == NULL) {
		free(lgr);
		free(b.frames);
		return fail(&b, 0, IDREG_ENOMEM, "out of memory");
	}
	b.lgr = lgr;
	idreg_arena_init(&lgr->arena, 64 * 1024, 0);
	idreg_arena_init(&b.scratch, 4096, 0);
	idreg_buf_init(&b.text, TEXT_MAX);
	idreg_buf_init(&b.languages, 4096);
	idreg_strmap_init(&b.rule_names);
	idreg_strmap_init(&b.class_names);
	idreg_strmap_init(&b.tag_names);
	idreg_strmap_init(&b.type_names);
	idreg_strmap_init(&b.ref_ids);
	lgr->name = idreg_arena_strndup(&lgr->arena, name, strlen(name));
	lgr->version = lgr->date = lgr->unicode_version = "";

	pthread_once(&xml_once, xml_init);
	/* Errors of this thread's parsing come here, none to stderr (restored at the end). */
	xmlStructuredErrorFunc saved_handler = xmlStructuredError;
	void *saved_context = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&b, on_xml_error);
	xmlRelaxNGPtr schema = NULL;
	b.reader = xmlReaderForMemory(data, (int)len, name, NULL,
				      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (b.reader == NULL || lgr->name == NULL) {
		no_memory(&b);
	} else {
		xmlTextReaderSetStructuredErrorHandler(b.reader, on_xml_error, &b);
		if (opts != NULL && opts->schema_path != NULL) {
			set_schema(&b, opts->schema_path, &schema);
		}
	}
	int ret = 1;
	while (b.err == IDREG_OK && (ret = xmlTextReaderRead(b.reader)) == 1) {
		switch (xmlTextReaderNodeType(b.reader)) {
		case XML_READER_TYPE_ELEMENT: start_element(&b); break;
		case XML_READER_TYPE_END_ELEMENT: end_element(&b); break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA: text_node(&b); break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
			fail(&b, b.line, IDREG_EPARSE, "a DOCTYPE, which an LGR has no use for");
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			fail(&b, b.elem_line, IDREG_EPARSE, "an entity reference");
			break;
		default: break;
		}
	}
	if (b.err == IDREG_OK && ret != 0) {
		fail(&b, b.elem_line, IDREG_EPARSE, "malformed XML");
	}
	if (b.err == IDREG_OK && schema != NULL && xmlTextReaderIsValid(b.reader) != 1) {
		fail(&b, 0, IDREG_EPARSE, "does not follow the RFC 7940 schema");
	}
	if (b.err == IDREG_OK && !b.seen_root) {
		fail(&b, 0, IDREG_EPARSE, "no <lgr> element");
	}
	if (b.reader != NULL) {
		xmlFreeTextReader(b.reader);
	}
	if (schema != NULL) {
		xmlRelaxNGFree(schema);
	}
	xmlSetStructuredErrorFunc(saved_context, saved_handler);
	if (b.err == IDREG_OK) {
		finish(&b);
	}
	builder_free(&b);
	if (b.err != IDREG_OK) {
		idreg_lgr_free(lgr);
		return b.err;
	}
	*out = lgr;
	return IDREG_OK;
}

idreg_err idreg_lgr_load(const char *path, const struct idreg_lgr_options *opts,
			 struct idreg_lgr **out, struct idreg_diag *diag)
{
	*out = NULL;
	struct idreg_lgr_limits lim;
	set_limits(&lim, opts);
	const char *data = NULL;
	size_t size;
	idreg_err err = map_file(path, lim.max_file_bytes, &data, &size, diag);
	if (err != IDREG_OK) {
		return err;
	}
	err = idreg_lgr_load_buffer(path, data, size, opts, out, diag);
	unmap_file(data, size);
	return err;
}

void idreg_lgr_free(struct idreg_lgr *lgr)
{
	if (lgr == NULL) {
		return;
	}
	free(lgr->cps);
	free(lgr->elems);
	free(lgr->vars);
	free(lgr->starts);
	free(lgr->start_elems);
	free(lgr->ranges);
	free(lgr->classes);
	free(lgr->class_ranges);
	free(lgr->prog);
	free(lgr->rules);
	free(lgr->actions);
	idreg_arena_free(&lgr->arena);
	free(lgr);
}

void idreg_lgr_info(const struct idreg_lgr *lgr, struct idreg_lgr_info *info)
{
	*info = (struct idreg_lgr_info){
		.version = lgr->version,
		.date = lgr->date,
		.unicode_version = lgr->unicode_version,
		.languages = lgr->languages,
		.code_points = lgr->code_points,
		.sequences = lgr->sequences,
		.variants = lgr->var_count,
		.classes = lgr->class_count,
		.rules = lgr->rule_count,
		.actions = lgr->own_actions,
		.types = lgr->type_count,
		.memory_bytes = sizeof(*lgr) + lgr->arena.used + lgr->cps_cap * sizeof(*lgr->cps) +
				lgr->elem_cap * sizeof(*lgr->elems) + lgr->var_cap * sizeof(*lgr->vars) +
				(lgr->start_mask + 1) * sizeof(*lgr->starts) +
				(lgr->elem_count - lgr->range_count) * sizeof(*lgr->start_elems) +
				lgr->range_count * sizeof(*lgr->ranges) +
				lgr->class_cap * sizeof(*lgr->classes) +
				lgr->class_range_cap * sizeof(*lgr->class_ranges) +
				lgr->prog_cap * sizeof(*lgr->prog) + lgr->rule_cap * sizeof(*lgr->rules) +
				lgr->action_cap * sizeof(*lgr->actions),
	};
}
