/*
 * The block, notification and exception lists and their deltas; see
 * lists.h.  Every list is built in memory as a table of rows (strings from
 * one arena), sorted, written as CSV into a fresh directory beside the
 * delta against the same list of the run DIR/current points to, and the
 * directory is switched in by renaming a new symbolic link over
 * DIR/current.
 */
#include "eir/lists.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/array.h"
#include "core/file.h"
#include "formats/csv.h"

#define MAX_COLUMNS 5
#define CURRENT_LINK "current"
#define RUN_PREFIX "run-"
/* Longest output directory path; every path under it then fits PATH_LEN. */
#define DIR_MAX 3072
#define PATH_LEN (DIR_MAX + 256)

/* ---- operators ---- */

static bool digits_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

/* "639-01" into "63901"; false if it is no MCC-MNC. */
static bool parse_network(const char *s, size_t len, char out[7])
{
	if (len < 6 || len > 7 || s[3] != '-' || !digits_only(s, 3) ||
	    !digits_only(s + 4, len - 4)) {
		return false;
	}
	memcpy(out, s, 3);
	memcpy(out + 3, s + 4, len - 4);
	out[len - 1] = '\0';
	return true;
}

static const char *network_owner(const struct idreg_eir_operators *ops, const char *network)
{
	for (size_t i = 0; i < ops->count; i++) {
		for (size_t j = 0; j < ops->list[i].network_count; j++) {
			if (strcmp(ops->list[i].networks[j], network) == 0) {
				return ops->list[i].name;
			}
		}
	}
	return NULL;
}

idreg_err idreg_eir_operators_parse(const char *text, struct idreg_eir_operators *out,
				    struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	const char *p = text;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0') {
			return IDREG_OK;
		}
		size_t item_len = strcspn(p, " \t");
		const char *colon = memchr(p, ':', item_len);
		size_t name_len = colon ? (size_t)(colon - p) : 0;
		char name[IDREG_EIR_MAX_OPERATOR + 1] = "";
		if (name_len > 0 && name_len <= IDREG_EIR_MAX_OPERATOR) {
			memcpy(name, p, name_len);
			name[name_len] = '\0';
		}
		if (!idreg_eir_operator_name_ok(name)) {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "eir.operators: '%.*s' is not NAME:MCC-MNC[,MCC-MNC...] "
					      "(a name of 1 to 32 letters, digits, '_' or '-')",
					      (int)(item_len > 60 ? 60 : item_len), p);
		}
		for (size_t i = 0; i < out->count; i++) {
			if (strcmp(out->list[i].name, name) == 0) {
				return idreg_diag_set(diag, IDREG_ECONFIG,
						      "eir.operators: operator %s is named twice", name);
			}
		}
		if (out->count == IDREG_EIR_MAX_OPERATORS) {
			return idreg_diag_set(diag, IDREG_ECONFIG, "eir.operators: more than %d operators",
					      IDREG_EIR_MAX_OPERATORS);
		}
		struct idreg_eir_operator *op = &out->list[out->count];
		snprintf(op->name, sizeof(op->name), "%s", name);
		const char *n = colon + 1, *end = p + item_len;
		while (n <= end) {
			size_t len = strcspn(n, ", \t");
			if (n + len > end) {
				len = (size_t)(end - n);
			}
			char network[7];
			if (op->network_count == IDREG_EIR_MAX_NETWORKS || !parse_network(n, len, network)) {
				return idreg_diag_set(diag, IDREG_ECONFIG,
						      "eir.operators: operator %s: '%.*s' is not an MCC-MNC "
						      "like 639-01 (at most %d of them)",
						      name, (int)(len > 20 ? 20 : len), n,
						      IDREG_EIR_MAX_NETWORKS);
			}
			const char *owner = network_owner(out, network);
			if (owner == NULL) {
				for (size_t j = 0; j < op->network_count; j++) {
					if (strcmp(op->networks[j], network) == 0) {
						owner = op->name;
					}
				}
			}
			if (owner != NULL) {
				return idreg_diag_set(diag, IDREG_ECONFIG,
						      "eir.operators: network %.*s is given twice (%s)",
						      (int)len, n, owner);
			}
			memcpy(op->networks[op->network_count++], network, sizeof(network));
			n += len + 1;
		}
		out->count++;
		p = end;
	}
}

