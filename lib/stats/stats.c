/*
 * Statistics over held number resources; see stats.h.  Reading reduces each
 * held record to a small entry (economy slot, registry, holder, type, year,
 * amount); writing groups the entries as --by asks, computes the figures of
 * each group and writes the rows of each table through one row writer for
 * CSV and JSON.
 */
#include "stats/stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/strmap.h"
#include "stats/equity.h"
#include "stats/report_html.h"
#include "stats/stats_int.h"

const char *const idreg_stats_by_names[IDREG_STATS_BY_COUNT] = {
	"economy", "rir", "region", "subregion", "group",
};
const char *const idreg_stats_table_names[IDREG_STATS_TABLE_COUNT] = {
	"figures", "series", "equity", "lorenz", "unknown",
};
const char *const idreg_stats_format_names[IDREG_STATS_FORMAT_COUNT] = { "csv", "json", "html" };
const char *const idreg_stats_lang_names[IDREG_STATS_LANG_COUNT] = { "en", "zh" };

idreg_err idreg_stats_new(const struct idreg_economies *economies, struct idreg_stats **out)
{
	struct idreg_stats *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return IDREG_ENOMEM;
	}
	s->econ = economies;
	idreg_arena_init(&s->arena, 64 * 1024, 0);
	idreg_strmap_init(&s->holders);
	*out = s;
	return IDREG_OK;
}

void idreg_stats_free(struct idreg_stats *s)
{
	if (s == NULL) {
		return;
	}
	free(s->entries);
	free(s->files);
	idreg_strmap_free(&s->holders);
	idreg_arena_free(&s->arena);
	free(s);
}

/* Index of @name in @list, added when new; -1 when the list is full or memory is out. */
static int intern(struct idreg_arena *arena, const char **list, size_t *count, size_t max,
		  const char *name)
{
	for (size_t i = 0; i < *count; i++) {
		if (strcmp(list[i], name) == 0) {
			return (int)i;
		}
	}
	if (*count == max || (list[*count] = idreg_arena_strndup(arena, name, strlen(name))) == NULL) {
		return -1;
	}
	return (int)(*count)++;
}

static idreg_err holder_of(struct idreg_stats *s, const char *registry, const char *opaque_id,
			   uint32_t *holder)
{
	char key[IDREG_RIR_MAX_FIELD + 64];
	snprintf(key, sizeof(key), "%s|%s", registry, opaque_id);
	int64_t index;
	if (idreg_strmap_get(&s->holders, key, &index) == IDREG_OK) {
		*holder = (uint32_t)index + 1;
		return IDREG_OK;
	}
	if (s->holder_count >= UINT32_MAX - 1) {
		return IDREG_ETOOBIG;
	}
	idreg_err err = idreg_strmap_put(&s->holders, key, (int64_t)s->holder_count);
	*holder = (uint32_t)++s->holder_count;
	return err;
}

/* A new note for held records from @path; NULL when memory is out. */
static struct file_note *note_new(struct idreg_stats *s, const char *path, const char *registry,
				  const char *serial)
{
	if (idreg_array_reserve(&s->files, &s->file_capacity, s->file_count, sizeof(*s->files), 8) !=
	    IDREG_OK) {
		return NULL;
	}
	struct file_note *note = &s->files[s->file_count];
	*note = (struct file_note){
		.path = idreg_arena_strndup(&s->arena, path, strlen(path)),
		.registry = idreg_arena_strndup(&s->arena, registry, strlen(registry)),
		.serial = idreg_arena_strndup(&s->arena, serial, strlen(serial)),
	};
	if (note->path == NULL || note->registry == NULL || note->serial == NULL) {
		return NULL;
	}
	s->file_count++;
	return note;
}

/* Room for @more entries. */
static idreg_err reserve_entries(struct idreg_stats *s, size_t more)
{
	idreg_err err = IDREG_OK;
	while (err == IDREG_OK && s->capacity < s->count + more) {
		err = idreg_array_reserve(&s->entries, &s->capacity, s->capacity, sizeof(*s->entries),
					  1024);
	}
	return err;
}

