/*
 * EPP contact commands (RFC 5733).  Transfers are transfer.c's; every
 * other command is answered 2101 for now.
 */
#include "epp/object.h"
#include "epp/transfer.h"

void idreg_epp_contact_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	if (req->cmd->verb == IDREG_EPP_TRANSFER) {
		idreg_epp_transfer_command(req, rep, IDREG_TRANSFER_CONTACT);
		return;
	}
	idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
			    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
}