int idreg_eir_operator_of(const struct idreg_eir_operators *ops, const char *imsi)
{
	int best = -1;
	size_t best_len = 0;
	for (size_t i = 0; i < ops->count; i++) {
		for (size_t j = 0; j < ops->list[i].network_count; j++) {
			const char *net = ops->list[i].networks[j];
			size_t len = strlen(net);
			if (len > best_len && strncmp(imsi, net, len) == 0) {
				best = (int)i;
				best_len = len;
			}
		}
	}
	return best;
}

/* ---- tables ---- */

struct row {
	const char *cell[MAX_COLUMNS];
};

struct table {
	char name[64];               /* file name without .csv */
	const char *const *header;
	size_t columns, keys;        /* the first @keys columns identify a row */
	struct row *rows;
	size_t count, cap;
};

static const char *const blocklist_header[] = { "imei", "block_date", "reasons" };
static const char *const notifications_header[] = { "imei", "imsi", "msisdn", "block_date",
						    "reasons" };
static const char *const exceptions_header[] = { "imei", "imsi" };

static int compare_cells(const struct row *a, const struct row *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		int c = strcmp(a->cell[i], b->cell[i]);
		if (c != 0) {
			return c;
		}
	}
	return 0;
}

/* Rows by every column: keys come first, so rows of one key are together. */
static int compare_rows(const void *a, const void *b)
{
	return compare_cells(a, b, 0, MAX_COLUMNS);
}

static idreg_err table_add(struct table *t, const struct row *row)
{
	if (idreg_array_reserve(&t->rows, &t->cap, t->count, sizeof(*t->rows), 256) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	t->rows[t->count++] = *row;
	return IDREG_OK;
}

/* Sort, and drop repeated rows (a subscriber seen in several months). */
static void table_sort(struct table *t)
{
	if (t->count == 0) {
		return;
	}
	qsort(t->rows, t->count, sizeof(*t->rows), compare_rows);
	size_t kept = 1;
	for (size_t i = 1; i < t->count; i++) {
		if (compare_rows(&t->rows[i], &t->rows[kept - 1]) != 0) {
			t->rows[kept++] = t->rows[i];
		}
	}
	t->count = kept;
}

static void table_init(struct table *t, const char *name, const char *op,
		       const char *const *header, size_t columns, size_t keys)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), op ? "%s-%s" : "%s", name, op ? op : "");
	t->header = header;
	t->columns = columns;
	t->keys = keys;
}

/* ---- the register as of the day ---- */

struct imei_state {
	const char *imei;
	const char *reasons;         /* conditions joined by '|', in name order */
	const char *block_date;      /* earliest blocking condition's, or "" */
};

struct builder {
	struct idreg_store *store;
	const struct idreg_eir_lists_options *opts;
	const char *date;
	struct idreg_arena arena;
	struct imei_state *states;
	size_t state_count, state_cap;
	char reasons[1024];          /* the state being read */
	char **golden;
	size_t golden_count, golden_cap;
	struct table *tables;        /* blocklist, then per operator notifications, exceptions */
	size_t table_count;
	const struct imei_state *current; /* notifications: the IMEI whose observations are read */
	struct idreg_diag *diag;
};

/* The tables: the block list first, then per operator its notifications and exceptions. */
static struct table *blocklist(struct builder *b)
{
	return &b->tables[0];
}

static struct table *notifications(struct builder *b, size_t op)
{
	return &b->tables[1 + 2 * op];
}

static struct table *exceptions(struct builder *b, size_t op)
{
	return &b->tables[2 + 2 * op];
}

static idreg_err out_of_memory(struct builder *b)
{
	return idreg_diag_set(b->diag, IDREG_ENOMEM, "out of memory building the lists");
}

static const char *keep(struct builder *b, const char *s)
{
	return idreg_arena_strndup(&b->arena, s, strlen(s));
}

static idreg_err newest_run(void *ctx, const struct idreg_eir_class_run *run)
{
	char *date = ctx;
	if (date[0] == '\0') {
		snprintf(date, 11, "%s", run->run_date);
	}
	return IDREG_OK;
}

/* A row met at @date: started by then and not ended by then. */
static bool met_on(const struct idreg_eir_class *row, const char *date)
{
	return strcmp(row->start_date, date) <= 0 &&
	       (row->end_date[0] == '\0' || strcmp(row->end_date, date) > 0);
}

