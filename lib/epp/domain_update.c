/*
 * EPP <domain:update>, <domain:delete> and the RFC 3915 restore, applied to
 * the provisioned domain (lib/provision/domain.h) inside one store write:
 * every check that depends on the registry (existence, sponsorship,
 * statuses, links) runs in the same transaction as the change, and a
 * refusal rolls it back (IDREG_EREFUSED with the EPP code kept aside).
 *
 * Choices the RFCs leave to the server, and this registry's:
 * - clientUpdateProhibited lets through only an update that does nothing
 *   but remove it (RFC 5731 2.3); serverUpdateProhibited, pendingDelete and
 *   pendingTransfer block every update (2304).
 * - A client adds and removes client* statuses only; the others are the
 *   registry's (2304).  Adding a status, contact, nameserver or DS record
 *   the domain has, or removing one it has not, is 2306.
 * - "ok" is kept exactly when no other RFC 5731 status is, "inactive"
 *   exactly when the domain has no nameserver.
 * - Delete: within the add grace period the domain goes at once, with its
 *   variants; otherwise it becomes pendingDelete with a redemption period
 *   (the TLD's) followed by the TLD's pending-delete period, and its name
 *   stays held.  A domain whose subordinate hosts other domains name
 *   cannot be deleted (2305, RFC 5731 3.2.2); one deleted at once must
 *   have no subordinate host left.
 * - Restore (RFC 3915 section 4.2): the report is required.  A request in
 *   the redemption period starts pendingRestore for
 *   IDREG_EPP_RESTORE_REPORT_DAYS; a report then brings the domain back;
 *   without one the redemption period resumes where it was.
 */
#include "epp/domain_update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "idn/uts46.h"
#include "provision/domain.h"
#include "provision/lock.h"
#include "provision/tld.h"

/* Days a registrar has to send the restore report (ICANN's RGP: 7). */
#define IDREG_EPP_RESTORE_REPORT_DAYS 7

static bool has(uint32_t set, enum idreg_domain_status st)
{
	return (set & (1u << st)) != 0;
}

/* The A-label form of a domain name as a command gave it. */
static idreg_err ldh_name(const char *given, char *out, size_t size, struct idreg_epp_result *r)
{
	struct idreg_diag diag;
	if (idreg_uts46_to_ascii(given, strlen(given), out, size, &diag) != IDREG_OK) {
		return idreg_epp_refuse(r, IDREG_EPP_PARAM_SYNTAX, "%.64s is not a domain name: %.128s", given,
					diag.text);
	}
	return IDREG_OK;
}

/* The domain named @given, loaded for a transform by @clid: 2303, 2201 otherwise. */
static idreg_err load_sponsored(struct idreg_store *s, const char *given, const char *clid,
				struct idreg_arena *arena, struct idreg_prov_domain *d,
				struct idreg_epp_result *r, struct idreg_diag *diag)
{
	char name[IDREG_UTS46_ASCII_MAX];
	idreg_err err = ldh_name(given, name, sizeof(name), r);
	if (err == IDREG_OK) {
		err = s->ops->prov_domain_get(s, name, arena, d, diag);
	}
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(r, IDREG_EPP_DOES_NOT_EXIST, "%.200s does not exist", given);
	}
	if (err == IDREG_OK && (d->sponsor == NULL || strcmp(d->sponsor, clid) != 0)) {
		return idreg_epp_refuse(r, IDREG_EPP_AUTHORIZATION, "%s is not sponsored by %s",
					d->domain.ldh_name, clid);
	}
	return err;
}

/* The TLD a domain is under (its last label). */
static idreg_err domain_tld(struct idreg_store *s, const struct idreg_prov_domain *d,
			    struct idreg_arena *arena, struct idreg_tld *tld, struct idreg_diag *diag)
{
	const char *dot = strrchr(d->domain.ldh_name, '.');
	return s->ops->tld_get(s, dot != NULL ? dot + 1 : d->domain.ldh_name, arena, tld, diag);
}

