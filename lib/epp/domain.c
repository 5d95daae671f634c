/*
 * EPP domain commands: check, info, create, renew.  See domain.h.  Every
 * check of a transform (existence, sponsorship, statuses, the TLD's rules,
 * the IDN policy) runs inside the store's write, so that what it decides
 * on is what it changes; a refusal is an IDREG_EREFUSED that rolls the
 * transaction back, with its EPP code and message in struct idreg_epp_result.
 */
#include "epp/domain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/log.h"
#include "domains/held.h"
#include "epp/domain_update.h"
#include "epp/response.h"
#include "epp/transfer.h"
#include "idn/uts46.h"
#include "provision/domain.h"
#include "provision/tld.h"

#define NAME_MAX_CHARS IDREG_EPP_NAME_MAX
#define IDN_NS "urn:ietf:params:xml:ns:idn-1.0"
#define CDN_NS "urn:ietf:params:xml:ns:cdn-1.0"
#define RGP_NS "urn:ietf:params:xml:ns:rgp-1.0"
/* The clID info shows for a domain no registrar sponsors (an imported one). */
/* A domain's history text is at most this long. */
#define HISTORY_TEXT_MAX (256 * 1024)

enum idreg_epp_code idreg_epp_domain_check(const struct idreg_epp_command *cmd,
					   idreg_epp_domain_avail_fn avail, void *ctx,
					   struct idreg_buf *resdata, struct idreg_epp_result *res)
{
	const char *ns = idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN);
	size_t count = 0;
	idreg_err err = idreg_buf_printf(resdata, "<domain:chkData xmlns:domain=\"%s\">", ns);
	for (const xmlNode *n = cmd->body->children; err == IDREG_OK && n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE) {
			continue; /* text was checked blank by the parser's walk */
		}
		if (n->ns == NULL || strcmp((const char *)n->ns->href, ns) != 0 ||
		    strcmp((const char *)n->name, "name") != 0) {
			res->code = IDREG_EPP_SYNTAX;
			snprintf(res->msg, sizeof(res->msg), "<domain:check> holds <%.64s>",
				 (const char *)n->name);
			return res->code;
		}
		if (++count > IDREG_EPP_CHECK_MAX) {
			res->code = IDREG_EPP_POLICY;
			snprintf(res->msg, sizeof(res->msg), "at most %d names a check",
				 IDREG_EPP_CHECK_MAX);
			return res->code;
		}
		char name[IDREG_EPP_TOKEN_BYTES(NAME_MAX_CHARS)];
		if (idreg_epp_token(n, name, sizeof(name), 1, NAME_MAX_CHARS, res) != IDREG_EPP_OK) {
			return res->code;
		}
		struct idreg_epp_availability a = { false, "" };
		struct idreg_diag diag = { "" };
		if (avail(ctx, name, &a, &diag) != IDREG_OK) {
			idreg_log_error("EPP domain:check of %s: %s", name, diag.text);
			res->code = IDREG_EPP_FAILED;
			snprintf(res->msg, sizeof(res->msg), "%.64s could not be checked; try again later",
				 name);
			return res->code;
		}
		err = idreg_buf_printf(resdata, "<domain:cd><domain:name avail=\"%d\">", a.avail);
		if (err == IDREG_OK) {
			err = idreg_epp_escape(resdata, name);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(resdata, "</domain:name>");
		}
		if (err == IDREG_OK && a.reason[0] != '\0') {
			err = idreg_buf_puts(resdata, "<domain:reason>");
			if (err == IDREG_OK) {
				err = idreg_epp_escape(resdata, a.reason);
			}
			if (err == IDREG_OK) {
				err = idreg_buf_puts(resdata, "</domain:reason>");
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(resdata, "</domain:cd>");
		}
	}
	if (err == IDREG_OK && count == 0) {
		res->code = IDREG_EPP_MISSING_PARAM;
		snprintf(res->msg, sizeof(res->msg), "<domain:check> names no <domain:name>");
		return res->code;
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(resdata, "</domain:chkData>");
	}
	if (err != IDREG_OK) {
		res->code = IDREG_EPP_FAILED;
		snprintf(res->msg, sizeof(res->msg), "the answer is too large");
		return res->code;
	}
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	return IDREG_EPP_OK;
}

/* What <domain:reason> says of a refusal, in at most 32 characters. */
static const char *short_reason(enum idreg_idn_outcome outcome)
{
	switch (outcome) {
	case IDREG_IDN_HELD: return "In use";
	case IDREG_IDN_IDNA2008: return "Not a valid IDNA2008 name";
	case IDREG_IDN_LGR_INVALID: return "Invalid under the IDN table";
	case IDREG_IDN_LGR_BLOCKED: return "Blocked under the IDN table";
	case IDREG_IDN_VARIANT_OF_OTHER: return "Variant of a held name";
	case IDREG_IDN_VARIANT_BLOCKED: return "Blocked variant of a held name";
	case IDREG_IDN_VARIANTS_EXHAUSTED: return "No more variants of a held name";
	case IDREG_IDN_RESTRICTION_LEVEL: return "Mixes scripts beyond the policy";
	case IDREG_IDN_CONFUSABLE: return "Confusable with a held name";
	default: return "Not available";
	}
}

