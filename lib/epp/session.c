/*
 * EPP sessions over the event-loop server.  See session.h.
 */
#include "epp/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "epp/domain.h"
#include "epp/frame.h"
#include "epp/object.h"
#include "epp/response.h"

/* Failed logins a session may make; the last one is answered 2501 and closed. */
#define MAX_LOGIN_FAILURES 3

struct session {
	bool logged_in;
	unsigned login_failures;
	char clid[IDREG_EPP_CLID_MAX + 1];
};

/* A fresh svTRID: this run's prefix (start time) and a counter. */
static void next_svtrid(struct idreg_epp_config *cfg, char *out, size_t size)
{
	uint_fast64_t n = atomic_fetch_add(&cfg->transactions, 1) + 1;
	snprintf(out, size, "%s-%llu", cfg->trid_prefix, (unsigned long long)n);
}

static void respond_with(struct idreg_conn *conn, enum idreg_epp_code code, const char *msg,
			 const struct idreg_epp_body *body, const char *cltrid, const char *svtrid)
{
	struct idreg_epp_config *cfg = conn->ctx;
	if (idreg_epp_write_result(&conn->out, code, msg, body, cltrid, svtrid, cfg->max_frame) !=
	    IDREG_OK) {
		conn->close_after_write = true; /* no room for an answer: nothing sane to say */
	}
	if (code >= IDREG_EPP_FAILED_CLOSING || code == IDREG_EPP_OK_ENDING) {
		conn->close_after_write = true;
	}
}

static void respond(struct idreg_conn *conn, enum idreg_epp_code code, const char *msg,
		    const char *cltrid)
{
	char svtrid[IDREG_EPP_TRID_MAX + 1];
	next_svtrid(conn->ctx, svtrid, sizeof(svtrid));
	respond_with(conn, code, msg, NULL, cltrid, svtrid);
}

static void greet(struct idreg_conn *conn)
{
	struct idreg_epp_config *cfg = conn->ctx;
	if (idreg_epp_write_greeting(&conn->out, cfg->server_id, time(NULL), cfg->max_frame) !=
	    IDREG_OK) {
		conn->close_after_write = true;
	}
}

/* Count a session of @clid; false if it would be over the limit. */
static bool session_take(struct idreg_epp_config *cfg, const char *clid)
{
	pthread_mutex_lock(&cfg->lock);
	int64_t open = 0;
	idreg_strmap_get(&cfg->sessions, clid, &open);
	bool ok = open < cfg->max_sessions_per_registrar &&
		  idreg_strmap_put(&cfg->sessions, clid, open + 1) == IDREG_OK;
	pthread_mutex_unlock(&cfg->lock);
	return ok;
}

static void session_release(struct idreg_epp_config *cfg, const char *clid)
{
	pthread_mutex_lock(&cfg->lock);
	int64_t open = 0;
	if (idreg_strmap_get(&cfg->sessions, clid, &open) == IDREG_OK && open > 0) {
		idreg_strmap_put(&cfg->sessions, clid, open - 1);
	}
	pthread_mutex_unlock(&cfg->lock);
}

static void login(struct idreg_conn *conn, const struct idreg_epp_command *cmd)
{
	struct idreg_epp_config *cfg = conn->ctx;
	struct session *ses = conn->state;
	const struct idreg_epp_login *cred = &cmd->login;
	char peer[IDREG_IP_TEXT_MAX], why[256];
	idreg_ip_format(&conn->peer, peer, sizeof(peer));
	if (ses->logged_in) {
		respond(conn, IDREG_EPP_USE, "already logged in; log out first", cmd->cltrid);
		return;
	}
	struct idreg_registrar r;
	struct idreg_diag diag = { "" };
	idreg_err err = cfg->find_registrar(cfg->find_ctx, cred->clid, &r, &diag);
	if (err != IDREG_OK && err != IDREG_ENOTFOUND) {
		idreg_log_error("EPP login of %s from %s: %s", cred->clid, peer, diag.text);
		respond(conn, IDREG_EPP_FAILED, "the registrar could not be read; try again later",
			cmd->cltrid);
		return;
	}
	unsigned char pin[32];
	bool has_cert = idreg_conn_peer_cert_sha256(conn, pin);
	if (err == IDREG_ENOTFOUND) {
		snprintf(why, sizeof(why), "no registrar %s", cred->clid);
	}
	if (err == IDREG_ENOTFOUND ||
	    !idreg_registrar_authenticate(&r, cred->pw, &conn->peer, has_cert ? pin : NULL, why,
					  sizeof(why))) {
		idreg_log_warn("EPP login refused from %s: %s", peer, why);
		respond(conn, ++ses->login_failures < MAX_LOGIN_FAILURES ? IDREG_EPP_AUTH
									 : IDREG_EPP_AUTH_CLOSING,
			NULL, cmd->cltrid);
		return;
	}
	if (cred->new_pw[0] != '\0') {
		respond(conn, IDREG_EPP_UNIMPL_OPTION,
			"a password is changed with 'idreg registrar passwd', not at login",
			cmd->cltrid);
		return;
	}
	if (!session_take(cfg, r.id)) {
		idreg_log_warn("EPP login of %s from %s: over %ld sessions", r.id, peer,
			       cfg->max_sessions_per_registrar);
		respond(conn, IDREG_EPP_SESSION_LIMIT, NULL, cmd->cltrid);
		return;
	}
	ses->logged_in = true;
	snprintf(ses->clid, sizeof(ses->clid), "%s", r.id);
	idreg_log_info("EPP login of %s from %s", r.id, peer);
	respond(conn, IDREG_EPP_OK, NULL, cmd->cltrid);
}