/* One history line: @before and @after (NULL for a delete) as the model writes them. */
static idreg_err write_history(struct idreg_store *s, int64_t change_set,
			       const struct idreg_prov_domain *before,
			       const struct idreg_prov_domain *after, struct idreg_diag *diag)
{
	struct idreg_buf b, a;
	idreg_buf_init(&b, 1 << 20);
	idreg_buf_init(&a, 1 << 20);
	idreg_err err = idreg_prov_domain_format(before, &b);
	if (err == IDREG_OK && after != NULL) {
		err = idreg_prov_domain_format(after, &a);
	}
	if (err == IDREG_OK) {
		struct idreg_history_entry h = {
			change_set, "domain", before->id, before->id,
			after != NULL ? IDREG_CHANGE_UPDATE : IDREG_CHANGE_DELETE, b.data,
			after != NULL ? a.data : NULL
		};
		err = s->ops->history_add(s, &h, diag);
	} else {
		err = idreg_diag_set(diag, err, "writing the history of %s", before->domain.ldh_name);
	}
	idreg_buf_free(&b);
	idreg_buf_free(&a);
	return err;
}

/* ---- the running grace periods ---- */

/* The RFC 3915 status a domain is in now for @period's row, if that row is running:
 * pendingDelete runs only after the redemption period has ended. */
static bool grace_running(const struct idreg_prov_domain *d, enum idreg_grace_period period,
			  int64_t now)
{
	int64_t ends = idreg_prov_domain_grace_end(d, period);
	if (ends == IDREG_TIME_NONE || ends <= now) {
		return false;
	}
	if (period == IDREG_GRACE_PENDING_DELETE) {
		return !grace_running(d, IDREG_GRACE_REDEMPTION, now) &&
		       !grace_running(d, IDREG_GRACE_PENDING_RESTORE, now);
	}
	if (period == IDREG_GRACE_REDEMPTION) {
		return !grace_running(d, IDREG_GRACE_PENDING_RESTORE, now);
	}
	return true;
}

/* A copy of @d's grace rows without those whose bit is in @drop, plus @add (when ends set). */
static idreg_err regrace(struct idreg_prov_domain *d, struct idreg_arena *arena, unsigned drop,
			 const struct idreg_grace *add, size_t n_add)
{
	struct idreg_grace *g = idreg_arena_calloc(arena, d->n_grace + n_add + 1, sizeof(*g));
	if (g == NULL) {
		return IDREG_ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < d->n_grace; i++) {
		if (!(drop & (1u << d->grace[i].period))) {
			g[n++] = d->grace[i];
		}
	}
	for (size_t i = 0; i < n_add; i++) {
		g[n++] = add[i];
	}
	d->grace = g;
	d->n_grace = n;
	return IDREG_OK;
}

size_t idreg_epp_ds_rows(const struct idreg_epp_ds_list *in, struct idreg_ds *out)
{
	for (size_t i = 0; i < in->n; i++) {
		out[i] = (struct idreg_ds){ in->ds[i].key_tag, in->ds[i].algorithm,
					    in->ds[i].digest_type, in->ds[i].digest };
	}
	return in->n;
}

idreg_err idreg_epp_domain_info_extensions(const struct idreg_prov_domain *d, int64_t now,
					   struct idreg_buf *ext)
{
	idreg_err err = IDREG_OK;
	if (d->domain.n_ds > 0) {
		err = idreg_buf_puts(ext, "<secDNS:infData xmlns:secDNS=\"" IDREG_EPP_SECDNS_NS "\">");
		for (size_t i = 0; err == IDREG_OK && i < d->domain.n_ds; i++) {
			const struct idreg_ds *ds = &d->domain.ds[i];
			err = idreg_buf_printf(ext, "<secDNS:dsData><secDNS:keyTag>%u</secDNS:keyTag>"
					       "<secDNS:alg>%u</secDNS:alg><secDNS:digestType>%u"
					       "</secDNS:digestType><secDNS:digest>%s</secDNS:digest>"
					       "</secDNS:dsData>", ds->key_tag, ds->algorithm,
					       ds->digest_type, ds->digest);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(ext, "</secDNS:infData>");
		}
	}
	bool open = false;
	for (enum idreg_grace_period p = 0; err == IDREG_OK && p < IDREG_GRACE_COUNT; p++) {
		if (!grace_running(d, p, now)) {
			continue;
		}
		if (!open) {
			err = idreg_buf_puts(ext, "<rgp:infData xmlns:rgp=\"" IDREG_EPP_RGP_NS "\">");
			open = true;
		}
		if (err == IDREG_OK) {
			err = idreg_buf_printf(ext, "<rgp:rgpStatus s=\"%s\"/>", idreg_grace_name(p));
		}
	}
	if (err == IDREG_OK && open) {
		err = idreg_buf_puts(ext, "</rgp:infData>");
	}
	return err;
}

