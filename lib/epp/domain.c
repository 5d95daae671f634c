/*
 * EPP domain commands.  See domain.h.
 */
#include "epp/domain.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "domains/held.h"
#include "epp/response.h"
#include "epp/transfer.h"

/* RFC 5731 domain names: eppcom labelType, 1 to 255 characters. */
#define NAME_MAX_CHARS 255

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

/* <domain:check>'s question inside a store read: the policy against the names held. */
struct avail_read {
	struct idreg_idn_checker *checker;
	const char *name;
	struct idreg_epp_availability *out;
	char why[1024];
};

static idreg_err avail_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct avail_read *r = ctx;
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
	default:
		idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
				    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
		return;
	}
}
