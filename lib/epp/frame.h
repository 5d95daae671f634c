/*
 * EPP framing over TCP (RFC 5734 section 4): every message is a 4-byte
 * big-endian length, which counts itself, followed by that many bytes of
 * XML less four.  A length under 5 (no XML at all) or over the configured
 * maximum is a framing error: the session cannot go on and is closed.
 */
#ifndef IDREG_EPP_FRAME_H
#define IDREG_EPP_FRAME_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

#define IDREG_EPP_HEADER_BYTES 4

/**
 * Look at the start of @in (@len bytes held).  IDREG_OK with *@total the
 * frame's whole length (header included) when all of it is there, or with
 * *@total 0 when more bytes are needed.  IDREG_EPARSE: the length is under
 * 5; IDREG_ETOOBIG: it is over @max_frame.  Both are known as soon as the
 * header is in, before the payload arrives.
 */
idreg_err idreg_epp_frame_peek(const char *in, size_t len, size_t max_frame, size_t *total,
			       struct idreg_diag *diag);

/** Start a frame in @out: reserve its header; returns where the frame starts. */
idreg_err idreg_epp_frame_begin(struct idreg_buf *out, size_t *start);

/** End the frame begun at @start: write its length, IDREG_ETOOBIG over @max_frame. */
idreg_err idreg_epp_frame_end(struct idreg_buf *out, size_t start, size_t max_frame);

#endif