/* Count record @r from @where (room for its entry reserved). */
static idreg_err add_record(struct idreg_stats *s, struct file_note *note,
			    const struct idreg_numres *r, const char *where, struct idreg_diag *diag)
{
	if (r->status != IDREG_STATUS_ALLOCATED && r->status != IDREG_STATUS_ASSIGNED) {
		note->not_held++;
		return IDREG_OK;
	}
	note->held++;
	struct entry *e = &s->entries[s->count++];
	e->amount = r->last - r->first + 1;
	e->res = r->type == IDREG_RES_IPV4 ? RES_IPV4 : r->type == IDREG_RES_IPV6 ? RES_IPV6 : RES_ASN;
	e->year = (int16_t)(r->date > 0 ? r->date / 10000 : 0);
	const struct idreg_economy *economy = idreg_economy_find(s->econ, r->cc);
	int slot = economy ? (int)(economy - s->econ->items) : -1;
	if (slot < 0) {
		int code = intern(&s->arena, s->unknown, &s->unknown_count,
				  IDREG_STATS_MAX_UNKNOWN_CODES, r->cc);
		if (code < 0) {
			return idreg_diag_set(diag, IDREG_ETOOBIG,
					      "%s: line %u: more than %d economy codes that are not economies",
					      where, r->line, IDREG_STATS_MAX_UNKNOWN_CODES);
		}
		slot = (int)s->econ->count + code;
	}
	e->slot = (uint16_t)slot;
	int registry = intern(&s->arena, s->registries, &s->registry_count,
			      IDREG_STATS_MAX_REGISTRIES, r->registry);
	if (registry < 0) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: line %u: more than %d registries",
				      where, r->line, IDREG_STATS_MAX_REGISTRIES);
	}
	e->registry = (uint8_t)registry;
	e->holder = 0;
	idreg_err err;
	if (r->opaque_id != NULL && r->opaque_id[0] != '\0' &&
	    (err = holder_of(s, r->registry, r->opaque_id, &e->holder)) != IDREG_OK) {
		return idreg_diag_set(diag, err, "%s: line %u: too many holders", where, r->line);
	}
	return IDREG_OK;
}

idreg_err idreg_stats_add_file(struct idreg_stats *s, const struct idreg_rir_file *file,
			       struct idreg_diag *diag)
{
	struct file_note *note = note_new(s, file->path, file->header.registry, file->header.serial);
	if (note == NULL || reserve_entries(s, file->count) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", file->path);
	}
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < file->count && err == IDREG_OK; i++) {
		err = add_record(s, note, &file->records[i], file->path, diag);
	}
	return err;
}

idreg_err idreg_stats_add_numindex(struct idreg_stats *s, const struct idreg_numindex *ix,
				   struct idreg_diag *diag)
{
	if (reserve_entries(s, ix->count) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "store: out of memory");
	}
	size_t first_note = s->file_count;
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < ix->count && err == IDREG_OK; i++) {
		const char *source = ix->meta[i].source ? ix->meta[i].source : "";
		if (!idreg_stats_counts(source)) {
			continue;
		}
		size_t n = first_note;
		while (n < s->file_count && strcmp(s->files[n].registry, source) != 0) {
			n++;
		}
		if (n == s->file_count && note_new(s, "", source, "") == NULL) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "store: out of memory");
		}
		err = add_record(s, &s->files[n], &ix->records[i], "store", diag);
	}
	return err;
}

bool idreg_stats_counts(const char *registry)
{
	return strcmp(registry, "iana") != 0;
}

size_t idreg_stats_unknown_summary(const struct idreg_stats *s, char *text, size_t size)
{
	size_t per_code[IDREG_STATS_MAX_UNKNOWN_CODES] = { 0 }, total = 0;
	for (size_t i = 0; i < s->count; i++) {
		if (s->entries[i].slot >= s->econ->count) {
			per_code[s->entries[i].slot - s->econ->count]++;
			total++;
		}
	}
	size_t used = 0;
	text[0] = '\0';
	for (size_t c = 0; c < s->unknown_count && used < size; c++) {
		int n = snprintf(text + used, size - used, "%s%s %zu", c ? ", " : "",
				 s->unknown[c][0] ? s->unknown[c] : "(empty)", per_code[c]);
		used += n > 0 ? (size_t)n : 0;
	}
	return total;
}

/* ---- grouping ---- */

static void add_entry(struct amounts *a, const struct entry *e)
{
	a->records++;
	a->undated += e->year == 0;
	a->res[e->res] += e->amount;
}

static void add_amounts(struct amounts *a, const struct amounts *b)
{
	a->records += b->records;
	a->undated += b->undated;
	for (int r = 0; r < RES_COUNT; r++) {
		a->res[r] += b->res[r];
	}
}

enum { MEMBER = 1, WITH_V6 = 2 };
const char *const idreg_stats_dev_groups[4] = { "LDC", "LLDC", "SIDS", "other" };
const char *const idreg_stats_res_names[RES_COUNT] = { "ipv4", "ipv6", "asn" };

static const char *region_name(const struct idreg_stats_view *v, const struct idreg_economy *e)
{
	const char *name = v->req->by == IDREG_STATS_BY_SUBREGION ? e->subregion : e->region;
	return name[0] ? name : NO_REGION;
}

