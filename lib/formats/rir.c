/*
 * RIR statistics exchange format: line parser, checked file reader, writer.
 * See rir.h for what is accepted, and docs/rir-format.md for the format.
 */
#include "formats/rir.h"

#include "core/array.h"
#include "core/file.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHOW(f) (int)((f).len > 40 ? 40 : (f).len), (f).ptr

static bool field_is(struct idreg_rir_field f, const char *s)
{
	return f.len == strlen(s) && memcmp(f.ptr, s, f.len) == 0;
}

static bool all_digits(struct idreg_rir_field f, size_t min, size_t max)
{
	if (f.len < min || f.len > max) {
		return false;
	}
	for (size_t i = 0; i < f.len; i++) {
		if (!isdigit((unsigned char)f.ptr[i])) {
			return false;
		}
	}
	return true;
}

static bool printable(struct idreg_rir_field f)
{
	for (size_t i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.ptr[i];
		if (c < 0x20 || c == 0x7f) {
			return false;
		}
	}
	return true;
}

static bool copy_field(struct idreg_rir_field f, char *out, size_t size)
{
	if (f.len >= size) {
		return false;
	}
	memcpy(out, f.ptr, f.len);
	out[f.len] = '\0';
	return true;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* YYYYMMDD with a real month and day, or the files' "00000000". */
static bool parse_date(struct idreg_rir_field f, int32_t *out)
{
	if (f.len == 0) {
		*out = IDREG_DATE_NONE;
		return true;
	}
	if (!all_digits(f, 8, 8)) {
		return false;
	}
	int32_t v = 0;
	for (size_t i = 0; i < 8; i++) {
		v = v * 10 + (f.ptr[i] - '0');
	}
	int year = v / 10000, month = (v / 100) % 100, day = v % 100;
	if (v != 0 && (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))) {
		return false;
	}
	*out = v;
	return true;
}

static bool registry_name_ok(struct idreg_rir_field f)
{
	if (f.len == 0 || f.len > 31) {
		return false;
	}
	for (size_t i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.ptr[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.') {
			return false;
		}
	}
	return true;
}

int64_t idreg_rir_serial_time(const char *serial)
{
	size_t len = strlen(serial);
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)serial[i])) {
			return 0;
		}
	}
	if (len == 8) {
		struct tm tm = { 0 };
		long v = strtol(serial, NULL, 10);
		tm.tm_year = (int)(v / 10000) - 1900;
		tm.tm_mon = (int)(v / 100 % 100) - 1;
		tm.tm_mday = (int)(v % 100);
		return tm.tm_mon < 0 || tm.tm_mday < 1 ? 0 : (int64_t)timegm(&tm);
	}
	if (len == 10) {
		return strtoll(serial, NULL, 10);
	}
	if (len == 13) {
		return strtoll(serial, NULL, 10) / 1000;
	}
	return 0;
}

static idreg_err parse_version(struct idreg_rir_field *f, size_t n, struct idreg_rir_line *out,
			       struct idreg_diag *diag)
{
	struct idreg_rir_header *h = &out->header;
	memset(h, 0, sizeof(*h));
	if (n != 7) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "expected the version line "
				      "(version|registry|serial|records|startdate|enddate|UTCoffset), "
				      "found %zu fields", n);
	}
	struct idreg_rir_field v = f[0];
	bool version_ok = (v.len == 1 && v.ptr[0] == '2') ||
			  (v.len >= 3 && v.len < sizeof(h->version) && v.ptr[0] == '2' &&
			   v.ptr[1] == '.' && all_digits((struct idreg_rir_field){ v.ptr + 2, v.len - 2 }, 1, 4));
	if (!version_ok) {
		return idreg_diag_set(diag, IDREG_EPARSE, "unsupported format version '%.*s' (expected 2 or 2.x)",
				      SHOW(v));
	}
	if (!registry_name_ok(f[1])) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad registry name '%.*s'", SHOW(f[1]));
	}
	if (!all_digits(f[2], 1, sizeof(h->serial) - 1)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad serial '%.*s'", SHOW(f[2]));
	}
	if (!all_digits(f[3], 1, 12)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad record count '%.*s'", SHOW(f[3]));
	}
	int32_t date;
	if (!parse_date(f[4], &date)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad start date '%.*s'", SHOW(f[4]));
	}
	if (!parse_date(f[5], &date)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad end date '%.*s'", SHOW(f[5]));
	}
	struct idreg_rir_field off = f[6];
	bool off_ok = off.len < sizeof(h->utcoffset);
	for (size_t i = 0; off_ok && i < off.len; i++) {
		off_ok = isdigit((unsigned char)off.ptr[i]) || (i == 0 && (off.ptr[0] == '+' || off.ptr[0] == '-'));
	}
	if (!off_ok) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad UTC offset '%.*s'", SHOW(off));
	}
	copy_field(v, h->version, sizeof(h->version));
	copy_field(f[1], h->registry, sizeof(h->registry));
	copy_field(f[2], h->serial, sizeof(h->serial));
	copy_field(f[4], h->startdate, sizeof(h->startdate));
	copy_field(f[5], h->enddate, sizeof(h->enddate));
	copy_field(off, h->utcoffset, sizeof(h->utcoffset));
	h->records = strtoull(f[3].ptr, NULL, 10);
	h->serial_time = idreg_rir_serial_time(h->serial);
	out->kind = IDREG_RIR_VERSION;
	return IDREG_OK;
}

