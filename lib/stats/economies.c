/*
 * Reading the economy data; see economies.h.
 */
#include "stats/economies.h"

#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "formats/csv.h"

#define YEARS (IDREG_ECONOMY_LAST_YEAR - IDREG_ECONOMY_FIRST_YEAR + 1)

static int alpha2_slot(const char *cc)
{
	if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' || cc[2] != '\0') {
		return -1;
	}
	return (cc[0] - 'A') * 26 + (cc[1] - 'A');
}

/* A whole CSV file: its reader and the buffer it reads. */
struct csv_file {
	char *data;
	struct idreg_csv_reader reader;
	struct idreg_csv_row *row;
};

static idreg_err csv_open(const char *path, struct csv_file *f, struct idreg_diag *diag)
{
	size_t size;
	f->row = NULL;
	idreg_err err = idreg_file_read(path, IDREG_ECONOMY_FILE_MAX, &f->data, &size, diag);
	if (err != IDREG_OK) {
		return err;
	}
	f->row = malloc(sizeof(*f->row));
	if (f->row == NULL) {
		free(f->data);
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", path);
	}
	idreg_csv_init(&f->reader, path, f->data, size);
	return IDREG_OK;
}

static void csv_close(struct csv_file *f)
{
	free(f->row);
	free(f->data);
}

/* Find each of @names in the header row: their indexes go to @cols. */
static idreg_err header_columns(struct csv_file *f, const char *const *names, size_t count,
				int *cols, struct idreg_diag *diag)
{
	bool end;
	idreg_err err = idreg_csv_next(&f->reader, f->row, &end, diag);
	if (err != IDREG_OK) {
		return err;
	}
	for (size_t i = 0; i < count; i++) {
		cols[i] = end ? -1 : idreg_csv_column(f->row, names[i]);
		if (cols[i] < 0) {
			return idreg_diag_set(diag, IDREG_EPARSE, "%s: line 1: no column \"%s\"",
					      f->reader.name, names[i]);
		}
	}
	return IDREG_OK;
}

/* The next data row, with at least @width fields; *end at the end. */
static idreg_err data_row(struct csv_file *f, int width, bool *end, struct idreg_diag *diag)
{
	idreg_err err = idreg_csv_next(&f->reader, f->row, end, diag);
	if (err == IDREG_OK && !*end && f->row->count < (size_t)width) {
		err = idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %zu fields, the header has more",
				     f->reader.name, f->row->line, f->row->count);
	}
	return err;
}

enum {
	CC_ALPHA2, CC_ALPHA3, CC_NAME_EN, CC_CLDR_NAME, CC_NAME_ZH, CC_REGION, CC_SUBREGION,
	CC_LDC, CC_LLDC, CC_SIDS, CC_COLUMNS
};
static const char *const codes_columns[CC_COLUMNS] = {
	"ISO3166-1-Alpha-2", "ISO3166-1-Alpha-3", "official_name_en", "CLDR display name",
	"official_name_cn", "Region Name", "Sub-region Name", "Least Developed Countries (LDC)",
	"Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)",
};