static idreg_err read_class(void *ctx, const struct idreg_eir_class *row)
{
	struct builder *b = ctx;
	if (!met_on(row, b->date)) {
		return IDREG_OK;
	}
	struct imei_state *st = b->state_count ? &b->states[b->state_count - 1] : NULL;
	if (st == NULL || strcmp(st->imei, row->imei) != 0) {
		const char *imei = keep(b, row->imei);
		if (imei == NULL || idreg_array_reserve(&b->states, &b->state_cap, b->state_count,
							sizeof(*b->states), 1024) != IDREG_OK) {
			return out_of_memory(b);
		}
		st = &b->states[b->state_count++];
		*st = (struct imei_state){ .imei = imei, .reasons = "", .block_date = "" };
		b->reasons[0] = '\0';
	}
	/* Rows come by condition within an IMEI; one condition may have met twice. */
	size_t used = strlen(b->reasons), len = strlen(row->condition);
	const char *last = strrchr(b->reasons, '|');
	last = last ? last + 1 : b->reasons;
	if (strcmp(last, row->condition) != 0) {
		if (used + len + 2 > sizeof(b->reasons)) {
			return idreg_diag_set(b->diag, IDREG_ETOOBIG, "IMEI %s: too many conditions",
					      row->imei);
		}
		snprintf(b->reasons + used, sizeof(b->reasons) - used, "%s%s", used ? "|" : "",
			 row->condition);
		if ((st->reasons = keep(b, b->reasons)) == NULL) {
			return out_of_memory(b);
		}
	}
	if (row->blocking && row->block_date[0] != '\0' &&
	    (st->block_date[0] == '\0' || strcmp(row->block_date, st->block_date) < 0) &&
	    (st->block_date = keep(b, row->block_date)) == NULL) {
		return out_of_memory(b);
	}
	return IDREG_OK;
}

