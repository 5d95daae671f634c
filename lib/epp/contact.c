/*
 * EPP contact commands (RFC 5733).  Not implemented yet: every
 * command is answered 2101.
 */
#include "epp/object.h"

void idreg_epp_contact_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	(void)req;
	idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
			    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
}