idreg_err idreg_epp_domain_avail_by_policy(struct idreg_idn_checker *checker,
					   const struct idreg_idn_holdings *holdings,
					   const char *name, struct idreg_epp_availability *out,
					   char *long_reason, size_t long_size,
					   struct idreg_diag *diag)
{
	struct idreg_idn_decision d;
	idreg_err err = idreg_idn_decide(checker, name, strlen(name), NULL, holdings, &d, diag);
	if (err != IDREG_OK) {
		return err;
	}
	out->avail = strcmp(idreg_idn_outcome_verdict(d.outcome), "refused") != 0;
	snprintf(out->reason, sizeof(out->reason), "%s", out->avail ? "" : short_reason(d.outcome));
	snprintf(long_reason, long_size, "%s", d.reason);
	return IDREG_OK;
}

/* ---- names ---- */

/* A domain name in both forms, and its parts (in the A-label form). */
struct name_forms {
	char ldh[IDREG_UTS46_ASCII_MAX];
	char unicode[IDREG_UTS46_UNICODE_MAX];
	char label[IDREG_UTS46_ASCII_MAX]; /* the first label */
	const char *tld;                   /* in @ldh after the first dot; NULL: one label */
};

/* false (with why in @diag) when @name cannot be read as a domain name. */
static bool name_forms(const char *name, struct name_forms *out, struct idreg_diag *diag)
{
	if (idreg_uts46_to_ascii(name, strlen(name), out->ldh, sizeof(out->ldh), diag) != IDREG_OK ||
	    idreg_uts46_to_unicode(out->ldh, strlen(out->ldh), out->unicode, sizeof(out->unicode),
				   diag) != IDREG_OK) {
		return false;
	}
	const char *dot = strchr(out->ldh, '.');
	size_t label_len = dot ? (size_t)(dot - out->ldh) : strlen(out->ldh);
	memcpy(out->label, out->ldh, label_len);
	out->label[label_len] = '\0';
	out->tld = dot ? dot + 1 : NULL;
	return true;
}

/* ---- outcomes ---- */

/* Answer a command whose store work ended with @err: its refusal, or 2400 (logged). */
static void answer_failure(struct idreg_epp_reply *rep, idreg_err err, const struct idreg_epp_result *r,
			   const char *verb, const char *name, const struct idreg_diag *diag)
{
	if (err == IDREG_EREFUSED) {
		idreg_epp_reply_set(rep, r->code, "%s", r->msg);
		return;
	}
	idreg_log_error("EPP domain:%s of %s: %s", verb, name, diag->text);
	idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "%.64s could not be %s; try again later", name,
			    strcmp(verb, "info") == 0 ? "read" : "changed");
}

/* ---- times ---- */

static bool leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int64_t idreg_epp_add_months(int64_t t, int months)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int month = tm.tm_mon + months;
	tm.tm_year += month / 12;
	tm.tm_mon = month % 12;
	int last = days[tm.tm_mon] + (tm.tm_mon == 1 && leap(tm.tm_year + 1900));
	if (tm.tm_mday > last) {
		tm.tm_mday = last;
	}
	return (int64_t)timegm(&tm);
}

/* A period in months; the TLD's default when none was given. */
static int period_months(const struct idreg_epp_period *p, const struct idreg_tld *tld)
{
	if (p->count == 0) {
		return tld->default_years * 12;
	}
	return p->unit == 'm' ? p->count : p->count * 12;
}

/* 2004 unless @months is whole years within the TLD's range. */
static idreg_err check_period(int months, const struct idreg_tld *tld, struct idreg_epp_result *r)
{
	if (months % 12 != 0 || months < tld->min_years * 12 || months > tld->max_years * 12) {
		bool years = months % 12 == 0;
		return idreg_epp_refuse(r, IDREG_EPP_PARAM_RANGE, "a period of %d %s is outside %d to %d years "
					"under %s", years ? months / 12 : months, years ? "years" : "months",
					tld->min_years, tld->max_years, tld->unicode_name);
	}
	return IDREG_OK;
}

/* ---- XML ---- */

/* <@tag>@text</@tag>, the text escaped. */
static idreg_err put_el(struct idreg_buf *out, const char *tag, const char *text)
{
	idreg_err err = idreg_buf_printf(out, "<%s>", tag);
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, text);
	}
	return err == IDREG_OK ? idreg_buf_printf(out, "</%s>", tag) : err;
}

static idreg_err put_time(struct idreg_buf *out, const char *tag, int64_t t)
{
	if (t == IDREG_TIME_NONE) {
		return IDREG_OK;
	}
	char text[IDREG_TIME_TEXT_MAX];
	idreg_time_format(t, text);
	return put_el(out, tag, text);
}

/* ---- history ---- */

static idreg_err domain_text(const struct idreg_prov_domain *d, struct idreg_buf *out)
{
	idreg_buf_init(out, HISTORY_TEXT_MAX);
	return idreg_prov_domain_format(d, out);
}

static idreg_err history_update(struct idreg_store *s, int64_t change_set,
				const struct idreg_prov_domain *before,
				const struct idreg_prov_domain *after, struct idreg_diag *diag)
{
	struct idreg_buf b, a;
	idreg_err err = domain_text(before, &b);
	if (err == IDREG_OK) {
		err = domain_text(after, &a);
	} else {
		idreg_buf_init(&a, 1);
	}
	if (err == IDREG_OK) {
		struct idreg_history_entry h = { change_set, "domain", after->id, after->id,
						 IDREG_CHANGE_UPDATE, b.data, a.data };
		err = s->ops->history_add(s, &h, diag);
	} else {
		err = idreg_diag_set(diag, err, "the history text of %s is too large",
				     after->domain.ldh_name);
	}
	idreg_buf_free(&b);
	idreg_buf_free(&a);
	return err;
}

/* ---- check ---- */

/* <domain:check>'s question inside a store read: the TLD, reserved labels,
 * variant rows, then the policy against the names held. */
