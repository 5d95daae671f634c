/*
 * EPP transfers of domains and contacts.  See transfer.h; the rules are in
 * docs/epp.md, "Transfers".  Every check is made inside the write's
 * transaction: a refusal (idreg_epp_refuse) returns IDREG_EREFUSED, so
 * that nothing the command did stays.
 */
#include "epp/transfer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "epp/contact.h"
#include "epp/response.h"
#include "provision/tld.h"

/* A new authInfo after a transfer: this many characters of this alphabet. */
#define NEW_AUTH_INFO_CHARS 16
static const char auth_alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static const char *const object_service[] = { "domain", "contact" };
static const char *const op_names[] = { "request", "query", "approve", "reject", "cancel" };

/* ---- reading the command ---- */

static bool is_element(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* <domain:period> as whole years, 1 to IDREG_EPP_YEARS_MAX. */
static enum idreg_epp_code parse_period(const xmlNode *n, int *years, struct idreg_epp_result *res)
{
	struct idreg_epp_period p;
	if (idreg_epp_domain_parse_period(n, &p, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (p.unit == 'm' && p.count % 12 != 0) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY,
				      "a period of %d months is no whole number of years", p.count);
	}
	*years = p.unit == 'm' ? p.count / 12 : p.count;
	if (*years > IDREG_EPP_YEARS_MAX) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_RANGE, "a transfer adds 1 to %d years, not %d",
				      IDREG_EPP_YEARS_MAX, *years);
	}
	return IDREG_EPP_OK;
}

/* <X:authInfo><X:pw>...</X:pw></X:authInfo> */
static enum idreg_epp_code parse_auth_info(const xmlNode *n, const char *ns,
					   struct idreg_epp_transfer_cmd *out,
					   struct idreg_epp_result *res)
{
	const xmlNode *pw = NULL;
	for (const xmlNode *k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE) {
			continue;
		}
		if (pw != NULL || !is_element(k, ns, "pw")) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY, "<authInfo> holds one <pw> (not <%.32s>)",
					  (const char *)k->name);
		}
		pw = k;
	}
	if (pw == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<authInfo> without <pw>");
	}
	out->has_auth_info = true;
	return idreg_epp_token(pw, out->auth_info, sizeof(out->auth_info), 0, IDREG_EPP_DOMAIN_PW_MAX,
			       res);
}

enum idreg_epp_code idreg_epp_transfer_parse(const struct idreg_epp_command *cmd,
					     struct idreg_epp_transfer_cmd *out,
					     struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	out->object = cmd->object == IDREG_EPP_OBJ_CONTACT ? IDREG_TRANSFER_CONTACT
							   : IDREG_TRANSFER_DOMAIN;
	out->op = IDREG_EPP_TRANSFER_REQUEST;
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (cmd->op != NULL && strcmp(cmd->op, op_names[i]) == 0) {
			out->op = (enum idreg_epp_transfer_op)i;
		}
	}
	bool domain = out->object == IDREG_TRANSFER_DOMAIN;
	const char *ns = idreg_epp_object_uri(domain ? IDREG_EPP_OBJ_DOMAIN : IDREG_EPP_OBJ_CONTACT);
	const char *key = domain ? "name" : "id";
	bool have_name = false, have_period = false;
	for (const xmlNode *n = cmd->body->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE) {
			continue;
		}
		enum idreg_epp_code code = IDREG_EPP_OK;
		if (is_element(n, ns, key) && !have_name) {
			have_name = true;
			code = domain ? idreg_epp_token(n, out->name, sizeof(out->name), 1,
							IDREG_EPP_NAME_MAX, res)
				      : idreg_epp_token(n, out->name, sizeof(out->name),
							IDREG_EPP_CLID_MIN, IDREG_EPP_CLID_MAX, res);
		} else if (domain && is_element(n, ns, "period") && have_name && !have_period &&
			   !out->has_auth_info) {
			have_period = true;
			code = parse_period(n, &out->years, res);
		} else if (is_element(n, ns, "authInfo") && have_name && !out->has_auth_info) {
			code = parse_auth_info(n, ns, out, res);
		} else {
			code = idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<transfer> does not take <%.32s> here",
					  (const char *)n->name);
		}
		if (code != IDREG_EPP_OK) {
			return code;
		}
	}
	if (!have_name) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<%s:transfer> without <%s:%s>",
				      object_service[out->object], object_service[out->object], key);
	}
	if (domain) {
		for (char *c = out->name; *c != '\0'; c++) {
			*c = (char)tolower((unsigned char)*c);
		}
	}
	res->code = IDREG_EPP_OK;
	res->msg[0] = '\0';
	return IDREG_EPP_OK;
}

