/*
 * EPP frames (RFC 5734): reading the length header, writing it.  See frame.h.
 */
#include "epp/frame.h"

#include <stdint.h>

idreg_err idreg_epp_frame_peek(const char *in, size_t len, size_t max_frame, size_t *total,
			       struct idreg_diag *diag)
{
	*total = 0;
	if (len < IDREG_EPP_HEADER_BYTES) {
		return IDREG_OK;
	}
	const unsigned char *h = (const unsigned char *)in;
	uint32_t length = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	if (length <= IDREG_EPP_HEADER_BYTES) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "frame length %u leaves no room for a message (at least 5)",
				      length);
	}
	if (length > max_frame) {
		return idreg_diag_set(diag, IDREG_ETOOBIG,
				      "frame of %u bytes is over the limit of %zu (epp.max_frame_bytes)",
				      length, max_frame);
	}
	if (len >= length) {
		*total = length;
	}
	return IDREG_OK;
}

idreg_err idreg_epp_frame_begin(struct idreg_buf *out, size_t *start)
{
	*start = out->len;
	return idreg_buf_append(out, "\0\0\0\0", IDREG_EPP_HEADER_BYTES);
}

idreg_err idreg_epp_frame_end(struct idreg_buf *out, size_t start, size_t max_frame)
{
	size_t length = out->len - start;
	if (length > max_frame || length > UINT32_MAX) {
		out->len = start;
		out->data[start] = '\0';
		return IDREG_ETOOBIG;
	}
	unsigned char *h = (unsigned char *)out->data + start;
	h[0] = (unsigned char)(length >> 24);
	h[1] = (unsigned char)(length >> 16);
	h[2] = (unsigned char)(length >> 8);
	h[3] = (unsigned char)length;
	return IDREG_OK;
}