struct avail_read {
	struct idreg_idn_checker *checker;
	const char *name;
	struct idreg_epp_availability *out;
	char why[1024];
};

/* IDREG_OK when found, IDREG_ENOTFOUND when not, else the store's error. */
static idreg_err found(idreg_err err, bool *yes)
{
	*yes = err == IDREG_OK;
	return err == IDREG_ENOTFOUND ? IDREG_OK : err;
}

static idreg_err avail_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct avail_read *r = ctx;
	struct name_forms f;
	struct idreg_diag why = { "" };
	if (name_forms(r->name, &f, &why)) {
		struct idreg_arena arena;
		idreg_arena_init(&arena, 1024, 64 * 1024);
		struct idreg_tld tld;
		struct idreg_variant_of variant;
		const char *reason = NULL;
		bool served = false, reserved = false, is_variant = false;
		idreg_err err = f.tld == NULL ? IDREG_OK
					      : found(s->ops->tld_get(s, f.tld, &arena, &tld, diag),
						      &served);
		if (err == IDREG_OK && served) {
			err = found(s->ops->tld_reserved_get(s, f.tld, f.label, &arena, &reason, diag),
				    &reserved);
		}
		if (err == IDREG_OK && served && !reserved) {
			err = found(s->ops->prov_variant_get(s, f.ldh, &arena, &variant, diag),
				    &is_variant);
		}
		idreg_arena_free(&arena);
		if (err != IDREG_OK) {
			return err;
		}
		const char *verdict = !served ? "Not served here"
				      : reserved ? "Reserved"
				      : is_variant ? "Variant of a held name"
						   : NULL;
		if (verdict != NULL) {
			r->out->avail = false;
			snprintf(r->out->reason, sizeof(r->out->reason), "%s", verdict);
			snprintf(r->why, sizeof(r->why), "%s", verdict);
			return IDREG_OK;
		}
	}
	struct idreg_idn_holdings held;
	idreg_held_domains(s, &held);
	return idreg_epp_domain_avail_by_policy(r->checker, &held, r->name, r->out, r->why,
						sizeof(r->why), diag);
}

static idreg_err avail_from_store(void *ctx, const char *name, struct idreg_epp_availability *out,
				  struct idreg_diag *diag)
{
	const struct idreg_epp_store_access *store = ctx;
	struct avail_read r = { store->idn_checker, name, out, "" };
	idreg_err err = store->read(store->ctx, avail_in_store, &r, diag);
	if (err == IDREG_OK && !out->avail) {
		idreg_log_debug("EPP domain:check %s: %s", name, r.why);
	}
	return err;
}

/* ---- create ---- */

struct create_work {
	const struct idreg_epp_request *req;
	const struct idreg_epp_domain_create *in;
	struct idreg_epp_result refusal;
	struct idreg_arena arena;
	struct name_forms f;
	int64_t created, expires;
	struct idreg_epp_ds_list ds;                /* secDNS-1.1 (domain_update.h) */
	struct idreg_ds ds_rows[IDREG_EPP_DS_MAX];
};

/* The ids of the hosts and contacts @in names: 2303 for one that does not exist. */
static idreg_err create_links(struct idreg_store *s, struct create_work *w,
			      struct idreg_prov_domain *d, struct idreg_diag *diag)
{
	const struct idreg_epp_domain_create *in = w->in;
	const char **ns = idreg_arena_calloc(&w->arena, in->n_ns + 1, sizeof(*ns));
	int64_t *host_ids = idreg_arena_calloc(&w->arena, in->n_ns + 1, sizeof(*host_ids));
	struct idreg_domain_contact *contacts =
		idreg_arena_calloc(&w->arena, in->n_contacts + 1, sizeof(*contacts));
	int64_t *entity_ids = idreg_arena_calloc(&w->arena, in->n_contacts + 1, sizeof(*entity_ids));
	if (ns == NULL || host_ids == NULL || contacts == NULL || entity_ids == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < in->n_ns; i++) {
		struct name_forms h;
		struct idreg_diag why = { "" };
		if (!name_forms(in->ns[i], &h, &why)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_PARAM_SYNTAX, "host %.200s: %s", in->ns[i],
						why.text);
		}
		idreg_err err = s->ops->prov_host_id(s, h.ldh, &host_ids[i], diag);
		if (err == IDREG_ENOTFOUND) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "host %.200s does not exist",
						in->ns[i]);
		}
		if (err != IDREG_OK) {
			return err;
		}
		ns[i] = idreg_arena_strndup(&w->arena, h.ldh, strlen(h.ldh));
		if (ns[i] == NULL) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
		}
	}
	size_t n = 0;
	for (size_t i = 0; i <= in->n_contacts; i++) {
		const char *handle = i == 0 ? in->registrant : in->contacts[i - 1].handle;
		enum idreg_role role = i == 0 ? IDREG_ROLE_REGISTRANT : in->contacts[i - 1].role;
		size_t k = 0;
		while (k < n && strcmp(contacts[k].handle, handle) != 0) {
			k++;
		}
		if (k == n) {
			idreg_err err = s->ops->prov_entity_id(s, handle, &entity_ids[n], diag);
			if (err == IDREG_ENOTFOUND) {
				return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST,
							"contact %s does not exist", handle);
			}
			if (err != IDREG_OK) {
				return err;
			}
			contacts[n++].handle = handle;
		}
		contacts[k].roles |= 1u << role;
	}
	d->domain.nameservers = ns;
	d->domain.n_ns = in->n_ns;
	d->host_ids = host_ids;
	d->domain.contacts = contacts;
	d->domain.n_contacts = n;
	d->entity_ids = entity_ids;
	return IDREG_OK;
}