/* ---- update ---- */

struct update_work {
	const struct idreg_epp_domain_update *upd;
	const struct idreg_epp_txn *txn;
	struct idreg_arena arena;
	struct idreg_epp_result refusal;
	const char *rgp_status;    /* the restore's resulting rgpStatus, for <rgp:upData> */
};

/* The new domain's arrays, grown in the arena. */
struct draft {
	const char **ns;
	int64_t *host_ids;
	size_t n_ns;
	struct idreg_domain_contact *contacts;
	int64_t *entity_ids;
	size_t n_contacts;
	struct idreg_ds *ds;
	size_t n_ds;
};

static idreg_err draft_from(struct draft *t, const struct idreg_prov_domain *d,
			    struct idreg_arena *arena)
{
	size_t nc = d->domain.n_contacts + 2 * IDREG_EPP_DOMAIN_CONTACTS_MAX + 1;
	t->ns = idreg_arena_calloc(arena, d->domain.n_ns + IDREG_EPP_DOMAIN_NS_MAX, sizeof(*t->ns));
	t->host_ids = idreg_arena_calloc(arena, d->domain.n_ns + IDREG_EPP_DOMAIN_NS_MAX,
					 sizeof(*t->host_ids));
	t->contacts = idreg_arena_calloc(arena, nc, sizeof(*t->contacts));
	t->entity_ids = idreg_arena_calloc(arena, nc, sizeof(*t->entity_ids));
	t->ds = idreg_arena_calloc(arena, d->domain.n_ds + IDREG_EPP_DS_MAX, sizeof(*t->ds));
	if (!t->ns || !t->host_ids || !t->contacts || !t->entity_ids || !t->ds) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < d->domain.n_ns; i++) {
		t->ns[i] = d->domain.nameservers[i];
		t->host_ids[i] = d->host_ids[i];
	}
	t->n_ns = d->domain.n_ns;
	for (size_t i = 0; i < d->domain.n_contacts; i++) {
		t->contacts[i] = d->domain.contacts[i];
		t->entity_ids[i] = d->entity_ids[i];
	}
	t->n_contacts = d->domain.n_contacts;
	for (size_t i = 0; i < d->domain.n_ds; i++) {
		t->ds[i] = d->domain.ds[i];
	}
	t->n_ds = d->domain.n_ds;
	return IDREG_OK;
}