static int name_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct names of @pick over the economies, sorted, into @names. */
static size_t collect_names(const struct idreg_stats_view *v, const char *(*pick)(const struct idreg_economy *),
			    const char **names)
{
	size_t count = 0;
	for (size_t i = 0; i < v->s->econ->count; i++) {
		const char *name = pick(&v->s->econ->items[i]);
		name = name[0] ? name : NO_REGION;
		bool seen = false;
		for (size_t j = 0; j < count && !seen; j++) {
			seen = strcmp(names[j], name) == 0;
		}
		if (!seen) {
			names[count++] = name;
		}
	}
	qsort(names, count, sizeof(*names), name_order);
	return count;
}

static const char *pick_region(const struct idreg_economy *e)
{
	return e->region;
}

static const char *pick_subregion(const struct idreg_economy *e)
{
	return e->subregion;
}

static size_t name_index(const char **names, size_t count, const char *name)
{
	const char **found = bsearch(&name, names, count, sizeof(*names), name_order);
	return (size_t)(found - names);
}

/* The groups (besides the world) of economy slot @slot; at most 4. */
static size_t slot_groups(const struct idreg_stats_view *v, size_t slot, size_t *ids)
{
	size_t known = v->s->econ->count;
	enum idreg_stats_by by = v->req->by;
	if (by == IDREG_STATS_BY_ECONOMY) {
		ids[0] = slot;
		return 1;
	}
	size_t not_economies = v->group_count - 2;
	if (slot >= known) {
		ids[0] = not_economies;
		return 1;
	}
	const struct idreg_economy *e = &v->s->econ->items[slot];
	if (by == IDREG_STATS_BY_REGION || by == IDREG_STATS_BY_SUBREGION) {
		ids[0] = name_index(v->names, v->name_count, region_name(v, e));
		return 1;
	}
	size_t n = 0;
	if (e->ldc) {
		ids[n++] = 0;
	}
	if (e->lldc) {
		ids[n++] = 1;
	}
	if (e->sids) {
		ids[n++] = 2;
	}
	if (n == 0) {
		ids[n++] = 3;
	}
	return n;
}

/* The groups of entry @e, the world last. */
static size_t entry_groups(const struct idreg_stats_view *v, const struct entry *e, size_t *ids)
{
	size_t n = v->req->by == IDREG_STATS_BY_RIR ? (ids[0] = e->registry, 1)
						    : slot_groups(v, e->slot, ids);
	ids[n++] = v->group_count - 1;
	return n;
}

static idreg_err make_groups(struct idreg_stats_view *v)
{
	const struct idreg_stats *s = v->s;
	size_t known = s->econ->count;
	v->slots = known + s->unknown_count;
	v->names = idreg_arena_calloc(v->arena, known + 1, sizeof(*v->names));
	v->regions = idreg_arena_calloc(v->arena, known + 1, sizeof(*v->regions));
	v->slot_region = idreg_arena_calloc(v->arena, known + 1, sizeof(*v->slot_region));
	if (v->names == NULL || v->regions == NULL || v->slot_region == NULL) {
		return IDREG_ENOMEM;
	}
	/* Regions, for the Theil split whatever the grouping. */
	v->region_count = collect_names(v, pick_region, v->regions);
	for (size_t i = 0; i < known; i++) {
		const char *r = s->econ->items[i].region[0] ? s->econ->items[i].region : NO_REGION;
		v->slot_region[i] = (int)name_index(v->regions, v->region_count, r);
	}
	size_t count;
	switch (v->req->by) {
	case IDREG_STATS_BY_ECONOMY: count = v->slots; break;
	case IDREG_STATS_BY_RIR: count = s->registry_count; break;
	case IDREG_STATS_BY_REGION:
	case IDREG_STATS_BY_SUBREGION:
		v->name_count = collect_names(
			v, v->req->by == IDREG_STATS_BY_REGION ? pick_region : pick_subregion, v->names);
		count = v->name_count + 1;
		break;
	default: count = 5; break;
	}
	v->group_count = count + 1;
	v->groups = idreg_arena_calloc(v->arena, v->group_count, sizeof(*v->groups));
	v->member = idreg_arena_calloc(v->arena, v->group_count * v->slots + 1, 1);
	v->slot_total = idreg_arena_calloc(v->arena, v->slots + 1, sizeof(*v->slot_total));
	if (v->groups == NULL || v->member == NULL || v->slot_total == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t g = 0; g < count; g++) {
		struct group *grp = &v->groups[g];
		switch (v->req->by) {
		case IDREG_STATS_BY_ECONOMY:
			grp->economy = g < known ? &s->econ->items[g] : NULL;
			grp->key = g < known ? s->econ->items[g].alpha2 : s->unknown[g - known];
			grp->not_economies = g >= known;
			break;
		case IDREG_STATS_BY_RIR: grp->key = s->registries[g]; break;
		case IDREG_STATS_BY_REGION:
		case IDREG_STATS_BY_SUBREGION:
			grp->not_economies = g == count - 1;
			grp->key = grp->not_economies ? NOT_ECONOMIES : v->names[g];
			break;
		default:
			grp->not_economies = g == count - 1;
			grp->key = grp->not_economies ? NOT_ECONOMIES : idreg_stats_dev_groups[g];
			break;
		}
	}
	v->groups[count].key = "world";
	/* Membership of the economies, whatever they hold (not by registry). */
	if (v->req->by != IDREG_STATS_BY_RIR) {
		for (size_t slot = 0; slot < known; slot++) {
			size_t ids[4], n = slot_groups(v, slot, ids);
			for (size_t k = 0; k < n; k++) {
				v->member[ids[k] * v->slots + slot] |= MEMBER;
			}
		}
	}
	for (size_t slot = 0; slot < known; slot++) {
		v->member[count * v->slots + slot] |= MEMBER;
	}
	return IDREG_OK;
}

