/*
 * The registry's clock.  See clock.h; the rules are in docs/epp.md, "The
 * registry's clock".  A tick reads what is due, a batch at a time, and
 * makes each change in its own write, checking again inside it that the
 * change is still due (a registrar may have acted in between).
 */
#include "epp/clock.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "epp/response.h"
#include "epp/transfer.h"

/* Due items read at once, of each kind, and batches a tick does at most. */
#define CLOCK_BATCH 64
#define CLOCK_ROUNDS 64
/* Years one auto-renewal adds at most. */
#define AUTO_RENEW_YEARS_MAX 10
/* The actor of the clock's change sets. */
#define CLOCK_ACTOR "registry"

struct due_item {
	enum idreg_due_kind kind;
	enum idreg_transfer_object object;
	char name[1024];
	char period[24];
};

struct due_batch {
	struct due_item items[3 * CLOCK_BATCH];
	size_t n;
};

static idreg_err collect(void *ctx, const struct idreg_due *due)
{
	struct due_batch *b = ctx;
	if (b->n < sizeof(b->items) / sizeof(b->items[0])) {
		struct due_item *it = &b->items[b->n++];
		it->kind = due->kind;
		it->object = due->object;
		snprintf(it->name, sizeof(it->name), "%s", due->name);
		snprintf(it->period, sizeof(it->period), "%s", due->kind == IDREG_DUE_GRACE ? due->period : "");
	}
	return IDREG_OK;
}

struct due_read {
	int64_t now;
	struct due_batch *batch;
};

static idreg_err read_due(struct idreg_store *s, int64_t change_set, void *ctx,
			  struct idreg_diag *diag)
{
	(void)change_set;
	struct due_read *r = ctx;
	r->batch->n = 0;
	return s->ops->clock_due(s, r->now, CLOCK_BATCH, collect, r->batch, diag);
}

/* A history line of domain @after changed from @before (@after NULL: deleted). */
static idreg_err record(struct idreg_store *s, int64_t change_set, const char *name,
			const struct idreg_transfer_subject *before,
			const struct idreg_transfer_subject *after, struct idreg_diag *diag)
{
	struct idreg_buf b, a;
	idreg_buf_init(&b, 4096);
	idreg_buf_init(&a, 4096);
	idreg_err err = idreg_epp_subject_text(IDREG_TRANSFER_DOMAIN, name, before, false, &b);
	if (err == IDREG_OK && after != NULL) {
		err = idreg_epp_subject_text(IDREG_TRANSFER_DOMAIN, name, after, false, &a);
	}
	if (err == IDREG_OK) {
		const struct idreg_history_entry e = {
			.change_set = change_set, .object_type = "domain",
			.first_id = before->id, .last_id = before->id,
			.change = after != NULL ? IDREG_CHANGE_UPDATE : IDREG_CHANGE_DELETE,
			.before = b.data, .after = after != NULL ? a.data : NULL,
		};
		err = s->ops->history_add(s, &e, diag);
	} else {
		err = idreg_diag_set(diag, err, "the history of %s does not fit", name);
	}
	if (err == IDREG_OK && after != NULL) {
		err = s->ops->subject_put(s, IDREG_TRANSFER_DOMAIN, after, diag);
	}
	idreg_buf_free(&b);
	idreg_buf_free(&a);
	return err;
}

/* A poll message to the sponsor of @name: @text, and <domain:renData> with
 * @expires unless it is IDREG_TIME_NONE. */
static idreg_err tell_sponsor(struct idreg_store *s, const char *sponsor, const char *name,
			      const char *text, int64_t expires, struct idreg_diag *diag)
{
	struct idreg_buf resdata, msg;
	idreg_buf_init(&resdata, 4096);
	idreg_buf_init(&msg, 1536);
	idreg_err err = idreg_buf_printf(&msg, "%s %s", name, text);
	if (err == IDREG_OK && expires != IDREG_TIME_NONE) {
		char ex[IDREG_TIME_TEXT_MAX];
		idreg_time_format(expires, ex);
		err = idreg_buf_printf(&resdata, "<domain:renData xmlns:domain=\"%s\"><domain:name>",
				       idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN));
		if (err == IDREG_OK) {
			err = idreg_epp_escape(&resdata, name);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_printf(&resdata, "</domain:name><domain:exDate>%s</domain:exDate>"
					       "</domain:renData>", ex);
		}
	}
	int64_t id;
	err = err == IDREG_OK ? s->ops->poll_add(s, sponsor, msg.data, resdata.data, &id, diag)
			      : idreg_diag_set(diag, err, "a poll message about %s does not fit", name);
	idreg_buf_free(&resdata);
	idreg_buf_free(&msg);
	return err;
}