static idreg_err update_ns(struct idreg_store *s, struct update_work *w, struct draft *t,
			   const char *domain, struct idreg_diag *diag)
{
	const struct idreg_epp_domain_update *u = w->upd;
	for (size_t i = 0; i < u->rem.n_ns; i++) {
		char name[IDREG_UTS46_ASCII_MAX];
		idreg_err err = ldh_name(u->rem.ns[i], name, sizeof(name), &w->refusal);
		size_t k = 0;
		while (err == IDREG_OK && k < t->n_ns && strcmp(t->ns[k], name) != 0) {
			k++;
		}
		if (err != IDREG_OK || k == t->n_ns) {
			return err != IDREG_OK ? err
					       : idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
								  "%s is not a nameserver of %s", name, domain);
		}
		memmove(&t->ns[k], &t->ns[k + 1], (t->n_ns - k - 1) * sizeof(*t->ns));
		memmove(&t->host_ids[k], &t->host_ids[k + 1], (t->n_ns - k - 1) * sizeof(*t->host_ids));
		t->n_ns--;
	}
	for (size_t i = 0; i < u->add.n_ns; i++) {
		char name[IDREG_UTS46_ASCII_MAX];
		idreg_err err = ldh_name(u->add.ns[i], name, sizeof(name), &w->refusal);
		if (err != IDREG_OK) {
			return err;
		}
		for (size_t k = 0; k < t->n_ns; k++) {
			if (strcmp(t->ns[k], name) == 0) {
				return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
							"%s is a nameserver of %s already", name, domain);
			}
		}
		if (t->n_ns == IDREG_EPP_DOMAIN_NS_MAX) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
						"%s would have more than %d nameservers", domain,
						IDREG_EPP_DOMAIN_NS_MAX);
		}
		err = s->ops->prov_host_id(s, name, &t->host_ids[t->n_ns], diag);
		if (err == IDREG_ENOTFOUND) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "host %s does not exist",
						name);
		}
		t->ns[t->n_ns] = idreg_arena_strndup(&w->arena, name, strlen(name));
		if (err != IDREG_OK || t->ns[t->n_ns] == NULL) {
			return err != IDREG_OK ? err : IDREG_ENOMEM;
		}
		t->n_ns++;
	}
	return IDREG_OK;
}

/* Give (@on) or take the role @role of @handle (its id @id when given). */
static void set_role(struct draft *t, const char *handle, int64_t id, enum idreg_role role,
		     bool on)
{
	size_t k = 0;
	while (k < t->n_contacts && strcmp(t->contacts[k].handle, handle) != 0) {
		k++;
	}
	if (k == t->n_contacts) {
		if (!on) {
			return;
		}
		t->contacts[k].handle = handle;
		t->contacts[k].roles = 0;
		t->entity_ids[k] = id;
		t->n_contacts++;
	}
	if (on) {
		t->contacts[k].roles |= 1u << role;
		return;
	}
	t->contacts[k].roles &= ~(1u << role);
	if (t->contacts[k].roles == 0) {
		memmove(&t->contacts[k], &t->contacts[k + 1],
			(t->n_contacts - k - 1) * sizeof(*t->contacts));
		memmove(&t->entity_ids[k], &t->entity_ids[k + 1],
			(t->n_contacts - k - 1) * sizeof(*t->entity_ids));
		t->n_contacts--;
	}
}

static bool has_role(const struct draft *t, const char *handle, enum idreg_role role)
{
	for (size_t k = 0; k < t->n_contacts; k++) {
		if (strcmp(t->contacts[k].handle, handle) == 0) {
			return (t->contacts[k].roles & (1u << role)) != 0;
		}
	}
	return false;
}

/* The contact @handle must exist: its id and a copy of the handle for the draft. */
static idreg_err known_contact(struct idreg_store *s, struct update_work *w, const char *handle,
			       int64_t *id, const char **copy, struct idreg_diag *diag)
{
	idreg_err err = s->ops->prov_entity_id(s, handle, id, diag);
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_DOES_NOT_EXIST, "contact %s does not exist",
					handle);
	}
	*copy = idreg_arena_strndup(&w->arena, handle, strlen(handle));
	return err != IDREG_OK ? err : *copy == NULL ? IDREG_ENOMEM : IDREG_OK;
}

