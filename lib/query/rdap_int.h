/*
 * Internals shared by the RDAP renderers (rdap_json.c for numbers, errors
 * and help; rdap_names.c for domains, nameservers and entities), which write
 * the JSON straight into the response buffer with core/jsonw.h.
 */
#ifndef IDREG_QUERY_RDAP_INT_H
#define IDREG_QUERY_RDAP_INT_H

#include "core/jsonw.h"
#include "query/render.h"

/** Write a link object (RFC 9083 section 4.2); @type may be NULL. */
void idreg__rdap_link(struct idreg_jsonw *w, const char *value, const char *rel, const char *href,
		      const char *type);

/** Write an event object. */
void idreg__rdap_event(struct idreg_jsonw *w, const char *action, const char *date);

/** Write an event at Unix time @t, unless @t is IDREG_TIME_NONE. */
void idreg__rdap_event_time(struct idreg_jsonw *w, const char *action, int64_t t);

/** The same with the eventActor (a registrar's id), left out when @actor is NULL. */
void idreg__rdap_event_by(struct idreg_jsonw *w, const char *action, const char *date,
			  const char *actor);
void idreg__rdap_event_time_by(struct idreg_jsonw *w, const char *action, int64_t t,
			       const char *actor);

/**
 * Write the members of the RDAP object for a names answer (domain,
 * nameserver, entity, or a search) into the object open in @w; *@redacted
 * says whether anything was withheld.  Errors are @w's, or a scratch
 * buffer's (IDREG_ETOOBIG, IDREG_ENOMEM) returned here.
 */
idreg_err idreg__rdap_names(struct idreg_jsonw *w, const struct idreg_service *svc,
			    const struct idreg_snapshot *snap, const struct idreg_answer *answer,
			    const char *request_url, bool *redacted, size_t *listed);

#endif