/* The variant rows of the accepted decision @dec: each variant that no
 * domain holds and no domain has as a variant yet, in the state its fate
 * gives. */
static idreg_err create_variants(struct idreg_store *s, struct create_work *w,
				 const struct idreg_idn_decision *dec, struct idreg_prov_domain *d,
				 struct idreg_diag *diag)
{
	struct idreg_variant *rows = idreg_arena_calloc(&w->arena, dec->n_variants + 1,
							sizeof(*rows));
	if (rows == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	size_t n = 0;
	for (size_t i = 0; i < dec->n_variants; i++) {
		const struct idreg_idn_variant *v = &dec->variants[i];
		if (v->fate == IDREG_IDN_FATE_HELD) {
			continue;
		}
		struct name_forms vf;
		struct idreg_diag why = { "" };
		if (!name_forms(v->unicode_name, &vf, &why)) {
			continue; /* a variant DNS cannot carry: nothing to keep */
		}
		struct idreg_variant_of of;
		struct idreg_prov_domain held;
		bool is_variant = false, is_domain = false;
		idreg_err err = found(s->ops->prov_variant_get(s, vf.ldh, &w->arena, &of, diag),
				      &is_variant);
		if (err == IDREG_OK && !is_variant) {
			err = found(s->ops->prov_domain_get(s, vf.ldh, &w->arena, &held, diag),
				    &is_domain);
		}
		if (err != IDREG_OK) {
			return err;
		}
		if (is_variant || is_domain) {
			continue;
		}
		rows[n].ldh_name = idreg_arena_strndup(&w->arena, vf.ldh, strlen(vf.ldh));
		rows[n].unicode_name = idreg_arena_strndup(&w->arena, vf.unicode, strlen(vf.unicode));
		if (rows[n].ldh_name == NULL || rows[n].unicode_name == NULL) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
		}
		rows[n++].state = v->fate == IDREG_IDN_FATE_ACTIVATED ? IDREG_VARIANT_ACTIVATED
				  : v->fate == IDREG_IDN_FATE_RESERVED ? IDREG_VARIANT_RESERVED
								       : IDREG_VARIANT_BLOCKED;
	}
	d->variants = rows;
	d->n_variants = n;
	return IDREG_OK;
}

/* The registrant's reserved variant @ldh becomes a domain of its own: it
 * leaves the variant rows of the domain @of, which gets a history line. */
static idreg_err release_variant(struct idreg_store *s, int64_t change_set, struct create_work *w,
				 const struct idreg_variant_of *of, struct idreg_diag *diag)
{
	struct idreg_prov_domain before, after;
	idreg_err err = s->ops->prov_domain_get(s, of->domain_ldh_name, &w->arena, &before, diag);
	if (err != IDREG_OK) {
		return err;
	}
	after = before;
	struct idreg_variant *kept = idreg_arena_calloc(&w->arena, before.n_variants + 1,
							sizeof(*kept));
	if (kept == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	after.n_variants = 0;
	for (size_t i = 0; i < before.n_variants; i++) {
		if (strcmp(before.variants[i].ldh_name, w->f.ldh) != 0) {
			kept[after.n_variants++] = before.variants[i];
		}
	}
	after.variants = kept;
	err = s->ops->prov_domain_update(s, &after, diag);
	return err == IDREG_OK ? history_update(s, change_set, &before, &after, diag) : err;
}

/* Is the name @ldh free to create?  2302 when it is a domain or another's
 * variant; *@claim set when it is a variant the same registrant and sponsor
 * may take as a domain of its own. */
static idreg_err create_collisions(struct idreg_store *s, struct create_work *w,
				   struct idreg_variant_of *of, bool *claim, struct idreg_diag *diag)
{
	struct idreg_prov_domain held;
	bool exists = false, is_variant = false;
	idreg_err err = found(s->ops->prov_domain_get(s, w->f.ldh, &w->arena, &held, diag), &exists);
	if (err != IDREG_OK) {
		return err;
	}
	if (exists) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_EXISTS, "%s exists", w->f.unicode);
	}
	err = found(s->ops->prov_variant_get(s, w->f.ldh, &w->arena, of, diag), &is_variant);
	if (err != IDREG_OK || !is_variant) {
		return err;
	}
	*claim = of->state != IDREG_VARIANT_BLOCKED && of->domain_sponsor != NULL &&
		 strcmp(of->domain_sponsor, w->req->txn.clid) == 0 && of->registrant != NULL &&
		 strcmp(of->registrant, w->in->registrant) == 0;
	if (*claim) {
		return IDREG_OK;
	}
	return idreg_epp_refuse(&w->refusal, IDREG_EPP_EXISTS, "%s is a %s variant of %s", w->f.unicode,
				idreg_variant_state_name(of->state), of->domain_unicode_name);
}

