/*
 * libFuzzer target: the EPP host body parser (lib/epp/host.h) on whatever
 * the command parser accepts -- the input is parsed as an EPP frame's XML,
 * and a host command's body is read by idreg_epp_host_parse.
 *
 * Invariants, checked with abort(): the code is the result's and one the
 * parser may give (1000, 2001, 2003, 2005, 2306) with a non-empty message;
 * on 1000 every name is lower-case LDH with at least one dot, a check has
 * 1 to IDREG_EPP_CHECK_MAX names, each address list holds at most
 * IDREG_EPP_HOST_ADDR_MAX addresses, none twice, each of an IPv4 or IPv6
 * kind, and the statuses added or removed are client statuses, none both.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domains/domain.h"
#include "epp/command.h"
#include "epp/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void check_name(const char *name)
{
	size_t len = strlen(name);
	check(len > 0 && len < IDREG_UTS46_ASCII_MAX && strchr(name, '.') != NULL);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
	}
}

static void check_addrs(const struct idreg_epp_host_addrs *a)
{
	check(a->n <= IDREG_EPP_HOST_ADDR_MAX);
	for (size_t i = 0; i < a->n; i++) {
		check(a->ip[i].type == IDREG_RES_IPV4 || a->ip[i].type == IDREG_RES_IPV6);
		for (size_t k = 0; k < i; k++) {
			check(idreg_ip_order(&a->ip[i], &a->ip[k]) != 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	static struct idreg_epp_host_command hc;
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse((const char *)data, size, &limits, &cmd, &res) != IDREG_EPP_OK ||
	    cmd.kind != IDREG_EPP_COMMAND || cmd.object != IDREG_EPP_OBJ_HOST) {
		idreg_epp_command_free(&cmd);
		return 0;
	}
	enum idreg_epp_code code = idreg_epp_host_parse(&cmd, &hc, &res);
	check(code == res.code && res.msg[0] != '\0' && memchr(res.msg, '\0', sizeof(res.msg)));
	check(code == IDREG_EPP_OK || code == IDREG_EPP_SYNTAX || code == IDREG_EPP_MISSING_PARAM ||
	      code == IDREG_EPP_PARAM_SYNTAX || code == IDREG_EPP_POLICY);
	if (code == IDREG_EPP_OK) {
		const uint32_t client = 1u << IDREG_DS_CLIENT_DELETE_PROHIBITED |
					1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED;
		if (cmd.verb == IDREG_EPP_CHECK) {
			check(hc.n_check >= 1 && hc.n_check <= IDREG_EPP_CHECK_MAX);
			for (size_t i = 0; i < hc.n_check; i++) {
				check_name(hc.check_names[i]);
			}
		} else {
			check_name(hc.name.ascii);
		}
		if (hc.rename) {
			check_name(hc.new_name.ascii);
		}
		check_addrs(&hc.addrs);
		check_addrs(&hc.add_addrs);
		check_addrs(&hc.rem_addrs);
		check((hc.add_status & ~client) == 0 && (hc.rem_status & ~client) == 0);
		check((hc.add_status & hc.rem_status) == 0);
	}
	idreg_epp_command_free(&cmd);
	return 0;
}
