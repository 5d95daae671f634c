/*
 * EPP sessions (RFC 5730 section 2, RFC 5734) as a protocol of the
 * event-loop server: the greeting when a client connects and on <hello>;
 * nothing but <hello> and <login> before login (2002); login checks the
 * registrar's password, allow-list and certificate pin (2200 for any
 * refusal, a disabled registrar too; the third in a session is 2501 and
 * closes it) and its number of open sessions
 * (2502 and close over the limit); a second login is 2002; logout answers
 * 1500 and closes.  A frame shorter than 5 bytes or over the size limit
 * is answered 2500 and the connection closed: its end cannot be known.
 * Object commands and poll go to their object's handler (epp/object.h)
 * with the registrar, the svTRID and the store access.  Every response
 * echoes the clTRID and carries an svTRID unique to this server's run.
 */
#ifndef IDREG_EPP_SESSION_H
#define IDREG_EPP_SESSION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/strmap.h"
#include "epp/command.h"
#include "epp/object.h"
#include "net/server.h"
#include "registrar/registrar.h"

/** Find registrar @id into @out: IDREG_ENOTFOUND when there is none. Runs on
 * any worker thread. */
typedef idreg_err (*idreg_epp_find_registrar)(void *ctx, const char *id,
					      struct idreg_registrar *out,
					      struct idreg_diag *diag);

/* A listener's EPP settings and shared state: its idreg_listener_config.ctx,
 * with .protocol = &cfg->protocol.  Set the fields, then idreg_epp_init. */
struct idreg_epp_config {
	size_t max_frame;                     /* epp.max_frame_bytes */
	long max_sessions_per_registrar;      /* epp.max_sessions_per_registrar */
	char server_id[65];                   /* svID of the greeting */
	struct idreg_epp_parse_limits limits;
	idreg_epp_find_registrar find_registrar;
	void *find_ctx;
	struct idreg_epp_store_access store;  /* the object handlers' registry */
	/* Set by idreg_epp_init. */
	struct idreg_protocol protocol;
	pthread_mutex_t lock;                 /* guards sessions */
	struct idreg_strmap sessions;         /* registrar id -> sessions open */
	atomic_uint_fast64_t transactions;    /* svTRIDs given */
	char trid_prefix[24];                 /* this run's svTRID prefix */
};

/** Set up the shared state and the protocol. */
idreg_err idreg_epp_init(struct idreg_epp_config *cfg);

void idreg_epp_free(struct idreg_epp_config *cfg);

#endif
