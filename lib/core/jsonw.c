/*
 * Streaming JSON writer; see jsonw.h.
 */
#include "core/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void idreg_jsonw_init(struct idreg_jsonw *w, struct idreg_buf *buf)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
}

static void put(struct idreg_jsonw *w, const void *data, size_t len)
{
	struct idreg_buf *buf = w->buf;
	/* Most pieces fit the room already there: copy without a call. */
	if (w->err == IDREG_OK && len < buf->cap - buf->len && buf->len + len <= buf->max) {
		memcpy(buf->data + buf->len, data, len);
		buf->len += len;
		buf->data[buf->len] = '\0';
	} else if (w->err == IDREG_OK) {
		w->err = idreg_buf_append(buf, data, len);
	}
}

static void put_char(struct idreg_jsonw *w, char c)
{
	put(w, &c, 1);
}

static void fail(struct idreg_jsonw *w, idreg_err err)
{
	if (w->err == IDREG_OK) {
		w->err = err;
	}
}

static bool in_object(const struct idreg_jsonw *w)
{
	return w->depth > 0 && (w->is_object >> (w->depth - 1) & 1u);
}

/* Before a value: the comma, and checks that a value may come here. */
static bool value_start(struct idreg_jsonw *w)
{
	if (w->err != IDREG_OK) {
		return false;
	}
	if (w->depth == 0) {
		if (w->done) {
			fail(w, IDREG_EINVAL); /* a second top-level value */
			return false;
		}
		return true;
	}
	if (in_object(w)) {
		if (!w->after_key) {
			fail(w, IDREG_EINVAL); /* a member's value without its key */
			return false;
		}
		return true;
	}
	if (w->has_items >> (w->depth - 1) & 1u) {
		put_char(w, ',');
	}
	return w->err == IDREG_OK;
}

/* After a value: the container now holds something. */
static void value_end(struct idreg_jsonw *w)
{
	if (w->depth == 0) {
		w->done = true;
	} else {
		w->has_items |= UINT64_C(1) << (w->depth - 1);
		w->after_key = false;
	}
}

static void begin(struct idreg_jsonw *w, bool object)
{
	if (!value_start(w)) {
		return;
	}
	if (w->depth >= IDREG_JSONW_DEPTH_MAX) {
		fail(w, IDREG_EINVAL);
		return;
	}
	put_char(w, object ? '{' : '[');
	uint64_t bit = UINT64_C(1) << w->depth;
	w->is_object = object ? w->is_object | bit : w->is_object & ~bit;
	w->has_items &= ~bit;
	w->after_key = false;
	w->depth++;
}

static void end(struct idreg_jsonw *w, bool object)
{
	if (w->err != IDREG_OK) {
		return;
	}
	if (w->depth == 0 || in_object(w) != object || w->after_key) {
		fail(w, IDREG_EINVAL);
		return;
	}
	put_char(w, object ? '}' : ']');
	w->depth--;
	value_end(w);
}

void idreg_jsonw_object_begin(struct idreg_jsonw *w)
{
	begin(w, true);
}

void idreg_jsonw_object_end(struct idreg_jsonw *w)
{
	end(w, true);
}

void idreg_jsonw_array_begin(struct idreg_jsonw *w)
{
	begin(w, false);
}

void idreg_jsonw_array_end(struct idreg_jsonw *w)
{
	end(w, false);
}

/* 0: copied as is; 1: escaped; 2: starts a multi-byte UTF-8 sequence or is invalid. */
static const unsigned char byte_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/*
 * The length of the well-formed UTF-8 sequence (Unicode table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF) at @s, which starts
 * with a byte >= 0x80; 0 if there is none.
 */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0) {
			lo = 0xA0;
		} else if (c == 0xED) {
			hi = 0x9F;
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0) {
			lo = 0x90;
		} else if (c == 0xF4) {
			hi = 0x8F;
		}
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (size_t i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF) {
			return 0;
		}
	}
	return len;
}