static idreg_err read_golden(void *ctx, const struct idreg_eir_list_entry *e)
{
	struct builder *b = ctx;
	if (idreg_array_reserve(&b->golden, &b->golden_cap, b->golden_count, sizeof(*b->golden),
				256) != IDREG_OK ||
	    (b->golden[b->golden_count] = idreg_arena_strndup(&b->arena, e->item,
							      strlen(e->item))) == NULL) {
		return out_of_memory(b);
	}
	b->golden_count++;
	return IDREG_OK;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_golden(const struct builder *b, const char *imei)
{
	return b->golden_count > 0 && bsearch(&imei, b->golden, b->golden_count,
					      sizeof(*b->golden), compare_strings) != NULL;
}

/* The exception tables hold the pairings, sorted: a subscriber's pairing is
 * found by binary search in the table of its IMSI's operator. */
static bool is_paired(struct builder *b, int op, const char *imei, const char *imsi)
{
	const struct table *t = exceptions(b, (size_t)op);
	struct row key = { { imei, imsi, "", "", "" } };
	return t->count > 0 &&
	       bsearch(&key, t->rows, t->count, sizeof(*t->rows), compare_rows) != NULL;
}

static idreg_err read_pairing(void *ctx, const struct idreg_eir_list_entry *e)
{
	struct builder *b = ctx;
	int op = idreg_eir_operator_of(b->opts->operators, e->imsi);
	if (op < 0) {
		return IDREG_OK;
	}
	struct row row = { { keep(b, e->item), keep(b, e->imsi), "", "", "" } };
	if (row.cell[0] == NULL || row.cell[1] == NULL ||
	    table_add(exceptions(b, (size_t)op), &row) != IDREG_OK) {
		return out_of_memory(b);
	}
	return IDREG_OK;
}

static idreg_err read_observation(void *ctx, const struct idreg_eir_observation *o)
{
	struct builder *b = ctx;
	if (strcmp(o->first_seen, b->date) > 0 || o->imsi[0] == '\0') {
		return IDREG_OK;
	}
	int op = idreg_eir_operator_of(b->opts->operators, o->imsi);
	if (op < 0 || is_paired(b, op, b->current->imei, o->imsi)) {
		return IDREG_OK;
	}
	const struct imei_state *st = b->current;
	struct row row = { { st->imei, keep(b, o->imsi), keep(b, o->msisdn), st->block_date,
			     st->reasons } };
	if (row.cell[1] == NULL || row.cell[2] == NULL ||
	    table_add(notifications(b, (size_t)op), &row) != IDREG_OK) {
		return out_of_memory(b);
	}
	return IDREG_OK;
}

static idreg_err build_tables(struct builder *b)
{
	struct idreg_store *s = b->store;
	const struct idreg_eir_operators *ops = b->opts->operators;
	b->table_count = 1 + 2 * ops->count;
	b->tables = idreg_arena_calloc(&b->arena, b->table_count, sizeof(*b->tables));
	if (b->tables == NULL) {
		return out_of_memory(b);
	}
	table_init(blocklist(b), "blocklist", NULL, blocklist_header, 3, 1);
	for (size_t i = 0; i < ops->count; i++) {
		table_init(notifications(b, i), "notifications", ops->list[i].name,
			   notifications_header, 5, 3);
		table_init(exceptions(b, i), "exceptions", ops->list[i].name, exceptions_header, 2, 2);
	}
	idreg_err err = s->ops->eir_class_each(s, false, NULL, read_class, b, b->diag);
	if (err == IDREG_OK) {
		err = s->ops->eir_list_each(s, "golden", read_golden, b, b->diag);
	}
	if (err == IDREG_OK) {
		err = s->ops->eir_list_each(s, "pairings", read_pairing, b, b->diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (b->golden_count > 0) {
		qsort(b->golden, b->golden_count, sizeof(*b->golden), compare_strings);
	}
	for (size_t i = 0; i < ops->count; i++) {
		table_sort(exceptions(b, i));
	}
	for (size_t i = 0; err == IDREG_OK && i < b->state_count; i++) {
		const struct imei_state *st = &b->states[i];
		if (st->block_date[0] == '\0' || is_golden(b, st->imei)) {
			continue;
		}
		if (strcmp(st->block_date, b->date) <= 0) {
			struct row row = { { st->imei, st->block_date, st->reasons, "", "" } };
			if (table_add(blocklist(b), &row) != IDREG_OK) {
				return out_of_memory(b);
			}
		} else if (ops->count > 0) {
			b->current = st;
			err = s->ops->eir_observation_each(s, st->imei, read_observation, b, b->diag);
		}
	}
	table_sort(blocklist(b));
	for (size_t i = 0; i < ops->count; i++) {
		table_sort(notifications(b, i));
	}
	return err;
}

/* ---- files ---- */

static idreg_err io_error(struct idreg_diag *diag, const char *what, const char *path)
{
	int e = errno;
	idreg_err err = e == ENOSPC ? IDREG_ENOSPC : e == EACCES || e == EPERM ? IDREG_EACCES : IDREG_EIO;
	return idreg_diag_set(diag, err, "%s %s: %s", what, path, strerror(e));
}

/* Write @rows (with @header, and a "change" column from @changes when not NULL) to @path. */
static idreg_err write_csv(const char *path, const struct table *t, const struct row *rows,
			   const char *const *changes, size_t count, struct idreg_diag *diag)
{
	FILE *f = fopen(path, "wx");
	if (f == NULL) {
		return io_error(diag, "cannot create", path);
	}
	const char *fields[MAX_COLUMNS + 1];
	size_t n = t->columns;
	memcpy(fields, t->header, n * sizeof(*fields));
	fields[n] = "change";
	bool ok = idreg_csv_write_row(f, fields, n + (changes != NULL));
	for (size_t i = 0; ok && i < count; i++) {
		memcpy(fields, rows[i].cell, n * sizeof(*fields));
		if (changes != NULL) {
			fields[n] = changes[i];
		}
		ok = idreg_csv_write_row(f, fields, n + (changes != NULL));
	}
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	int first_errno = errno;
	bool closed = fclose(f) == 0;
	if (ok && closed) {
		return IDREG_OK;
	}
	if (!ok) {
		errno = first_errno;
	}
	return io_error(diag, "cannot write", path);
}

/* The rows of the previous run's list @path (none when it has no such file). */
static idreg_err read_previous(struct builder *b, const char *path, const struct table *t,
			       struct table *prev)
{
	*prev = *t;
	prev->rows = NULL;
	prev->count = prev->cap = 0;
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		return IDREG_OK;
	}
	char *data = NULL;
	size_t size = 0;
	idreg_err err = idreg_file_read(path, 0, &data, &size, b->diag);
	struct idreg_csv_row *row = err == IDREG_OK ? malloc(sizeof(*row)) : NULL;
	if (err == IDREG_OK && row == NULL) {
		err = out_of_memory(b);
	}
	struct idreg_csv_reader r;
	idreg_csv_init(&r, path, data ? data : "", size);
	bool end = false, header = true;
	while (err == IDREG_OK && (err = idreg_csv_next(&r, row, &end, b->diag)) == IDREG_OK && !end) {
		bool same = row->count == t->columns;
		for (size_t i = 0; same && header && i < t->columns; i++) {
			same = strcmp(row->fields[i], t->header[i]) == 0;
		}
		if (!same) {
			err = idreg_diag_set(b->diag, IDREG_EPARSE,
					     "%s: line %u: not a row of the previous %s list", path,
					     row->line, t->name);
			break;
		}
		if (header) {
			header = false;
			continue;
		}
		struct row kept = { { "", "", "", "", "" } };
		for (size_t i = 0; i < t->columns; i++) {
			if ((kept.cell[i] = keep(b, row->fields[i])) == NULL) {
				err = out_of_memory(b);
			}
		}
		if (err == IDREG_OK && table_add(prev, &kept) != IDREG_OK) {
			err = out_of_memory(b);
		}
	}
	free(row);
	free(data);
	table_sort(prev);
	return err;
}

/* The delta from @prev to @t: rows added, removed (as they were) and changed (as they are). */
static idreg_err write_delta(struct builder *b, const char *path, const struct table *t,
			     const struct table *prev, struct idreg_eir_list_count *count)
{
	size_t cap = t->count + prev->count;
	struct row *rows = malloc((cap ? cap : 1) * sizeof(*rows));
	const char **changes = malloc((cap ? cap : 1) * sizeof(*changes));
	if (rows == NULL || changes == NULL) {
		free(rows);
		free(changes);
		return out_of_memory(b);
	}
	size_t n = 0, i = 0, j = 0;
	while (i < t->count || j < prev->count) {
		int c = i == t->count ? 1 : j == prev->count ? -1
			: compare_cells(&t->rows[i], &prev->rows[j], 0, t->keys);
		if (c < 0) {
			rows[n] = t->rows[i++];
			changes[n++] = "add";
			count->added++;
		} else if (c > 0) {
			rows[n] = prev->rows[j++];
			changes[n++] = "remove";
			count->removed++;
		} else {
			if (compare_cells(&t->rows[i], &prev->rows[j], t->keys, t->columns) != 0) {
				rows[n] = t->rows[i];
				changes[n++] = "change";
				count->changed++;
			}
			i++;
			j++;
		}
	}
	idreg_err err = write_csv(path, t, rows, changes, n, b->diag);
	free(rows);
	free(changes);
	return err;
}

/* The number of the newest run-N directory under @dir, 0 if none. */
static unsigned long newest_run_number(const char *dir)
{
	unsigned long newest = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		return 0;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		if (strncmp(e->d_name, RUN_PREFIX, strlen(RUN_PREFIX)) == 0) {
			unsigned long n = strtoul(e->d_name + strlen(RUN_PREFIX), &end, 10);
			if (*end == '\0' && n > newest) {
				newest = n;
			}
		}
	}
	closedir(d);
	return newest;
}

static void remove_dir(const char *dir, const struct builder *b)
{
	char path[PATH_LEN];
	for (size_t i = 0; i < b->table_count; i++) {
		snprintf(path, sizeof(path), "%s/%s.csv", dir, b->tables[i].name);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s-delta.csv", dir, b->tables[i].name);
		unlink(path);
	}
	rmdir(dir);
}

static idreg_err sync_dir(const char *dir, struct idreg_diag *diag)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || fsync(fd) != 0) {
		idreg_err err = io_error(diag, "cannot sync", dir);
		if (fd >= 0) {
			close(fd);
		}
		return err;
	}
	close(fd);
	return IDREG_OK;
}

