/*
 * libFuzzer target: the <domain:update>, <domain:delete> and <secDNS:create>
 * readers (lib/epp/domain_update.h) on whatever the command parser accepts
 * as a domain update, delete or create.
 *
 * Invariants, checked with abort(): the code is one the readers may give,
 * with a non-empty message; an accepted update names its domain, changes
 * something or restores (never both), keeps every count within its bound,
 * its strings NUL-terminated, and each DS record's digest upper-case hex of
 * its digest type's length (40, 64 or 96 digits) with an algorithm the
 * registry accepts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epp/command.h"
#include "epp/domain_update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool is_reader_code(enum idreg_epp_code code)
{
	switch (code) {
	case IDREG_EPP_OK:
	case IDREG_EPP_SYNTAX:
	case IDREG_EPP_MISSING_PARAM:
	case IDREG_EPP_PARAM_RANGE:
	case IDREG_EPP_PARAM_SYNTAX:
	case IDREG_EPP_UNIMPL_OPTION:
	case IDREG_EPP_UNIMPL_EXTENSION:
	case IDREG_EPP_POLICY:
		return true;
	default:
		return false;
	}
}

static void check_ds(const struct idreg_epp_ds_list *list)
{
	check(list->n <= IDREG_EPP_DS_MAX);
	for (size_t i = 0; i < list->n; i++) {
		const struct idreg_epp_ds *ds = &list->ds[i];
		size_t len = strnlen(ds->digest, sizeof(ds->digest));
		check(len < sizeof(ds->digest));
		check(strspn(ds->digest, "0123456789ABCDEF") == len);
		size_t want = ds->digest_type == 1 ? 40 : ds->digest_type == 2 ? 64
			    : ds->digest_type == 4 ? 96 : 0;
		check(want != 0 && len == want);
		check(ds->algorithm != 0 && ds->algorithm != 1 && ds->algorithm != 3);
	}
}

static void check_delta(const struct idreg_epp_domain_delta *d)
{
	check(d->n_ns <= IDREG_EPP_DOMAIN_NS_MAX && d->n_contacts <= IDREG_EPP_DOMAIN_CONTACTS_MAX);
	check((d->status >> IDREG_DS_ADD_PERIOD) == 0);
	for (size_t i = 0; i < d->n_ns; i++) {
		size_t len = strnlen(d->ns[i], sizeof(idreg_epp_name));
		check(len > 0 && len < sizeof(idreg_epp_name));
	}
	for (size_t i = 0; i < d->n_contacts; i++) {
		size_t len = strnlen(d->contacts[i].handle, sizeof(idreg_epp_handle));
		check(len >= IDREG_EPP_CLID_MIN && len < sizeof(idreg_epp_handle));
		check(d->contacts[i].role == IDREG_ROLE_ADMINISTRATIVE ||
		      d->contacts[i].role == IDREG_ROLE_TECHNICAL ||
		      d->contacts[i].role == IDREG_ROLE_BILLING);
	}
}

static struct idreg_epp_domain_update upd;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse((const char *)data, size, &limits, &cmd, &res) != IDREG_EPP_OK ||
	    cmd.kind != IDREG_EPP_COMMAND || cmd.object != IDREG_EPP_OBJ_DOMAIN) {
		idreg_epp_command_free(&cmd);
		return 0;
	}
	enum idreg_epp_code code = IDREG_EPP_OK;
	if (cmd.verb == IDREG_EPP_UPDATE) {
		code = idreg_epp_domain_update_parse(&cmd, &upd, &res);
		if (code == IDREG_EPP_OK) {
			check(upd.name[0] != '\0' && memchr(upd.name, '\0', sizeof(upd.name)) != NULL);
			check_delta(&upd.add);
			check_delta(&upd.rem);
			check(memchr(upd.registrant, '\0', sizeof(upd.registrant)) != NULL);
			check(memchr(upd.auth_info, '\0', sizeof(upd.auth_info)) != NULL);
			check_ds(&upd.secdns.add);
			check_ds(&upd.secdns.rem);
			bool changes = upd.add.n_ns || upd.add.n_contacts || upd.add.status ||
				       upd.rem.n_ns || upd.rem.n_contacts || upd.rem.status ||
				       upd.chg_registrant || upd.chg_auth_info || upd.secdns.present;
			check(changes != (upd.restore != IDREG_EPP_RESTORE_NONE));
		}
	} else if (cmd.verb == IDREG_EPP_DELETE) {
		idreg_epp_name name;
		code = idreg_epp_domain_delete_parse(&cmd, name, &res);
		check(code != IDREG_EPP_OK || (name[0] != '\0' && memchr(name, '\0', sizeof(name))));
	} else if (cmd.verb == IDREG_EPP_CREATE) {
		struct idreg_epp_ds_list ds;
		code = idreg_epp_secdns_create_parse(cmd.extension, &ds, &res);
		if (code == IDREG_EPP_OK) {
			check_ds(&ds);
		}
	}
	check(code == res.code && is_reader_code(code));
	check(memchr(res.msg, '\0', sizeof(res.msg)) != NULL && res.msg[0] != '\0');
	idreg_epp_command_free(&cmd);
	return 0;
}
