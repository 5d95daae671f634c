/*
 * EPP domain commands (RFC 5731): check, info, create and renew, on the
 * provisioned domain of lib/provision/domain.h and the TLDs served
 * (lib/provision/tld.h).
 *
 * check: a name is available when its parent is a TLD served here, its
 * label is not reserved, it is no variant of a domain, and the registry's
 * IDN registration policy (lib/idn/policy.h) would accept it (or only flag
 * it) for no registrant in particular; otherwise unavailable with a short
 * reason (RFC 5731 allows 32 characters).
 *
 * Each command body is read into a plain struct by a parser of its own
 * (idreg_epp_domain_parse_*), apart from the store work, so that a fuzz
 * target and unit tests drive it; the extensions a command may carry
 * (idn-1.0 on create) are read the same way.
 */
#ifndef IDREG_EPP_DOMAIN_H
#define IDREG_EPP_DOMAIN_H

#include <stdbool.h>

#include "core/buf.h"
#include "domains/domain.h"
#include "epp/command.h"
#include "epp/object.h"
#include "idn/policy.h"

/* Names one <domain:check> may ask about; more is 2306 (RFC 5731 lets the server choose). */
#define IDREG_EPP_CHECK_MAX 32
/* RFC 5730 eppcom:reasonBaseType: at most 32 characters. */
#define IDREG_EPP_REASON_MAX 32

/* RFC 5731 domain names and host names: eppcom labelType, 1 to 255 characters. */
#define IDREG_EPP_NAME_MAX 255
/* Nameservers a domain may have, contacts a create may link (besides the registrant). */
#define IDREG_EPP_DOMAIN_NS_MAX 13
#define IDREG_EPP_DOMAIN_CONTACTS_MAX 8
/* A domain's authInfo password: eppcom pwType has no bounds; these are the registry's. */
#define IDREG_EPP_DOMAIN_PW_MIN 6
#define IDREG_EPP_DOMAIN_PW_MAX 64
/* RFC 5731 periodType: 1 to 99 units. */
#define IDREG_EPP_PERIOD_MAX 99
/* idn-1.0 table tags (minTokenType): at most this long here. */
#define IDREG_EPP_IDN_TABLE_MAX 64

typedef char idreg_epp_name[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_NAME_MAX)];
typedef char idreg_epp_handle[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX)];

/** A registration period: @count of @unit ('y' years or 'm' months); count 0: none given. */
struct idreg_epp_period {
	int count;
	char unit;
};

/** A contact linked by a command: its id and role (admin, billing, tech). */
struct idreg_epp_contact_ref {
	idreg_epp_handle handle;
	enum idreg_role role;
};

/** <domain:create> and its idn-1.0 extension. */
struct idreg_epp_domain_create {
	idreg_epp_name name;
	struct idreg_epp_period period;
	idreg_epp_name ns[IDREG_EPP_DOMAIN_NS_MAX]; /* hostObj names, in order */
	size_t n_ns;
	idreg_epp_handle registrant;
	struct idreg_epp_contact_ref contacts[IDREG_EPP_DOMAIN_CONTACTS_MAX];
	size_t n_contacts;
	char pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_DOMAIN_PW_MAX)];
	char idn_table[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_IDN_TABLE_MAX)]; /* "": no idn:data */
	idreg_epp_name idn_uname;                                       /* "": none given */
};

/** What <domain:info> asks for (hosts="all|del|sub|none"). */
enum idreg_epp_hosts { IDREG_EPP_HOSTS_ALL, IDREG_EPP_HOSTS_DEL, IDREG_EPP_HOSTS_SUB,
		       IDREG_EPP_HOSTS_NONE };

/** <domain:info>. */
struct idreg_epp_domain_info {
	idreg_epp_name name;
	enum idreg_epp_hosts hosts;
	char pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_DOMAIN_PW_MAX)]; /* "": no authInfo given */
	bool has_pw;
};

/** <domain:renew>. */
struct idreg_epp_domain_renew {
	idreg_epp_name name;
	int64_t cur_exp_date;      /* midnight UTC of curExpDate */
	struct idreg_epp_period period;
};

/**
 * Read a command body (@cmd->body and, for create, @cmd->extension) into
 * @out: IDREG_EPP_OK, or the code with @res saying which element is wrong
 * (2001 structure, 2003 a required element missing, 2005 a value's syntax,
 * 2102 an option idreg does not offer (hostAttr, <domain:ext> authInfo),
 * 2103 an extension the command does not take, 2306 more nameservers or
 * contacts than allowed).
 */
enum idreg_epp_code idreg_epp_domain_parse_create(const struct idreg_epp_command *cmd,
						  struct idreg_epp_domain_create *out,
						  struct idreg_epp_result *res);
enum idreg_epp_code idreg_epp_domain_parse_info(const struct idreg_epp_command *cmd,
						struct idreg_epp_domain_info *out,
						struct idreg_epp_result *res);
/** @t plus @months calendar months; the day kept, or the month's last day. */
int64_t idreg_epp_add_months(int64_t t, int months);

/** A <domain:period unit="y|m">N</domain:period> (create, renew, transfer):
 * 1000, or 2005 for a count outside 1 to 99 or another unit. */
enum idreg_epp_code idreg_epp_domain_parse_period(const xmlNode *n, struct idreg_epp_period *out,
						  struct idreg_epp_result *res);
enum idreg_epp_code idreg_epp_domain_parse_renew(const struct idreg_epp_command *cmd,
						 struct idreg_epp_domain_renew *out,
						 struct idreg_epp_result *res);

struct idreg_epp_availability {
	bool avail;
	char reason[IDREG_EPP_REASON_MAX + 1]; /* "" when available */
};

/** Is @name available?  IDREG_OK with the answer in @out; an error when it cannot be told. */
typedef idreg_err (*idreg_epp_domain_avail_fn)(void *ctx, const char *name,
					       struct idreg_epp_availability *out,
					       struct idreg_diag *diag);

/**
 * Answer a parsed <domain:check> (@cmd->body): its <domain:name>s (1 to
 * IDREG_EPP_CHECK_MAX), each asked of @avail, written as <domain:chkData>
 * into @resdata.  Returns 1000, or the error code with @res saying why
 * (2001 structure, 2005 a name's length, 2306 too many names, 2400 when
 * @avail failed).
 */
enum idreg_epp_code idreg_epp_domain_check(const struct idreg_epp_command *cmd,
					   idreg_epp_domain_avail_fn avail, void *ctx,
					   struct idreg_buf *resdata, struct idreg_epp_result *res);

/**
 * The availability of @name by the IDN policy of @checker against
 * @holdings, for no registrant in particular; the policy's full reason goes
 * to @long_reason (bounded by @long_size) for the log.
 */
idreg_err idreg_epp_domain_avail_by_policy(struct idreg_idn_checker *checker,
					   const struct idreg_idn_holdings *holdings,
					   const char *name, struct idreg_epp_availability *out,
					   char *long_reason, size_t long_size,
					   struct idreg_diag *diag);

#endif