/* ---- figures ---- */

struct holder_mark {
	uint32_t group, holder;
	uint8_t v6;
};

static int holder_mark_order(const void *a, const void *b)
{
	const struct holder_mark *x = a, *y = b;
	if (x->group != y->group) {
		return x->group < y->group ? -1 : 1;
	}
	return x->holder < y->holder ? -1 : x->holder > y->holder;
}

static idreg_err count_holders(struct idreg_stats_view *v)
{
	const struct idreg_stats *s = v->s;
	size_t marks_count = 0;
	struct holder_mark *marks = malloc((s->count ? s->count : 1) * 5 * sizeof(*marks));
	if (marks == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < s->count; i++) {
		const struct entry *e = &s->entries[i];
		if (e->holder == 0) {
			continue;
		}
		size_t ids[5], n = entry_groups(v, e, ids);
		for (size_t k = 0; k < n; k++) {
			marks[marks_count++] = (struct holder_mark){ (uint32_t)ids[k], e->holder,
								     e->res == RES_IPV6 };
		}
	}
	qsort(marks, marks_count, sizeof(*marks), holder_mark_order);
	for (size_t i = 0; i < marks_count;) {
		size_t j = i;
		bool v6 = false;
		for (; j < marks_count && holder_mark_order(&marks[i], &marks[j]) == 0; j++) {
			v6 |= marks[j].v6;
		}
		struct group *g = &v->groups[marks[i].group];
		g->has_holders = true;
		g->holders++;
		g->holders_v6 += v6;
		i = j;
	}
	free(marks);
	return IDREG_OK;
}

/* HHI of the holders of each economy, per resource, over records with an opaque id. */
struct holder_amount {
	uint32_t slot, holder;
	uint8_t res;
	double amount;
};

static int holder_amount_order(const void *a, const void *b)
{
	const struct holder_amount *x = a, *y = b;
	if (x->slot != y->slot) {
		return x->slot < y->slot ? -1 : 1;
	}
	if (x->res != y->res) {
		return x->res < y->res ? -1 : 1;
	}
	return x->holder < y->holder ? -1 : x->holder > y->holder;
}

static idreg_err holder_concentration(struct idreg_stats_view *v)
{
	const struct idreg_stats *s = v->s;
	for (size_t g = 0; g < v->group_count; g++) {
		for (int r = 0; r < RES_COUNT; r++) {
			v->groups[g].hhi[r] = NAN;
		}
	}
	if (v->req->by != IDREG_STATS_BY_ECONOMY) {
		return IDREG_OK;
	}
	struct holder_amount *list = malloc((s->count ? s->count : 1) * sizeof(*list));
	double *held = calloc(v->slots * RES_COUNT + 1, sizeof(double));
	if (list == NULL || held == NULL) {
		free(list);
		free(held);
		return IDREG_ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < s->count; i++) {
		const struct entry *e = &s->entries[i];
		if (e->holder != 0) {
			list[n++] = (struct holder_amount){ e->slot, e->holder, e->res, (double)e->amount };
			held[e->slot * RES_COUNT + e->res] += (double)e->amount;
		}
	}
	qsort(list, n, sizeof(*list), holder_amount_order);
	for (size_t i = 0; i < n;) {
		double amount = 0;
		size_t j = i;
		for (; j < n && holder_amount_order(&list[i], &list[j]) == 0; j++) {
			amount += list[j].amount;
		}
		struct group *g = &v->groups[list[i].slot];
		double total = held[list[i].slot * RES_COUNT + list[i].res];
		if (isnan(g->hhi[list[i].res])) {
			g->hhi[list[i].res] = 0;
		}
		g->hhi[list[i].res] += (amount / total) * (amount / total);
		i = j;
	}
	free(list);
	free(held);
	return IDREG_OK;
}

