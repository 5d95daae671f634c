/*
 * EPP host commands (RFC 5732): check, info, create, update and delete of
 * the registry's nameservers.  A command's body is first read into a plain
 * struct idreg_epp_host_command (idreg_epp_host_parse: names, addresses,
 * statuses, each bounded and checked for form), then carried out against
 * the store by idreg_epp_host_command (object.h) inside one read or one
 * write transaction, where every rule that depends on the registry's
 * contents is checked: existence, sponsorship, statuses, links, and
 * whether the name is subordinate (under a domain the registry holds or a
 * TLD it serves: it needs addresses, and its superordinate domain must be
 * the registrar's) or external (it must have none).
 *
 * Host names are taken in lower-case A-label form only: a name with
 * U-labels is refused (2005) with its A-label form in the message, since
 * RFC 5732 asks for A-labels; ASCII upper case is lowered.
 */
#ifndef IDREG_EPP_HOST_H
#define IDREG_EPP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "epp/command.h"
#include "epp/domain.h"
#include "idn/uts46.h"
#include "inet/inet.h"
#include "store/store.h"

/* Addresses a host may have; more (stored or asked for) is 2306. */
#define IDREG_EPP_HOST_ADDR_MAX 16

/** Addresses as a command gives them, in the order given. */
struct idreg_epp_host_addrs {
	struct idreg_ip ip[IDREG_EPP_HOST_ADDR_MAX];
	size_t n;
};

/** A host name in both forms (the U-label form for RDAP). */
struct idreg_epp_host_name {
	char ascii[IDREG_UTS46_ASCII_MAX];
	char unicode[IDREG_UTS46_UNICODE_MAX];
};

/** What a host command asks, read from its body. */
struct idreg_epp_host_command {
	enum idreg_epp_verb verb;
	/* check: 1 to IDREG_EPP_CHECK_MAX names (A-label form); others: one. */
	char check_names[IDREG_EPP_CHECK_MAX][IDREG_UTS46_ASCII_MAX];
	size_t n_check;
	struct idreg_epp_host_name name;     /* info, create, update, delete */
	struct idreg_epp_host_addrs addrs;   /* create */
	/* update: what <host:add>, <host:rem> and <host:chg> say */
	struct idreg_epp_host_addrs add_addrs, rem_addrs;
	uint32_t add_status, rem_status;     /* bits (1u << enum idreg_domain_status) */
	bool rename;
	struct idreg_epp_host_name new_name;
};

/**
 * Read @cmd's host body (@cmd->body, the <host:VERB> element) into @out.
 * Returns 1000, or the code with @res saying why: 2001 an element out of
 * place, 2003 a required one missing (or an update naming no change),
 * 2005 a name that is not a host name in A-label form, an address not of
 * its ip="v4"/"v6" kind, a status that is not one of RFC 5732's; 2306 more
 * names or addresses than allowed, an address given twice or one no host
 * may have (unspecified, loopback, multicast, link-local), a status only
 * the server sets.
 */
enum idreg_epp_code idreg_epp_host_parse(const struct idreg_epp_command *cmd,
					 struct idreg_epp_host_command *out,
					 struct idreg_epp_result *res);

/**
 * The host @r as history keeps it: lib/domains' host text plus sponsor,
 * statuses and times, appended to @out.
 */
idreg_err idreg_epp_host_text(const struct idreg_host_record *r, struct idreg_buf *out);

/** The repository object id of host @id: "H<id>-IDREG". */
void idreg_epp_host_roid(int64_t id, char *out, size_t size);

#endif