/* ---- statuses, times, texts ---- */

bool idreg_epp_status_has(const char *status, const char *want)
{
	size_t n = strlen(want);
	for (const char *p = status; *p != '\0';) {
		size_t len = strcspn(p, " ");
		if (len == n && memcmp(p, want, n) == 0) {
			return true;
		}
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* Append @word (@len bytes) to the list @out of @size bytes, @used long. */
static bool append_word(char *out, size_t size, size_t *used, const char *word, size_t len)
{
	if (*used + len + 2 > size) {
		return false;
	}
	if (*used > 0) {
		out[(*used)++] = ' ';
	}
	memcpy(out + *used, word, len);
	*used += len;
	out[*used] = '\0';
	return true;
}

bool idreg_epp_status_set(char *status, size_t size, const char *name, bool on)
{
	char out[512] = "";
	size_t used = 0, n = strlen(name);
	for (const char *p = status + strspn(status, " "); *p != '\0'; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		bool drop = (len == n && memcmp(p, name, n) == 0) || (len == 2 && memcmp(p, "ok", 2) == 0);
		if (!drop && !append_word(out, sizeof(out), &used, p, len)) {
			return false;
		}
		p += len;
	}
	const char *last = on ? name : used == 0 ? "ok" : NULL;
	if ((last != NULL && !append_word(out, sizeof(out), &used, last, strlen(last))) ||
	    used + 1 > size) {
		return false;
	}
	memcpy(status, out, used + 1);
	return true;
}

/* ---- the objects: domains on lib/provision, contacts on their entity row ---- */

/* The provisioned domain @name with its TLD's settings. */
static idreg_err load_domain(struct idreg_store *s, const char *name, struct idreg_arena *arena,
			     struct idreg_epp_transferable *out, struct idreg_diag *diag)
{
	struct idreg_prov_domain *d = &out->domain;
	idreg_err err = s->ops->prov_domain_get(s, name, arena, d, diag);
	if (err != IDREG_OK) {
		return err;
	}
	const char *dot = strrchr(name, '.');
	struct idreg_tld tld;
	err = s->ops->tld_get(s, dot != NULL ? dot + 1 : name, arena, &tld, diag);
	if (err == IDREG_ENOTFOUND) {
		idreg_tld_defaults(&tld);
		err = IDREG_OK;
	}
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_transfer_subject *t = &out->subject;
	t->id = d->id;
	snprintf(t->sponsor, sizeof(t->sponsor), "%s", d->sponsor != NULL ? d->sponsor : "");
	snprintf(t->auth_info, sizeof(t->auth_info), "%s", d->auth_info != NULL ? d->auth_info : "");
	for (unsigned b = 0; b < IDREG_DOMAIN_STATUS_COUNT; b++) {
		if ((d->domain.status & (1u << b)) &&
		    !idreg_epp_status_set(t->status, sizeof(t->status),
					  idreg_domain_status_epp_name((enum idreg_domain_status)b), true)) {
			return idreg_diag_set(diag, IDREG_ETOOBIG, "the statuses of %s do not fit", name);
		}
	}
	if (t->status[0] == '\0') {
		snprintf(t->status, sizeof(t->status), "ok");
	}
	t->created = d->domain.registered;
	t->expires = d->domain.expires;
	t->transferred = d->transferred;
	t->transfer_wait_s = tld.periods[IDREG_TLD_TRANSFER_WAIT];
	t->transfer_grace_s = tld.periods[IDREG_TLD_TRANSFER_GRACE];
	t->autorenew_grace_s = tld.periods[IDREG_TLD_AUTORENEW_GRACE];
	t->pending_delete_s = tld.periods[IDREG_TLD_PENDING_DELETE];
	t->max_years = tld.max_years;
	out->n_grace = d->n_grace < IDREG_GRACE_COUNT ? d->n_grace : IDREG_GRACE_COUNT;
	if (out->n_grace > 0) {
		memcpy(out->grace, d->grace, out->n_grace * sizeof(out->grace[0]));
	}
	return IDREG_OK;
}

idreg_err idreg_epp_transferable_load(struct idreg_store *s, enum idreg_transfer_object object,
				      const char *name, struct idreg_arena *arena,
				      struct idreg_epp_transferable *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->object = object;
	out->name = name;
	if (object == IDREG_TRANSFER_DOMAIN) {
		return load_domain(s, name, arena, out, diag);
	}
	/* A contact has no TLD: it waits the default time for its transfer. */
	idreg_err err = idreg_epp_contact_transfer_get(s, name, &out->subject, diag);
	out->subject.transfer_wait_s = idreg_tld_period_default(IDREG_TLD_TRANSFER_WAIT);
	return err;
}

static idreg_err save_domain(struct idreg_store *s, int64_t change_set,
			     const struct idreg_epp_transferable *before,
			     const struct idreg_epp_transferable *after, struct idreg_diag *diag)
{
	const struct idreg_transfer_subject *t = &after->subject;
	struct idreg_prov_domain d = before->domain;
	d.sponsor = t->sponsor[0] != '\0' ? t->sponsor : NULL;
	d.auth_info = t->auth_info[0] != '\0' ? t->auth_info : NULL;
	d.domain.expires = t->expires;
	d.transferred = t->transferred;
	d.grace = after->grace;
	d.n_grace = after->n_grace;
	d.domain.status = 0;
	for (const char *p = t->status + strspn(t->status, " "); *p != '\0'; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		enum idreg_domain_status st;
		if (!idreg_domain_status_parse(p, len, &st)) {
			return idreg_diag_set(diag, IDREG_EINVAL, "%s: no domain status %.*s",
					      after->name, (int)len, p);
		}
		d.domain.status |= 1u << st;
		p += len;
	}
	struct idreg_buf b, a;
	idreg_buf_init(&b, 1 << 20);
	idreg_buf_init(&a, 1 << 20);
	idreg_err err = idreg_prov_domain_format(&before->domain, &b);
	if (err == IDREG_OK) {
		err = idreg_prov_domain_format(&d, &a);
	}
	if (err == IDREG_OK) {
		const struct idreg_history_entry e = {
			.change_set = change_set, .object_type = "domain",
			.first_id = d.id, .last_id = d.id,
			.change = IDREG_CHANGE_UPDATE, .before = b.data, .after = a.data,
		};
		err = s->ops->prov_domain_update(s, &d, diag);
		if (err == IDREG_OK) {
			err = s->ops->history_add(s, &e, diag);
		}
	} else {
		err = idreg_diag_set(diag, err, "the history of %s does not fit", after->name);
	}
	idreg_buf_free(&b);
	idreg_buf_free(&a);
	return err;
}

idreg_err idreg_epp_transferable_save(struct idreg_store *s, int64_t change_set,
				      const struct idreg_epp_transferable *before,
				      const struct idreg_epp_transferable *after,
				      struct idreg_diag *diag)
{
	return after->object == IDREG_TRANSFER_DOMAIN ? save_domain(s, change_set, before, after, diag)
						      : idreg_epp_contact_transfer_put(s, change_set, after->name,
										       &after->subject, diag);
}

int64_t idreg_epp_grace_end(const struct idreg_epp_transferable *t, enum idreg_grace_period period)
{
	for (size_t i = 0; i < t->n_grace; i++) {
		if (t->grace[i].period == period) {
			return t->grace[i].ends;
		}
	}
	return IDREG_TIME_NONE;
}

void idreg_epp_grace_set(struct idreg_epp_transferable *t, enum idreg_grace_period period,
			 int64_t ends)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_grace; i++) {
		if (t->grace[i].period != period) {
			t->grace[n++] = t->grace[i];
		}
	}
	if (ends != IDREG_TIME_NONE) {
		t->grace[n++] = (struct idreg_grace){ period, ends };
	}
	t->n_grace = n;
}

