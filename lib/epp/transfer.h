/*
 * EPP transfers of domains (RFC 5731 3.2.4) and contacts (RFC 5733 3.2.4):
 * request, query, approve, reject and cancel, and the server's approval
 * when the losing registrar does not act in time (the registry's clock,
 * clock.h).  A transfer is one row per object (the last requested); each
 * step tells the other party by a poll message carrying <trnData>.  The
 * rules (result codes, what approval changes) are in docs/epp.md,
 * "Transfers".
 */
#ifndef IDREG_EPP_TRANSFER_H
#define IDREG_EPP_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "epp/command.h"
#include "epp/domain.h"
#include "epp/object.h"
#include "provision/domain.h"
#include "store/store.h"

/* Years a transfer may add: RFC 5731 periods are 1 to 99, idreg allows 1 to 10. */
#define IDREG_EPP_YEARS_MAX 10

enum idreg_epp_transfer_op {
	IDREG_EPP_TRANSFER_REQUEST,
	IDREG_EPP_TRANSFER_QUERY,
	IDREG_EPP_TRANSFER_APPROVE,
	IDREG_EPP_TRANSFER_REJECT,
	IDREG_EPP_TRANSFER_CANCEL,
};

/** A <transfer> command as read from the frame. */
struct idreg_epp_transfer_cmd {
	enum idreg_transfer_object object;
	enum idreg_epp_transfer_op op;
	char name[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_NAME_MAX)]; /* domain (lower-cased ASCII) or contact id */
	int years;                  /* <domain:period> in years, 0 when absent */
	bool has_auth_info;
	char auth_info[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_DOMAIN_PW_MAX)]; /* the bounds of domain.h */
};

/**
 * Read @cmd (a <transfer> of the domain or contact service) into @out.
 * Returns 1000, or the code with @res saying why: 2001 structure, 2003 a
 * missing name or id, 2005 a value of the wrong form or length, 2004 a
 * period outside 1 to IDREG_EPP_YEARS_MAX years, 2306 a period in months
 * that is no whole number of years.
 */
enum idreg_epp_code idreg_epp_transfer_parse(const struct idreg_epp_command *cmd,
					     struct idreg_epp_transfer_cmd *out,
					     struct idreg_epp_result *res);

/** Answer a <transfer> of @object (the domain and contact handlers call this). */
void idreg_epp_transfer_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep,
				enum idreg_transfer_object object);

/**
 * The registry's approval of the pending transfer of @name at @now, inside
 * a write (the clock's): the object changes hands as on a registrar's
 * approval, with trStatus serverApproved, and both registrars get a poll
 * message.  *@done is false when no transfer of @name is pending and due.
 */
idreg_err idreg_epp_transfer_server_approve(struct idreg_store *s, int64_t change_set,
					    enum idreg_transfer_object object, const char *name,
					    int64_t now, bool *done, struct idreg_diag *diag);

/**
 * A domain or a contact as transfers and the clock read and change it:
 * @subject the sponsor, authInfo, statuses, dates and the TLD's settings
 * (domains: from the provisioned domain of lib/provision/domain.h and its
 * TLD, the defaults of lib/provision/tld.h when the TLD is not served;
 * contacts: from the entity row), @grace a domain's grace periods, and
 * @domain the provisioned domain as loaded, whose other parts are written
 * back unchanged.
 */
struct idreg_epp_transferable {
	enum idreg_transfer_object object;
	const char *name;
	struct idreg_transfer_subject subject;
	struct idreg_grace grace[IDREG_GRACE_COUNT];
	size_t n_grace;
	struct idreg_prov_domain domain;
};

/** Load @name into @out (domain strings in @arena); IDREG_ENOTFOUND when none. */
idreg_err idreg_epp_transferable_load(struct idreg_store *s, enum idreg_transfer_object object,
				      const char *name, struct idreg_arena *arena,
				      struct idreg_epp_transferable *out, struct idreg_diag *diag);

/** Write @after over @before (loaded by idreg_epp_transferable_load) with
 * the history line of the change in @change_set. */
idreg_err idreg_epp_transferable_save(struct idreg_store *s, int64_t change_set,
				      const struct idreg_epp_transferable *before,
				      const struct idreg_epp_transferable *after,
				      struct idreg_diag *diag);

/** The end of @t's grace period @period, IDREG_TIME_NONE when not running;
 * set it to end at @ends (IDREG_TIME_NONE: remove it). */
int64_t idreg_epp_grace_end(const struct idreg_epp_transferable *t, enum idreg_grace_period period);
void idreg_epp_grace_set(struct idreg_epp_transferable *t, enum idreg_grace_period period,
			 int64_t ends);

/** Has the space-separated @status list the name @want? */
bool idreg_epp_status_has(const char *status, const char *want);

/** Add (@on) or remove the name @name in the list @status (of @size bytes);
 * "ok" stands for an empty list.  False when it would not fit. */
bool idreg_epp_status_set(char *status, size_t size, const char *name, bool on);

#endif