static idreg_err parse_summary(struct idreg_rir_field *f, struct idreg_rir_line *out,
			       struct idreg_diag *diag)
{
	if (!field_is(f[1], "*") || !field_is(f[3], "*")) {
		return idreg_diag_set(diag, IDREG_EPARSE, "summary line must have '*' in fields 2 and 4");
	}
	if (!idreg_restype_parse(f[2].ptr, f[2].len, &out->summary_type)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "unknown resource type '%.*s' in summary",
				      SHOW(f[2]));
	}
	if (!all_digits(f[4], 1, 12)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad summary count '%.*s'", SHOW(f[4]));
	}
	out->summary_count = strtoull(f[4].ptr, NULL, 10);
	out->kind = IDREG_RIR_SUMMARY;
	return IDREG_OK;
}

static idreg_err parse_start_value(struct idreg_rir_field start, struct idreg_rir_field value,
				   struct idreg_numres *rec, struct idreg_diag *diag)
{
	idreg_u128 v;
	if (!all_digits(value, 1, 12) || !idreg_parse_u128(value.ptr, value.len, &v)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad value '%.*s'", SHOW(value));
	}
	rec->value = (uint64_t)v;
	switch (rec->type) {
	case IDREG_RES_ASN: {
		idreg_u128 asn;
		if (!all_digits(start, 1, 10) || !idreg_parse_u128(start.ptr, start.len, &asn) ||
		    asn > UINT32_MAX) {
			return idreg_diag_set(diag, IDREG_EPARSE, "bad AS number '%.*s'", SHOW(start));
		}
		if (v == 0 || v - 1 > UINT32_MAX - asn) {
			return idreg_diag_set(diag, IDREG_EPARSE, "AS count %.*s from %.*s is out of range",
					      SHOW(value), SHOW(start));
		}
		rec->first = asn;
		rec->last = asn + v - 1;
		return IDREG_OK;
	}
	case IDREG_RES_IPV4: {
		struct idreg_ip ip;
		if (idreg_ip_parse(start.ptr, start.len, &ip) != IDREG_OK || ip.type != IDREG_RES_IPV4) {
			return idreg_diag_set(diag, IDREG_EPARSE, "bad IPv4 address '%.*s'", SHOW(start));
		}
		if (v == 0 || v - 1 > UINT32_MAX - ip.value) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "IPv4 count %.*s from %.*s runs past 255.255.255.255",
					      SHOW(value), SHOW(start));
		}
		rec->first = ip.value;
		rec->last = ip.value + v - 1;
		return IDREG_OK;
	}
	case IDREG_RES_IPV6: {
		struct idreg_ip ip;
		if (idreg_ip_parse(start.ptr, start.len, &ip) != IDREG_OK || ip.type != IDREG_RES_IPV6) {
			return idreg_diag_set(diag, IDREG_EPARSE, "bad IPv6 address '%.*s'", SHOW(start));
		}
		if (v > 128) {
			return idreg_diag_set(diag, IDREG_EPARSE, "IPv6 prefix length %.*s is over 128",
					      SHOW(value));
		}
		idreg_u128 host = idreg_host_mask(128, (unsigned)v);
		if ((ip.value & host) != 0) {
			return idreg_diag_set(diag, IDREG_EPARSE, "%.*s/%.*s has host bits set",
					      SHOW(start), SHOW(value));
		}
		rec->first = ip.value;
		rec->last = ip.value | host;
		return IDREG_OK;
	}
	}
	return IDREG_EINVAL;
}

