/*
 * Growable byte buffer with a mandatory ceiling (after curl's dynbuf): every
 * buffer that input can grow says how large it may become, and appending past
 * that fails with IDREG_ETOOBIG instead of eating memory.  The content is
 * always NUL-terminated.
 */
#ifndef IDREG_CORE_BUF_H
#define IDREG_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"

struct idreg_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* ceiling on len; must be set */
};

/** Set up an empty buffer that may hold at most @max bytes. */
void idreg_buf_init(struct idreg_buf *buf, size_t max);

idreg_err idreg_buf_append(struct idreg_buf *buf, const void *data, size_t len);
idreg_err idreg_buf_puts(struct idreg_buf *buf, const char *s);
idreg_err idreg_buf_printf(struct idreg_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Empty the buffer, keeping its memory. */
void idreg_buf_clear(struct idreg_buf *buf);

void idreg_buf_free(struct idreg_buf *buf);

#endif
