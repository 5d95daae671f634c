/*
 * Skipped-line bookkeeping; see skip.h.
 */
#include "core/skip.h"

#include <stdio.h>

void idreg_skip_note(struct idreg_skip kept[IDREG_SKIPS_KEPT], size_t *count, uint32_t line,
		     const char *reason)
{
	if (*count < IDREG_SKIPS_KEPT) {
		kept[*count].line = line;
		snprintf(kept[*count].reason, sizeof(kept[*count].reason), "%s", reason);
	}
	(*count)++;
}
