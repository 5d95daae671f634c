/*
 * libFuzzer target: an LGR document (RFC 7940 XML) given to the loader.
 *
 * The input is loaded with idreg_lgr_load_buffer under small limits (no
 * schema: the loader's own checks must hold on anything libxml2 accepts).
 * A refusal must come with a message; an LGR that loads is then used: a
 * few short labels get a disposition, a reason, an index label and their
 * variant labels, so that the rules and classes the input defined are
 * compiled and run.  Everything is freed so that LeakSanitizer sees any leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn/lgr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool count_variant(void *ctx, const uint32_t *cps, size_t n,
			  const struct idreg_lgr_disposition *d)
{
	size_t *count = ctx;
	check(n > 0 && n <= IDREG_LGR_LABEL_MAX && cps != NULL && d->disp != NULL);
	(*count)++;
	return true;
}

static void use_label(const struct idreg_lgr *lgr, struct idreg_lgr_eval *ev, const char *label)
{
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n;
	struct idreg_diag diag;
	check(idreg_lgr_label_decode(label, strlen(label), cps, &n, &diag) == IDREG_OK);
	struct idreg_lgr_disposition d;
	idreg_err err = idreg_lgr_disposition(ev, cps, n, &d);
	check(err == IDREG_OK || err == IDREG_ENOMEM);
	if (err == IDREG_OK) {
		check(d.disp != NULL && d.disp[0] != '\0');
		char reason[512];
		idreg_lgr_reason(lgr, &d, reason, sizeof(reason));
		check(memchr(reason, '\0', sizeof(reason)) != NULL);
	}
	uint32_t index[IDREG_LGR_INDEX_MAX];
	size_t len;
	err = idreg_lgr_index_label(ev, cps, n, index, IDREG_LGR_INDEX_MAX, &len);
	check(err == IDREG_OK || err == IDREG_ENOTFOUND || err == IDREG_ENOMEM);
	struct idreg_lgr_variant_options opts = { .max_generated = 32, .include_invalid = true };
	struct idreg_lgr_variant_summary sum;
	size_t count = 0;
	err = idreg_lgr_variants(ev, cps, n, &opts, count_variant, &count, &sum);
	check(err == IDREG_OK || err == IDREG_ENOMEM);
	check(count == sum.reported && sum.reported <= sum.generated && sum.generated <= 32);
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
	struct idreg_lgr_options opts = {
		.limits = { .max_file_bytes = 8192, .max_elements = 512, .max_depth = 16,
			    .max_program = 4096 },
	};
	struct idreg_lgr *lgr = NULL;
	struct idreg_diag diag;
	diag.text[0] = '\0';
	idreg_err err = idreg_lgr_load_buffer("fuzz", buf, size, &opts, &lgr, &diag);
	if (err != IDREG_OK) {
		check(err < 0 && lgr == NULL && diag.text[0] != '\0');
		check(memchr(diag.text, '\0', sizeof(diag.text)) != NULL);
	} else {
		struct idreg_lgr_info info;
		idreg_lgr_info(lgr, &info);
		check(info.types <= IDREG_LGR_TYPES_MAX);
		struct idreg_lgr_eval *ev;
		if (idreg_lgr_eval_new(lgr, &ev) == IDREG_OK) {
			static const char *const labels[] = {
				"a", "ab", "-a", "a-", "a-b", "abc", "aaaa", "\314\200a", "a\xcc\x81",
				"\xe4\xb8\xad\xe5\x9b\xbd",
			};
			for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
				use_label(lgr, ev, labels[i]);
			}
			idreg_lgr_eval_free(ev);
		}
		idreg_lgr_free(lgr);
	}
	free(buf);
	return 0;
}