static idreg_err update_contacts(struct idreg_store *s, struct update_work *w, struct draft *t,
				 const char *domain, struct idreg_diag *diag)
{
	const struct idreg_epp_domain_update *u = w->upd;
	for (size_t i = 0; i < u->rem.n_contacts; i++) {
		const struct idreg_epp_contact_ref *c = &u->rem.contacts[i];
		if (!has_role(t, c->handle, c->role)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s is not the %s contact of %s",
						c->handle, idreg_role_name(c->role), domain);
		}
		set_role(t, c->handle, 0, c->role, false);
	}
	for (size_t i = 0; i < u->add.n_contacts; i++) {
		const struct idreg_epp_contact_ref *c = &u->add.contacts[i];
		if (has_role(t, c->handle, c->role)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s is the %s contact of %s already",
						c->handle, idreg_role_name(c->role), domain);
		}
		int64_t id;
		const char *handle = NULL;
		idreg_err err = known_contact(s, w, c->handle, &id, &handle, diag);
		if (err != IDREG_OK) {
			return err;
		}
		set_role(t, handle, id, c->role, true);
	}
	if (u->chg_registrant) {
		if (u->registrant[0] == '\0') {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
						"a domain keeps a registrant: name the new one");
		}
		int64_t id;
		const char *handle = NULL;
		idreg_err err = known_contact(s, w, u->registrant, &id, &handle, diag);
		if (err != IDREG_OK) {
			return err;
		}
		for (size_t k = t->n_contacts; k-- > 0;) {
			if (t->contacts[k].roles & (1u << IDREG_ROLE_REGISTRANT)) {
				set_role(t, t->contacts[k].handle, 0, IDREG_ROLE_REGISTRANT, false);
			}
		}
		set_role(t, handle, id, IDREG_ROLE_REGISTRANT, true);
	}
	return IDREG_OK;
}

static bool same_ds(const struct idreg_ds *a, const struct idreg_epp_ds *b)
{
	return a->key_tag == b->key_tag && a->algorithm == b->algorithm &&
	       a->digest_type == b->digest_type && strcmp(a->digest, b->digest) == 0;
}

static idreg_err update_ds(struct update_work *w, struct draft *t, const char *domain)
{
	const struct idreg_epp_secdns_update *u = &w->upd->secdns;
	if (u->rem_all) {
		t->n_ds = 0;
	}
	for (size_t i = 0; i < u->rem.n; i++) {
		size_t k = 0;
		while (k < t->n_ds && !same_ds(&t->ds[k], &u->rem.ds[i])) {
			k++;
		}
		if (k == t->n_ds) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
						"%s has no DS record %u %u %u with that digest", domain,
						u->rem.ds[i].key_tag, u->rem.ds[i].algorithm,
						u->rem.ds[i].digest_type);
		}
		memmove(&t->ds[k], &t->ds[k + 1], (t->n_ds - k - 1) * sizeof(*t->ds));
		t->n_ds--;
	}
	for (size_t i = 0; i < u->add.n; i++) {
		const struct idreg_epp_ds *a = &u->add.ds[i];
		for (size_t k = 0; k < t->n_ds; k++) {
			if (same_ds(&t->ds[k], a)) {
				return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
							"%s has the DS record %u %u %u already", domain,
							a->key_tag, a->algorithm, a->digest_type);
			}
		}
		if (t->n_ds == IDREG_EPP_DS_MAX) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY,
						"%s would have more than %d DS records", domain,
						IDREG_EPP_DS_MAX);
		}
		char *digest = idreg_arena_strndup(&w->arena, a->digest, strlen(a->digest));
		if (digest == NULL) {
			return IDREG_ENOMEM;
		}
		t->ds[t->n_ds++] = (struct idreg_ds){ a->key_tag, a->algorithm, a->digest_type, digest };
	}
	return IDREG_OK;
}

/* Statuses: the rules of RFC 5731 2.3 and this registry's (see the top). */
static idreg_err update_statuses(struct update_work *w, uint32_t *status, const char *domain)
{
	const struct idreg_epp_domain_update *u = w->upd;
	const uint32_t client = (1u << IDREG_DS_CLIENT_DELETE_PROHIBITED) |
				(1u << IDREG_DS_CLIENT_HOLD) |
				(1u << IDREG_DS_CLIENT_RENEW_PROHIBITED) |
				(1u << IDREG_DS_CLIENT_TRANSFER_PROHIBITED) |
				(1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED);
	uint32_t asked = u->add.status | u->rem.status;
	for (enum idreg_domain_status st = 0; st < IDREG_DS_ADD_PERIOD; st++) {
		if (has(asked, st) && !has(client, st)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS,
						"%s is the registry's to set or clear, not a registrar's",
						idreg_domain_status_epp_name(st));
		}
		if (has(u->add.status, st) && has(*status, st)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s has %s already", domain,
						idreg_domain_status_epp_name(st));
		}
		if (has(u->rem.status, st) && !has(*status, st)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_POLICY, "%s does not have %s", domain,
						idreg_domain_status_epp_name(st));
		}
	}
	*status = (*status & ~u->rem.status) | u->add.status;
	return IDREG_OK;
}

