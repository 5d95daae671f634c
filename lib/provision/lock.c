/*
 * Server locks on domains.  See lock.h.
 */
#include "provision/lock.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "idn/uts46.h"
#include "provision/domain.h"

uint32_t idreg_domain_settle_statuses(uint32_t status, size_t n_ns)
{
	status &= ~((1u << IDREG_DS_OK) | (1u << IDREG_DS_INACTIVE));
	if (n_ns == 0) {
		status |= 1u << IDREG_DS_INACTIVE;
	}
	if ((status & ((1u << IDREG_DS_ADD_PERIOD) - 1)) == 0) {
		status |= 1u << IDREG_DS_OK;
	}
	return status;
}

idreg_err idreg_server_lock_parse(const char *name, enum idreg_domain_status *out,
				  struct idreg_diag *diag)
{
	if (!idreg_domain_status_parse(name, strlen(name), out) ||
	    (IDREG_SERVER_LOCKS & (1u << *out)) == 0) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "%s is not a server lock: serverUpdateProhibited, "
				      "serverDeleteProhibited, serverTransferProhibited, "
				      "serverRenewProhibited or serverHold", name);
	}
	return IDREG_OK;
}

/* The first status of @set by name, for messages. */
static const char *first_status(uint32_t set)
{
	for (enum idreg_domain_status st = 0; st < IDREG_DOMAIN_STATUS_COUNT; st++) {
		if (set & (1u << st)) {
			return idreg_domain_status_epp_name(st);
		}
	}
	return "";
}

static idreg_err lock_in_transaction(struct idreg_store *store, int64_t change_set,
				     const char *ldh, uint32_t statuses, bool lock,
				     struct idreg_arena *arena, struct idreg_diag *diag)
{
	struct idreg_prov_domain d;
	idreg_err err = store->ops->prov_domain_get(store, ldh, arena, &d, diag);
	if (err != IDREG_OK) {
		return err;
	}
	uint32_t present = d.domain.status & statuses;
	if (lock && present != 0) {
		return idreg_diag_set(diag, IDREG_EEXIST, "%s has %s already", ldh,
				      first_status(present));
	}
	if (!lock && present != statuses) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "%s does not have %s", ldh,
				      first_status(statuses & ~present));
	}
	struct idreg_prov_domain after = d;
	after.domain.status = idreg_domain_settle_statuses(lock ? d.domain.status | statuses
								: d.domain.status & ~statuses,
								d.domain.n_ns);
	struct idreg_buf before_text, after_text;
	idreg_buf_init(&before_text, 1 << 20);
	idreg_buf_init(&after_text, 1 << 20);
	err = store->ops->prov_domain_update(store, &after, diag);
	if (err == IDREG_OK && (idreg_prov_domain_format(&d, &before_text) != IDREG_OK ||
				idreg_prov_domain_format(&after, &after_text) != IDREG_OK)) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "out of memory writing the history");
	}
	if (err == IDREG_OK) {
		struct idreg_history_entry h = { change_set, "domain", d.id, d.id,
						 IDREG_CHANGE_UPDATE, before_text.data,
						 after_text.data };
		err = store->ops->history_add(store, &h, diag);
	}
	idreg_buf_free(&before_text);
	idreg_buf_free(&after_text);
	return err;
}

idreg_err idreg_domain_lock(struct idreg_store *store, const char *name, uint32_t statuses,
			    bool lock, const char *actor, struct idreg_diag *diag)
{
	char ldh[IDREG_UTS46_ASCII_MAX];
	idreg_err err = idreg_uts46_to_ascii(name, strlen(name), ldh, sizeof(ldh), diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (statuses == 0 || (statuses & ~IDREG_SERVER_LOCKS) != 0) {
		return idreg_diag_set(diag, IDREG_EINVAL, "no server lock given");
	}
	err = store->ops->begin(store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char now[32];
	int64_t change_set = 0;
	idreg_store_now(now, sizeof(now));
	err = store->ops->change_set_add(store, now, actor, NULL, NULL, &change_set, diag);
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	if (err == IDREG_OK) {
		err = lock_in_transaction(store, change_set, ldh, statuses, lock, &arena, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->commit(store, diag);
	} else {
		store->ops->rollback(store);
	}
	idreg_arena_free(&arena);
	return err;
}