enum idreg_epp_code idreg_epp_reply_set(struct idreg_epp_reply *rep, enum idreg_epp_code code,
					const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rep->msg, sizeof(rep->msg), fmt, ap);
	va_end(ap);
	rep->code = code;
	return code;
}

/* An object command or poll: its handler's answer, with this transaction's svTRID. */
static void object_command(struct idreg_conn *conn, const struct idreg_epp_command *cmd)
{
	struct idreg_epp_config *cfg = conn->ctx;
	struct session *ses = conn->state;
	char svtrid[IDREG_EPP_TRID_MAX + 1];
	next_svtrid(cfg, svtrid, sizeof(svtrid));
	const struct idreg_epp_request req = {
		.cmd = cmd,
		.txn = { .clid = ses->clid, .svtrid = svtrid, .cltrid = cmd->cltrid,
			 .now = (int64_t)time(NULL) },
		.store = &cfg->store,
	};
	struct idreg_epp_reply rep = { .code = IDREG_EPP_FAILED, .msg = "" };
	idreg_buf_init(&rep.resdata, cfg->max_frame);
	idreg_buf_init(&rep.extension, cfg->max_frame);
	idreg_buf_init(&rep.msgq, cfg->max_frame);
	if (cmd->verb == IDREG_EPP_POLL) {
		idreg_epp_poll_command(&req, &rep);
	} else if (cmd->object == IDREG_EPP_OBJ_DOMAIN) {
		idreg_epp_domain_command(&req, &rep);
	} else if (cmd->object == IDREG_EPP_OBJ_HOST) {
		idreg_epp_host_command(&req, &rep);
	} else if (cmd->object == IDREG_EPP_OBJ_CONTACT) {
		idreg_epp_contact_command(&req, &rep);
	} else {
		idreg_epp_reply_set(&rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
				    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
	}
	const struct idreg_epp_body body = { rep.msgq.data, rep.resdata.data, rep.extension.data };
	respond_with(conn, rep.code, rep.msg[0] != '\0' ? rep.msg : NULL,
		     rep.code < 2000 ? &body : NULL, cmd->cltrid, svtrid);
	idreg_buf_free(&rep.resdata);
	idreg_buf_free(&rep.extension);
	idreg_buf_free(&rep.msgq);
}

static void handle_frame(struct idreg_conn *conn, const char *xml, size_t len)
{
	struct idreg_epp_config *cfg = conn->ctx;
	struct session *ses = conn->state;
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse(xml, len, &cfg->limits, &cmd, &res) != IDREG_EPP_OK) {
		respond(conn, res.code, res.msg, cmd.cltrid);
	} else if (cmd.kind == IDREG_EPP_HELLO) {
		greet(conn);
	} else if (cmd.verb == IDREG_EPP_LOGIN) {
		login(conn, &cmd);
	} else if (!ses->logged_in) {
		respond(conn, IDREG_EPP_USE, "log in first: only <hello> and <login> come before it",
			cmd.cltrid);
	} else if (cmd.verb == IDREG_EPP_LOGOUT) {
		respond(conn, IDREG_EPP_OK_ENDING, NULL, cmd.cltrid);
	} else {
		object_command(conn, &cmd);
	}
	idreg_epp_command_free(&cmd);
}

static void epp_open(struct idreg_conn *conn)
{
	greet(conn);
}

static void epp_input(struct idreg_conn *conn, bool eof)
{
	struct idreg_epp_config *cfg = conn->ctx;
	size_t total;
	struct idreg_diag diag = { "" };
	if (idreg_epp_frame_peek(conn->in, conn->in_len, cfg->max_frame, &total, &diag) !=
	    IDREG_OK) {
		char peer[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&conn->peer, peer, sizeof(peer));
		idreg_log_info("EPP session from %s closed: %s", peer, diag.text);
		respond(conn, IDREG_EPP_FAILED_CLOSING, diag.text, "");
		idreg_conn_consume(conn, conn->in_len);
		conn->midway = false;
		return;
	}
	if (total > 0) {
		handle_frame(conn, conn->in + IDREG_EPP_HEADER_BYTES, total - IDREG_EPP_HEADER_BYTES);
		idreg_conn_consume(conn, total);
	}
	conn->midway = conn->in_len > 0;
}

static void epp_overloaded(struct idreg_conn *conn)
{
	idreg_buf_clear(&conn->out); /* not the greeting: there is no session */
	respond(conn, IDREG_EPP_FAILED_CLOSING, "too many connections; try again later", "");
}

static void epp_close(struct idreg_conn *conn)
{
	struct session *ses = conn->state;
	if (ses->logged_in) {
		session_release(conn->ctx, ses->clid);
	}
}

idreg_err idreg_epp_init(struct idreg_epp_config *cfg)
{
	xmlInitParser();
	cfg->protocol = (struct idreg_protocol){
		.state_size = sizeof(struct session),
		.input_max = cfg->max_frame,
		/* Answers of a pipelining client queue while it does not read them. */
		.output_max = 4 * cfg->max_frame,
		.client_first = false,
		.nodelay = true,
		.open = epp_open,
		.input = epp_input,
		.overloaded = epp_overloaded,
		.close = epp_close,
	};
	idreg_strmap_init(&cfg->sessions);
	atomic_init(&cfg->transactions, 0);
	snprintf(cfg->trid_prefix, sizeof(cfg->trid_prefix), "IDREG-%llx",
		 (unsigned long long)time(NULL));
	return pthread_mutex_init(&cfg->lock, NULL) == 0 ? IDREG_OK : IDREG_ENOMEM;
}

void idreg_epp_free(struct idreg_epp_config *cfg)
{
	pthread_mutex_destroy(&cfg->lock);
	idreg_strmap_free(&cfg->sessions);
}