/* Write every table and its delta into @tmp. */
static idreg_err write_tables(struct builder *b, const char *tmp,
			      struct idreg_eir_lists_report *report)
{
	const char *dir = b->opts->out_dir;
	char path[PATH_LEN];
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i < b->table_count; i++) {
		const struct table *t = &b->tables[i];
		struct idreg_eir_list_count *count = &report->lists[report->list_count++];
		snprintf(count->name, sizeof(count->name), "%s", t->name);
		count->rows = t->count;
		snprintf(path, sizeof(path), "%s/%s.csv", tmp, t->name);
		err = write_csv(path, t, t->rows, NULL, t->count, b->diag);
		struct table prev = { .rows = NULL };
		if (err == IDREG_OK) {
			snprintf(path, sizeof(path), "%s/" CURRENT_LINK "/%s.csv", dir, t->name);
			err = read_previous(b, path, t, &prev);
		}
		if (err == IDREG_OK) {
			snprintf(path, sizeof(path), "%s/%s-delta.csv", tmp, t->name);
			err = write_delta(b, path, t, &prev, count);
		}
		free(prev.rows);
	}
	return err == IDREG_OK ? sync_dir(tmp, b->diag) : err;
}

/* Move @tmp to a new run-N and point DIR/current at it. */
static idreg_err switch_current(struct builder *b, const char *tmp,
				struct idreg_eir_lists_report *report)
{
	const char *dir = b->opts->out_dir;
	char run[PATH_LEN], link[PATH_LEN], current[PATH_LEN];
	snprintf(report->run_dir, sizeof(report->run_dir), RUN_PREFIX "%06lu",
		 newest_run_number(dir) + 1);
	snprintf(run, sizeof(run), "%s/%s", dir, report->run_dir);
	snprintf(link, sizeof(link), "%s/." CURRENT_LINK ".new", dir);
	snprintf(current, sizeof(current), "%s/" CURRENT_LINK, dir);
	if (rename(tmp, run) != 0) {
		return io_error(b->diag, "cannot rename into", run);
	}
	unlink(link);
	if (symlink(report->run_dir, link) != 0 || rename(link, current) != 0) {
		idreg_err err = io_error(b->diag, "cannot point to the new lists:", current);
		unlink(link);
		rename(run, tmp); /* back, for the caller to remove */
		return err;
	}
	return sync_dir(dir, b->diag);
}