static idreg_err parse_record(struct idreg_rir_field *f, size_t n, const char *line, size_t len,
			      struct idreg_rir_line *out, struct idreg_diag *diag)
{
	struct idreg_numres *rec = &out->record;
	memset(rec, 0, sizeof(*rec));
	if (n < 7) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "a record has at least 7 fields "
				      "(registry|cc|type|start|value|date|status), found %zu", n);
	}
	if (!registry_name_ok(f[0])) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad registry name '%.*s'", SHOW(f[0]));
	}
	bool cc_ok = f[1].len == 0 ||
		     (f[1].len == 2 && isupper((unsigned char)f[1].ptr[0]) && isupper((unsigned char)f[1].ptr[1]));
	if (!cc_ok) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad economy code '%.*s' (two capital letters or empty)",
				      SHOW(f[1]));
	}
	if (!idreg_restype_parse(f[2].ptr, f[2].len, &rec->type)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "unknown resource type '%.*s' (asn, ipv4 or ipv6)",
				      SHOW(f[2]));
	}
	idreg_err err = parse_start_value(f[3], f[4], rec, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (!parse_date(f[5], &rec->date)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "bad date '%.*s' (YYYYMMDD or empty)", SHOW(f[5]));
	}
	if (!idreg_status_parse(f[6].ptr, f[6].len, &rec->status)) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "unknown status '%.*s' (allocated, assigned, available or reserved)",
				      SHOW(f[6]));
	}
	out->registry = f[0];
	out->cc = f[1];
	out->has_opaque_id = n >= 8;
	out->has_extensions = n >= 9;
	if (out->has_opaque_id) {
		if (f[7].len > IDREG_RIR_MAX_FIELD || !printable(f[7])) {
			return idreg_diag_set(diag, IDREG_EPARSE, "bad opaque id '%.*s'", SHOW(f[7]));
		}
		out->opaque_id = f[7];
	}
	if (out->has_extensions) {
		const char *from = f[8].ptr;
		out->extensions = (struct idreg_rir_field){ from, len - (size_t)(from - line) };
		if (out->extensions.len > IDREG_RIR_MAX_EXTENSIONS) {
			return idreg_diag_set(diag, IDREG_EPARSE, "extension fields longer than %d bytes",
					      IDREG_RIR_MAX_EXTENSIONS);
		}
		if (!printable(out->extensions)) {
			return idreg_diag_set(diag, IDREG_EPARSE, "control character in extension fields");
		}
	}
	out->kind = IDREG_RIR_RECORD;
	return IDREG_OK;
}

idreg_err idreg_rir_parse_line(const char *line, size_t len, bool expect_version,
			       struct idreg_rir_line *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	if (len > 0 && line[len - 1] == '\r') {
		len--;
	}
	size_t lead = 0;
	while (lead < len && (line[lead] == ' ' || line[lead] == '\t')) {
		lead++;
	}
	if (lead == len || line[lead] == '#') {
		out->kind = IDREG_RIR_BLANK;
		return IDREG_OK;
	}
	if (memchr(line, '\0', len) != NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE, "NUL byte in line");
	}

	struct idreg_rir_field f[IDREG_RIR_MAX_FIELDS];
	size_t n = 0;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *stop = bar ? bar : end;
		if (n == IDREG_RIR_MAX_FIELDS) {
			return idreg_diag_set(diag, IDREG_EPARSE, "more than %d fields",
					      IDREG_RIR_MAX_FIELDS);
		}
		f[n++] = (struct idreg_rir_field){ p, (size_t)(stop - p) };
		if (bar == NULL) {
			break;
		}
		p = bar + 1;
	}

	if (expect_version) {
		return parse_version(f, n, out, diag);
	}
	if (n == 6 && field_is(f[5], "summary")) {
		return parse_summary(f, out, diag);
	}
	return parse_record(f, n, line, len, out, diag);
}

/* ---- whole files ---- */

struct reader {
	const char *name;
	const struct idreg_rir_read_options *opts;
	struct idreg_arena *arena;
	struct idreg_rir_file *file;
	size_t capacity;
};

/* Note a bad line: fail, or with skip_bad keep the reason and go on. */
static idreg_err bad_line(struct reader *r, uint32_t lineno, const char *reason,
			  struct idreg_diag *diag)
{
	if (!r->opts->skip_bad) {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %s", r->name, lineno, reason);
	}
	idreg_skip_note(r->file->skips, &r->file->skipped, lineno, reason);
	return IDREG_OK;
}

