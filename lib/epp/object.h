/*
 * What an EPP object command (domain, host, contact, poll) is given and
 * gives back, and how it reaches the store.  lib/epp's session code parses
 * the frame, checks the session and hands the command to its object's
 * handler with the registrar logged in, the transaction's svTRID and time;
 * the handler answers with a result code, a message, the <resData> and
 * <extension> contents of the response, and the <msgQ> of a poll.
 *
 * Store access goes through the daemon's executor (struct
 * idreg_epp_store_access), never a store of the handler's own: reads see a
 * consistent registry; a write runs inside one transaction that also
 * records the change set (time, registrar, svTRID, clTRID) its history
 * lines belong to, and returns only once that transaction is durably
 * committed -- or with an error, having changed nothing.  Handlers
 * acknowledge a transform only after write() returned IDREG_OK.
 */
#ifndef IDREG_EPP_OBJECT_H
#define IDREG_EPP_OBJECT_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "epp/command.h"
#include "idn/policy.h"
#include "store/store.h"

/* The clID and crID shown for objects the registry imported (no sponsor). */
#define IDREG_EPP_REGISTRY_CLID "registry"

/** The change set a write records: who, when and which transaction. */
struct idreg_epp_txn {
	const char *clid;          /* the registrar logged in */
	const char *svtrid, *cltrid; /* cltrid "" when the client sent none */
	int64_t now;               /* the command's time, seconds since 1970 */
};

/**
 * Work done inside a transaction (write) or a consistent read (read).
 * @change_set is the id of the change set a write recorded (for history
 * lines), 0 for a read.  An error rolls the write back.
 */
typedef idreg_err (*idreg_epp_store_fn)(struct idreg_store *s, int64_t change_set, void *ctx,
					struct idreg_diag *diag);

struct idreg_epp_store_access {
	idreg_err (*read)(void *ctx, idreg_epp_store_fn fn, void *fn_ctx, struct idreg_diag *diag);
	idreg_err (*write)(void *ctx, const struct idreg_epp_txn *txn, idreg_epp_store_fn fn,
			   void *fn_ctx, struct idreg_diag *diag);
	void *ctx;
	/* The IDN registration policy; use only inside read or write functions
	 * (they run one at a time). */
	struct idreg_idn_checker *idn_checker;
};

/** A command for an object handler. */
struct idreg_epp_request {
	const struct idreg_epp_command *cmd;
	struct idreg_epp_txn txn;
	const struct idreg_epp_store_access *store;
};

/** What the handler answers: @resdata and @extension are XML (empty: none). */
struct idreg_epp_reply {
	enum idreg_epp_code code;
	char msg[256];             /* "" for RFC 5730's message of the code */
	struct idreg_buf resdata;
	struct idreg_buf extension;
	struct idreg_buf msgq;     /* poll: the <msgQ> element, written whole */
};

/** Set @rep's code and message (printf-style); returns the code. */
enum idreg_epp_code idreg_epp_reply_set(struct idreg_epp_reply *rep, enum idreg_epp_code code,
					const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The handlers, one per object service and poll; each answers every verb
 * of its object (2101 for one it does not implement). */
void idreg_epp_domain_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep);
void idreg_epp_host_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep);
void idreg_epp_contact_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep);
void idreg_epp_poll_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep);

#endif
