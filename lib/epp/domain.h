/*
 * EPP domain commands (RFC 5731).  For now <domain:check>: each name's
 * availability, decided by the registry's IDN registration policy against
 * the domains held (lib/idn/policy.h): a name is available when the policy
 * would accept it (or only flag it), and otherwise unavailable with a short
 * reason (RFC 5731 allows 32 characters) naming the outcome.
 */
#ifndef IDREG_EPP_DOMAIN_H
#define IDREG_EPP_DOMAIN_H

#include <stdbool.h>

#include "core/buf.h"
#include "epp/command.h"
#include "epp/object.h"
#include "idn/policy.h"

/* Names one <domain:check> may ask about; more is 2306 (RFC 5731 lets the server choose). */
#define IDREG_EPP_CHECK_MAX 32
/* RFC 5730 eppcom:reasonBaseType: at most 32 characters. */
#define IDREG_EPP_REASON_MAX 32

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
