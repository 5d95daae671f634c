/*
 * The privacy policy: which contact fields anonymous clients do not see when
 * the registry marks them as personal data.  The policy is configuration
 * (privacy.redact); both RDAP and WHOIS apply it through
 * idreg_render_withheld.
 */
#include <string.h>

#include "domains/domain.h"
#include "query/render.h"

idreg_err idreg_redaction_parse(const char *list, uint32_t *mask, struct idreg_diag *diag)
{
	*mask = 0;
	const char *p = list;
	while (*p) {
		size_t skip = strspn(p, " ,\t");
		p += skip;
		size_t len = strcspn(p, " ,\t");
		if (len == 0) {
			break;
		}
		enum idreg_entity_field field;
		if (!idreg_entity_field_parse(p, len, &field)) {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "privacy.redact: '%.*s' is not a contact field", (int)len, p);
		}
		*mask |= 1u << field;
		p += len;
	}
	return IDREG_OK;
}

bool idreg_render_withheld(const struct idreg_service *svc, const struct idreg_entity *e,
			   enum idreg_entity_field field)
{
	uint32_t bit = 1u << field;
	return (e->personal & bit) && (svc->redact & bit);
}
