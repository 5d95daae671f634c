/*
 * Server locks on domains, hosts and contacts.  See lock.h.  Each object
 * is read whole, its statuses changed, and written back with the store ops
 * its EPP commands use; its history texts are those its EPP commands
 * write, so a lock looks in history as an EPP update does.
 */
#include "provision/lock.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "epp/contact.h"
#include "epp/host.h"
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

/* The locks each kind of object takes, as bits of its status enum. */
static const uint32_t object_locks[] = {
	[IDREG_LOCK_DOMAIN] = (1u << IDREG_DS_SERVER_UPDATE_PROHIBITED) |
			      (1u << IDREG_DS_SERVER_DELETE_PROHIBITED) |
			      (1u << IDREG_DS_SERVER_TRANSFER_PROHIBITED) |
			      (1u << IDREG_DS_SERVER_RENEW_PROHIBITED) | (1u << IDREG_DS_SERVER_HOLD),
	[IDREG_LOCK_HOST] = (1u << IDREG_DS_SERVER_UPDATE_PROHIBITED) |
			    (1u << IDREG_DS_SERVER_DELETE_PROHIBITED),
	[IDREG_LOCK_CONTACT] = (1u << IDREG_EPP_CS_SERVER_UPDATE_PROHIBITED) |
			       (1u << IDREG_EPP_CS_SERVER_DELETE_PROHIBITED) |
			       (1u << IDREG_EPP_CS_SERVER_TRANSFER_PROHIBITED),
};

static const char *const object_names[] = {
	[IDREG_LOCK_DOMAIN] = "domain", [IDREG_LOCK_HOST] = "host", [IDREG_LOCK_CONTACT] = "contact",
};

const char *idreg_lock_object_name(enum idreg_lock_object object)
{
	return object_names[object];
}

/* The EPP name of status @bit of @object's status enum. */
static const char *status_name(enum idreg_lock_object object, unsigned bit)
{
	return object == IDREG_LOCK_CONTACT
		       ? idreg_epp_contact_status_name((enum idreg_epp_contact_status)bit)
		       : idreg_domain_status_epp_name((enum idreg_domain_status)bit);
}

/* The first status of @set by name, for messages. */
static const char *first_status(enum idreg_lock_object object, uint32_t set)
{
	for (unsigned bit = 0; bit < 32; bit++) {
		if (set & (1u << bit)) {
			return status_name(object, bit);
		}
	}
	return "";
}

idreg_err idreg_server_lock_parse(enum idreg_lock_object object, const char *name,
				  uint32_t *statuses, struct idreg_diag *diag)
{
	uint32_t locks = object_locks[object];
	for (unsigned bit = 0; bit < 32; bit++) {
		if ((locks & (1u << bit)) && strcmp(status_name(object, bit), name) == 0) {
			*statuses |= 1u << bit;
			return IDREG_OK;
		}
	}
	char names[256];
	size_t at = 0;
	for (unsigned bit = 0; bit < 32; bit++) {
		if (locks & (1u << bit)) {
			at += (size_t)snprintf(names + at, sizeof(names) - at, "%s%s",
					       at ? ", " : "", status_name(object, bit));
		}
	}
	return idreg_diag_set(diag, IDREG_EINVAL, "%s is not a server lock of a %s: %s", name,
			      object_names[object], names);
}

/* EEXIST or ENOTFOUND when @present (the statuses of @statuses the object
 * has) does not allow the lock or unlock. */
static idreg_err lock_allowed(enum idreg_lock_object object, const char *name, uint32_t present,
			      uint32_t statuses, bool lock, struct idreg_diag *diag)
{
	if (lock && present != 0) {
		return idreg_diag_set(diag, IDREG_EEXIST, "%s %s has %s already", object_names[object],
				      name, first_status(object, present));
	}
	if (!lock && present != statuses) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "%s %s does not have %s",
				      object_names[object], name,
				      first_status(object, statuses & ~present));
	}
	return IDREG_OK;
}

/* Write the history line of a lock or unlock of @object @id. */
static idreg_err lock_history(struct idreg_store *store, int64_t change_set, const char *type,
			      int64_t id, const struct idreg_buf *before,
			      const struct idreg_buf *after, struct idreg_diag *diag)
{
	struct idreg_history_entry h = { change_set, type, id, id, IDREG_CHANGE_UPDATE,
					 before->data, after->data };
	return store->ops->history_add(store, &h, diag);
}

static idreg_err domain_lock_in(struct idreg_store *store, int64_t change_set,
				     const char *ldh, uint32_t statuses, bool lock,
				     struct idreg_arena *arena, struct idreg_diag *diag)
{
	struct idreg_prov_domain d;
	idreg_err err = store->ops->prov_domain_get(store, ldh, arena, &d, diag);
	if (err != IDREG_OK) {
		return err;
	}
	err = lock_allowed(IDREG_LOCK_DOMAIN, ldh, d.domain.status & statuses, statuses, lock,
			   diag);
	if (err != IDREG_OK) {
		return err;
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
		err = lock_history(store, change_set, "domain", d.id, &before_text, &after_text,
				   diag);
	}
	idreg_buf_free(&before_text);
	idreg_buf_free(&after_text);
	return err;
}

