/*
 * Backend selection for the storage interface.
 */
#include "store/store.h"

#include <string.h>
#include <time.h>

idreg_err idreg_store_open(const struct idreg_store_options *opts, struct idreg_store **out,
			   struct idreg_diag *diag)
{
	if (strcmp(opts->backend, "sqlite") == 0) {
		return idreg_store_sqlite_open(opts, out, diag);
	}
	return idreg_diag_set(diag, IDREG_ECONFIG, "unknown store backend '%s'", opts->backend);
}

void idreg_store_now(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
