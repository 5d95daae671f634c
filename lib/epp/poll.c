/*
 * EPP poll (RFC 5730 section 2.9.2.3): a registrar's message queue, oldest
 * first.  op="req" answers 1300 when the queue is empty, else 1301 with the
 * oldest message waiting: <msgQ count id> with its <qDate> and <msg>, and
 * the message's <resData>.  op="ack" takes message msgID off the queue
 * (2303 when the registrar has no such message waiting: another
 * registrar's, one acknowledged already, or none) and answers 1000 with the
 * count left and the id of the next message -- of the one acknowledged
 * when none is left, since the schema requires an id.  The messages are
 * queued by the transforms and the registry's clock (transfer.c, clock.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "epp/object.h"
#include "epp/response.h"

/* Ids are positive integers of at most 18 digits. */
#define MSG_ID_MAX_DIGITS 18

struct poll_work {
	const char *registrar;
	int64_t ack_id;             /* op="ack": the message to take off */
	bool found;                 /* the queue's front was read */
	int64_t front_id;
	uint64_t count;
	struct idreg_epp_reply *rep;
	idreg_err write_err;        /* an error writing the answer */
};

static idreg_err front_seen(void *ctx, const struct idreg_poll_message *m)
{
	struct poll_work *w = ctx;
	w->found = true;
	w->front_id = m->id;
	w->count = m->count;
	if (w->ack_id != 0) {
		return IDREG_OK; /* ack answers the count and id only */
	}
	idreg_err err = idreg_buf_printf(&w->rep->msgq,
					 "<msgQ count=\"%" PRIu64 "\" id=\"%" PRId64 "\"><qDate>",
					 m->count, m->id);
	if (err == IDREG_OK) {
		err = idreg_epp_escape(&w->rep->msgq, m->queued_at);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(&w->rep->msgq, "</qDate><msg>");
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(&w->rep->msgq, m->message);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(&w->rep->msgq, "</msg></msgQ>");
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(&w->rep->resdata, m->resdata);
	}
	w->write_err = err;
	return IDREG_OK;
}

static idreg_err read_front(struct idreg_store *s, int64_t change_set, void *ctx,
			    struct idreg_diag *diag)
{
	(void)change_set;
	struct poll_work *w = ctx;
	return s->ops->poll_front(s, w->registrar, front_seen, w, diag);
}

static idreg_err ack_and_read_front(struct idreg_store *s, int64_t change_set, void *ctx,
				    struct idreg_diag *diag)
{
	struct poll_work *w = ctx;
	idreg_err err = s->ops->poll_ack(s, w->registrar, w->ack_id, diag);
	return err == IDREG_OK ? read_front(s, change_set, ctx, diag) : err;
}

/* A msgID as a message id; 0 when it cannot be one. */
static int64_t parse_msg_id(const char *text)
{
	size_t len = strlen(text);
	if (len == 0 || len > MSG_ID_MAX_DIGITS || strspn(text, "0123456789") != len) {
		return 0;
	}
	return strtoll(text, NULL, 10);
}

static void poll_ack(const struct idreg_epp_request *req, struct idreg_epp_reply *rep,
		     struct poll_work *w)
{
	w->ack_id = parse_msg_id(req->cmd->msg_id);
	if (w->ack_id <= 0) {
		idreg_epp_reply_set(rep, IDREG_EPP_DOES_NOT_EXIST, "no message %.32s waiting for %s",
				    req->cmd->msg_id, w->registrar);
		return;
	}
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->write(req->store->ctx, &req->txn, ack_and_read_front, w, &diag);
	if (err == IDREG_ENOTFOUND) {
		idreg_epp_reply_set(rep, IDREG_EPP_DOES_NOT_EXIST, "no message %" PRId64
				    " waiting for %s", w->ack_id, w->registrar);
		return;
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(&rep->msgq, "<msgQ count=\"%" PRIu64 "\" id=\"%" PRId64 "\"/>",
				       w->found ? w->count : 0, w->found ? w->front_id : w->ack_id);
	}
	if (err != IDREG_OK) {
		idreg_log_error("EPP poll ack of %s by %s: %s", req->cmd->msg_id, w->registrar, diag.text);
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "the message could not be acknowledged");
		return;
	}
	idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", idreg_epp_code_message(IDREG_EPP_OK));
}

static void poll_req(const struct idreg_epp_request *req, struct idreg_epp_reply *rep,
		     struct poll_work *w)
{
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->read(req->store->ctx, read_front, w, &diag);
	if (err == IDREG_OK && w->write_err != IDREG_OK) {
		err = idreg_diag_set(&diag, w->write_err, "the message does not fit in a frame");
	}
	if (err != IDREG_OK) {
		idreg_log_error("EPP poll req by %s: %s", w->registrar, diag.text);
		idreg_buf_clear(&rep->msgq);
		idreg_buf_clear(&rep->resdata);
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "the message queue could not be read");
		return;
	}
	enum idreg_epp_code code = w->found ? IDREG_EPP_OK_ACK_TO_DEQUEUE : IDREG_EPP_OK_NO_MESSAGES;
	idreg_epp_reply_set(rep, code, "%s", idreg_epp_code_message(code));
}

void idreg_epp_poll_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct poll_work w = { .registrar = req->txn.clid, .rep = rep, .write_err = IDREG_OK };
	if (strcmp(req->cmd->op, "ack") == 0) {
		poll_ack(req, rep, &w);
	} else {
		poll_req(req, rep, &w);
	}
}