/* ---- the store work ---- */

/* <domain:trnData> or <contact:trnData> of @t. */
static idreg_err write_trn_data(struct idreg_buf *out, enum idreg_transfer_object object,
				const char *name, const struct idreg_transfer *t)
{
	const char *p = object_service[object];
	const char *key = object == IDREG_TRANSFER_DOMAIN ? "name" : "id";
	char requested[IDREG_TIME_TEXT_MAX], acted[IDREG_TIME_TEXT_MAX];
	idreg_time_format(t->requested, requested);
	idreg_time_format(t->action_due, acted);
	idreg_err err = idreg_buf_printf(out, "<%s:trnData xmlns:%s=\"%s\"><%s:%s>", p, p,
					 idreg_epp_object_uri(object == IDREG_TRANSFER_DOMAIN
								      ? IDREG_EPP_OBJ_DOMAIN
								      : IDREG_EPP_OBJ_CONTACT),
					 p, key);
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, name);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "</%s:%s><%s:trStatus>%s</%s:trStatus><%s:reID>", p, key,
				       p, t->status, p, p);
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, t->gaining);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "</%s:reID><%s:reDate>%s</%s:reDate><%s:acID>", p, p,
				       requested, p, p);
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, t->losing);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "</%s:acID><%s:acDate>%s</%s:acDate>", p, p, acted, p);
	}
	if (err == IDREG_OK && object == IDREG_TRANSFER_DOMAIN && t->expires_after != IDREG_TIME_NONE) {
		char ex[IDREG_TIME_TEXT_MAX];
		idreg_time_format(t->expires_after, ex);
		err = idreg_buf_printf(out, "<%s:exDate>%s</%s:exDate>", p, ex, p);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "</%s:trnData>", p);
	}
	return err;
}