idreg_err idreg_eir_lists_write(struct idreg_store *store, const struct idreg_eir_lists_options *opts,
				struct idreg_eir_lists_report *report, struct idreg_diag *diag)
{
	memset(report, 0, sizeof(*report));
	if (opts->date != NULL) {
		if (idreg_eir_date_days(opts->date) < 0) {
			return idreg_diag_set(diag, IDREG_EINVAL, "'%s' is not a date YYYY-MM-DD",
					      opts->date);
		}
		snprintf(report->date, sizeof(report->date), "%s", opts->date);
	} else {
		idreg_err err = store->ops->eir_class_run_each(store, newest_run, report->date, diag);
		if (err != IDREG_OK) {
			return err;
		}
		if (report->date[0] == '\0') {
			return idreg_diag_set(diag, IDREG_ENOTFOUND,
					      "the register has no classification run: classify first, "
					      "or give the date");
		}
	}
	if (strlen(opts->out_dir) > DIR_MAX) {
		return idreg_diag_set(diag, IDREG_EINVAL, "the output directory's path is over %d bytes",
				      DIR_MAX);
	}
	if (mkdir(opts->out_dir, 0755) != 0 && errno != EEXIST) {
		return io_error(diag, "cannot create", opts->out_dir);
	}
	struct builder b = { .store = store, .opts = opts, .date = report->date, .diag = diag };
	idreg_arena_init(&b.arena, 1 << 20, 0);
	char tmp[DIR_MAX + 16];
	snprintf(tmp, sizeof(tmp), "%s/.new-XXXXXX", opts->out_dir);
	idreg_err err = build_tables(&b);
	if (err == IDREG_OK && (mkdtemp(tmp) == NULL || chmod(tmp, 0755) != 0)) {
		err = io_error(diag, "cannot create a directory in", opts->out_dir);
	} else if (err == IDREG_OK) {
		err = write_tables(&b, tmp, report);
		if (err == IDREG_OK) {
			err = switch_current(&b, tmp, report);
		}
		if (err != IDREG_OK) {
			remove_dir(tmp, &b);
		}
	}
	for (size_t i = 0; b.tables != NULL && i < b.table_count; i++) {
		free(b.tables[i].rows);
	}
	free(b.states);
	free(b.golden);
	idreg_arena_free(&b.arena);
	return err;
}
