/*
 * A small streaming JSON writer into a struct idreg_buf: compact output (no
 * spaces), the commas between members and elements written for the caller,
 * strings escaped as RFC 8259 requires ('"', '\\' and the control characters;
 * \b \f \n \r \t in short form, the others as \u00XX) and nothing else, so
 * UTF-8 passes through and '/' is not escaped -- the bytes jansson's
 * json_dumps(JSON_COMPACT) writes.  Invalid UTF-8 never makes invalid JSON:
 * each byte that does not start or continue a well-formed sequence becomes
 * U+FFFD.
 *
 * Errors are sticky: once a write fails (the buffer's ceiling: IDREG_ETOOBIG;
 * memory; misuse such as a key outside an object, unbalanced ends or nesting
 * deeper than IDREG_JSONW_DEPTH_MAX: IDREG_EINVAL), later calls do nothing
 * and idreg_jsonw_finish() reports the first error.
 */
#ifndef IDREG_CORE_JSONW_H
#define IDREG_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define IDREG_JSONW_DEPTH_MAX 64

struct idreg_jsonw {
	struct idreg_buf *buf;
	idreg_err err;      /* first error, sticky */
	unsigned depth;     /* open containers */
	uint64_t is_object; /* bit d: container at depth d+1 is an object */
	uint64_t has_items; /* bit d: container at depth d+1 already holds a value */
	bool after_key;     /* a key was written; its value comes next */
	bool done;          /* a top-level value is complete */
};

/** Start writing one JSON value at the end of @buf (its content is kept). */
void idreg_jsonw_init(struct idreg_jsonw *w, struct idreg_buf *buf);

void idreg_jsonw_object_begin(struct idreg_jsonw *w);
void idreg_jsonw_object_end(struct idreg_jsonw *w);
void idreg_jsonw_array_begin(struct idreg_jsonw *w);
void idreg_jsonw_array_end(struct idreg_jsonw *w);

/** A member's name, inside an object; its value is the next thing written. */
void idreg_jsonw_key(struct idreg_jsonw *w, const char *key);

/** A string value (NUL-terminated; NULL writes null). */
void idreg_jsonw_string(struct idreg_jsonw *w, const char *s);
/** A string value of @len bytes (may hold NUL, written \u0000). */
void idreg_jsonw_string_n(struct idreg_jsonw *w, const char *s, size_t len);
void idreg_jsonw_int(struct idreg_jsonw *w, int64_t v);
void idreg_jsonw_bool(struct idreg_jsonw *w, bool v);
void idreg_jsonw_null(struct idreg_jsonw *w);

/**
 * A value already written as JSON by another writer (e.g. into a scratch
 * buffer): copied as it is.  The caller vouches that it is one valid value.
 */
void idreg_jsonw_raw(struct idreg_jsonw *w, const char *json, size_t len);

/* Shorthands for a member: key then value. */
void idreg_jsonw_kv_string(struct idreg_jsonw *w, const char *key, const char *s);
void idreg_jsonw_kv_int(struct idreg_jsonw *w, const char *key, int64_t v);
void idreg_jsonw_kv_bool(struct idreg_jsonw *w, const char *key, bool v);

/**
 * IDREG_OK if everything was written and every container closed; otherwise
 * the first error (IDREG_EINVAL if containers are still open).  The buffer
 * then holds a partial value, which the caller discards.
 */
idreg_err idreg_jsonw_finish(const struct idreg_jsonw *w);

#endif
