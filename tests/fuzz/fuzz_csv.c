/*
 * libFuzzer target: the bounded CSV reader (lib/formats/csv.c).
 *
 * Any input is read row by row.  Every row must keep the limits (fields,
 * bytes), start on a line no earlier than the last, and consume input; an
 * error must say "fuzz: line N: ...".  When the whole input reads, writing
 * its rows back with every field quoted must read back to the same fields.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/* Read all of @text; rows go to @rewrite (quoted) unless NULL.  Row count, or -1 on error. */
static long read_all(const char *text, size_t size, FILE *rewrite, struct idreg_csv_row *row)
{
	struct idreg_csv_reader r;
	idreg_csv_init(&r, "fuzz", text, size);
	long rows = 0;
	unsigned last_line = 0;
	for (;;) {
		size_t before = r.pos;
		bool end;
		struct idreg_diag diag = { "" };
		if (idreg_csv_next(&r, row, &end, &diag) != IDREG_OK) {
			check(strncmp(diag.text, "fuzz: line ", 11) == 0);
			return -1;
		}
		if (end) {
			return rows;
		}
		check(r.pos > before && row->line >= last_line && row->count >= 1 &&
		      row->count <= IDREG_CSV_MAX_FIELDS);
		last_line = row->line;
		size_t bytes = 0;
		for (size_t i = 0; i < row->count; i++) {
			bytes += row->lens[i];
			check(row->fields[i][row->lens[i]] == '\0');
			if (rewrite != NULL) {
				fputc('"', rewrite);
				for (size_t k = 0; k < row->lens[i]; k++) {
					if (row->fields[i][k] == '"') {
						fputc('"', rewrite);
					}
					fputc(row->fields[i][k], rewrite);
				}
				fputs(i + 1 < row->count ? "\"," : "\"\n", rewrite);
			}
		}
		check(bytes <= IDREG_CSV_MAX_ROW);
		rows++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	struct idreg_csv_row *row = malloc(sizeof(*row));
	struct idreg_csv_row *again = malloc(sizeof(*again));
	check(text != NULL && row != NULL && again != NULL);
	if (size > 0) {
		memcpy(text, data, size);
	}
	char *out = NULL;
	size_t out_size = 0;
	FILE *rewrite = open_memstream(&out, &out_size);
	check(rewrite != NULL);
	long rows = read_all(text, size, rewrite, row);
	check(fclose(rewrite) == 0);
	if (rows >= 0) {
		/* Same rows, field by field. */
		struct idreg_csv_reader a, b;
		idreg_csv_init(&a, "fuzz", text, size);
		idreg_csv_init(&b, "rewritten", out, out_size);
		for (long i = 0; i <= rows; i++) {
			bool end_a, end_b;
			check(idreg_csv_next(&a, row, &end_a, NULL) == IDREG_OK);
			check(idreg_csv_next(&b, again, &end_b, NULL) == IDREG_OK);
			check(end_a == end_b && end_a == (i == rows));
			if (end_a) {
				break;
			}
			check(row->count == again->count);
			for (size_t f = 0; f < row->count; f++) {
				check(strlen(row->fields[f]) == row->lens[f]); /* no NUL inside */
				check(row->lens[f] == again->lens[f] &&
				      memcmp(row->fields[f], again->fields[f], row->lens[f]) == 0);
			}
		}
	}
	free(out);
	free(text);
	free(row);
	free(again);
	return 0;
}