static idreg_err keep_record(struct reader *r, const struct idreg_rir_line *pl, uint32_t lineno,
			     struct idreg_diag *diag)
{
	struct idreg_rir_file *file = r->file;
	if (file->count == r->opts->max_records) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: line %u: more than %zu records",
				      r->name, lineno, r->opts->max_records);
	}
	if (idreg_array_reserve(&file->records, &r->capacity, file->count, sizeof(*file->records),
				4096) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_numres *rec = &file->records[file->count];
	*rec = pl->record;
	rec->line = lineno;
	rec->registry = idreg_arena_strndup(r->arena, pl->registry.ptr, pl->registry.len);
	rec->cc = idreg_arena_strndup(r->arena, pl->cc.ptr, pl->cc.len);
	if (pl->has_opaque_id) {
		rec->opaque_id = idreg_arena_strndup(r->arena, pl->opaque_id.ptr, pl->opaque_id.len);
	}
	if (pl->has_extensions) {
		rec->extensions = idreg_arena_strndup(r->arena, pl->extensions.ptr, pl->extensions.len);
	}
	if (rec->registry == NULL || rec->cc == NULL || (pl->has_opaque_id && rec->opaque_id == NULL) ||
	    (pl->has_extensions && rec->extensions == NULL)) {
		return IDREG_ENOMEM;
	}
	file->count++;
	return IDREG_OK;
}