static idreg_err read_codes(const char *path, struct idreg_arena *arena,
			    struct idreg_economies *out, struct idreg_diag *diag)
{
	struct csv_file f;
	idreg_err err = csv_open(path, &f, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int col[CC_COLUMNS], width = 0;
	err = header_columns(&f, codes_columns, CC_COLUMNS, col, diag);
	for (int i = 0; i < CC_COLUMNS; i++) {
		width = col[i] >= width ? col[i] + 1 : width;
	}
	out->items = idreg_arena_calloc(arena, IDREG_ECONOMIES_MAX, sizeof(*out->items));
	if (err == IDREG_OK && out->items == NULL) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", path);
	}
	const struct idreg_csv_row *row = f.row;
	bool end = false;
	while (err == IDREG_OK && (err = data_row(&f, width, &end, diag)) == IDREG_OK && !end) {
		const char *a2 = row->fields[col[CC_ALPHA2]], *a3 = row->fields[col[CC_ALPHA3]];
		if (a2[0] == '\0') {
			continue; /* not an ISO 3166-1 economy */
		}
		int slot = alpha2_slot(a2);
		if (slot < 0 || strlen(a3) != 3) {
			err = idreg_diag_set(diag, IDREG_EPARSE,
					     "%s: line %u: \"%.8s\"/\"%.8s\" is not an alpha-2/alpha-3 pair",
					     path, row->line, a2, a3);
		} else if (out->by_alpha2[slot] >= 0) {
			err = idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %s listed twice", path,
					     row->line, a2);
		} else if (out->count == IDREG_ECONOMIES_MAX) {
			err = idreg_diag_set(diag, IDREG_ETOOBIG, "%s: line %u: more than %d economies",
					     path, row->line, IDREG_ECONOMIES_MAX);
		}
		if (err != IDREG_OK) {
			break;
		}
		struct idreg_economy *e = &out->items[out->count];
		memcpy(e->alpha2, a2, 3);
		memcpy(e->alpha3, a3, 4);
		const char *name_en = row->fields[col[CC_NAME_EN]][0] ? row->fields[col[CC_NAME_EN]]
								     : row->fields[col[CC_CLDR_NAME]];
		e->name_en = idreg_arena_strndup(arena, name_en, strlen(name_en));
		e->name_zh = idreg_arena_strndup(arena, row->fields[col[CC_NAME_ZH]], row->lens[col[CC_NAME_ZH]]);
		e->region = idreg_arena_strndup(arena, row->fields[col[CC_REGION]], row->lens[col[CC_REGION]]);
		e->subregion = idreg_arena_strndup(arena, row->fields[col[CC_SUBREGION]],
						   row->lens[col[CC_SUBREGION]]);
		e->ldc = row->fields[col[CC_LDC]][0] != '\0';
		e->lldc = row->fields[col[CC_LLDC]][0] != '\0';
		e->sids = row->fields[col[CC_SIDS]][0] != '\0';
		e->population = idreg_arena_alloc(arena, YEARS * sizeof(double));
		if (!e->name_en || !e->name_zh || !e->region || !e->subregion || !e->population) {
			err = idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", path);
			break;
		}
		for (int y = 0; y < YEARS; y++) {
			e->population[y] = -1;
		}
		out->by_alpha2[slot] = (short)out->count++;
	}
	csv_close(&f);
	return err;
}

/* A whole number of at most 15 digits, or -1. */
static double whole_number(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strspn(s, "0123456789") != n) {
		return -1;
	}
	return strtod(s, NULL);
}

static idreg_err read_population(const char *path, struct idreg_economies *out,
				 struct idreg_diag *diag)
{
	struct csv_file f;
	idreg_err err = csv_open(path, &f, diag);
	if (err != IDREG_OK) {
		return err;
	}
	static const char *const names[3] = { "Country Code", "Year", "Value" };
	int col[3];
	err = header_columns(&f, names, 3, col, diag);
	int width = (col[0] > col[1] ? col[0] : col[1]);
	width = (width > col[2] ? width : col[2]) + 1;
	const struct idreg_csv_row *row = f.row;
	bool end = false;
	while (err == IDREG_OK && (err = data_row(&f, width, &end, diag)) == IDREG_OK && !end) {
		double year = whole_number(row->fields[col[1]]);
		double value = whole_number(row->fields[col[2]]);
		if (year < IDREG_ECONOMY_FIRST_YEAR || year > IDREG_ECONOMY_LAST_YEAR || value < 0) {
			err = idreg_diag_set(diag, IDREG_EPARSE,
					     "%s: line %u: year \"%.16s\" or value \"%.16s\" is not a whole number in range",
					     path, row->line, row->fields[col[1]], row->fields[col[2]]);
			break;
		}
		int y = (int)year;
		out->last_year = y > out->last_year ? y : out->last_year;
		for (size_t i = 0; i < out->count; i++) { /* a scan: some 250 economies */
			if (strcmp(out->items[i].alpha3, row->fields[col[0]]) == 0) {
				out->items[i].population[y - IDREG_ECONOMY_FIRST_YEAR] = value;
				break;
			}
		}
	}
	csv_close(&f);
	return err;
}

idreg_err idreg_economies_load(const char *codes_path, const char *population_path,
			       struct idreg_arena *arena, struct idreg_economies *out,
			       struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	memset(out->by_alpha2, 0xff, sizeof(out->by_alpha2));
	idreg_err err = read_codes(codes_path, arena, out, diag);
	return err != IDREG_OK ? err : read_population(population_path, out, diag);
}

const struct idreg_economy *idreg_economy_find(const struct idreg_economies *e, const char *cc)
{
	int slot = alpha2_slot(cc);
	return slot < 0 || e->by_alpha2[slot] < 0 ? NULL : &e->items[e->by_alpha2[slot]];
}

double idreg_economy_population(const struct idreg_economy *e, int year)
{
	if (year < IDREG_ECONOMY_FIRST_YEAR || year > IDREG_ECONOMY_LAST_YEAR) {
		return -1;
	}
	return e->population[year - IDREG_ECONOMY_FIRST_YEAR];
}