idreg_err idreg_stats_view_compute(struct idreg_stats_view *v)
{
	const struct idreg_stats *s = v->s;
	idreg_err err = make_groups(v);
	if (err != IDREG_OK) {
		return err;
	}
	v->first_year = v->last_year = 0;
	for (size_t i = 0; i < s->count; i++) {
		int y = s->entries[i].year;
		if (y != 0) {
			v->first_year = v->first_year == 0 || y < v->first_year ? y : v->first_year;
			v->last_year = y > v->last_year ? y : v->last_year;
		}
	}
	size_t years = v->first_year ? (size_t)(v->last_year - v->first_year + 1) : 0;
	v->by_year = idreg_arena_calloc(v->arena, v->group_count * years + 1, sizeof(*v->by_year));
	v->first_v6_year = idreg_arena_calloc(v->arena, v->group_count * v->slots + 1,
					      sizeof(*v->first_v6_year));
	if (v->by_year == NULL || v->first_v6_year == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < s->count; i++) {
		const struct entry *e = &s->entries[i];
		add_entry(&v->slot_total[e->slot], e);
		size_t ids[5], n = entry_groups(v, e, ids);
		for (size_t k = 0; k < n; k++) {
			size_t cell = ids[k] * v->slots + e->slot;
			add_entry(&v->groups[ids[k]].total, e);
			v->member[cell] |= MEMBER | (e->res == RES_IPV6 ? WITH_V6 : 0);
			if (e->year == 0) {
				continue;
			}
			add_entry(&v->by_year[ids[k] * years + (size_t)(e->year - v->first_year)], e);
			int16_t *first = &v->first_v6_year[cell];
			if (e->res == RES_IPV6 && (*first == 0 || e->year < *first)) {
				*first = e->year;
			}
		}
	}
	size_t known = s->econ->count;
	for (size_t g = 0; g < v->group_count; g++) {
		struct group *grp = &v->groups[g];
		bool world = g == v->group_count - 1;
		bool per_capita = !grp->not_economies && (world || v->req->by != IDREG_STATS_BY_RIR);
		grp->population = per_capita ? 0 : NAN;
		bool any_population = false;
		for (size_t slot = 0; slot < known; slot++) {
			uint8_t m = v->member[g * v->slots + slot];
			grp->economies += (m & MEMBER) != 0;
			grp->economies_v6 += (m & WITH_V6) != 0;
			double pop = idreg_economy_population(&s->econ->items[slot], v->year);
			if (per_capita && (m & MEMBER) && pop > 0) {
				grp->population += pop;
				add_amounts(&grp->covered, &v->slot_total[slot]);
				any_population = true;
			}
		}
		if (!any_population) {
			grp->population = NAN;
		}
	}
	err = count_holders(v);
	return err != IDREG_OK ? err : holder_concentration(v);
}

/* ---- writing rows: CSV (one table) or JSON objects ---- */

struct rows {
	enum idreg_stats_format format;
	struct idreg_jsonw *json;
	struct idreg_buf header, line;
	bool header_done, first_field;
	FILE *out;
	idreg_err err;
};

static void csv_text(struct idreg_buf *b, const char *text)
{
	if (strpbrk(text, ",\"\r\n") == NULL) {
		idreg_buf_puts(b, text);
		return;
	}
	idreg_buf_puts(b, "\"");
	for (const char *p = text; *p; p++) {
		idreg_buf_append(b, p, 1);
		if (*p == '"') {
			idreg_buf_append(b, p, 1);
		}
	}
	idreg_buf_puts(b, "\"");
}

static void row_begin(struct rows *w)
{
	w->first_field = true;
	if (w->format == IDREG_STATS_JSON) {
		idreg_jsonw_object_begin(w->json);
	}
}

/* A field: @text is its value as written (a number, or NULL for a gap); @quoted: a string. */
static void row_field(struct rows *w, const char *name, const char *text, bool quoted)
{
	if (w->format == IDREG_STATS_JSON) {
		idreg_jsonw_key(w->json, name);
		if (text == NULL) {
			idreg_jsonw_null(w->json);
		} else if (quoted) {
			idreg_jsonw_string(w->json, text);
		} else {
			idreg_jsonw_raw(w->json, text, strlen(text));
		}
		return;
	}
	if (!w->first_field) {
		idreg_buf_puts(&w->line, ",");
		if (!w->header_done) {
			idreg_buf_puts(&w->header, ",");
		}
	}
	w->first_field = false;
	if (!w->header_done) {
		idreg_buf_puts(&w->header, name);
	}
	if (text != NULL) {
		csv_text(&w->line, text);
	}
}

static void row_end(struct rows *w)
{
	if (w->format == IDREG_STATS_JSON) {
		idreg_jsonw_object_end(w->json);
		return;
	}
	if (!w->header_done) {
		fprintf(w->out, "%s\n", w->header.data);
		w->header_done = true;
	}
	fprintf(w->out, "%s\n", w->line.data);
	idreg_buf_clear(&w->line);
}