/* Is the update nothing but the removal of clientUpdateProhibited? */
static bool only_lifts_client_lock(const struct idreg_epp_domain_update *u)
{
	return u->rem.status == (1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED) && u->rem.n_ns == 0 &&
	       u->rem.n_contacts == 0 && u->add.status == 0 && u->add.n_ns == 0 &&
	       u->add.n_contacts == 0 && !u->chg_registrant && !u->chg_auth_info &&
	       !u->secdns.present;
}

static idreg_err restore(struct idreg_store *s, int64_t change_set, struct update_work *w,
			 struct idreg_prov_domain *d, struct idreg_diag *diag)
{
	int64_t now = w->txn->now;
	struct idreg_prov_domain before = *d;
	if (w->upd->restore == IDREG_EPP_RESTORE_REQUEST) {
		if (!grace_running(d, IDREG_GRACE_REDEMPTION, now)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS,
						grace_running(d, IDREG_GRACE_PENDING_RESTORE, now)
						? "%s is pendingRestore: send the restore report"
						: "%s is not in its redemption period", d->domain.ldh_name);
		}
		struct idreg_grace pending = { IDREG_GRACE_PENDING_RESTORE,
					       now + IDREG_EPP_RESTORE_REPORT_DAYS * IDREG_DAY_SECONDS };
		if (regrace(d, &w->arena, 1u << IDREG_GRACE_PENDING_RESTORE, &pending, 1) != IDREG_OK) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
		}
		w->rgp_status = "pendingRestore";
	} else {
		if (!grace_running(d, IDREG_GRACE_PENDING_RESTORE, now)) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS,
						"%s is not pendingRestore: request the restore first",
						d->domain.ldh_name);
		}
		unsigned drop = (1u << IDREG_GRACE_PENDING_RESTORE) | (1u << IDREG_GRACE_REDEMPTION) |
				(1u << IDREG_GRACE_PENDING_DELETE);
		if (regrace(d, &w->arena, drop, NULL, 0) != IDREG_OK) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
		}
		d->domain.status = idreg_domain_settle_statuses(
			d->domain.status & ~(1u << IDREG_DS_PENDING_DELETE), d->domain.n_ns);
		/* The rgpStatus <rgp:upData> must carry: the domain's own grace
		 * periods are over, and RFC 3915 has no value for none. */
		w->rgp_status = NULL;
	}
	d->updater = w->txn->clid;
	d->domain.last_changed = now;
	idreg_err err = s->ops->prov_domain_update(s, d, diag);
	return err == IDREG_OK ? write_history(s, change_set, &before, d, diag) : err;
}