/* The IDN policy's decision for the registrant: 2302 or 2306 when refused. */
static idreg_err create_policy(struct idreg_store *s, struct create_work *w,
			       struct idreg_idn_decision *dec, struct idreg_diag *diag)
{
	struct idreg_idn_holdings held;
	idreg_held_domains(s, &held);
	idreg_err err = idreg_idn_decide(w->req->store->idn_checker, w->f.unicode,
					 strlen(w->f.unicode), w->in->registrant, &held, dec, diag);
	if (err != IDREG_OK) {
		return err;
	}
	const char *verdict = idreg_idn_outcome_verdict(dec->outcome);
	if (strcmp(verdict, "flagged") == 0) {
		idreg_log_info("EPP domain:create %s by %s flagged: %s", w->f.unicode,
			       w->req->txn.clid, dec->reason);
	}
	if (strcmp(verdict, "refused") != 0) {
		return IDREG_OK;
	}
	bool taken = dec->outcome == IDREG_IDN_HELD || dec->outcome == IDREG_IDN_VARIANT_OF_OTHER;
	return idreg_epp_refuse(&w->refusal, taken ? IDREG_EPP_EXISTS : IDREG_EPP_POLICY, "%s: %.200s",
				w->f.unicode, dec->reason);
}

/* The IDN table: one the TLD lists, and the uname (if any) the name's U-label form. */
static idreg_err create_idn_table(struct create_work *w, const struct idreg_tld *tld)
{
	const struct idreg_epp_domain_create *in = w->in;
	if (in->idn_table[0] != '\0' && !idreg_tld_has_idn_table(tld, in->idn_table)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
					"IDN table %s is not one of %s's (%s)", in->idn_table,
					tld->unicode_name, tld->idn_tables[0] ? tld->idn_tables : "none");
	}
	if (in->idn_uname[0] != '\0') {
		struct name_forms u;
		struct idreg_diag why = { "" };
		if (!name_forms(in->idn_uname, &u, &why) || strcmp(u.ldh, w->f.ldh) != 0) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
						"<idn:uname> %.200s is not the name %s", in->idn_uname,
						w->f.unicode);
		}
	}
	return IDREG_OK;
}

static idreg_err create_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct create_work *w = ctx;
	const struct idreg_epp_domain_create *in = w->in;
	const struct idreg_epp_txn *txn = &w->req->txn;
	struct idreg_diag why = { "" };
	if (!name_forms(in->name, &w->f, &why)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_PARAM_SYNTAX, "%.200s is no domain name: %s",
					in->name, why.text);
	}
	struct idreg_tld tld;
	bool served = false, reserved = false, claim = false;
	const char *reason = NULL;
	idreg_err err = w->f.tld == NULL
				? IDREG_OK
				: found(s->ops->tld_get(s, w->f.tld, &w->arena, &tld, diag), &served);
	if (err != IDREG_OK) {
		return err;
	}
	if (!served) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s is not under a TLD served here",
					w->f.unicode);
	}
	int months = period_months(&in->period, &tld);
	err = check_period(months, &tld, &w->refusal);
	if (err == IDREG_OK) {
		err = found(s->ops->tld_reserved_get(s, w->f.tld, w->f.label, &w->arena, &reason, diag),
			    &reserved);
	}
	if (err == IDREG_OK && reserved) {
		err = idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s is reserved: %s", w->f.unicode, reason);
	}
	if (err == IDREG_OK) {
		err = create_idn_table(w, &tld);
	}
	struct idreg_variant_of of;
	if (err == IDREG_OK) {
		err = create_collisions(s, w, &of, &claim, diag);
	}
	struct idreg_prov_domain d;
	memset(&d, 0, sizeof(d));
	if (err == IDREG_OK) {
		err = create_links(s, w, &d, diag);
	}
	struct idreg_idn_decision dec;
	if (err == IDREG_OK) {
		err = create_policy(s, w, &dec, diag);
	}
	if (err == IDREG_OK && claim) {
		err = release_variant(s, change_set, w, &of, diag);
	}
	if (err == IDREG_OK) {
		err = create_variants(s, w, &dec, &d, diag);
	}
	char index_key[IDREG_IDN_INDEX_KEY_MAX], skeleton_key[IDREG_IDN_SKELETON_KEY_MAX];
	if (err == IDREG_OK) {
		err = idreg_idn_keys(w->req->store->idn_checker, w->f.unicode, index_key,
				     skeleton_key, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	w->created = txn->now;
	w->expires = idreg_epp_add_months(txn->now, months);
	struct idreg_grace grace = { IDREG_GRACE_ADD, txn->now + tld.periods[IDREG_TLD_ADD_GRACE] };
	d.domain.ldh_name = w->f.ldh;
	d.domain.unicode_name = w->f.unicode;
	d.domain.status = 1u << (d.domain.n_ns > 0 ? IDREG_DS_OK : IDREG_DS_INACTIVE);
	d.domain.registered = w->created;
	d.domain.expires = w->expires;
	d.domain.last_changed = IDREG_TIME_NONE;
	d.sponsor = txn->clid;
	d.creator = txn->clid;
	d.transferred = IDREG_TIME_NONE;
	d.auth_info = in->pw;
	d.idn_table = in->idn_table[0] ? in->idn_table : NULL;
	d.grace = &grace;
	d.n_grace = tld.periods[IDREG_TLD_ADD_GRACE] > 0;
	d.domain.n_ds = idreg_epp_ds_rows(&w->ds, w->ds_rows);
	d.domain.ds = w->ds_rows;
	d.index_key = index_key;
	d.skeleton_key = skeleton_key;
	err = s->ops->prov_domain_insert(s, &d, &d.id, diag);
	if (err == IDREG_EEXIST) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_EXISTS, "%s", diag->text);
	}
	if (err == IDREG_OK) {
		struct idreg_history_entry h = { change_set, "domain", d.id, d.id,
						 IDREG_CHANGE_CREATE, NULL, NULL };
		err = s->ops->history_add(s, &h, diag);
	}
	return err;
}