static idreg_err domain_lock(struct idreg_store *store, int64_t change_set, const char *ldh,
			     uint32_t statuses, bool lock, struct idreg_diag *diag)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	idreg_err err = domain_lock_in(store, change_set, ldh, statuses, lock, &arena, diag);
	idreg_arena_free(&arena);
	return err;
}

/* A copy of a host record (its strings and addresses in an arena), to
 * write back once the store's read is over. */
struct host_copy {
	struct idreg_arena *arena;
	struct idreg_host_record r;
	bool complete;
};

static const char *arena_copy(struct idreg_arena *arena, const char *s, bool *complete)
{
	if (s == NULL) {
		return NULL;
	}
	char *copy = idreg_arena_strndup(arena, s, strlen(s));
	*complete = *complete && copy != NULL;
	return copy;
}

static idreg_err keep_host(void *ctx, const struct idreg_host_record *r)
{
	struct host_copy *c = ctx;
	c->r = *r;
	c->complete = true;
	c->r.host.ldh_name = arena_copy(c->arena, r->host.ldh_name, &c->complete);
	c->r.host.unicode_name = arena_copy(c->arena, r->host.unicode_name, &c->complete);
	c->r.host.handle = arena_copy(c->arena, r->host.handle, &c->complete);
	c->r.sponsor = arena_copy(c->arena, r->sponsor, &c->complete);
	c->r.creator = arena_copy(c->arena, r->creator, &c->complete);
	c->r.updater = arena_copy(c->arena, r->updater, &c->complete);
	c->r.changed_at = NULL;
	c->r.host.addrs = NULL;
	if (r->host.n_addrs > 0) {
		struct idreg_ip *addrs =
			idreg_arena_calloc(c->arena, r->host.n_addrs, sizeof(addrs[0]));
		if (addrs != NULL) {
			memcpy(addrs, r->host.addrs, r->host.n_addrs * sizeof(addrs[0]));
		}
		c->r.host.addrs = addrs;
		c->complete = c->complete && addrs != NULL;
	}
	return IDREG_OK;
}

/* Lock or unlock the host @r (a copy, changed here) and write it back. */
static idreg_err host_lock_copy(struct idreg_store *store, int64_t change_set,
				struct idreg_host_record *r, uint32_t statuses, bool lock,
				struct idreg_diag *diag)
{
	const char *ldh = r->host.ldh_name;
	idreg_err err = lock_allowed(IDREG_LOCK_HOST, ldh, r->status & statuses, statuses, lock,
				     diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_buf before_text, after_text;
	idreg_buf_init(&before_text, 1 << 20);
	idreg_buf_init(&after_text, 1 << 20);
	err = idreg_epp_host_text(r, &before_text);
	r->status = lock ? r->status | statuses : r->status & ~statuses;
	if (err == IDREG_OK) {
		err = idreg_epp_host_text(r, &after_text);
	}
	if (err != IDREG_OK) {
		err = idreg_diag_set(diag, err, "the history text of host %s is too large", ldh);
	}
	int64_t id = r->id;
	if (err == IDREG_OK) {
		err = store->ops->host_put(store, r, &id, diag);
	}
	if (err == IDREG_OK) {
		err = lock_history(store, change_set, "host", id, &before_text, &after_text, diag);
	}
	idreg_buf_free(&before_text);
	idreg_buf_free(&after_text);
	return err;
}

static idreg_err host_lock(struct idreg_store *store, int64_t change_set, const char *ldh,
			   uint32_t statuses, bool lock, struct idreg_diag *diag)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	struct host_copy c = { .arena = &arena };
	idreg_err err = store->ops->host_get(store, ldh, keep_host, &c, diag);
	if (err == IDREG_OK && !c.complete) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading host %s", ldh);
	}
	if (err == IDREG_OK) {
		err = host_lock_copy(store, change_set, &c.r, statuses, lock, diag);
	}
	idreg_arena_free(&arena);
	return err;
}

/* A copy of a contact's row (its strings in an arena), to write back once
 * the store's read is over: the whole entity as the store has it, so that
 * what EPP does not carry (its kind, for one) is kept. */
struct contact_copy {
	struct idreg_arena *arena;
	struct idreg_stored_contact row;
	bool complete;
};

static idreg_err keep_contact(void *ctx, const struct idreg_stored_contact *row)
{
	struct contact_copy *c = ctx;
	struct idreg_contact *k = &c->row.contact;
	c->row = *row;
	c->row.changed_at = NULL;
	c->complete = true;
	k->entity.handle = arena_copy(c->arena, row->contact.entity.handle, &c->complete);
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		k->entity.fields[f] = arena_copy(c->arena, row->contact.entity.fields[f], &c->complete);
	}
	const char **texts[] = { &k->sponsor, &k->creator, &k->created, &k->updater, &k->updated,
				 &k->transferred, &k->auth_info, &k->status, &k->postal_int };
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		*texts[t] = arena_copy(c->arena, *texts[t], &c->complete);
	}
	return IDREG_OK;
}

