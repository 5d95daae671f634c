/*
 * What an EPP server sends (RFC 5730 section 2.4 and 2.6), each as one
 * frame: the greeting -- server id and date, the service menu (version 1.0,
 * language en, the object services and extensions offered) and the data
 * collection policy -- and a response's result with its transaction ids.
 * Text from the client (the clTRID) and messages are escaped for XML.
 */
#ifndef IDREG_EPP_RESPONSE_H
#define IDREG_EPP_RESPONSE_H

#include <time.h>

#include "core/buf.h"
#include "core/error.h"
#include "epp/command.h"

/** Append a framed <greeting> from server @sv_id at @now to @out. */
idreg_err idreg_epp_write_greeting(struct idreg_buf *out, const char *sv_id, time_t now,
				   size_t max_frame);

/** A response's parts after <result>, each XML (NULL or "": none). */
struct idreg_epp_body {
	const char *msgq;      /* the whole <msgQ> element */
	const char *resdata;   /* what goes inside <resData> */
	const char *extension; /* what goes inside <extension> */
};

/**
 * Append a framed <response> with one <result code=@code> and @msg (NULL:
 * RFC 5730's message for the code), @body's parts (NULL: none) in the
 * order of RFC 5730, then <trID> with @cltrid (omitted when "") and @svtrid.
 */
idreg_err idreg_epp_write_result(struct idreg_buf *out, enum idreg_epp_code code, const char *msg,
				 const struct idreg_epp_body *body, const char *cltrid,
				 const char *svtrid, size_t max_frame);

/** Append @text to @out with XML's special characters escaped. */
idreg_err idreg_epp_escape(struct idreg_buf *out, const char *text);

#endif