static void domain_create(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct idreg_epp_domain_create in;
	struct idreg_epp_result res;
	if (idreg_epp_domain_parse_create(req->cmd, &in, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	struct create_work w;
	memset(&w, 0, sizeof(w));
	if (idreg_epp_secdns_create_parse(req->cmd->extension, &w.ds, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	w.req = req;
	w.in = &in;
	idreg_arena_init(&w.arena, 4096, 4 * 1024 * 1024);
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->write(req->store->ctx, &req->txn, create_in_store, &w, &diag);
	if (err != IDREG_OK) {
		answer_failure(rep, err, &w.refusal, "create", in.name, &diag);
	} else {
		const char *ns = idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN);
		err = idreg_buf_printf(&rep->resdata, "<domain:creData xmlns:domain=\"%s\">", ns);
		if (err == IDREG_OK) {
			err = put_el(&rep->resdata, "domain:name", w.f.ldh);
		}
		if (err == IDREG_OK) {
			err = put_time(&rep->resdata, "domain:crDate", w.created);
		}
		if (err == IDREG_OK) {
			err = put_time(&rep->resdata, "domain:exDate", w.expires);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(&rep->resdata, "</domain:creData>");
		}
		idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", "");
		if (err != IDREG_OK) { /* created and committed: say so even without creData */
			idreg_log_error("EPP domain:create %s: the answer is too large", w.f.ldh);
			idreg_buf_clear(&rep->resdata);
		}
	}
	idreg_arena_free(&w.arena);
}

/* ---- info ---- */

struct info_work {
	const struct idreg_epp_request *req;
	const struct idreg_epp_domain_info *in;
	struct idreg_epp_result refusal;
	struct idreg_arena arena;
	struct idreg_epp_reply *rep;
};

static idreg_err put_subordinate(void *ctx, const char *name)
{
	return put_el(ctx, "domain:host", name);
}

/* <domain:status>es: the EPP ones of the domain's set ("ok" when none). */
static idreg_err put_statuses(struct idreg_buf *out, uint32_t status)
{
	idreg_err err = IDREG_OK;
	bool any = false;
	for (unsigned b = 0; err == IDREG_OK && b < IDREG_DS_ADD_PERIOD; b++) {
		if (status & (1u << b)) {
			err = idreg_buf_printf(out, "<domain:status s=\"%s\"/>",
					       idreg_domain_status_epp_name((enum idreg_domain_status)b));
			any = true;
		}
	}
	return err == IDREG_OK && !any ? idreg_buf_puts(out, "<domain:status s=\"ok\"/>") : err;
}

static idreg_err put_info(struct idreg_store *s, struct info_work *w,
			  const struct idreg_prov_domain *d, bool full, struct idreg_diag *diag)
{
	struct idreg_buf *out = &w->rep->resdata;
	enum idreg_epp_hosts hosts = w->in->hosts;
	char roid[64];
	idreg_prov_domain_roid(d, roid, sizeof(roid));
	idreg_err err = idreg_buf_printf(out, "<domain:infData xmlns:domain=\"%s\">",
					 idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN));
	if (err == IDREG_OK) {
		err = put_el(out, "domain:name", d->domain.ldh_name);
	}
	if (err == IDREG_OK) {
		err = put_el(out, "domain:roid", roid);
	}
	if (err == IDREG_OK) {
		err = put_statuses(out, d->domain.status);
	}
	const char *registrant = idreg_prov_domain_registrant(d);
	if (err == IDREG_OK && registrant != NULL) {
		err = put_el(out, "domain:registrant", registrant);
	}
	static const struct {
		enum idreg_role role;
		const char *type;
	} types[] = { { IDREG_ROLE_ADMINISTRATIVE, "admin" }, { IDREG_ROLE_BILLING, "billing" },
		      { IDREG_ROLE_TECHNICAL, "tech" } };
	for (size_t i = 0; err == IDREG_OK && i < d->domain.n_contacts; i++) {
		for (size_t t = 0; err == IDREG_OK && t < 3; t++) {
			if (d->domain.contacts[i].roles & (1u << types[t].role)) {
				err = idreg_buf_printf(out, "<domain:contact type=\"%s\">", types[t].type);
				if (err == IDREG_OK) {
					err = idreg_epp_escape(out, d->domain.contacts[i].handle);
				}
				if (err == IDREG_OK) {
					err = idreg_buf_puts(out, "</domain:contact>");
				}
			}
		}
	}
	if (err == IDREG_OK && d->domain.n_ns > 0 &&
	    (hosts == IDREG_EPP_HOSTS_ALL || hosts == IDREG_EPP_HOSTS_DEL)) {
		err = idreg_buf_puts(out, "<domain:ns>");
		for (size_t i = 0; err == IDREG_OK && i < d->domain.n_ns; i++) {
			err = put_el(out, "domain:hostObj", d->domain.nameservers[i]);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</domain:ns>");
		}
	}
	if (err == IDREG_OK && (hosts == IDREG_EPP_HOSTS_ALL || hosts == IDREG_EPP_HOSTS_SUB)) {
		err = s->ops->prov_subordinate_each(s, d->domain.ldh_name, put_subordinate, out, diag);
	}
	if (err == IDREG_OK) {
		err = put_el(out, "domain:clID", d->sponsor ? d->sponsor : IDREG_EPP_REGISTRY_CLID);
	}
	if (err == IDREG_OK && d->creator != NULL) {
		err = put_el(out, "domain:crID", d->creator);
	}
	if (err == IDREG_OK) {
		err = put_time(out, "domain:crDate", d->domain.registered);
	}
	if (err == IDREG_OK && d->updater != NULL) {
		err = put_el(out, "domain:upID", d->updater);
	}
	if (err == IDREG_OK) {
		err = put_time(out, "domain:upDate", d->domain.last_changed);
	}
	if (err == IDREG_OK) {
		err = put_time(out, "domain:exDate", d->domain.expires);
	}
	if (err == IDREG_OK) {
		err = put_time(out, "domain:trDate", d->transferred);
	}
	if (err == IDREG_OK && full && d->auth_info != NULL) {
		err = idreg_buf_puts(out, "<domain:authInfo>");
		if (err == IDREG_OK) {
			err = put_el(out, "domain:pw", d->auth_info);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</domain:authInfo>");
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "</domain:infData>") : err;
}

/* The extensions of an info: the IDN table (idn-1.0), the variants the
 * registrant may use (cdn-1.0 VCDNList: reserved and activated ones, U-label
 * forms then A-label forms), the DS records (secDNS-1.1) and the grace
 * periods running (rgp-1.0). */
static idreg_err put_info_extensions(struct info_work *w, const struct idreg_prov_domain *d)
{
	struct idreg_buf *out = &w->rep->extension;
	idreg_err err = IDREG_OK;
	if (d->idn_table != NULL) {
		err = idreg_buf_printf(out, "<idn:data xmlns:idn=\"%s\">", IDN_NS);
		if (err == IDREG_OK) {
			err = put_el(out, "idn:table", d->idn_table);
		}
		if (err == IDREG_OK) {
			err = put_el(out, "idn:uname", d->domain.unicode_name);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</idn:data>");
		}
	}
	size_t usable = 0;
	for (size_t i = 0; i < d->n_variants; i++) {
		usable += d->variants[i].state != IDREG_VARIANT_BLOCKED;
	}
	if (err == IDREG_OK && usable > 0) {
		err = idreg_buf_printf(out, "<cdn:infData xmlns:cdn=\"%s\"><cdn:VCDNList>", CDN_NS);
		for (int punycode = 0; punycode < 2; punycode++) {
			for (size_t i = 0; err == IDREG_OK && i < d->n_variants; i++) {
				const struct idreg_variant *v = &d->variants[i];
				if (v->state != IDREG_VARIANT_BLOCKED) {
					err = put_el(out, punycode ? "cdn:VCDNPunycode" : "cdn:VCDN",
						     punycode ? v->ldh_name : v->unicode_name);
				}
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</cdn:VCDNList></cdn:infData>");
		}
	}
	return err == IDREG_OK ? idreg_epp_domain_info_extensions(d, w->req->txn.now, out) : err;
}

static idreg_err info_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
			       struct idreg_diag *diag)
{
	(void)change_set;
	struct info_work *w = ctx;
	struct name_forms f;
	struct idreg_diag why = { "" };
	if (!name_forms(w->in->name, &f, &why)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "%.200s is not held here",
					w->in->name);
	}
	struct idreg_prov_domain d;
	idreg_err err = s->ops->prov_domain_get(s, f.ldh, &w->arena, &d, diag);
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "%s is not held here", f.unicode);
	}
	if (err != IDREG_OK) {
		return err;
	}
	bool full = d.sponsor != NULL && strcmp(d.sponsor, w->req->txn.clid) == 0;
	if (!full && w->in->has_pw) {
		if (d.auth_info == NULL || strcmp(d.auth_info, w->in->pw) != 0) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_INVALID_AUTHINFO,
						"the authInfo given is not %s's", f.unicode);
		}
		full = true;
	}
	err = put_info(s, w, &d, full, diag);
	if (err == IDREG_OK) {
		err = put_info_extensions(w, &d);
	}
	if (err == IDREG_ETOOBIG) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_FAILED, "the answer for %s is too large",
					f.unicode);
	}
	return err;
}