/* A poll message for @registrar about @t. */
static idreg_err tell(struct idreg_store *s, const char *registrar, enum idreg_transfer_object object,
		      const char *name, const struct idreg_transfer *t, struct idreg_diag *diag)
{
	static const struct {
		const char *status, *text;
	} texts[] = {
		{ "pending", "Transfer requested." },
		{ "clientApproved", "Transfer approved." },
		{ "clientRejected", "Transfer rejected." },
		{ "clientCancelled", "Transfer cancelled." },
		{ "serverApproved", "Transfer approved by the registry." },
		{ "serverCancelled", "Transfer cancelled by the registry." },
	};
	const char *text = "Transfer changed.";
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (strcmp(texts[i].status, t->status) == 0) {
			text = texts[i].text;
		}
	}
	struct idreg_buf resdata, msg;
	idreg_buf_init(&resdata, 4096);
	idreg_buf_init(&msg, 512);
	idreg_err err = write_trn_data(&resdata, object, name, t);
	if (err == IDREG_OK) {
		err = idreg_buf_printf(&msg, "%s %s %s", text, object_service[object], name);
	}
	int64_t id;
	if (err == IDREG_OK) {
		err = s->ops->poll_add(s, registrar, msg.data, resdata.data, &id, diag);
	} else {
		err = idreg_diag_set(diag, err, "a poll message about %s does not fit", name);
	}
	idreg_buf_free(&resdata);
	idreg_buf_free(&msg);
	return err;
}

static idreg_err set_status(struct idreg_epp_transferable *t, const char *name, bool on,
			    struct idreg_diag *diag)
{
	if (!idreg_epp_status_set(t->subject.status, sizeof(t->subject.status), name, on)) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "the statuses of %s do not fit", t->name);
	}
	return IDREG_OK;
}

