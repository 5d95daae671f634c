/*
 * The last step of the request pipeline: an answer, rendered as an RDAP JSON
 * response (RFC 9083) or as WHOIS text (RFC 3912, RPSL-style key: value
 * lines).  What the service says about itself -- its URL, its WHOIS host,
 * its terms of use -- and its privacy policy come from the configuration
 * through struct idreg_service.
 */
#ifndef IDREG_QUERY_RENDER_H
#define IDREG_QUERY_RENDER_H

#include "core/buf.h"
#include "query/answer.h"

struct idreg_service {
	const char *base_url;     /* RDAP base, ending in '/' */
	const char *port43;       /* WHOIS host named in RDAP responses; "" for none */
	const char *terms_of_use; /* text of the terms-of-use notice */
	const char *terms_url;    /* where the full terms are; "" for none */
	uint32_t redact;          /* entity fields (1u << field) withheld when personal */
};

/**
 * Parse the privacy policy: entity field names ("fn email voice ...")
 * separated by spaces or commas, into a mask of fields to withhold.
 */
idreg_err idreg_redaction_parse(const char *list, uint32_t *mask, struct idreg_diag *diag);

/**
 * Render @answer as an RDAP response body into @out.  @request_url is the
 * URL the client asked for (the "value" of self links).  Errors (status
 * 4xx/5xx) become RFC 9083 section 6 error bodies.  Personal contact data
 * that the policy withholds is left out and listed under "redacted" (RFC
 * 9537).
 */
idreg_err idreg_render_rdap(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			    const struct idreg_answer *answer, const char *request_url,
			    struct idreg_buf *out);

/** Render @answer as a WHOIS reply, CRLF line ends, into @out. */
idreg_err idreg_render_whois(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			     const char *query_text, const struct idreg_answer *answer,
			     struct idreg_buf *out);

/**
 * Append @text to the string in @out (@size bytes), percent-encoded as a
 * URI wants it (RFC 3986 section 2.1): every byte but the unreserved
 * characters and those in @also_plain becomes %XX.  What does not fit is
 * left out, never a part of an escape.
 */
void idreg_render_uri_append(char *out, size_t size, const char *text, const char *also_plain);

/** Should @field of entity @e be withheld from this client? */
bool idreg_render_withheld(const struct idreg_service *svc, const struct idreg_entity *e,
			   enum idreg_entity_field field);

#endif