static void field_str(struct rows *w, const char *name, const char *value)
{
	row_field(w, name, value, true);
}

static void field_u64(struct rows *w, const char *name, uint64_t value)
{
	char text[24];
	snprintf(text, sizeof(text), "%" PRIu64, value);
	row_field(w, name, text, false);
}

/* A real number; NAN and infinities are gaps. */
static void field_num(struct rows *w, const char *name, double value)
{
	char text[40];
	if (!isfinite(value)) {
		row_field(w, name, NULL, false);
		return;
	}
	snprintf(text, sizeof(text), "%.15g", value);
	row_field(w, name, text, false);
}

static void field_bool(struct rows *w, const char *name, bool value)
{
	row_field(w, name, value ? "true" : "false", false);
}

/* IPv6 addresses in units of a /@len. */
double idreg_stats_ipv6_units(idreg_u128 addresses, int len)
{
	return ldexp((double)addresses, -(128 - len));
}

double idreg_stats_ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

static void amount_fields(struct rows *w, const struct amounts *a)
{
	field_u64(w, "records", a->records);
	field_u64(w, "undated_records", a->undated);
	field_u64(w, "ipv4", (uint64_t)a->res[RES_IPV4]);
	field_num(w, "ipv6_32", idreg_stats_ipv6_units(a->res[RES_IPV6], 32));
	field_num(w, "ipv6_48", idreg_stats_ipv6_units(a->res[RES_IPV6], 48));
	field_u64(w, "asn", (uint64_t)a->res[RES_ASN]);
}

static void write_figures(struct rows *w, const struct idreg_stats_view *v)
{
	for (size_t g = 0; g < v->group_count; g++) {
		const struct group *grp = &v->groups[g];
		row_begin(w);
		field_str(w, v->req->by == IDREG_STATS_BY_ECONOMY ? "economy" : idreg_stats_by_names[v->req->by],
			  grp->key);
		if (v->req->by == IDREG_STATS_BY_ECONOMY) {
			const struct idreg_economy *e = grp->economy;
			field_bool(w, "known", e != NULL);
			field_str(w, "name_en", e ? e->name_en : NULL);
			field_str(w, "name_zh", e ? e->name_zh : NULL);
			field_str(w, "region", e ? e->region : NULL);
			field_str(w, "subregion", e ? e->subregion : NULL);
			row_field(w, "ldc", e ? (e->ldc ? "true" : "false") : NULL, false);
			row_field(w, "lldc", e ? (e->lldc ? "true" : "false") : NULL, false);
			row_field(w, "sids", e ? (e->sids ? "true" : "false") : NULL, false);
		}
		field_u64(w, "economies", grp->economies);
		field_u64(w, "economies_with_ipv6", grp->economies_v6);
		field_num(w, "economies_ipv6_share", idreg_stats_ratio((double)grp->economies_v6, (double)grp->economies));
		amount_fields(w, &grp->total);
		if (grp->has_holders) {
			field_u64(w, "holders", grp->holders);
			field_u64(w, "holders_with_ipv6", grp->holders_v6);
		} else {
			row_field(w, "holders", NULL, false);
			row_field(w, "holders_with_ipv6", NULL, false);
		}
		field_num(w, "holders_ipv6_share", idreg_stats_ratio((double)grp->holders_v6, (double)grp->holders));
		field_num(w, "ipv6_48_per_ipv4_24", idreg_stats_ratio(idreg_stats_ipv6_units(grp->total.res[RES_IPV6], 48),
							  (double)grp->total.res[RES_IPV4] / 256));
		field_num(w, "population", grp->population);
		field_num(w, "ipv4_per_capita", idreg_stats_ratio((double)grp->covered.res[RES_IPV4], grp->population));
		field_num(w, "ipv6_48_per_capita",
			  idreg_stats_ratio(idreg_stats_ipv6_units(grp->covered.res[RES_IPV6], 48), grp->population));
		field_num(w, "asn_per_million",
			  idreg_stats_ratio((double)grp->covered.res[RES_ASN] * 1e6, grp->population));
		if (v->req->by == IDREG_STATS_BY_ECONOMY) {
			field_num(w, "hhi_ipv4", grp->hhi[RES_IPV4]);
			field_num(w, "hhi_ipv6", grp->hhi[RES_IPV6]);
			field_num(w, "hhi_asn", grp->hhi[RES_ASN]);
		}
		row_end(w);
	}
}

size_t idreg_stats_economies_with_v6(const struct idreg_stats_view *v, size_t g, int year)
{
	size_t with_v6 = 0;
	for (size_t slot = 0; slot < v->s->econ->count; slot++) {
		int first = v->first_v6_year[g * v->slots + slot];
		with_v6 += first != 0 && first <= year;
	}
	return with_v6;
}

