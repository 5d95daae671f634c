/*
 * libFuzzer target: one line of the RIR statistics exchange format.
 *
 * The input is handed to idreg_rir_parse_line as a single line, once as the
 * expected version line and once as an ordinary line.  Whatever parses must
 * make sense: fields point into the line, header strings are terminated, a
 * record covers first <= last inside its number space, and a record written
 * back with idreg_rir_format_record (into the buffer size the library
 * advertises, IDREG_RIR_RECORD_TEXT_MAX, as its own callers use) parses
 * again to an equal record.  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/rir.h"
#include "numres/numres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool within(const char *line, size_t len, struct idreg_rir_field f)
{
	return f.ptr >= line && f.len <= len && (size_t)(f.ptr - line) <= len - f.len;
}

static char *dup_field(struct idreg_rir_field f)
{
	char *s = malloc(f.len + 1);
	check(s != NULL);
	memcpy(s, f.ptr, f.len);
	s[f.len] = '\0';
	return s;
}

static void check_header(const struct idreg_rir_header *h)
{
	check(memchr(h->version, '\0', sizeof(h->version)) != NULL);
	check(memchr(h->registry, '\0', sizeof(h->registry)) != NULL);
	check(memchr(h->serial, '\0', sizeof(h->serial)) != NULL);
	check(memchr(h->startdate, '\0', sizeof(h->startdate)) != NULL);
	check(memchr(h->enddate, '\0', sizeof(h->enddate)) != NULL);
	check(memchr(h->utcoffset, '\0', sizeof(h->utcoffset)) != NULL);
	check(h->version[0] == '2' && h->registry[0] != '\0' && h->serial[0] != '\0');
}

/* The record of a parsed line, with its strings copied out (caller frees). */
static struct idreg_numres record_of(const struct idreg_rir_line *pl)
{
	struct idreg_numres rec = pl->record;
	rec.registry = dup_field(pl->registry);
	rec.cc = dup_field(pl->cc);
	rec.opaque_id = pl->has_opaque_id ? dup_field(pl->opaque_id) : NULL;
	rec.extensions = pl->has_extensions ? dup_field(pl->extensions) : NULL;
	return rec;
}

static void free_record(struct idreg_numres *rec)
{
	free((char *)rec->registry);
	free((char *)rec->cc);
	free((char *)rec->opaque_id);
	free((char *)rec->extensions);
}

static void check_record(const char *line, size_t len, const struct idreg_rir_line *pl)
{
	const struct idreg_numres *r = &pl->record;
	check(r->type == IDREG_RES_ASN || r->type == IDREG_RES_IPV4 || r->type == IDREG_RES_IPV6);
	check(r->first <= r->last);
	check(r->last <= idreg_restype_max(r->type));
	if (r->type == IDREG_RES_IPV4) {
		check(r->last <= 0xffffffffu);
		check(r->value >= 1 && r->last - r->first + 1 == r->value);
	} else if (r->type == IDREG_RES_ASN) {
		check(r->value >= 1 && r->last - r->first + 1 == r->value);
	} else {
		check(r->value <= 128);
		check(r->last == (r->first | idreg_host_mask(128, (unsigned)r->value)));
	}
	check(r->registry == NULL && r->cc == NULL && r->opaque_id == NULL && r->extensions == NULL);
	check(within(line, len, pl->registry) && within(line, len, pl->cc));
	check(!pl->has_extensions || pl->has_opaque_id);
	check(!pl->has_opaque_id || within(line, len, pl->opaque_id));
	check(!pl->has_extensions || within(line, len, pl->extensions));

	struct idreg_numres rec = record_of(pl);
	char text[IDREG_RIR_RECORD_TEXT_MAX];
	idreg_rir_format_record(&rec, text, sizeof(text));
	size_t text_len = strlen(text);

	struct idreg_rir_line again;
	struct idreg_diag diag;
	check(idreg_rir_parse_line(text, text_len, false, &again, &diag) == IDREG_OK);
	check(again.kind == IDREG_RIR_RECORD);
	struct idreg_numres rec2 = record_of(&again);
	check(idreg_numres_equal(&rec, &rec2));
	free_record(&rec2);
	free_record(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the line is an ASan report. */
	char *line = malloc(size ? size : 1);
	if (line == NULL) {
		return 0;
	}
	if (size > 0) {
		memcpy(line, data, size);
	}
	for (int pass = 0; pass < 2; pass++) {
		bool expect_version = pass == 0;
		struct idreg_rir_line pl;
		struct idreg_diag diag;
		diag.text[0] = '\0';
		idreg_err err = idreg_rir_parse_line(line, size, expect_version, &pl, &diag);
		if (err != IDREG_OK) {
			check(err < 0 && diag.text[0] != '\0');
			check(memchr(diag.text, '\0', sizeof(diag.text)) != NULL);
			continue;
		}
		switch (pl.kind) {
		case IDREG_RIR_BLANK:
			break;
		case IDREG_RIR_VERSION:
			check(expect_version);
			check_header(&pl.header);
			break;
		case IDREG_RIR_SUMMARY:
			check(!expect_version);
			check(pl.summary_type == IDREG_RES_ASN || pl.summary_type == IDREG_RES_IPV4 ||
			      pl.summary_type == IDREG_RES_IPV6);
			break;
		case IDREG_RIR_RECORD:
			check(!expect_version);
			check_record(line, size, &pl);
			break;
		default:
			abort();
		}
	}
	free(line);
	return 0;
}