static idreg_err set_status(struct idreg_transfer_subject *d, const char *name, bool on,
			    struct idreg_diag *diag)
{
	if (!idreg_epp_status_set(d->status, sizeof(d->status), name, on)) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "the statuses of domain %" PRId64
				      " do not fit", d->id);
	}
	return IDREG_OK;
}

/* A grace period of @d that ended at or before @now. */
static idreg_err end_grace(struct idreg_store *s, int64_t change_set, const char *name,
			   const struct idreg_transfer_subject *d, const char *period, int64_t now,
			   struct idreg_epp_clock_report *report, struct idreg_diag *diag)
{
	if (strcmp(period, "pendingDelete") == 0) {
		idreg_err err = record(s, change_set, name, d, NULL, diag);
		if (err == IDREG_OK) {
			err = s->ops->domain_purge(s, d->id, diag);
		}
		if (err == IDREG_OK && d->sponsor[0] != '\0') {
			err = tell_sponsor(s, d->sponsor, name,
					   "was deleted at the end of its pendingDelete period.",
					   IDREG_TIME_NONE, diag);
		}
		report->purged += err == IDREG_OK;
		return err;
	}
	struct idreg_transfer_subject after = *d;
	idreg_err err = s->ops->grace_delete(s, d->id, period, diag);
	bool redemption = strcmp(period, "redemptionPeriod") == 0;
	if (err == IDREG_OK && redemption) {
		err = s->ops->grace_put(s, d->id, "pendingDelete", now + d->pending_delete_s, diag);
		if (err == IDREG_OK) {
			err = set_status(&after, "pendingDelete", true, diag);
		}
	}
	if (err == IDREG_OK && idreg_epp_status_has(after.status, period)) {
		err = set_status(&after, period, false, diag);
	}
	if (err == IDREG_OK && strcmp(after.status, d->status) != 0) {
		err = record(s, change_set, name, d, &after, diag);
	}
	if (err == IDREG_OK) {
		*(redemption ? &report->redemptions_ended : &report->grace_ended) += 1;
	}
	return err;
}

/* A sponsored domain past its expiry, not being deleted: a year more (or
 * the whole years that take it past @now). */
static idreg_err auto_renew(struct idreg_store *s, int64_t change_set, const char *name,
			    const struct idreg_transfer_subject *d, int64_t now,
			    struct idreg_epp_clock_report *report, struct idreg_diag *diag)
{
	int64_t ends;
	if (d->sponsor[0] == '\0' || d->expires == IDREG_TIME_NONE || d->expires > now ||
	    s->ops->grace_ends(s, d->id, "redemptionPeriod", &ends, diag) == IDREG_OK ||
	    s->ops->grace_ends(s, d->id, "pendingDelete", &ends, diag) == IDREG_OK) {
		return IDREG_OK; /* no longer due */
	}
	/* A clock that was stopped catches up in one renewal of the years missed. */
	struct idreg_transfer_subject after = *d;
	int years = 1;
	while (idreg_epp_add_years(d->expires, years) <= now && years < AUTO_RENEW_YEARS_MAX) {
		years++;
	}
	after.expires = idreg_epp_add_years(d->expires, years);
	idreg_err err = record(s, change_set, name, d, &after, diag);
	if (err == IDREG_OK) {
		err = s->ops->grace_put(s, d->id, "autoRenewPeriod", now + d->autorenew_grace_s, diag);
	}
	if (err == IDREG_OK) {
		err = tell_sponsor(s, d->sponsor, name, "was renewed automatically.", after.expires,
				   diag);
	}
	report->renewed += err == IDREG_OK;
	return err;
}

