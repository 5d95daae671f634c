/*
 * libFuzzer target: the reading of a <transfer> command's body (lib/epp
 * transfer.c, idreg_epp_transfer_parse) behind the EPP command parser: the
 * input is a command's XML; when it parses as a domain or contact
 * <transfer>, its body is read as the transfer handler reads it.
 *
 * Invariants, checked with abort(): the code is 1000 or one of those the
 * reader documents (2001, 2003, 2004, 2005, 2306) with a NUL-terminated
 * message; on 1000 the name is non-empty, NUL-terminated, within its
 * bounds (a contact id 3 to 16 characters) and a domain name has no upper
 * case ASCII; the period is 0 or 1 to IDREG_EPP_YEARS_MAX years, and only
 * for domains; the authInfo is NUL-terminated, and empty when absent.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epp/command.h"
#include "epp/transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse((const char *)data, size, &limits, &cmd, &res) == IDREG_EPP_OK &&
	    cmd.kind == IDREG_EPP_COMMAND && cmd.verb == IDREG_EPP_TRANSFER &&
	    (cmd.object == IDREG_EPP_OBJ_DOMAIN || cmd.object == IDREG_EPP_OBJ_CONTACT)) {
		struct idreg_epp_transfer_cmd t;
		enum idreg_epp_code code = idreg_epp_transfer_parse(&cmd, &t, &res);
		check(code == res.code);
		check(memchr(res.msg, '\0', sizeof(res.msg)) != NULL);
		check(code == IDREG_EPP_OK || code == IDREG_EPP_SYNTAX ||
		      code == IDREG_EPP_MISSING_PARAM || code == IDREG_EPP_PARAM_RANGE ||
		      code == IDREG_EPP_PARAM_SYNTAX || code == IDREG_EPP_POLICY);
		if (code == IDREG_EPP_OK) {
			bool domain = cmd.object == IDREG_EPP_OBJ_DOMAIN;
			check(domain == (t.object == IDREG_TRANSFER_DOMAIN));
			check(memchr(t.name, '\0', sizeof(t.name)) != NULL && t.name[0] != '\0');
			size_t len = strlen(t.name);
			check(domain || (len >= IDREG_EPP_CLID_MIN &&
					 len <= IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX) - 1));
			for (size_t i = 0; domain && i < len; i++) {
				check(t.name[i] < 'A' || t.name[i] > 'Z');
			}
			check(t.years >= 0 && t.years <= IDREG_EPP_YEARS_MAX && (domain || t.years == 0));
			check(memchr(t.auth_info, '\0', sizeof(t.auth_info)) != NULL);
			check(t.has_auth_info || t.auth_info[0] == '\0');
		}
	}
	idreg_epp_command_free(&cmd);
	return 0;
}
