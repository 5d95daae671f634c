/*
 * libFuzzer target: a whole RIR statistics exchange file.
 *
 * The input is read with idreg_rir_read_buffer under small limits, with
 * skip_bad and ignore_counts each off and on.  A file that is accepted must
 * hold what the reader promises (records within their number spaces, in
 * file order, no two with one start, within max_records, counts that agree
 * unless tolerated), and writing it out with idreg_rir_write must give a
 * file that reads back to the same header and the same records.  Everything
 * is freed (one arena per read) so that LeakSanitizer sees any leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "formats/rir.h"
#include "numres/numres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_file(const struct idreg_rir_file *f, const struct idreg_rir_read_options *opts)
{
	check(f->count <= opts->max_records);
	check(f->count == 0 || f->records != NULL);
	check(opts->skip_bad || f->skipped == 0);
	check(terminated(f->warning, sizeof(f->warning)));
	check(f->header.version[0] == '2');
	uint64_t per_type[IDREG_RESTYPE_COUNT] = { 0 };
	for (size_t i = 0; i < f->count; i++) {
		const struct idreg_numres *r = &f->records[i];
		check(r->type == IDREG_RES_ASN || r->type == IDREG_RES_IPV4 || r->type == IDREG_RES_IPV6);
		check(r->first <= r->last && r->last <= idreg_restype_max(r->type));
		check(r->registry != NULL && r->cc != NULL);
		check(r->extensions == NULL || r->opaque_id != NULL);
		check(i == 0 || f->records[i - 1].line < r->line);
		for (size_t j = 0; j < i; j++) {
			check(f->records[j].type != r->type || f->records[j].first != r->first);
		}
		per_type[r->type]++;
	}
	if (!opts->ignore_counts && f->skipped == 0) {
		for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
			check(per_type[t] == 0 || f->has_summary[t]);
			check(!f->has_summary[t] || f->summary[t] == per_type[t]);
		}
	}
}

/* Write the file out and read it back: same header, same records. */
static void check_rewrite(const struct idreg_rir_file *f)
{
	char *text = NULL;
	size_t text_size = 0;
	FILE *out = open_memstream(&text, &text_size);
	check(out != NULL);
	check(idreg_rir_write(out, &f->header, f->records, f->count) == IDREG_OK);
	check(fclose(out) == 0);

	struct idreg_rir_read_options opts = {
		.max_line = 8192, .max_records = f->count + 1, .max_file = 1 << 20,
	};
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	struct idreg_rir_file back;
	struct idreg_diag diag;
	check(idreg_rir_read_buffer("rewritten", text, text_size, &opts, &arena, &back, &diag) ==
	      IDREG_OK);
	check(back.count == f->count && back.skipped == 0 && back.warning[0] == '\0');
	check(strcmp(back.header.version, f->header.version) == 0);
	check(strcmp(back.header.registry, f->header.registry) == 0);
	check(strcmp(back.header.serial, f->header.serial) == 0);
	check(strcmp(back.header.startdate, f->header.startdate) == 0);
	check(strcmp(back.header.enddate, f->header.enddate) == 0);
	check(strcmp(back.header.utcoffset, f->header.utcoffset) == 0);
	check(back.header.records == f->count);
	for (size_t i = 0; i < f->count; i++) {
		check(idreg_numres_equal(&back.records[i], &f->records[i]));
	}
	idreg_arena_free(&arena);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the end is an ASan report. */
	char *buf = malloc(size ? size : 1);
	if (buf == NULL) {
		return 0;
	}
	if (size > 0) {
		memcpy(buf, data, size);
	}
	for (int mode = 0; mode < 4; mode++) {
		struct idreg_rir_read_options opts = {
			.max_line = 256,
			.max_records = 32,
			.max_file = 4096,
			.skip_bad = (mode & 1) != 0,
			.ignore_counts = (mode & 2) != 0,
		};
		struct idreg_arena arena;
		/* Small blocks and a ceiling: growth and the out-of-memory path both get used. */
		idreg_arena_init(&arena, 512, 16 * 1024);
		struct idreg_rir_file file;
		struct idreg_diag diag;
		diag.text[0] = '\0';
		idreg_err err = idreg_rir_read_buffer("fuzz", buf, size, &opts, &arena, &file, &diag);
		if (err == IDREG_OK) {
			check_file(&file, &opts);
			check_rewrite(&file);
		} else {
			check(err < 0 && diag.text[0] != '\0' && terminated(diag.text, sizeof(diag.text)));
			check(file.records == NULL);
		}
		idreg_arena_free(&arena);
	}
	free(buf);
	return 0;
}
