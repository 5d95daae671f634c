/*
 * libFuzzer target: a label evaluated against LGRs (RFC 7940).
 *
 * Two LGRs written for this target are loaded once.  The first uses what
 * evaluation can meet: a range, sequences with variants, context rules on
 * code points and on a reflexive variant, a class, counts, look-around,
 * whole-label rules and actions of every kind.  The second has variant sets
 * that are symmetric and transitive, without sequences or context rules,
 * so every variant label of a label must have the same index label.
 * The input, as UTF-8, gets its disposition, reason, index label and
 * variant labels from both; what they report must hold together.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn/lgr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NS "<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\">"

static const char rich_lgr[] =
	NS "<data>"
	"<char cp=\"002D\" not-when=\"hyphen-edge\"/>"
	"<range first-cp=\"0030\" last-cp=\"0039\" tag=\"digit\"/>"
	"<char cp=\"0061\"><var cp=\"0061\" type=\"r-a\" when=\"not-first\"/>"
	"<var cp=\"00E0\" type=\"alt\"/></char>"
	"<char cp=\"0062\"/>"
	"<char cp=\"0063\"><var cp=\"010D\" type=\"blocked\"/></char>"
	"<char cp=\"0063 0068\"><var cp=\"0063 030C\" type=\"seq\"/></char>"
	"<char cp=\"0063 030C\"><var cp=\"0063 0068\" type=\"seq\"/></char>"
	"<char cp=\"0065\"/>"
	"<char cp=\"0068\"/>"
	"<char cp=\"00E0\"><var cp=\"0061\" type=\"alt\"/></char>"
	"<char cp=\"010D\"><var cp=\"0063\" type=\"blocked\"/></char>"
	"<char cp=\"0301\" when=\"after-vowel\"/>"
	"<char cp=\"4E2D\"><var cp=\"4E2D\" type=\"r-both\"/></char>"
	"<char cp=\"56FD\"><var cp=\"56FD\" type=\"r-simp\"/><var cp=\"570B\" type=\"trad\"/></char>"
	"<char cp=\"570B\"><var cp=\"56FD\" type=\"simp\"/><var cp=\"570B\" type=\"r-trad\"/></char>"
	"</data><rules>"
	"<class name=\"vowel\">0061 0065 00E0</class>"
	"<rule name=\"hyphen-edge\"><choice>"
	"<rule><look-behind><start/></look-behind><anchor/></rule>"
	"<rule><anchor/><look-ahead><end/></look-ahead></rule></choice></rule>"
	"<rule name=\"not-first\"><look-behind><any/></look-behind><anchor/></rule>"
	"<rule name=\"after-vowel\"><look-behind><class by-ref=\"vowel\"/></look-behind><anchor/></rule>"
	"<rule name=\"digits\"><start/><class from-tag=\"digit\" count=\"2:4\"/><end/></rule>"
	"<rule name=\"mix\"><choice>"
	"<rule><char cp=\"0061\"/><any count=\"0+\"/><char cp=\"00E0\"/></rule>"
	"<rule><char cp=\"00E0\"/><any count=\"1+\"/><char cp=\"0061\"/></rule></choice></rule>"
	"<action disp=\"invalid\" match=\"mix\"/>"
	"<action disp=\"reserved\" match=\"digits\"/>"
	"<action disp=\"valid\" all-variants=\"r-a r-both r-simp r-trad\"/>"
	"<action disp=\"allocatable\" only-variants=\"r-both trad r-trad\"/>"
	"<action disp=\"blocked\" any-variant=\"blocked alt seq\"/>"
	"</rules></lgr>";

static const char transitive_lgr[] =
	NS "<data>"
	"<char cp=\"0061\"><var cp=\"00E0\"/><var cp=\"00E1\"/></char>"
	"<char cp=\"0062\"/>"
	"<char cp=\"0063\"><var cp=\"010D\" type=\"blocked\"/></char>"
	"<char cp=\"0064\"/>"
	"<char cp=\"00E0\"><var cp=\"0061\"/><var cp=\"00E1\"/></char>"
	"<char cp=\"00E1\"><var cp=\"0061\"/><var cp=\"00E0\"/></char>"
	"<char cp=\"010D\"><var cp=\"0063\" type=\"blocked\"/></char>"
	"</data></lgr>";

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

struct lgr_under_test {
	struct idreg_lgr *lgr;
	struct idreg_lgr_eval *ev;
};

static struct lgr_under_test rich, transitive;

static void load(struct lgr_under_test *t, const char *xml)
{
	struct idreg_lgr_options opts = { 0 };
	struct idreg_diag diag;
	check(idreg_lgr_load_buffer("fuzz", xml, strlen(xml), &opts, &t->lgr, &diag) == IDREG_OK);
	check(idreg_lgr_eval_new(t->lgr, &t->ev) == IDREG_OK);
}

struct variants_seen {
	struct lgr_under_test *t;
	const uint32_t *label;
	size_t n;
	uint32_t index[IDREG_LGR_INDEX_MAX];
	size_t index_len;
	bool compare_index;
	size_t count;
};

static bool same(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
	return an == bn && memcmp(a, b, an * sizeof(*a)) == 0;
}

static bool check_variant(void *ctx, const uint32_t *cps, size_t n,
			  const struct idreg_lgr_disposition *d)
{
	struct variants_seen *v = ctx;
	check(n > 0 && n <= IDREG_LGR_LABEL_MAX && d->disp != NULL);
	check(!same(cps, n, v->label, v->n));
	v->count++;
	if (v->compare_index) {
		uint32_t index[IDREG_LGR_INDEX_MAX];
		size_t len;
		check(idreg_lgr_index_label(v->t->ev, cps, n, index, IDREG_LGR_INDEX_MAX, &len) ==
		      IDREG_OK);
		check(same(index, len, v->index, v->index_len));
	}
	return true;
}

static void evaluate(struct lgr_under_test *t, const uint32_t *cps, size_t n, bool compare_index)
{
	struct idreg_lgr_disposition d, again;
	check(idreg_lgr_disposition(t->ev, cps, n, &d) == IDREG_OK);
	check(idreg_lgr_disposition(t->ev, cps, n, &again) == IDREG_OK);
	check(strcmp(d.disp, again.disp) == 0 && d.why == again.why && d.action == again.action);
	char reason[512];
	idreg_lgr_reason(t->lgr, &d, reason, sizeof(reason));
	check(reason[0] != '\0');
	struct variants_seen v = { .t = t, .label = cps, .n = n, .compare_index = compare_index };
	idreg_err err = idreg_lgr_index_label(t->ev, cps, n, v.index, IDREG_LGR_INDEX_MAX, &v.index_len);
	check(err == IDREG_OK || err == IDREG_ENOTFOUND);
	/* A label no element sequence covers is invalid, and has no variants. */
	check(err == IDREG_OK || idreg_lgr_is_invalid(&d));
	v.compare_index &= err == IDREG_OK;
	struct idreg_lgr_variant_options opts = { .max_generated = 64, .include_invalid = true };
	struct idreg_lgr_variant_summary sum;
	check(idreg_lgr_variants(t->ev, cps, n, &opts, check_variant, &v, &sum) == IDREG_OK);
	check(v.count == sum.reported && sum.reported <= sum.generated && sum.generated <= 64);
	check(!sum.truncated || sum.generated == 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (rich.lgr == NULL) {
		load(&rich, rich_lgr);
		load(&transitive, transitive_lgr);
	}
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n;
	struct idreg_diag diag;
	if (idreg_lgr_label_decode((const char *)data, size, cps, &n, &diag) != IDREG_OK) {
		check(diag.text[0] != '\0');
		return 0;
	}
	evaluate(&rich, cps, n, false);
	evaluate(&transitive, cps, n, true);
	return 0;
}
