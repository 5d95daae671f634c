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

/* The end of pendingDelete: the domain goes, with a history line "delete". */
static idreg_err purge(struct idreg_store *s, int64_t change_set,
		       const struct idreg_epp_transferable *d, struct idreg_diag *diag)
{
	struct idreg_buf before;
	idreg_buf_init(&before, 1 << 20);
	idreg_err err = idreg_prov_domain_format(&d->domain, &before);
	if (err == IDREG_OK) {
		const struct idreg_history_entry e = {
			.change_set = change_set, .object_type = "domain",
			.first_id = d->subject.id, .last_id = d->subject.id,
			.change = IDREG_CHANGE_DELETE, .before = before.data,
		};
		err = s->ops->history_add(s, &e, diag);
	} else {
		err = idreg_diag_set(diag, err, "the history of %s does not fit", d->name);
	}
	if (err == IDREG_OK) {
		err = s->ops->prov_domain_delete(s, d->subject.id, diag);
	}
	if (err == IDREG_OK && d->subject.sponsor[0] != '\0') {
		err = tell_sponsor(s, d->subject.sponsor, d->name,
				   "was deleted at the end of its pendingDelete period.", IDREG_TIME_NONE,
				   diag);
	}
	idreg_buf_free(&before);
	return err;
}

/* A grace period of @d that ended at or before @now. */
static idreg_err end_grace(struct idreg_store *s, int64_t change_set,
			   const struct idreg_epp_transferable *d, enum idreg_grace_period period,
			   int64_t now, struct idreg_epp_clock_report *report, struct idreg_diag *diag)
{
	if (period == IDREG_GRACE_PENDING_DELETE) {
		idreg_err err = purge(s, change_set, d, diag);
		report->purged += err == IDREG_OK;
		return err;
	}
	struct idreg_epp_transferable after = *d;
	idreg_epp_grace_set(&after, period, IDREG_TIME_NONE);
	bool redemption = period == IDREG_GRACE_REDEMPTION;
	if (redemption) {
		/* A delete may have set the pendingDelete period already. */
		if (idreg_epp_grace_end(d, IDREG_GRACE_PENDING_DELETE) == IDREG_TIME_NONE) {
			idreg_epp_grace_set(&after, IDREG_GRACE_PENDING_DELETE,
					    now + d->subject.pending_delete_s);
		}
		if (!idreg_epp_status_set(after.subject.status, sizeof(after.subject.status),
					  "pendingDelete", true)) {
			return idreg_diag_set(diag, IDREG_ETOOBIG, "the statuses of %s do not fit",
					      d->name);
		}
	}
	idreg_err err = idreg_epp_transferable_save(s, change_set, d, &after, diag);
	if (err == IDREG_OK) {
		*(redemption ? &report->redemptions_ended : &report->grace_ended) += 1;
	}
	return err;
}

/* A sponsored domain past its expiry, not being deleted: a year more (or
 * the whole years that take it past @now). */
static idreg_err auto_renew(struct idreg_store *s, int64_t change_set,
			    const struct idreg_epp_transferable *d, int64_t now,
			    struct idreg_epp_clock_report *report, struct idreg_diag *diag)
{
	const struct idreg_transfer_subject *t = &d->subject;
	if (t->sponsor[0] == '\0' || t->expires == IDREG_TIME_NONE || t->expires > now ||
	    idreg_epp_grace_end(d, IDREG_GRACE_REDEMPTION) != IDREG_TIME_NONE ||
	    idreg_epp_grace_end(d, IDREG_GRACE_PENDING_DELETE) != IDREG_TIME_NONE) {
		return IDREG_OK; /* no longer due */
	}
	/* A clock that was stopped catches up in one renewal of the years missed. */
	struct idreg_epp_transferable after = *d;
	int years = 1;
	while (idreg_epp_add_months(t->expires, 12 * years) <= now && years < AUTO_RENEW_YEARS_MAX) {
		years++;
	}
	after.subject.expires = idreg_epp_add_months(t->expires, 12 * years);
	idreg_epp_grace_set(&after, IDREG_GRACE_AUTO_RENEW, now + t->autorenew_grace_s);
	idreg_err err = idreg_epp_transferable_save(s, change_set, d, &after, diag);
	if (err == IDREG_OK) {
		err = tell_sponsor(s, t->sponsor, d->name, "was renewed automatically.",
				   after.subject.expires, diag);
	}
	report->renewed += err == IDREG_OK;
	return err;
}

struct due_write {
	const struct due_item *item;
	int64_t now;
	struct idreg_epp_clock_report *report;
};

static idreg_err do_domain(struct idreg_store *s, int64_t change_set, struct due_write *w,
			   struct idreg_arena *arena, struct idreg_diag *diag)
{
	const struct due_item *it = w->item;
	struct idreg_epp_transferable d;
	idreg_err err = idreg_epp_transferable_load(s, IDREG_TRANSFER_DOMAIN, it->name, arena, &d,
						    diag);
	if (err == IDREG_ENOTFOUND) {
		return IDREG_OK; /* gone meanwhile */
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (it->kind == IDREG_DUE_EXPIRED) {
		return auto_renew(s, change_set, &d, w->now, w->report, diag);
	}
	enum idreg_grace_period period;
	if (!idreg_grace_parse(it->period, strlen(it->period), &period)) {
		return idreg_diag_set(diag, IDREG_ESTORE, "%s: no grace period %s", it->name, it->period);
	}
	int64_t ends = idreg_epp_grace_end(&d, period);
	if (ends == IDREG_TIME_NONE || ends > w->now) {
		return IDREG_OK; /* ended or moved meanwhile */
	}
	return end_grace(s, change_set, &d, period, w->now, w->report, diag);
}

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
	struct idreg_arena arena;
	idreg_arena_init(&arena, 0, 0);
	idreg_err err = do_domain(s, change_set, w, &arena, diag);
	idreg_arena_free(&arena);
	return err;
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