/* The object changes hands: what approval (by the losing registrar or the registry) does. */
static idreg_err hand_over(struct idreg_store *s, int64_t change_set,
			   const struct idreg_epp_transferable *before, struct idreg_transfer *t,
			   int64_t now, struct idreg_diag *diag)
{
	struct idreg_epp_transferable after = *before;
	struct idreg_transfer_subject *a = &after.subject;
	snprintf(a->sponsor, sizeof(a->sponsor), "%s", t->gaining);
	a->transferred = now;
	for (size_t i = 0; i < NEW_AUTH_INFO_CHARS; i++) {
		a->auth_info[i] = auth_alphabet[randombytes_uniform(sizeof(auth_alphabet) - 1)];
	}
	a->auth_info[NEW_AUTH_INFO_CHARS] = '\0';
	if (before->object == IDREG_TRANSFER_DOMAIN) {
		if (t->expires_after != IDREG_TIME_NONE) {
			a->expires = t->expires_after;
		}
		idreg_epp_grace_set(&after, IDREG_GRACE_TRANSFER, now + a->transfer_grace_s);
	}
	t->action_due = now;
	idreg_err err = set_status(&after, "pendingTransfer", false, diag);
	if (err == IDREG_OK) {
		err = idreg_epp_transferable_save(s, change_set, before, &after, diag);
	}
	if (err == IDREG_OK) {
		err = s->ops->transfer_put(s, before->object, a->id, t, diag);
	}
	return err;
}

struct transfer_work {
	const struct idreg_epp_transfer_cmd *cmd;
	const struct idreg_epp_txn *txn;
	struct idreg_arena arena;
	struct idreg_epp_result refusal;
	struct idreg_transfer result;  /* what the answer's trnData shows */
};

static const char *noun(enum idreg_transfer_object object)
{
	return object == IDREG_TRANSFER_DOMAIN ? "domain" : "contact";
}

/* The object and its last transfer (has_transfer false when none). */
static idreg_err load(struct idreg_store *s, struct transfer_work *w,
		      struct idreg_epp_transferable *obj, struct idreg_transfer *t,
		      bool *has_transfer, struct idreg_diag *diag)
{
	const struct idreg_epp_transfer_cmd *c = w->cmd;
	idreg_err err = idreg_epp_transferable_load(s, c->object, c->name, &w->arena, obj, diag);
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "no %s %s", noun(c->object),
			      c->name);
	}
	if (err != IDREG_OK) {
		return err;
	}
	err = s->ops->transfer_get(s, c->object, obj->subject.id, t, diag);
	*has_transfer = err == IDREG_OK;
	return err == IDREG_ENOTFOUND ? IDREG_OK : err;
}

static idreg_err request(struct idreg_store *s, int64_t change_set, struct transfer_work *w,
			 const struct idreg_epp_transferable *obj, bool pending,
			 struct idreg_diag *diag)
{
	const struct idreg_epp_transfer_cmd *c = w->cmd;
	const struct idreg_transfer_subject *subject = &obj->subject;
	const char *me = w->txn->clid;
	static const char *const blocking[] = { "clientTransferProhibited",
						"serverTransferProhibited", "pendingDelete" };
	if (subject->sponsor[0] == '\0') {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_AUTHORIZATION,
			      "%s is held by the registry, not by a registrar", c->name);
	}
	if (strcmp(subject->sponsor, me) == 0) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_NOT_TRANSFERABLE,
			      "%s is sponsored by %s already", c->name, me);
	}
	if (!c->has_auth_info) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_MISSING_PARAM,
			      "a transfer request needs the authInfo of %s", c->name);
	}
	if (subject->auth_info[0] == '\0' || strcmp(subject->auth_info, c->auth_info) != 0) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_INVALID_AUTHINFO,
			      "wrong authInfo for %s", c->name);
	}
	if (pending) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_PENDING_TRANSFER,
			      "a transfer of %s is pending already", c->name);
	}
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++) {
		if (idreg_epp_status_has(subject->status, blocking[i])) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s has status %s",
				      c->name, blocking[i]);
		}
	}
	static const enum idreg_grace_period deleting[] = { IDREG_GRACE_REDEMPTION,
							     IDREG_GRACE_PENDING_DELETE,
							     IDREG_GRACE_PENDING_RESTORE };
	for (size_t i = 0; i < sizeof(deleting) / sizeof(deleting[0]); i++) {
		if (idreg_epp_grace_end(obj, deleting[i]) != IDREG_TIME_NONE) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s is in its %s",
				      c->name, idreg_grace_name(deleting[i]));
		}
	}
	struct idreg_transfer t = { .status = "pending", .requested = w->txn->now,
				    .action_due = w->txn->now + subject->transfer_wait_s,
				    .expires_after = IDREG_TIME_NONE };
	snprintf(t.gaining, sizeof(t.gaining), "%s", me);
	snprintf(t.losing, sizeof(t.losing), "%s", subject->sponsor);
	if (c->object == IDREG_TRANSFER_DOMAIN) {
		t.years = c->years > 0 ? c->years : 1;
		int64_t from = subject->expires != IDREG_TIME_NONE ? subject->expires : w->txn->now;
		t.expires_after = idreg_epp_add_months(from, 12 * t.years);
		int max = subject->max_years < IDREG_EPP_YEARS_MAX ? subject->max_years
								   : IDREG_EPP_YEARS_MAX;
		if (t.expires_after > idreg_epp_add_months(w->txn->now, 12 * max)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_PARAM_RANGE,
				      "%d more years would take %s beyond %d years from now", t.years,
				      c->name, max);
		}
	}
	struct idreg_epp_transferable after = *obj;
	idreg_err err = set_status(&after, "pendingTransfer", true, diag);
	if (err == IDREG_OK) {
		err = idreg_epp_transferable_save(s, change_set, obj, &after, diag);
	}
	if (err == IDREG_OK) {
		err = s->ops->transfer_put(s, c->object, subject->id, &t, diag);
	}
	if (err == IDREG_OK) {
		err = tell(s, t.losing, c->object, c->name, &t, diag);
	}
	w->result = t;
	return err;
}