static idreg_err update_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct update_work *w = ctx;
	const struct idreg_epp_domain_update *u = w->upd;
	struct idreg_prov_domain d;
	idreg_err err = load_sponsored(s, u->name, w->txn->clid, &w->arena, &d, &w->refusal, diag);
	if (err != IDREG_OK) {
		return err;
	}
	const char *name = d.domain.ldh_name;
	uint32_t status = d.domain.status;
	if (u->restore != IDREG_EPP_RESTORE_NONE) {
		return restore(s, change_set, w, &d, diag);
	}
	static const enum idreg_domain_status blocking[] = {
		IDREG_DS_SERVER_UPDATE_PROHIBITED, IDREG_DS_PENDING_DELETE, IDREG_DS_PENDING_TRANSFER,
	};
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++) {
		if (has(status, blocking[i])) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s is %s", name,
						idreg_domain_status_epp_name(blocking[i]));
		}
	}
	if (has(status, IDREG_DS_CLIENT_UPDATE_PROHIBITED) && !only_lifts_client_lock(u)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS,
					"%s is clientUpdateProhibited: remove that status in an update of "
					"its own first", name);
	}
	struct draft t;
	if (draft_from(&t, &d, &w->arena) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	err = update_statuses(w, &status, name);
	if (err == IDREG_OK) {
		err = update_ns(s, w, &t, name, diag);
	}
	if (err == IDREG_OK) {
		err = update_contacts(s, w, &t, name, diag);
	}
	if (err == IDREG_OK) {
		err = update_ds(w, &t, name);
	}
	if (err != IDREG_OK) {
		return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
	}
	struct idreg_prov_domain after = d;
	after.domain.nameservers = t.ns;
	after.host_ids = t.host_ids;
	after.domain.n_ns = t.n_ns;
	after.domain.contacts = t.contacts;
	after.entity_ids = t.entity_ids;
	after.domain.n_contacts = t.n_contacts;
	after.domain.ds = t.ds;
	after.domain.n_ds = t.n_ds;
	after.domain.status = idreg_domain_settle_statuses(status, t.n_ns);
	if (u->chg_auth_info) {
		after.auth_info = u->auth_info[0] != '\0' ? u->auth_info : NULL;
	}
	after.updater = w->txn->clid;
	after.domain.last_changed = w->txn->now;
	err = s->ops->prov_domain_update(s, &after, diag);
	return err == IDREG_OK ? write_history(s, change_set, &d, &after, diag) : err;
}

/* Answer a write's outcome: 1000 (or @ok), a refusal's code, or 2400. */
static void answer(struct idreg_epp_reply *rep, idreg_err err, const struct idreg_epp_result *r,
		   enum idreg_epp_code ok, const char *what, const struct idreg_diag *diag)
{
	if (err == IDREG_OK) {
		idreg_epp_reply_set(rep, ok, "%s", idreg_epp_code_message(ok));
	} else if (err == IDREG_EREFUSED) {
		idreg_epp_reply_set(rep, r->code, "%s", r->msg);
	} else {
		idreg_log_error("EPP %s: %s", what, diag->text);
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "%s could not be done; try again later",
				    what);
	}
}

void idreg_epp_domain_update_command(const struct idreg_epp_request *req,
				     struct idreg_epp_reply *rep)
{
	struct idreg_epp_domain_update *upd = malloc(sizeof(*upd));
	if (upd == NULL) {
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "out of memory");
		return;
	}
	struct idreg_epp_result res;
	if (idreg_epp_domain_update_parse(req->cmd, upd, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		free(upd);
		return;
	}
	struct update_work w = { .upd = upd, .txn = &req->txn };
	idreg_arena_init(&w.arena, 16384, 4u << 20);
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->write(req->store->ctx, &req->txn, update_in_store, &w, &diag);
	answer(rep, err, &w.refusal, IDREG_EPP_OK, "domain:update", &diag);
	if (err == IDREG_OK && upd->restore != IDREG_EPP_RESTORE_NONE && w.rgp_status != NULL &&
	    idreg_buf_printf(&rep->extension, "<rgp:upData xmlns:rgp=\"" IDREG_EPP_RGP_NS "\">"
			     "<rgp:rgpStatus s=\"%s\"/></rgp:upData>", w.rgp_status) != IDREG_OK) {
		idreg_log_error("EPP domain:update: the answer is too large");
	}
	idreg_arena_free(&w.arena);
	free(upd);
}

/* ---- delete ---- */

struct delete_work {
	const char *name;
	const struct idreg_epp_txn *txn;
	struct idreg_arena arena;
	struct idreg_epp_result refusal;
	bool pending;              /* pendingDelete (1001), not removed at once */
	char hosts[256];           /* subordinate hosts found, for the refusal */
	uint64_t linked;           /* of which named by other domains */
	size_t n_hosts;
};