struct due_write {
	const struct due_item *item;
	int64_t now;
	struct idreg_epp_clock_report *report;
};

static idreg_err do_item(struct idreg_store *s, int64_t change_set, void *ctx,
			 struct idreg_diag *diag)
{
	struct due_write *w = ctx;
	const struct due_item *it = w->item;
	if (it->kind == IDREG_DUE_TRANSFER) {
		bool done;
		idreg_err err = idreg_epp_transfer_server_approve(s, change_set, it->object, it->name,
								  w->now, &done, diag);
		w->report->transfers_approved += done;
		return err;
	}
	struct idreg_transfer_subject d;
	idreg_err err = s->ops->subject_get(s, IDREG_TRANSFER_DOMAIN, it->name, &d, diag);
	if (err == IDREG_ENOTFOUND) {
		return IDREG_OK; /* gone meanwhile */
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (it->kind == IDREG_DUE_EXPIRED) {
		return auto_renew(s, change_set, it->name, &d, w->now, w->report, diag);
	}
	int64_t ends;
	err = s->ops->grace_ends(s, d.id, it->period, &ends, diag);
	if (err == IDREG_ENOTFOUND || (err == IDREG_OK && ends > w->now)) {
		return IDREG_OK; /* ended or moved meanwhile */
	}
	return err == IDREG_OK ? end_grace(s, change_set, it->name, &d, it->period, w->now, w->report,
					   diag)
			       : err;
}

idreg_err idreg_epp_clock_tick(const struct idreg_epp_store_access *store, int64_t now,
			       struct idreg_epp_clock_report *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	struct due_batch *batch = malloc(sizeof(*batch));
	if (batch == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	const struct idreg_epp_txn txn = { .clid = CLOCK_ACTOR, .svtrid = NULL, .cltrid = "",
					   .now = now };
	struct due_read r = { now, batch };
	idreg_err err = IDREG_OK;
	for (unsigned round = 0; round < CLOCK_ROUNDS; round++) {
		err = store->read(store->ctx, read_due, &r, diag);
		if (err != IDREG_OK || batch->n == 0) {
			break;
		}
		unsigned failed = out->failed;
		for (size_t i = 0; i < batch->n; i++) {
			struct due_write w = { &batch->items[i], now, out };
			struct idreg_diag item_diag = { "" };
			if (store->write(store->ctx, &txn, do_item, &w, &item_diag) != IDREG_OK) {
				idreg_log_error("registry clock: %s: %s", batch->items[i].name,
						item_diag.text);
				out->failed++;
			}
		}
		if (out->failed - failed == batch->n) {
			break; /* nothing could be done: the next tick tries again */
		}
	}
	free(batch);
	return err;
}

/* ---- direct store access ---- */

static idreg_err direct_read(void *ctx, idreg_epp_store_fn fn, void *fn_ctx,
			     struct idreg_diag *diag)
{
	return fn(ctx, 0, fn_ctx, diag);
}

static idreg_err direct_write(void *ctx, const struct idreg_epp_txn *txn, idreg_epp_store_fn fn,
			      void *fn_ctx, struct idreg_diag *diag)
{
	struct idreg_store *s = ctx;
	char at[IDREG_TIME_TEXT_MAX];
	idreg_time_format(txn->now, at);
	int64_t change_set = 0;
	idreg_err err = s->ops->begin(s, diag);
	if (err != IDREG_OK) {
		return err;
	}
	err = s->ops->change_set_add(s, at, txn->clid, txn->svtrid,
				     txn->cltrid[0] != '\0' ? txn->cltrid : NULL, &change_set, diag);
	if (err == IDREG_OK) {
		err = fn(s, change_set, fn_ctx, diag);
	}
	if (err == IDREG_OK) {
		return s->ops->commit(s, diag);
	}
	s->ops->rollback(s);
	return err;
}

void idreg_epp_direct_access(struct idreg_store *s, struct idreg_epp_store_access *out)
{
	*out = (struct idreg_epp_store_access){ .read = direct_read, .write = direct_write, .ctx = s };
}
