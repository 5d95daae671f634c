/*
 * EPP poll (RFC 5730 section 2.9.2.3): the message queue of a registrar.  Not implemented yet: every
 * command is answered 2101.
 */
#include "epp/object.h"

void idreg_epp_poll_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	(void)req;
	idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
			    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
}