/* approve, reject (the losing registrar) and cancel (the gaining one). */
static idreg_err answer_pending(struct idreg_store *s, int64_t change_set, struct transfer_work *w,
				const struct idreg_epp_transferable *obj, struct idreg_transfer *t,
				bool pending, struct idreg_diag *diag)
{
	const struct idreg_epp_transfer_cmd *c = w->cmd;
	const char *me = w->txn->clid;
	if (!pending) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_NOT_PENDING_TRANSFER,
			      "no transfer of %s is pending", c->name);
	}
	bool cancel = c->op == IDREG_EPP_TRANSFER_CANCEL;
	const char *party = cancel ? t->gaining : t->losing;
	if (strcmp(party, me) != 0) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_AUTHORIZATION,
			      "only the %s registrar (%s) may %s the transfer of %s",
			      cancel ? "requesting" : "sponsoring", party, op_names[c->op], c->name);
	}
	snprintf(t->status, sizeof(t->status), "%s",
		 c->op == IDREG_EPP_TRANSFER_APPROVE  ? "clientApproved"
		 : c->op == IDREG_EPP_TRANSFER_REJECT ? "clientRejected"
						      : "clientCancelled");
	idreg_err err;
	if (c->op == IDREG_EPP_TRANSFER_APPROVE) {
		err = hand_over(s, change_set, obj, t, w->txn->now, diag);
	} else {
		t->action_due = w->txn->now;
		struct idreg_epp_transferable after = *obj;
		err = set_status(&after, "pendingTransfer", false, diag);
		if (err == IDREG_OK) {
			err = idreg_epp_transferable_save(s, change_set, obj, &after, diag);
		}
		if (err == IDREG_OK) {
			err = s->ops->transfer_put(s, c->object, obj->subject.id, t, diag);
		}
	}
	if (err == IDREG_OK) {
		err = tell(s, cancel ? t->losing : t->gaining, c->object, c->name, t, diag);
	}
	w->result = *t;
	return err;
}

