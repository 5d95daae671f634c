/*
 * A small bounded CSV reader (RFC 4180): comma-separated fields, fields in
 * double quotes may hold commas, line ends and doubled quotes; CRLF or LF
 * line ends; a UTF-8 byte order mark at the start is skipped.  A row has at
 * most IDREG_CSV_MAX_FIELDS fields and IDREG_CSV_MAX_ROW bytes of text, and
 * no NUL byte (a field is a C string); what breaks the format or the limits
 * fails with "NAME: line N: reason".  The writer quotes what needs it.
 */
#ifndef IDREG_FORMATS_CSV_H
#define IDREG_FORMATS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define IDREG_CSV_MAX_FIELDS 128
#define IDREG_CSV_MAX_ROW 16384 /* bytes of field text in one row, quotes undone */

struct idreg_csv_reader {
	const char *name; /* for messages */
	const char *data;
	size_t size, pos;
	unsigned line;    /* line the next row starts on */
};

/** One row: its fields point into @text, each NUL-terminated. */
struct idreg_csv_row {
	size_t count;
	unsigned line;    /* where the row starts */
	const char *fields[IDREG_CSV_MAX_FIELDS];
	size_t lens[IDREG_CSV_MAX_FIELDS];
	char text[IDREG_CSV_MAX_ROW + IDREG_CSV_MAX_FIELDS];
};

/** Read @size bytes at @data (kept by the caller while reading). */
void idreg_csv_init(struct idreg_csv_reader *r, const char *name, const char *data, size_t size);

/**
 * The next row into @row; *@end is true (and @row empty) when the input is
 * exhausted.  An empty line is a row with one empty field.
 */
idreg_err idreg_csv_next(struct idreg_csv_reader *r, struct idreg_csv_row *row, bool *end,
			 struct idreg_diag *diag);

/** The index of the field equal to @name in @row (a header row), or -1. */
int idreg_csv_column(const struct idreg_csv_row *row, const char *name);

/**
 * Write @count fields as one row to @out, LF-terminated: a field holding a
 * comma, a double quote, CR or LF goes in double quotes, its quotes
 * doubled (RFC 4180), so that the reader gives the fields back.  false on
 * a write error (errno says which).
 */
bool idreg_csv_write_row(FILE *out, const char *const *fields, size_t count);

#endif