static void domain_info(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct idreg_epp_domain_info in;
	struct idreg_epp_result res;
	if (idreg_epp_domain_parse_info(req->cmd, &in, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	struct info_work w;
	memset(&w, 0, sizeof(w));
	w.req = req;
	w.in = &in;
	w.rep = rep;
	idreg_arena_init(&w.arena, 4096, 4 * 1024 * 1024);
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->read(req->store->ctx, info_in_store, &w, &diag);
	if (err != IDREG_OK) {
		idreg_buf_clear(&rep->resdata);
		idreg_buf_clear(&rep->extension);
		answer_failure(rep, err, &w.refusal, "info", in.name, &diag);
	} else {
		idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", "");
	}
	idreg_arena_free(&w.arena);
}

/* ---- renew ---- */

struct renew_work {
	const struct idreg_epp_request *req;
	const struct idreg_epp_domain_renew *in;
	struct idreg_epp_result refusal;
	struct idreg_arena arena;
	char ldh[IDREG_UTS46_ASCII_MAX];
	int64_t expires;
};

/* The statuses that forbid a renew (RFC 5731 3.2.3, RFC 3915). */
#define RENEW_PROHIBITING                                                                  \
	((1u << IDREG_DS_CLIENT_RENEW_PROHIBITED) | (1u << IDREG_DS_SERVER_RENEW_PROHIBITED) | \
	 (1u << IDREG_DS_PENDING_DELETE) | (1u << IDREG_DS_PENDING_TRANSFER))

static idreg_err renew_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	struct renew_work *w = ctx;
	const struct idreg_epp_txn *txn = &w->req->txn;
	struct name_forms f;
	struct idreg_diag why = { "" };
	if (!name_forms(w->in->name, &f, &why)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "%.200s is not held here",
					w->in->name);
	}
	snprintf(w->ldh, sizeof(w->ldh), "%s", f.ldh);
	struct idreg_prov_domain before;
	idreg_err err = s->ops->prov_domain_get(s, f.ldh, &w->arena, &before, diag);
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "%s is not held here", f.unicode);
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (before.sponsor == NULL || strcmp(before.sponsor, txn->clid) != 0) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_AUTHORIZATION,
					"%s is not sponsored by %s", f.unicode, txn->clid);
	}
	uint32_t prohibiting = before.domain.status & RENEW_PROHIBITING;
	if (prohibiting != 0) {
		unsigned b = 0;
		while (!(prohibiting & (1u << b))) {
			b++;
		}
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s has status %s", f.unicode,
					idreg_domain_status_epp_name((enum idreg_domain_status)b));
	}
	if (idreg_prov_domain_grace_end(&before, IDREG_GRACE_REDEMPTION) > txn->now ||
	    idreg_prov_domain_grace_end(&before, IDREG_GRACE_PENDING_DELETE) > txn->now) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s has status pendingDelete",
					f.unicode);
	}
	int64_t expires = before.domain.expires;
	if (expires == IDREG_TIME_NONE || expires - expires % IDREG_DAY_SECONDS != w->in->cur_exp_date) {
		char text[IDREG_TIME_TEXT_MAX] = "none";
		if (expires != IDREG_TIME_NONE) {
			idreg_time_format(expires, text);
			text[10] = '\0';
		}
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_PARAM_RANGE,
					"<domain:curExpDate> is not %s's expiry date (%s)", f.unicode, text);
	}
	struct idreg_tld tld;
	bool served = false;
	err = f.tld == NULL ? IDREG_OK : found(s->ops->tld_get(s, f.tld, &w->arena, &tld, diag),
					      &served);
	if (err != IDREG_OK) {
		return err;
	}
	if (!served) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s is not under a TLD served here",
					f.unicode);
	}
	int months = period_months(&w->in->period, &tld);
	err = check_period(months, &tld, &w->refusal);
	if (err != IDREG_OK) {
		return err;
	}
	w->expires = idreg_epp_add_months(expires, months);
	if (w->expires > idreg_epp_add_months(txn->now, IDREG_TLD_YEARS_MAX * 12)) {
		char text[IDREG_TIME_TEXT_MAX];
		idreg_time_format(w->expires, text);
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_PARAM_RANGE,
					"%s would expire %.10s, more than %d years from now", f.unicode, text,
					IDREG_TLD_YEARS_MAX);
	}
	struct idreg_grace *grace = idreg_arena_calloc(&w->arena, before.n_grace + 1,
						       sizeof(*grace));
	if (grace == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	size_t n = 0;
	for (size_t i = 0; i < before.n_grace; i++) {
		if (before.grace[i].period != IDREG_GRACE_RENEW) {
			grace[n++] = before.grace[i];
		}
	}
	if (tld.periods[IDREG_TLD_RENEW_GRACE] > 0) {
		grace[n++] = (struct idreg_grace){ IDREG_GRACE_RENEW,
						   txn->now + tld.periods[IDREG_TLD_RENEW_GRACE] };
	}
	struct idreg_prov_domain after = before;
	after.domain.expires = w->expires;
	after.grace = grace;
	after.n_grace = n;
	err = s->ops->prov_domain_update(s, &after, diag);
	return err == IDREG_OK ? history_update(s, change_set, &before, &after, diag) : err;
}

