/*
 * Names and messages for the error codes, generated from IDREG_ERROR_LIST, and
 * the diagnostic buffer helpers.
 */
#include "core/error.h"

#include <stdio.h>

#define IDREG__ERROR_NAME(name, msg) #name,
static const char *const error_names[] = { IDREG_ERROR_LIST(IDREG__ERROR_NAME) };
#undef IDREG__ERROR_NAME

#define IDREG__ERROR_MSG(name, msg) msg,
static const char *const error_messages[] = { IDREG_ERROR_LIST(IDREG__ERROR_MSG) };
#undef IDREG__ERROR_MSG

static int error_index(idreg_err err)
{
	/* Compare before negating: -INT_MIN is undefined. */
	if ((int)err > 0 || (int)err <= -IDREG__ERROR_COUNT) {
		return -1;
	}
	return -(int)err;
}

const char *idreg_strerror_name(idreg_err err)
{
	int index = error_index(err);
	return index < 0 ? "EUNKNOWN" : error_names[index];
}

const char *idreg_strerror(idreg_err err)
{
	int index = error_index(err);
	return index < 0 ? "unknown error" : error_messages[index];
}

idreg_err idreg_diag_set(struct idreg_diag *diag, idreg_err err, const char *fmt, ...)
{
	if (diag != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(diag->text, sizeof(diag->text), fmt, ap);
		va_end(ap);
	}
	return err;
}