static int record_key_order(const void *pa, const void *pb, void *ctx)
{
	const struct idreg_numres *recs = ctx;
	const struct idreg_numres *a = &recs[*(const uint32_t *)pa], *b = &recs[*(const uint32_t *)pb];
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	if (a->first != b->first) {
		return a->first < b->first ? -1 : 1;
	}
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Two records for the same start are one resource said twice: refuse or drop. */
static idreg_err check_duplicates(struct reader *r, struct idreg_diag *diag)
{
	struct idreg_rir_file *file = r->file;
	if (file->count < 2) {
		return IDREG_OK;
	}
	uint32_t *order = malloc(file->count * sizeof(*order));
	if (order == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < file->count; i++) {
		order[i] = (uint32_t)i;
	}
	qsort_r(order, file->count, sizeof(*order), record_key_order, file->records);
	bool *drop = NULL;
	idreg_err err = IDREG_OK;
	for (size_t i = 1; i < file->count && err == IDREG_OK; i++) {
		const struct idreg_numres *a = &file->records[order[i - 1]], *b = &file->records[order[i]];
		if (a->type != b->type || a->first != b->first) {
			continue;
		}
		char reason[96];
		snprintf(reason, sizeof(reason), "repeats the %s record of line %u",
			 idreg_restype_name(a->type), a->line);
		err = bad_line(r, b->line, reason, diag);
		if (err == IDREG_OK) {
			if (drop == NULL && (drop = calloc(file->count, sizeof(*drop))) == NULL) {
				err = IDREG_ENOMEM;
				break;
			}
			drop[order[i]] = true;
			order[i] = order[i - 1]; /* compare later repeats with the first one */
		}
	}
	if (drop != NULL && err == IDREG_OK) {
		size_t kept = 0;
		for (size_t i = 0; i < file->count; i++) {
			if (!drop[i]) {
				file->records[kept++] = file->records[i];
			}
		}
		file->count = kept;
	}
	free(drop);
	free(order);
	return err;
}

/* A count that disagrees: an error, or with ignore_counts (or lines skipped) a warning. */
static idreg_err count_mismatch(struct reader *r, struct idreg_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static idreg_err count_mismatch(struct reader *r, struct idreg_diag *diag, const char *fmt, ...)
{
	char message[sizeof(r->file->warning)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (r->opts->ignore_counts || r->file->skipped > 0) {
		if (r->file->warning[0] == '\0') {
			snprintf(r->file->warning, sizeof(r->file->warning), "%s", message);
		}
		return IDREG_OK;
	}
	return idreg_diag_set(diag, IDREG_EMISMATCH, "%s", message);
}

static idreg_err check_counts(struct reader *r, struct idreg_diag *diag)
{
	struct idreg_rir_file *file = r->file;
	uint64_t actual[IDREG_RESTYPE_COUNT] = { 0 };
	for (size_t i = 0; i < file->count; i++) {
		actual[file->records[i].type]++;
	}
	bool summaries_agree = true;
	idreg_err err = IDREG_OK;
	for (int t = 0; t < IDREG_RESTYPE_COUNT && err == IDREG_OK; t++) {
		const char *name = idreg_restype_name((enum idreg_restype)t);
		unsigned long long said = file->summary[t], has = actual[t];
		if (!file->has_summary[t] && has > 0) {
			summaries_agree = false;
			err = count_mismatch(r, diag, "%s: no summary line for %s, but %llu %s records",
					     r->name, name, has, name);
		} else if (file->has_summary[t] && said != has) {
			summaries_agree = false;
			err = count_mismatch(r, diag,
					     "%s: summary line says %llu %s records, the file has %llu%s",
					     r->name, said, name, has,
					     file->skipped ? " after skipping bad lines"
							   : " (truncated or corrupted file?)");
		}
	}
	unsigned long long total = actual[0] + actual[1] + actual[2];
	if (err != IDREG_OK || file->header.records == total) {
		return err;
	}
	if (summaries_agree) {
		snprintf(file->warning, sizeof(file->warning),
			 "%s: version line says %llu records, the file and its summary lines have %llu",
			 r->name, (unsigned long long)file->header.records, total);
		return IDREG_OK;
	}
	return count_mismatch(r, diag, "%s: version line says %llu records, the file has %llu",
			      r->name, (unsigned long long)file->header.records, total);
}

static idreg_err read_lines(struct reader *r, const char *data, size_t size,
			    struct idreg_diag *diag)
{
	struct idreg_rir_file *file = r->file;
	bool have_version = false;
	uint32_t lineno = 0;
	const char *p = data, *end = data + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (lineno == UINT32_MAX) {
			return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: too many lines", r->name);
		}
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (len > r->opts->max_line) {
			char reason[64];
			snprintf(reason, sizeof(reason), "longer than %zu bytes", r->opts->max_line);
			if (!have_version) {
				return idreg_diag_set(diag, IDREG_EPARSE, "%s: line %u: %s", r->name,
						      lineno, reason);
			}
			idreg_err err = bad_line(r, lineno, reason, diag);
			if (err != IDREG_OK) {
				return err;
			}
			continue;
		}
		struct idreg_rir_line pl;
		struct idreg_diag why;
		idreg_err err = idreg_rir_parse_line(line, len, !have_version, &pl, &why);
		if (err != IDREG_OK) {
			if (!have_version) { /* without a version line nothing can be trusted */
				return idreg_diag_set(diag, err, "%s: line %u: %s", r->name, lineno, why.text);
			}
			err = bad_line(r, lineno, why.text, diag);
			if (err != IDREG_OK) {
				return err;
			}
			continue;
		}
		switch (pl.kind) {
		case IDREG_RIR_BLANK:
			break;
		case IDREG_RIR_VERSION:
			file->header = pl.header;
			have_version = true;
			break;
		case IDREG_RIR_SUMMARY:
			if (file->has_summary[pl.summary_type]) {
				err = bad_line(r, lineno, "a second summary line for one resource type", diag);
				if (err != IDREG_OK) {
					return err;
				}
				break;
			}
			file->has_summary[pl.summary_type] = true;
			file->summary[pl.summary_type] = pl.summary_count;
			break;
		case IDREG_RIR_RECORD:
			err = keep_record(r, &pl, lineno, diag);
			if (err != IDREG_OK) {
				return err;
			}
			break;
		}
	}
	if (!have_version) {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s: no version line: not an RIR statistics file",
				      r->name);
	}
	return IDREG_OK;
}

idreg_err idreg_rir_read_buffer(const char *name, const char *data, size_t size,
				const struct idreg_rir_read_options *opts, struct idreg_arena *arena,
				struct idreg_rir_file *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->path = name;
	struct reader r = { .name = name, .opts = opts, .arena = arena, .file = out };
	idreg_err err = read_lines(&r, data, size, diag);
	if (err == IDREG_OK) {
		err = check_duplicates(&r, diag);
	}
	if (err == IDREG_OK) {
		err = check_counts(&r, diag);
	}
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "%s: out of memory", name);
	}
	if (err != IDREG_OK) {
		free(out->records);
		out->records = NULL;
		out->count = 0;
		return err;
	}
	/* Hand the records over in the arena so that the caller frees one thing. */
	struct idreg_numres *records = idreg_arena_calloc(arena, out->count ? out->count : 1,
							  sizeof(*records));
	if (records == NULL) {
		free(out->records);
		out->records = NULL;
		out->count = 0;
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", name);
	}
	if (out->count > 0) {
		memcpy(records, out->records, out->count * sizeof(*records));
	}
	free(out->records);
	out->records = records;
	return IDREG_OK;
}

