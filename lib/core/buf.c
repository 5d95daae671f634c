/*
 * Growable byte buffer with a ceiling; see buf.h.
 */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idreg_buf_init(struct idreg_buf *buf, size_t max)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max;
}

static idreg_err buf_reserve(struct idreg_buf *buf, size_t extra)
{
	if (extra > buf->max || buf->len > buf->max - extra) {
		return IDREG_ETOOBIG;
	}
	size_t need = buf->len + extra + 1; /* room for the NUL */
	if (need <= buf->cap) {
		return IDREG_OK;
	}
	size_t cap = buf->cap ? buf->cap : 64;
	while (cap < need) {
		cap *= 2;
	}
	if (cap > buf->max + 1) {
		cap = buf->max + 1;
	}
	char *data = realloc(buf->data, cap);
	if (data == NULL) {
		return IDREG_ENOMEM;
	}
	buf->data = data;
	buf->cap = cap;
	return IDREG_OK;
}

idreg_err idreg_buf_append(struct idreg_buf *buf, const void *data, size_t len)
{
	idreg_err err = buf_reserve(buf, len);
	if (err != IDREG_OK) {
		return err;
	}
	if (len > 0) {
		memcpy(buf->data + buf->len, data, len);
	}
	buf->len += len;
	buf->data[buf->len] = '\0';
	return IDREG_OK;
}

idreg_err idreg_buf_puts(struct idreg_buf *buf, const char *s)
{
	return idreg_buf_append(buf, s, strlen(s));
}

idreg_err idreg_buf_printf(struct idreg_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return IDREG_EINVAL;
	}
	idreg_err err = buf_reserve(buf, (size_t)n);
	if (err != IDREG_OK) {
		return err;
	}
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return IDREG_OK;
}

void idreg_buf_clear(struct idreg_buf *buf)
{
	buf->len = 0;
	if (buf->data != NULL) {
		buf->data[0] = '\0';
	}
}

void idreg_buf_free(struct idreg_buf *buf)
{
	free(buf->data);
	idreg_buf_init(buf, buf->max);
}