static void domain_renew(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct idreg_epp_domain_renew in;
	struct idreg_epp_result res;
	if (idreg_epp_domain_parse_renew(req->cmd, &in, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	struct renew_work w;
	memset(&w, 0, sizeof(w));
	w.req = req;
	w.in = &in;
	idreg_arena_init(&w.arena, 4096, 4 * 1024 * 1024);
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->write(req->store->ctx, &req->txn, renew_in_store, &w, &diag);
	if (err != IDREG_OK) {
		answer_failure(rep, err, &w.refusal, "renew", in.name, &diag);
	} else {
		err = idreg_buf_printf(&rep->resdata, "<domain:renData xmlns:domain=\"%s\">",
				       idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN));
		if (err == IDREG_OK) {
			err = put_el(&rep->resdata, "domain:name", w.ldh);
		}
		if (err == IDREG_OK) {
			err = put_time(&rep->resdata, "domain:exDate", w.expires);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(&rep->resdata, "</domain:renData>");
		}
		if (err != IDREG_OK) {
			idreg_log_error("EPP domain:renew %s: the answer is too large", w.ldh);
			idreg_buf_clear(&rep->resdata);
		}
		idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", "");
	}
	idreg_arena_free(&w.arena);
}

void idreg_epp_domain_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct idreg_epp_result res;
	switch (req->cmd->verb) {
	case IDREG_EPP_CHECK:
		idreg_epp_domain_check(req->cmd, avail_from_store, (void *)req->store, &rep->resdata,
				       &res);
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	case IDREG_EPP_TRANSFER:
		idreg_epp_transfer_command(req, rep, IDREG_TRANSFER_DOMAIN);
		return;
	case IDREG_EPP_CREATE:
		domain_create(req, rep);
		return;
	case IDREG_EPP_INFO:
		domain_info(req, rep);
		return;
	case IDREG_EPP_RENEW:
		domain_renew(req, rep);
		return;
	case IDREG_EPP_UPDATE: idreg_epp_domain_update_command(req, rep); return;
	case IDREG_EPP_DELETE: idreg_epp_domain_delete_command(req, rep); return;
	default:
		idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
				    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
		return;
	}
}
