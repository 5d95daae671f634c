/*
 * libFuzzer target: the EPP domain body readers (lib/epp/domain_parse.c).
 * The input is parsed as a command (idreg_epp_parse); a domain create,
 * info or renew goes to its reader, and any other command is given to all
 * three as if it were theirs, so that they see every shape of body.
 *
 * Invariants, checked with abort(): the code is one a reader may give and
 * a refusal has a non-empty message; an accepted body's strings are
 * NUL-terminated within their arrays and within the schema's bounds (name
 * 1 to 255 characters, registrant and contacts 3 to 16, authInfo 6 to 64),
 * at most 13 nameservers and 8 contacts, a period of 1 to 99 years or
 * months (or none), hosts one of the four values, and curExpDate a
 * midnight.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epp/command.h"
#include "epp/domain.h"

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
	case IDREG_EPP_PARAM_SYNTAX:
	case IDREG_EPP_UNIMPL_OPTION:
	case IDREG_EPP_UNIMPL_EXTENSION:
	case IDREG_EPP_POLICY:
		return true;
	default:
		return false;
	}
}

/* Characters (not bytes) of the NUL-terminated @s within @size bytes. */
static size_t chars(const char *s, size_t size)
{
	check(memchr(s, '\0', size) != NULL);
	size_t n = 0;
	for (; *s; s++) {
		n += ((unsigned char)*s & 0xC0) != 0x80;
	}
	return n;
}

static void check_result(enum idreg_epp_code code, const struct idreg_epp_result *res)
{
	check(is_reader_code(code));
	if (code != IDREG_EPP_OK) {
		check(res->code == code);
		check(memchr(res->msg, '\0', sizeof(res->msg)) != NULL && res->msg[0] != '\0');
	}
}

static void check_period(const struct idreg_epp_period *p)
{
	check(p->count == 0 || (p->count >= 1 && p->count <= IDREG_EPP_PERIOD_MAX &&
				(p->unit == 'y' || p->unit == 'm')));
}

static void check_name(const char *name)
{
	size_t n = chars(name, sizeof(idreg_epp_name));
	check(n >= 1 && n <= IDREG_EPP_NAME_MAX);
}

static void check_handle(const char *h)
{
	size_t n = chars(h, sizeof(idreg_epp_handle));
	check(n >= IDREG_EPP_CLID_MIN && n <= IDREG_EPP_CLID_MAX);
}

static void read_create(const struct idreg_epp_command *cmd)
{
	struct idreg_epp_domain_create c;
	struct idreg_epp_result res;
	enum idreg_epp_code code = idreg_epp_domain_parse_create(cmd, &c, &res);
	check_result(code, &res);
	if (code != IDREG_EPP_OK) {
		return;
	}
	check_name(c.name);
	check_period(&c.period);
	check(c.n_ns <= IDREG_EPP_DOMAIN_NS_MAX && c.n_contacts <= IDREG_EPP_DOMAIN_CONTACTS_MAX);
	for (size_t i = 0; i < c.n_ns; i++) {
		check_name(c.ns[i]);
	}
	check_handle(c.registrant);
	for (size_t i = 0; i < c.n_contacts; i++) {
		check_handle(c.contacts[i].handle);
		check(c.contacts[i].role == IDREG_ROLE_ADMINISTRATIVE ||
		      c.contacts[i].role == IDREG_ROLE_TECHNICAL ||
		      c.contacts[i].role == IDREG_ROLE_BILLING);
	}
	size_t pw = chars(c.pw, sizeof(c.pw));
	check(pw >= IDREG_EPP_DOMAIN_PW_MIN && pw <= IDREG_EPP_DOMAIN_PW_MAX);
	check(chars(c.idn_table, sizeof(c.idn_table)) <= IDREG_EPP_IDN_TABLE_MAX);
	check(chars(c.idn_uname, sizeof(c.idn_uname)) <= IDREG_EPP_NAME_MAX);
	check(c.idn_uname[0] == '\0' || c.idn_table[0] != '\0');
}

static void read_info(const struct idreg_epp_command *cmd)
{
	struct idreg_epp_domain_info in;
	struct idreg_epp_result res;
	enum idreg_epp_code code = idreg_epp_domain_parse_info(cmd, &in, &res);
	check_result(code, &res);
	if (code == IDREG_EPP_OK) {
		check_name(in.name);
		check(in.hosts <= IDREG_EPP_HOSTS_NONE);
		size_t pw = chars(in.pw, sizeof(in.pw));
		check(in.has_pw ? pw >= IDREG_EPP_DOMAIN_PW_MIN && pw <= IDREG_EPP_DOMAIN_PW_MAX
				: pw == 0);
	}
}

static void read_renew(const struct idreg_epp_command *cmd)
{
	struct idreg_epp_domain_renew r;
	struct idreg_epp_result res;
	enum idreg_epp_code code = idreg_epp_domain_parse_renew(cmd, &r, &res);
	check_result(code, &res);
	if (code == IDREG_EPP_OK) {
		check_name(r.name);
		check_period(&r.period);
		check(r.cur_exp_date % 86400 == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse((const char *)data, size, &limits, &cmd, &res) == IDREG_EPP_OK &&
	    cmd.kind == IDREG_EPP_COMMAND && cmd.body != NULL) {
		bool domain = cmd.object == IDREG_EPP_OBJ_DOMAIN;
		if (!domain || cmd.verb == IDREG_EPP_CREATE) {
			read_create(&cmd);
		}
		if (!domain || cmd.verb == IDREG_EPP_INFO) {
			read_info(&cmd);
		}
		if (!domain || cmd.verb == IDREG_EPP_RENEW) {
			read_renew(&cmd);
		}
	}
	idreg_epp_command_free(&cmd);
	return 0;
}
