/*
 * Server locks: the statuses only the registry operator sets (`idreg
 * domain|host|contact lock|unlock`), which registrars see and cannot lift.
 * A domain's are serverUpdateProhibited, serverDeleteProhibited,
 * serverTransferProhibited, serverRenewProhibited (RFC 5731 2.3) and
 * serverHold (the name is not published in the zone); a host's
 * serverUpdateProhibited and serverDeleteProhibited (RFC 5732 2.3); a
 * contact's serverUpdateProhibited, serverDeleteProhibited and
 * serverTransferProhibited (RFC 5733 2.2).  Each lock or unlock is one
 * transaction with its change set (the operator's command as actor) and a
 * history line.
 */
#ifndef IDREG_PROVISION_LOCK_H
#define IDREG_PROVISION_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "domains/domain.h"
#include "store/store.h"

/**
 * @status with "ok" and "inactive" as RFC 5731 2.3 has them: "inactive"
 * exactly when the domain has no nameserver (@n_ns 0), "ok" exactly when
 * no other of its statuses is set.
 */
uint32_t idreg_domain_settle_statuses(uint32_t status, size_t n_ns);

/** The kinds of object a server lock is set on. */
enum idreg_lock_object { IDREG_LOCK_DOMAIN, IDREG_LOCK_HOST, IDREG_LOCK_CONTACT };

/** The object kind's name as the CLI and history have it: "domain", "host", "contact". */
const char *idreg_lock_object_name(enum idreg_lock_object object);

/**
 * Add the lock named @name ("serverHold", ...) to @statuses, a set of bits
 * of the object's own status enum (enum idreg_domain_status for domains
 * and hosts, enum idreg_epp_contact_status for contacts); EINVAL naming
 * the object's locks when @name is not one of them.
 */
idreg_err idreg_server_lock_parse(enum idreg_lock_object object, const char *name,
				  uint32_t *statuses, struct idreg_diag *diag);

/**
 * Set (@lock) or clear the server locks @statuses (bits that
 * idreg_server_lock_parse gave) on the @object named @name (a domain in
 * A-label or U-label form, a host in A-label form, a contact by its id),
 * in one transaction by @actor.  ENOTFOUND when there is no such object,
 * EEXIST when locking a status it has already, ENOTFOUND when unlocking
 * one it has not; nothing changes then.
 */
idreg_err idreg_server_lock(struct idreg_store *store, enum idreg_lock_object object,
			    const char *name, uint32_t statuses, bool lock, const char *actor,
			    struct idreg_diag *diag);

#endif
