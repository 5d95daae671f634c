/*
 * Number-resource record helpers: status names, comparison, ordering.
 */
#include "numres/numres.h"

#include <string.h>
#include <strings.h>

static const char *const status_names[IDREG_STATUS_COUNT] = {
	"allocated", "assigned", "available", "reserved"
};

const char *idreg_status_name(enum idreg_status status)
{
	return status_names[status];
}

bool idreg_status_parse(const char *s, size_t len, enum idreg_status *out)
{
	for (int i = 0; i < IDREG_STATUS_COUNT; i++) {
		if (strlen(status_names[i]) == len && strncasecmp(s, status_names[i], len) == 0) {
			*out = (enum idreg_status)i;
			return true;
		}
	}
	return false;
}

static bool same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		return a == b;
	}
	return strcmp(a, b) == 0;
}

bool idreg_numres_equal(const struct idreg_numres *a, const struct idreg_numres *b)
{
	return a->type == b->type && a->first == b->first && a->last == b->last &&
	       a->value == b->value && a->date == b->date && a->status == b->status &&
	       same_text(a->registry, b->registry) && same_text(a->cc, b->cc) &&
	       same_text(a->opaque_id, b->opaque_id) && same_text(a->extensions, b->extensions);
}

int idreg_numres_order(const void *pa, const void *pb)
{
	const struct idreg_numres *a = pa, *b = pb;
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	if (a->first != b->first) {
		return a->first < b->first ? -1 : 1;
	}
	if (a->last != b->last) {
		return a->last > b->last ? -1 : 1;
	}
	return 0;
}