static idreg_err note_subordinate(void *ctx, const char *ldh_name, uint64_t other_domains)
{
	struct delete_work *w = ctx;
	if (w->n_hosts++ == 0 || (other_domains > 0 && w->linked == 0)) {
		snprintf(w->hosts, sizeof(w->hosts), "%s is named by %llu other domain%s", ldh_name,
			 (unsigned long long)other_domains, other_domains == 1 ? "" : "s");
	}
	w->linked += other_domains > 0;
	return IDREG_OK;
}

static idreg_err delete_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct delete_work *w = ctx;
	struct idreg_prov_domain d;
	idreg_err err = load_sponsored(s, w->name, w->txn->clid, &w->arena, &d, &w->refusal, diag);
	if (err != IDREG_OK) {
		return err;
	}
	static const enum idreg_domain_status blocking[] = {
		IDREG_DS_CLIENT_DELETE_PROHIBITED, IDREG_DS_SERVER_DELETE_PROHIBITED,
		IDREG_DS_PENDING_DELETE, IDREG_DS_PENDING_TRANSFER,
	};
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++) {
		if (has(d.domain.status, blocking[i])) {
			return idreg_epp_refuse(&w->refusal, IDREG_EPP_STATUS_PROHIBITS, "%s is %s",
						d.domain.ldh_name, idreg_domain_status_epp_name(blocking[i]));
		}
	}
	err = s->ops->prov_subordinate_links(s, d.domain.ldh_name, d.id, note_subordinate, w, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int64_t now = w->txn->now;
	bool at_once = grace_running(&d, IDREG_GRACE_ADD, now);
	if (w->linked > 0 || (at_once && w->n_hosts > 0)) {
		return idreg_epp_refuse(&w->refusal, IDREG_EPP_ASSOCIATION_PROHIBITS,
					w->linked > 0 ? "%s has subordinate hosts in use: %s"
					: "%s has subordinate hosts: delete them first (%s)",
					d.domain.ldh_name, w->hosts);
	}
	if (at_once) {
		err = s->ops->prov_domain_delete(s, d.id, diag);
		return err == IDREG_OK ? write_history(s, change_set, &d, NULL, diag) : err;
	}
	struct idreg_tld tld;
	err = domain_tld(s, &d, &w->arena, &tld, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int64_t redemption_ends = now + tld.periods[IDREG_TLD_REDEMPTION];
	struct idreg_grace hold[] = {
		{ IDREG_GRACE_REDEMPTION, redemption_ends },
		{ IDREG_GRACE_PENDING_DELETE, redemption_ends + tld.periods[IDREG_TLD_PENDING_DELETE] },
	};
	struct idreg_prov_domain after = d;
	if (regrace(&after, &w->arena, ~0u, hold, 2) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	after.domain.status = idreg_domain_settle_statuses(
		d.domain.status | (1u << IDREG_DS_PENDING_DELETE), d.domain.n_ns);
	after.updater = w->txn->clid;
	after.domain.last_changed = now;
	w->pending = true;
	err = s->ops->prov_domain_update(s, &after, diag);
	return err == IDREG_OK ? write_history(s, change_set, &d, &after, diag) : err;
}

void idreg_epp_domain_delete_command(const struct idreg_epp_request *req,
				     struct idreg_epp_reply *rep)
{
	idreg_epp_name name;
	struct idreg_epp_result res;
	if (idreg_epp_domain_delete_parse(req->cmd, name, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
		return;
	}
	struct delete_work w = { .name = name, .txn = &req->txn };
	idreg_arena_init(&w.arena, 16384, 4u << 20);
	struct idreg_diag diag = { "" };
	idreg_err err = req->store->write(req->store->ctx, &req->txn, delete_in_store, &w, &diag);
	answer(rep, err, &w.refusal, w.pending ? IDREG_EPP_OK_PENDING : IDREG_EPP_OK,
	       "domain:delete", &diag);
	idreg_arena_free(&w.arena);
}