/* A contact's statuses, as names separated by spaces, into bits. */
static idreg_err contact_statuses(const char *handle, const char *names, uint32_t *bits,
				  struct idreg_diag *diag)
{
	*bits = 0;
	for (const char *p = names; *p != '\0';) {
		size_t len = strcspn(p, " ");
		enum idreg_epp_contact_status st;
		if (!idreg_epp_contact_status_parse(p, len, &st)) {
			return idreg_diag_set(diag, IDREG_ESTORE, "contact %s: unknown status '%.*s'",
					      handle, (int)len, p);
		}
		*bits |= 1u << st;
		p += len + (p[len] == ' ');
	}
	return IDREG_OK;
}

/* Lock or unlock the contact @c (a copy, changed here) and write it back. */
static idreg_err contact_lock_copy(struct idreg_store *store, int64_t change_set,
				   struct contact_copy *c, uint32_t statuses, bool lock,
				   struct idreg_diag *diag)
{
	const char *handle = c->row.contact.entity.handle;
	uint32_t bits = 0;
	idreg_err err = contact_statuses(handle, c->row.contact.status, &bits, diag);
	if (err == IDREG_OK) {
		err = lock_allowed(IDREG_LOCK_CONTACT, handle, bits & statuses, statuses, lock, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	bits = lock ? bits | statuses : bits & ~statuses;
	char status[256] = "";
	size_t at = 0;
	for (unsigned bit = 0; bit < IDREG_EPP_CONTACT_STATUS_COUNT; bit++) {
		if (bits & (1u << bit)) {
			at += (size_t)snprintf(status + at, sizeof(status) - at, "%s%s", at ? " " : "",
					       status_name(IDREG_LOCK_CONTACT, bit));
		}
	}
	struct idreg_buf before_text, after_text;
	idreg_buf_init(&before_text, 1 << 20);
	idreg_buf_init(&after_text, 1 << 20);
	err = idreg_epp_contact_text(&c->row, &before_text, diag);
	c->row.contact.status = status;
	if (err == IDREG_OK) {
		err = idreg_epp_contact_text(&c->row, &after_text, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->contact_update(store, c->row.id, &c->row.contact, diag);
	}
	if (err == IDREG_OK) {
		err = lock_history(store, change_set, "entity", c->row.id, &before_text, &after_text,
				   diag);
	}
	idreg_buf_free(&before_text);
	idreg_buf_free(&after_text);
	return err;
}

static idreg_err contact_lock(struct idreg_store *store, int64_t change_set, const char *handle,
			      uint32_t statuses, bool lock, struct idreg_diag *diag)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	struct contact_copy c = { .arena = &arena };
	idreg_err err = store->ops->contact_get(store, handle, keep_contact, &c, diag);
	if (err == IDREG_OK && !c.complete) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading contact %s", handle);
	}
	if (err == IDREG_OK) {
		err = contact_lock_copy(store, change_set, &c, statuses, lock, diag);
	}
	idreg_arena_free(&arena);
	return err;
}

typedef idreg_err (*lock_fn)(struct idreg_store *store, int64_t change_set, const char *name,
			     uint32_t statuses, bool lock, struct idreg_diag *diag);

idreg_err idreg_server_lock(struct idreg_store *store, enum idreg_lock_object object,
			    const char *name, uint32_t statuses, bool lock, const char *actor,
			    struct idreg_diag *diag)
{
	static const lock_fn lock_object[] = {
		[IDREG_LOCK_DOMAIN] = domain_lock,
		[IDREG_LOCK_HOST] = host_lock,
		[IDREG_LOCK_CONTACT] = contact_lock,
	};
	if (statuses == 0 || (statuses & ~object_locks[object]) != 0) {
		return idreg_diag_set(diag, IDREG_EINVAL, "no server lock of a %s given",
				      object_names[object]);
	}
	/* Domains and hosts by their A-label form; contacts by their id as given. */
	char ldh[IDREG_UTS46_ASCII_MAX];
	const char *key = name;
	idreg_err err = IDREG_OK;
	if (object != IDREG_LOCK_CONTACT) {
		err = idreg_uts46_to_ascii(name, strlen(name), ldh, sizeof(ldh), diag);
		key = ldh;
	}
	if (err != IDREG_OK) {
		return err;
	}
	err = store->ops->begin(store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char now[32];
	int64_t change_set = 0;
	idreg_store_now(now, sizeof(now));
	err = store->ops->change_set_add(store, now, actor, NULL, NULL, &change_set, diag);
	if (err == IDREG_OK) {
		err = lock_object[object](store, change_set, key, statuses, lock, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->commit(store, diag);
	} else {
		store->ops->rollback(store);
	}
	return err;
}
