/*
 * The RIR statistics exchange format (delegated and delegated-extended files
 * of the five RIRs, the NRO and IANA): a line parser, a file reader that
 * checks the version line and summary lines against the records, and a
 * writer.  Every variation the RIRs publish is accepted: format versions 2
 * and 2.3; serials as dates, epoch seconds or epoch milliseconds; empty
 * dates and economy codes; 7-field records with no opaque id; trailing
 * extension fields; IPv4 counts that are not powers of two.
 */
#ifndef IDREG_FORMATS_RIR_H
#define IDREG_FORMATS_RIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/skip.h"
#include "numres/numres.h"

struct idreg_rir_header {
	char version[8];   /* "2", "2.3" */
	char registry[32];
	char serial[24];   /* as written: a date, epoch seconds or epoch milliseconds */
	uint64_t records;  /* record count the version line claims */
	char startdate[16];
	char enddate[16];
	char utcoffset[8];
	int64_t serial_time; /* the serial as Unix seconds; 0 when it cannot be read */
};

/** A field of a line, not NUL-terminated. */
struct idreg_rir_field {
	const char *ptr;
	size_t len;
};

enum idreg_rir_line_kind {
	IDREG_RIR_BLANK,   /* empty, or a comment */
	IDREG_RIR_VERSION,
	IDREG_RIR_SUMMARY,
	IDREG_RIR_RECORD,
};

struct idreg_rir_line {
	enum idreg_rir_line_kind kind;
	struct idreg_rir_header header;     /* VERSION */
	enum idreg_restype summary_type;    /* SUMMARY */
	uint64_t summary_count;             /* SUMMARY */
	struct idreg_numres record;         /* RECORD: strings are NULL, see fields below */
	struct idreg_rir_field registry, cc, opaque_id, extensions; /* RECORD */
	bool has_opaque_id, has_extensions;
};

/* Limits that bound what one line may hold. */
#define IDREG_RIR_MAX_FIELDS 64
#define IDREG_RIR_MAX_FIELD 255       /* opaque id */
#define IDREG_RIR_MAX_EXTENSIONS 512  /* all extension fields together */

/**
 * Parse one line (without its line end).  @expect_version says that no
 * version line has been seen yet, so the first non-comment line must be one.
 * On error, @diag says what is wrong (without the file and line).
 */
idreg_err idreg_rir_parse_line(const char *line, size_t len, bool expect_version,
			       struct idreg_rir_line *out, struct idreg_diag *diag);

struct idreg_rir_read_options {
	size_t max_line;     /* longest line, in bytes */
	size_t max_records;  /* most records in one file */
	size_t max_file;     /* largest file, in bytes */
	bool skip_bad;       /* leave malformed lines out instead of failing */
	bool ignore_counts;  /* summary or version-line counts that disagree only warn */
};


struct idreg_rir_file {
	const char *path;
	struct idreg_rir_header header;
	uint64_t summary[IDREG_RESTYPE_COUNT];
	bool has_summary[IDREG_RESTYPE_COUNT];
	struct idreg_numres *records; /* in file order; strings in the arena */
	size_t count;
	size_t skipped;               /* lines left out by skip_bad */
	struct idreg_skip skips[IDREG_SKIPS_KEPT]; /* the first of them */
	char warning[256];            /* a tolerated inconsistency, or "" */
};

/**
 * Read and check a whole file.  A malformed line fails the read with "PATH:
 * line N: reason" in @diag, unless skip_bad, which leaves the line out and
 * counts it.  Summary lines must match the records (unless ignore_counts); a
 * version-line record count that disagrees while the summary lines agree is
 * only a warning.
 */
idreg_err idreg_rir_read_file(const char *path, const struct idreg_rir_read_options *opts,
			      struct idreg_arena *arena, struct idreg_rir_file *out,
			      struct idreg_diag *diag);

/** Same, from a buffer in memory; @name is used in messages. */
idreg_err idreg_rir_read_buffer(const char *name, const char *data, size_t size,
				const struct idreg_rir_read_options *opts, struct idreg_arena *arena,
				struct idreg_rir_file *out, struct idreg_diag *diag);

/**
 * Read only as far as the version line: is @path an exchange-format file, and
 * of which registry and serial?  IDREG_EPARSE when it is not one.
 */
idreg_err idreg_rir_read_header(const char *path, struct idreg_rir_header *out,
				struct idreg_diag *diag);

/** Write one record as an exchange-format line (no line end) into @out. */
void idreg_rir_format_record(const struct idreg_numres *rec, char *out, size_t size);

/**
 * Longest record line idreg_rir_format_record writes, with its NUL: the
 * parser's field limits keep every record that it accepts below this.
 */
#define IDREG_RIR_RECORD_TEXT_MAX 1024

/**
 * Write a whole file: version line (with the record count of @records),
 * summary lines, then @records in the order given.
 */
idreg_err idreg_rir_write(FILE *out, const struct idreg_rir_header *header,
			  const struct idreg_numres *records, size_t count);

/** Unix seconds of a serial: YYYYMMDD, epoch seconds (10 digits) or ms (13). */
int64_t idreg_rir_serial_time(const char *serial);

#endif
