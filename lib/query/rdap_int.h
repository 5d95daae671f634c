/*
 * Internals shared by the RDAP renderers (rdap_json.c for numbers, errors
 * and help; rdap_names.c for domains, nameservers and entities).
 */
#ifndef IDREG_QUERY_RDAP_INT_H
#define IDREG_QUERY_RDAP_INT_H

#include <jansson.h>

#include "query/render.h"

json_t *idreg__rdap_link(const char *value, const char *rel, const char *href, const char *type);
json_t *idreg__rdap_event(const char *action, const char *date);

/** Append an event at Unix time @t, unless @t is IDREG_TIME_NONE. */
void idreg__rdap_add_event_time(json_t *events, const char *action, int64_t t);

/** The RDAP object for a names answer (domain, nameserver, entity, or a search). */
json_t *idreg__rdap_names(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			  const struct idreg_answer *answer, const char *request_url,
			  bool *redacted);

#endif