idreg_err idreg_rir_read_file(const char *path, const struct idreg_rir_read_options *opts,
			      struct idreg_arena *arena, struct idreg_rir_file *out,
			      struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	char *data;
	size_t size;
	idreg_err opened = idreg_file_read(path, opts->max_file, &data, &size, diag);
	if (opened != IDREG_OK) {
		return opened;
	}
	idreg_err err = idreg_rir_read_buffer(path, data, size, opts, arena, out, diag);
	free(data);
	return err;
}

/* registry|cc|type|start|value|date|status|opaque|extensions at their longest. */
_Static_assert(31 + 2 + 4 + IDREG_IP_TEXT_MAX + 20 + 8 + 9 + IDREG_RIR_MAX_FIELD +
			       IDREG_RIR_MAX_EXTENSIONS + 8 < IDREG_RIR_RECORD_TEXT_MAX,
	       "IDREG_RIR_RECORD_TEXT_MAX must hold the longest record the parser accepts");

static void format_start(const struct idreg_numres *rec, char *out, size_t size)
{
	if (rec->type == IDREG_RES_ASN) {
		snprintf(out, size, "%u", (unsigned)rec->first);
		return;
	}
	struct idreg_ip ip = { rec->type, rec->first };
	idreg_ip_format(&ip, out, size);
}

void idreg_rir_format_record(const struct idreg_numres *rec, char *out, size_t size)
{
	char start[IDREG_IP_TEXT_MAX];
	char date[16] = "";
	format_start(rec, start, sizeof(start));
	if (rec->date != IDREG_DATE_NONE) {
		snprintf(date, sizeof(date), "%08d", rec->date);
	}
	int n = snprintf(out, size, "%s|%s|%s|%s|%llu|%s|%s", rec->registry, rec->cc,
			 idreg_restype_name(rec->type), start, (unsigned long long)rec->value, date,
			 idreg_status_name(rec->status));
	if (rec->opaque_id != NULL && n >= 0 && (size_t)n < size) {
		n += snprintf(out + n, size - (size_t)n, "|%s", rec->opaque_id);
		if (rec->extensions != NULL && n >= 0 && (size_t)n < size) {
			snprintf(out + n, size - (size_t)n, "|%s", rec->extensions);
		}
	}
}

idreg_err idreg_rir_write(FILE *out, const struct idreg_rir_header *header,
			  const struct idreg_numres *records, size_t count)
{
	uint64_t per_type[IDREG_RESTYPE_COUNT] = { 0 };
	for (size_t i = 0; i < count; i++) {
		per_type[records[i].type]++;
	}
	fprintf(out, "%s|%s|%s|%zu|%s|%s|%s\n", header->version, header->registry, header->serial,
		count, header->startdate, header->enddate, header->utcoffset);
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		fprintf(out, "%s|*|%s|*|%llu|summary\n", header->registry,
			idreg_restype_name((enum idreg_restype)t), (unsigned long long)per_type[t]);
	}
	char line[IDREG_RIR_RECORD_TEXT_MAX];
	for (size_t i = 0; i < count; i++) {
		idreg_rir_format_record(&records[i], line, sizeof(line));
		fputs(line, out);
		fputc('\n', out);
	}
	return ferror(out) ? IDREG_EIO : IDREG_OK;
}

idreg_err idreg_rir_read_header(const char *path, struct idreg_rir_header *out,
				struct idreg_diag *diag)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "%s: cannot open: %s", path, strerror(errno));
	}
	char line[1024];
	idreg_err err = idreg_diag_set(diag, IDREG_EPARSE, "%s: no version line", path);
	/* The version line comes after the comments, within the first lines. */
	for (int i = 0; i < 200 && fgets(line, sizeof(line), f) != NULL; i++) {
		size_t len = strcspn(line, "\n");
		struct idreg_rir_line pl;
		struct idreg_diag why;
		idreg_err e = idreg_rir_parse_line(line, len, true, &pl, &why);
		if (e == IDREG_OK && pl.kind == IDREG_RIR_BLANK) {
			continue;
		}
		if (e == IDREG_OK) {
			*out = pl.header;
			err = IDREG_OK;
		} else {
			err = idreg_diag_set(diag, e, "%s: line %d: %s", path, i + 1, why.text);
		}
		break;
	}
	fclose(f);
	return err;
}