static void write_series(struct rows *w, const struct idreg_stats_view *v)
{
	size_t years = v->first_year ? (size_t)(v->last_year - v->first_year + 1) : 0;
	for (size_t g = 0; g < v->group_count; g++) {
		struct amounts sum = { 0 };
		for (size_t y = 0; y < years; y++) {
			const struct amounts *a = &v->by_year[g * years + y];
			add_amounts(&sum, a);
			size_t with_v6 = idreg_stats_economies_with_v6(v, g, v->first_year + (int)y);
			row_begin(w);
			field_str(w, idreg_stats_by_names[v->req->by], v->groups[g].key);
			field_u64(w, "year", (uint64_t)v->first_year + y);
			field_u64(w, "records_new", a->records);
			field_u64(w, "ipv4_new", (uint64_t)a->res[RES_IPV4]);
			field_num(w, "ipv6_48_new", idreg_stats_ipv6_units(a->res[RES_IPV6], 48));
			field_u64(w, "asn_new", (uint64_t)a->res[RES_ASN]);
			field_u64(w, "ipv4_total", (uint64_t)sum.res[RES_IPV4]);
			field_num(w, "ipv6_48_total", idreg_stats_ipv6_units(sum.res[RES_IPV6], 48));
			field_u64(w, "asn_total", (uint64_t)sum.res[RES_ASN]);
			field_u64(w, "economies_with_ipv6", with_v6);
			row_end(w);
		}
	}
}

/* Per economy: the amount of @res (IPv6 in /48s) and the weight (1, or population). */
idreg_err idreg_stats_measure(const struct idreg_stats_view *v, int res, bool per_capita, struct idreg_equity *out)
{
	size_t n = v->s->econ->count;
	double *amount = idreg_arena_calloc(v->arena, n + 1, sizeof(double));
	double *weight = idreg_arena_calloc(v->arena, n + 1, sizeof(double));
	if (amount == NULL || weight == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		idreg_u128 held = v->slot_total[i].res[res];
		amount[i] = res == RES_IPV6 ? idreg_stats_ipv6_units(held, 48) : (double)held;
		weight[i] = per_capita ? idreg_economy_population(&v->s->econ->items[i], v->year) : 1;
	}
	return idreg_equity_measure(amount, weight, v->slot_region, n, v->region_count, v->arena, out);
}

static idreg_err write_equity(struct rows *w, const struct idreg_stats_view *v, bool lorenz)
{
	for (int res = 0; res < RES_COUNT; res++) {
		for (int per_capita = 0; per_capita < 2; per_capita++) {
			struct idreg_equity eq;
			idreg_err err = idreg_stats_measure(v, res, per_capita, &eq);
			if (err != IDREG_OK) {
				return err;
			}
			const char *basis = per_capita ? "per_capita" : "raw";
			if (lorenz) {
				for (size_t k = 0; k <= eq.count; k++) {
					const struct idreg_lorenz_point *p = &eq.lorenz[k];
					row_begin(w);
					field_str(w, "resource", idreg_stats_res_names[res]);
					field_str(w, "basis", basis);
					field_u64(w, "rank", k);
					field_str(w, "economy",
						  k ? v->s->econ->items[p->item].alpha2 : NULL);
					field_num(w, "weight_share", p->weight_share);
					field_num(w, "amount_share", p->amount_share);
					row_end(w);
				}
				continue;
			}
			row_begin(w);
			field_str(w, "resource", idreg_stats_res_names[res]);
			field_str(w, "basis", basis);
			field_u64(w, "economies", eq.count);
			field_num(w, "gini", eq.gini);
			field_num(w, "theil", eq.theil);
			field_num(w, "theil_within_region", eq.theil_within);
			field_num(w, "theil_between_region", eq.theil_between);
			row_end(w);
		}
	}
	return IDREG_OK;
}

void idreg_stats_unknown_amounts(const struct idreg_stats *s, size_t code, size_t registry,
				 struct amounts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->count; i++) {
		const struct entry *e = &s->entries[i];
		if (e->slot == s->econ->count + code && e->registry == registry) {
			add_entry(out, e);
		}
	}
}

static void write_unknown(struct rows *w, const struct idreg_stats_view *v)
{
	const struct idreg_stats *s = v->s;
	for (size_t c = 0; c < s->unknown_count; c++) {
		for (size_t r = 0; r < s->registry_count; r++) {
			struct amounts a;
			idreg_stats_unknown_amounts(s, c, r, &a);
			if (a.records == 0) {
				continue;
			}
			row_begin(w);
			field_str(w, "code", s->unknown[c]);
			field_str(w, "registry", s->registries[r]);
			amount_fields(w, &a);
			row_end(w);
		}
	}
}