static idreg_err transfer_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				   struct idreg_diag *diag)
{
	struct transfer_work *w = ctx;
	const struct idreg_epp_transfer_cmd *c = w->cmd;
	struct idreg_epp_transferable obj;
	struct idreg_transfer t;
	bool has_transfer = false;
	idreg_err err = load(s, w, &obj, &t, &has_transfer, diag);
	if (err != IDREG_OK) {
		return err;
	}
	bool pending = has_transfer && strcmp(t.status, "pending") == 0;
	if (c->op == IDREG_EPP_TRANSFER_REQUEST) {
		return request(s, change_set, w, &obj, pending, diag);
	}
	if (c->op != IDREG_EPP_TRANSFER_QUERY) {
		return answer_pending(s, change_set, w, &obj, &t, pending, diag);
	}
	/* query: the parties, the sponsor, or whoever knows the authInfo */
	const char *me = w->txn->clid;
	bool party = has_transfer && (strcmp(t.gaining, me) == 0 || strcmp(t.losing, me) == 0);
	bool knows = c->has_auth_info && obj.subject.auth_info[0] != '\0' &&
		     strcmp(obj.subject.auth_info, c->auth_info) == 0;
	if (!party && !knows && strcmp(obj.subject.sponsor, me) != 0) {
		return c->has_auth_info ? idreg_epp_refuse(&w->refusal, IDREG_EPP_INVALID_AUTHINFO,
						 "wrong authInfo for %s", c->name)
					: idreg_epp_refuse(&w->refusal, IDREG_EPP_AUTHORIZATION,
						 "only the registrars of a transfer, the sponsor or "
						 "who gives the authInfo may query %s", c->name);
	}
	if (!has_transfer) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_NOT_PENDING_TRANSFER,
			      "no transfer of %s was ever requested", c->name);
	}
	w->result = t;
	return IDREG_OK;
}

void idreg_epp_transfer_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep,
				enum idreg_transfer_object object)
{
	struct idreg_epp_transfer_cmd cmd;
	struct idreg_epp_result res;
	if (idreg_epp_transfer_parse(req->cmd, &cmd, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	cmd.object = object;
	struct transfer_work w = { .cmd = &cmd, .txn = &req->txn };
	idreg_arena_init(&w.arena, 0, 0);
	struct idreg_diag diag = { "" };
	idreg_err err = cmd.op == IDREG_EPP_TRANSFER_QUERY
				? req->store->read(req->store->ctx, transfer_in_store, &w, &diag)
				: req->store->write(req->store->ctx, &req->txn, transfer_in_store, &w,
						    &diag);
	idreg_arena_free(&w.arena);
	if (err == IDREG_EREFUSED) {
		idreg_epp_reply_set(rep, w.refusal.code, "%s", w.refusal.msg);
		return;
	}
	if (err == IDREG_OK) {
		err = write_trn_data(&rep->resdata, object, cmd.name, &w.result);
	}
	if (err != IDREG_OK) {
		idreg_log_error("EPP %s transfer %s of %s by %s: %s", noun(object), op_names[cmd.op],
				cmd.name, req->txn.clid, diag.text);
		idreg_buf_clear(&rep->resdata);
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "the transfer of %.64s could not be %s",
				    cmd.name, cmd.op == IDREG_EPP_TRANSFER_QUERY ? "read" : "recorded");
		return;
	}
	enum idreg_epp_code code = cmd.op == IDREG_EPP_TRANSFER_REQUEST ? IDREG_EPP_OK_PENDING
									: IDREG_EPP_OK;
	idreg_epp_reply_set(rep, code, "%s", idreg_epp_code_message(code));
}

idreg_err idreg_epp_transfer_server_approve(struct idreg_store *s, int64_t change_set,
					    enum idreg_transfer_object object, const char *name,
					    int64_t now, bool *done, struct idreg_diag *diag)
{
	*done = false;
	struct idreg_arena arena;
	idreg_arena_init(&arena, 0, 0);
	struct idreg_epp_transferable obj;
	struct idreg_transfer t;
	idreg_err err = idreg_epp_transferable_load(s, object, name, &arena, &obj, diag);
	if (err == IDREG_OK) {
		err = s->ops->transfer_get(s, object, obj.subject.id, &t, diag);
	}
	if (err == IDREG_OK && strcmp(t.status, "pending") == 0 && t.action_due <= now) {
		snprintf(t.status, sizeof(t.status), "serverApproved");
		err = hand_over(s, change_set, &obj, &t, now, diag);
		if (err == IDREG_OK) {
			err = tell(s, t.gaining, object, name, &t, diag);
		}
		if (err == IDREG_OK) {
			err = tell(s, t.losing, object, name, &t, diag);
		}
		*done = err == IDREG_OK;
	}
	idreg_arena_free(&arena);
	return err == IDREG_ENOTFOUND ? IDREG_OK : err;
}
