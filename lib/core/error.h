/*
 * The one error vocabulary of idreg.  Every function that can fail returns an
 * idreg_err: IDREG_OK (zero) or a negative code.  Codes, their names and
 * their messages come from the single list below, so they cannot drift apart.
 * A caller that needs more than the code (a file and line, a field) gets it
 * from a struct idreg_diag filled in by the function that failed.
 */
#ifndef IDREG_CORE_ERROR_H
#define IDREG_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* X(NAME, message) -- the order fixes the numeric values. */
#define IDREG_ERROR_LIST(X)                                                  \
	X(OK, "success")                                                     \
	X(ENOMEM, "out of memory")                                           \
	X(EINVAL, "invalid argument")                                        \
	X(EPARSE, "malformed input")                                         \
	X(ETOOBIG, "size limit exceeded")                                    \
	X(ENOTFOUND, "not found")                                            \
	X(EEXIST, "already exists")                                          \
	X(EIO, "input/output error")                                         \
	X(ENOSPC, "no space left on device")                                 \
	X(EACCES, "permission denied")                                       \
	X(EBUSY, "resource busy")                                            \
	X(ESTORE, "storage error")                                           \
	X(ESCHEMA, "unsupported store schema version")                       \
	X(ESTALE, "older than the data already held")                        \
	X(EMISMATCH, "counts do not match")                                  \
	X(ECONFIG, "invalid configuration")                                  \
	X(EREFUSED, "refused by the registry's policy")

#define IDREG__ERROR_ENUM(name, msg) IDREG_##name##_INDEX,
enum idreg__error_index { IDREG_ERROR_LIST(IDREG__ERROR_ENUM) IDREG__ERROR_COUNT };
#undef IDREG__ERROR_ENUM

/** Error codes: IDREG_OK is 0, every error is negative. */
#define IDREG__ERROR_CODE(name, msg) IDREG_##name = -IDREG_##name##_INDEX,
typedef enum { IDREG_ERROR_LIST(IDREG__ERROR_CODE) } idreg_err;
#undef IDREG__ERROR_CODE

/** The symbolic name of a code, e.g. "EPARSE"; "EUNKNOWN" for a stray value. */
const char *idreg_strerror_name(idreg_err err);

/** A one-line human message for a code. */
const char *idreg_strerror(idreg_err err);

/** What went wrong, in words, for the caller to print; bounded. */
struct idreg_diag {
	char text[512];
};

/** Fill @diag (may be NULL) with a formatted message and return @err. */
idreg_err idreg_diag_set(struct idreg_diag *diag, idreg_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
