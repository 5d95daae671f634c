/*
 * The bounded CSV reader and the writer; see csv.h.
 */
#include "formats/csv.h"

#include <string.h>

void idreg_csv_init(struct idreg_csv_reader *r, const char *name, const char *data, size_t size)
{
	r->name = name;
	r->data = data;
	r->size = size;
	r->pos = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	r->line = 1;
}

static idreg_err row_error(const struct idreg_csv_reader *r, unsigned line, struct idreg_diag *diag,
			   const char *why)
{
	return idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %s", r->name, line, why);
}

idreg_err idreg_csv_next(struct idreg_csv_reader *r, struct idreg_csv_row *row, bool *end,
			 struct idreg_diag *diag)
{
	row->count = 0;
	row->line = r->line;
	*end = r->pos >= r->size;
	if (*end) {
		return IDREG_OK;
	}
	size_t used = 0;  /* bytes of row->text */
	for (;;) {        /* one field per turn */
		if (row->count == IDREG_CSV_MAX_FIELDS) {
			return row_error(r, row->line, diag, "more fields than a row may have");
		}
		size_t start = used;
		bool quoted = r->pos < r->size && r->data[r->pos] == '"';
		if (quoted) {
			r->pos++;
		}
		for (;;) {
			if (r->pos >= r->size) {
				if (quoted) {
					return row_error(r, row->line, diag,
							 "quoted field not closed before the end");
				}
				break;
			}
			char c = r->data[r->pos];
			if (c == '\0') {
				/* Fields are C strings: a NUL would cut one short unseen. */
				return row_error(r, r->line, diag, "NUL byte in a field");
			}
			if (quoted && c == '"') {
				if (r->pos + 1 < r->size && r->data[r->pos + 1] == '"') {
					r->pos++; /* a doubled quote is one quote */
				} else {
					r->pos++;
					quoted = false;
					if (r->pos < r->size && r->data[r->pos] != ',' &&
					    r->data[r->pos] != '\n' && r->data[r->pos] != '\r') {
						return row_error(r, r->line, diag,
								 "text after a closing quote");
					}
					continue;
				}
			} else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
				break;
			} else if (!quoted && c == '"') {
				return row_error(r, r->line, diag, "quote inside an unquoted field");
			} else if (c == '\n') {
				r->line++;
			}
			if (used >= IDREG_CSV_MAX_ROW) {
				return row_error(r, row->line, diag, "row longer than the limit");
			}
			row->text[used++] = c;
			r->pos++;
		}
		row->text[used] = '\0';
		row->fields[row->count] = row->text + start;
		row->lens[row->count] = used - start;
		row->count++;
		used++;
		if (r->pos >= r->size) {
			return IDREG_OK;
		}
		char c = r->data[r->pos++];
		if (c == ',') {
			continue;
		}
		if (c == '\r' && r->pos < r->size && r->data[r->pos] == '\n') {
			r->pos++;
		}
		r->line++;
		return IDREG_OK;
	}
}

int idreg_csv_column(const struct idreg_csv_row *row, const char *name)
{
	for (size_t i = 0; i < row->count; i++) {
		if (strcmp(row->fields[i], name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

bool idreg_csv_write_row(FILE *out, const char *const *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const char *f = fields[i];
		if (i > 0 && putc(',', out) == EOF) {
			return false;
		}
		if (strpbrk(f, ",\"\r\n") == NULL) {
			if (fputs(f, out) == EOF) {
				return false;
			}
			continue;
		}
		if (putc('"', out) == EOF) {
			return false;
		}
		for (const char *p = f; *p; p++) {
			if ((*p == '"' && putc('"', out) == EOF) || putc(*p, out) == EOF) {
				return false;
			}
		}
		if (putc('"', out) == EOF) {
			return false;
		}
	}
	return putc('\n', out) != EOF;
}
