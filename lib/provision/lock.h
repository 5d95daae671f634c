/*
 * Server locks: the statuses only the registry operator sets on a domain
 * (`idreg domain lock|unlock`), which registrars see and cannot lift --
 * serverUpdateProhibited, serverDeleteProhibited, serverTransferProhibited,
 * serverRenewProhibited (RFC 5731 2.3) and serverHold (the name is not
 * published in the zone).  Each lock or unlock is one transaction with its
 * change set (the operator's command as actor) and a history line.
 */
#ifndef IDREG_PROVISION_LOCK_H
#define IDREG_PROVISION_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "domains/domain.h"
#include "store/store.h"

/** The statuses a server lock may be, as bits (1u << status). */
#define IDREG_SERVER_LOCKS                                                                  \
	((1u << IDREG_DS_SERVER_UPDATE_PROHIBITED) | (1u << IDREG_DS_SERVER_DELETE_PROHIBITED) | \
	 (1u << IDREG_DS_SERVER_TRANSFER_PROHIBITED) |                                          \
	 (1u << IDREG_DS_SERVER_RENEW_PROHIBITED) | (1u << IDREG_DS_SERVER_HOLD))

/**
 * @status with "ok" and "inactive" as RFC 5731 2.3 has them: "inactive"
 * exactly when the domain has no nameserver (@n_ns 0), "ok" exactly when
 * no other of its statuses is set.
 */
uint32_t idreg_domain_settle_statuses(uint32_t status, size_t n_ns);

/** Read a lock's EPP name ("serverHold", ...) into @out; EINVAL with why otherwise. */
idreg_err idreg_server_lock_parse(const char *name, enum idreg_domain_status *out,
				  struct idreg_diag *diag);

/**
 * Set (@lock) or clear the server locks @statuses (bits within
 * IDREG_SERVER_LOCKS) on the domain @name (A-label or U-label form), in one
 * transaction by @actor.  ENOTFOUND when the domain is not held, EEXIST
 * when locking a status it has already, ENOTFOUND when unlocking one it
 * has not; nothing changes then.
 */
idreg_err idreg_domain_lock(struct idreg_store *store, const char *name, uint32_t statuses,
			    bool lock, const char *actor, struct idreg_diag *diag);

#endif