static idreg_err write_table(struct rows *w, const struct idreg_stats_view *v, enum idreg_stats_table table)
{
	switch (table) {
	case IDREG_STATS_FIGURES: write_figures(w, v); return IDREG_OK;
	case IDREG_STATS_SERIES: write_series(w, v); return IDREG_OK;
	case IDREG_STATS_EQUITY: return write_equity(w, v, false);
	case IDREG_STATS_LORENZ: return write_equity(w, v, true);
	default: write_unknown(w, v); return IDREG_OK;
	}
}

static idreg_err write_html(struct idreg_stats *s, const struct idreg_stats_request *req,
			    FILE *out, struct idreg_diag *diag)
{
	struct idreg_buf page;
	idreg_buf_init(&page, (size_t)1 << 30);
	const struct idreg_stats_html_options opts = { .lang = req->lang };
	struct idreg_stats_report *report = NULL;
	idreg_err err = idreg_stats_report_new(s, req->year, &report, diag);
	if (err == IDREG_OK) {
		err = idreg_stats_report_write(report, &opts, &page, diag);
	}
	if (err == IDREG_OK && (fwrite(page.data, 1, page.len, out) != page.len || ferror(out))) {
		err = idreg_diag_set(diag, IDREG_EIO, "statistics: write error");
	}
	idreg_stats_report_free(report);
	idreg_buf_free(&page);
	return err;
}

static void write_files(struct idreg_jsonw *json, const struct idreg_stats *s)
{
	idreg_jsonw_key(json, "files");
	idreg_jsonw_array_begin(json);
	for (size_t i = 0; i < s->file_count; i++) {
		const struct file_note *f = &s->files[i];
		idreg_jsonw_object_begin(json);
		idreg_jsonw_kv_string(json, "path", f->path);
		idreg_jsonw_kv_string(json, "registry", f->registry);
		idreg_jsonw_kv_string(json, "serial", f->serial);
		idreg_jsonw_kv_int(json, "held_records", (int64_t)f->held);
		idreg_jsonw_kv_int(json, "not_held_records", (int64_t)f->not_held);
		idreg_jsonw_object_end(json);
	}
	idreg_jsonw_array_end(json);
}

idreg_err idreg_stats_write(struct idreg_stats *s, const struct idreg_stats_request *req,
			    FILE *out, struct idreg_diag *diag)
{
	if (req->format == IDREG_STATS_HTML) {
		return write_html(s, req, out, diag);
	}
	struct idreg_arena arena;
	idreg_arena_init(&arena, 256 * 1024, 0);
	struct idreg_stats_view v = { .s = s, .req = req, .arena = &arena,
			  .year = req->year ? req->year : s->econ->last_year };
	idreg_err err = idreg_stats_view_compute(&v);
	struct idreg_buf json_buf;
	struct idreg_jsonw json;
	idreg_buf_init(&json_buf, (size_t)1 << 30);
	idreg_jsonw_init(&json, &json_buf);
	struct rows w = { .format = req->format, .json = &json, .out = out };
	idreg_buf_init(&w.header, 1 << 16);
	idreg_buf_init(&w.line, 1 << 16);
	if (err == IDREG_OK && req->format == IDREG_STATS_CSV) {
		err = write_table(&w, &v, req->table);
	} else if (err == IDREG_OK) {
		idreg_jsonw_object_begin(&json);
		idreg_jsonw_kv_string(&json, "by", idreg_stats_by_names[req->by]);
		idreg_jsonw_key(&json, "population_year");
		if (v.year) {
			idreg_jsonw_int(&json, v.year);
		} else {
			idreg_jsonw_null(&json);
		}
		write_files(&json, s);
		for (int t = 0; t < IDREG_STATS_TABLE_COUNT && err == IDREG_OK; t++) {
			idreg_jsonw_key(&json, idreg_stats_table_names[t]);
			idreg_jsonw_array_begin(&json);
			err = write_table(&w, &v, (enum idreg_stats_table)t);
			idreg_jsonw_array_end(&json);
		}
		idreg_jsonw_object_end(&json);
		if (err == IDREG_OK && (err = idreg_jsonw_finish(&json)) == IDREG_OK) {
			fprintf(out, "%s\n", json_buf.data);
		}
	}
	if (err != IDREG_OK) {
		idreg_diag_set(diag, err, "statistics: %s", idreg_strerror(err));
	} else if (ferror(out)) {
		err = idreg_diag_set(diag, IDREG_EIO, "statistics: write error");
	}
	idreg_buf_free(&json_buf);
	idreg_buf_free(&w.header);
	idreg_buf_free(&w.line);
	idreg_arena_free(&arena);
	return err;
}