/* Are all eight bytes of @v of class 0: no control, '"', '\\' or byte
 * >= 0x80?  (The "has a byte less than" and "has a zero byte" word tricks.) */
static bool plain_word(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t quote = v ^ (ones * '"'), backslash = v ^ (ones * '\\');
	uint64_t special = ((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote) |
			   ((backslash - ones) & ~backslash) | v;
	return (special & highs) == 0;
}

static void put_escaped(struct idreg_jsonw *w, const char *str, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	put_char(w, '"');
	size_t run = 0; /* start of the bytes not yet written */
	size_t i = 0;
	while (i < len) {
		uint64_t word;
		if (i + 8 <= len && (memcpy(&word, s + i, 8), plain_word(word))) {
			i += 8;
			continue;
		}
		unsigned char c = s[i];
		unsigned char cls = byte_class[c];
		if (cls == 0) {
			i++;
			continue;
		}
		if (cls == 2) {
			size_t n = utf8_sequence(s + i, len - i);
			if (n > 0) {
				i += n;
				continue;
			}
		}
		put(w, s + run, i - run);
		if (cls == 2) {
			put(w, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte that is not UTF-8 */
		} else {
			char esc[6] = { '\\', 0, 0, 0, 0, 0 };
			size_t n = 2;
			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				n = 6;
				break;
			}
			put(w, esc, n);
		}
		i++;
		run = i;
	}
	put(w, s + run, len - run);
	put_char(w, '"');
}

void idreg_jsonw_key(struct idreg_jsonw *w, const char *key)
{
	if (w->err != IDREG_OK) {
		return;
	}
	if (!in_object(w) || w->after_key || key == NULL) {
		fail(w, IDREG_EINVAL);
		return;
	}
	if (w->has_items >> (w->depth - 1) & 1u) {
		put_char(w, ',');
	}
	put_escaped(w, key, strlen(key));
	put_char(w, ':');
	w->after_key = true;
}

void idreg_jsonw_string_n(struct idreg_jsonw *w, const char *s, size_t len)
{
	if (!value_start(w)) {
		return;
	}
	put_escaped(w, s, len);
	value_end(w);
}

void idreg_jsonw_string(struct idreg_jsonw *w, const char *s)
{
	if (s == NULL) {
		idreg_jsonw_null(w);
	} else {
		idreg_jsonw_string_n(w, s, strlen(s));
	}
}

void idreg_jsonw_raw(struct idreg_jsonw *w, const char *json, size_t len)
{
	if (!value_start(w)) {
		return;
	}
	put(w, json, len);
	value_end(w);
}

void idreg_jsonw_int(struct idreg_jsonw *w, int64_t v)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%" PRId64, v);
	idreg_jsonw_raw(w, text, (size_t)n);
}

void idreg_jsonw_bool(struct idreg_jsonw *w, bool v)
{
	idreg_jsonw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void idreg_jsonw_null(struct idreg_jsonw *w)
{
	idreg_jsonw_raw(w, "null", 4);
}

void idreg_jsonw_kv_string(struct idreg_jsonw *w, const char *key, const char *s)
{
	idreg_jsonw_key(w, key);
	idreg_jsonw_string(w, s);
}

void idreg_jsonw_kv_int(struct idreg_jsonw *w, const char *key, int64_t v)
{
	idreg_jsonw_key(w, key);
	idreg_jsonw_int(w, v);
}

void idreg_jsonw_kv_bool(struct idreg_jsonw *w, const char *key, bool v)
{
	idreg_jsonw_key(w, key);
	idreg_jsonw_bool(w, v);
}

idreg_err idreg_jsonw_finish(const struct idreg_jsonw *w)
{
	if (w->err != IDREG_OK) {
		return w->err;
	}
	return w->depth == 0 && w->done ? IDREG_OK : IDREG_EINVAL;
}
