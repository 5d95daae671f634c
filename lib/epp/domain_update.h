/*
 * EPP domain update, delete and restore (RFC 5731 3.2.5 and 3.2.2), with
 * the DNSSEC extension secDNS-1.1 (RFC 5910, the dsData interface) and the
 * grace-period extension rgp-1.0 (RFC 3915).
 *
 * The commands are read in two steps: a parser turns <domain:update> or
 * <domain:delete> and their <extension> into plain structs (bounded
 * strings, parameter checks that need no registry: lengths, forms, DS
 * digest lengths against the digest type, algorithm numbers), so that a
 * fuzz target can drive it alone; then the handlers apply them inside one
 * store write, where every rule that depends on the registry's state
 * (existence, sponsorship, statuses, links) is checked.
 */
#ifndef IDREG_EPP_DOMAIN_UPDATE_H
#define IDREG_EPP_DOMAIN_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domains/domain.h"
#include "epp/command.h"
#include "epp/domain.h"
#include "epp/object.h"
#include "provision/domain.h"

#define IDREG_EPP_SECDNS_NS "urn:ietf:params:xml:ns:secDNS-1.1"
#define IDREG_EPP_RGP_NS "urn:ietf:params:xml:ns:rgp-1.0"

/* DS records one add or rem may name, and a domain may hold. */
#define IDREG_EPP_DS_MAX 8
/* The longest digest the digest types accepted have (SHA-384), in hex. */
#define IDREG_EPP_DIGEST_HEX_MAX 96

/** What <domain:add> or <domain:rem> names. */
struct idreg_epp_domain_delta {
	idreg_epp_name ns[IDREG_EPP_DOMAIN_NS_MAX]; /* host names as given */
	size_t n_ns;
	struct idreg_epp_contact_ref contacts[IDREG_EPP_DOMAIN_CONTACTS_MAX];
	size_t n_contacts;
	uint32_t status;           /* bits (1u << enum idreg_domain_status), RFC 5731's values */
};

/** A DS record as a command gives it: the digest in upper-case hex. */
struct idreg_epp_ds {
	uint16_t key_tag;
	uint8_t algorithm;
	uint8_t digest_type;
	char digest[IDREG_EPP_DIGEST_HEX_MAX + 1];
};

/** DS records of a <secDNS:create>, <secDNS:add> or <secDNS:rem>. */
struct idreg_epp_ds_list {
	struct idreg_epp_ds ds[IDREG_EPP_DS_MAX];
	size_t n;
};

/** <secDNS:update>: remove (all, or those listed), then add. */
struct idreg_epp_secdns_update {
	bool present;
	bool rem_all;
	struct idreg_epp_ds_list rem, add;
};

enum idreg_epp_restore_op { IDREG_EPP_RESTORE_NONE, IDREG_EPP_RESTORE_REQUEST,
			    IDREG_EPP_RESTORE_REPORT };

/** A <domain:update> with its extensions. */
struct idreg_epp_domain_update {
	idreg_epp_name name;
	struct idreg_epp_domain_delta add, rem;
	bool chg_registrant;
	idreg_epp_handle registrant; /* "": the registrant is removed */
	bool chg_auth_info;
	char auth_info[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_DOMAIN_PW_MAX)]; /* "": <domain:null/> */
	struct idreg_epp_secdns_update secdns;
	enum idreg_epp_restore_op restore;
};

/**
 * Read @cmd (a <domain:update> and its <extension>) into @out.  Returns
 * 1000, or the code with @res saying why: 2001 structure, 2003 a required
 * element missing or nothing to change, 2005 a value's form (a DS digest
 * whose length is not its type's), 2004 a DNSSEC algorithm or digest type
 * that does not exist, 2306 one the registry refuses (RFC 8624's MUST NOTs)
 * or the keyData interface, 2102 an option not offered (hostAttr, ext
 * authInfo, maxSigLife, urgent), 2103 an extension that does not apply.
 */
enum idreg_epp_code idreg_epp_domain_update_parse(const struct idreg_epp_command *cmd,
						  struct idreg_epp_domain_update *out,
						  struct idreg_epp_result *res);

/** Read a <domain:delete> (@cmd): its name into @name. */
enum idreg_epp_code idreg_epp_domain_delete_parse(const struct idreg_epp_command *cmd,
						  idreg_epp_name name, struct idreg_epp_result *res);

/**
 * Read the <secDNS:create> of a <domain:create>'s @extension (NULL: none)
 * into @out (n = 0 when there is none), with the checks of the update.
 */
enum idreg_epp_code idreg_epp_secdns_create_parse(const xmlNode *extension,
						  struct idreg_epp_ds_list *out,
						  struct idreg_epp_result *res);

/**
 * What <domain:info> adds to <extension> for @d at @now: <secDNS:infData>
 * with its DS records (none: nothing) and <rgp:infData> with the grace
 * periods running (none: nothing).
 */
idreg_err idreg_epp_domain_info_extensions(const struct idreg_prov_domain *d, int64_t now,
					   struct idreg_buf *ext);

/** @in's DS records as the domain keeps them, into @out (the digests are
 * @in's); returns how many. */
size_t idreg_epp_ds_rows(const struct idreg_epp_ds_list *in, struct idreg_ds *out);

/** The handlers domain.c dispatches <domain:update> and <domain:delete> to. */
void idreg_epp_domain_update_command(const struct idreg_epp_request *req,
				     struct idreg_epp_reply *rep);
void idreg_epp_domain_delete_command(const struct idreg_epp_request *req,
				     struct idreg_epp_reply *rep);

#endif
