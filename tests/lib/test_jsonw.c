/*
 * Unit tests for lib/core/jsonw: compact output with commas in the right
 * places at every depth, escaping as jansson's json_dumps does it (short
 * escapes, \u00XX in upper case for other control characters, '/' and DEL
 * and UTF-8 untouched), invalid UTF-8 replaced by U+FFFD, misuse and the
 * buffer's ceiling as sticky errors reported by idreg_jsonw_finish.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/jsonw.h"

/* The JSON for one string value. */
static void check_string(const char *in, size_t len, const char *want)
{
	struct idreg_buf buf;
	struct idreg_jsonw w;
	idreg_buf_init(&buf, 4096);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_string_n(&w, in, len);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_string_equal(buf.data, want);
	assert_int_equal(buf.len, strlen(want));
	idreg_buf_free(&buf);
}

static void test_escaping(void **state)
{
	(void)state;
	check_string("", 0, "\"\"");
	check_string("plain text", 10, "\"plain text\"");
	check_string("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_string("/path/", 6, "\"/path/\"");
	check_string("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
	check_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001F\x7f\"");
	check_string("a\0b", 3, "\"a\\u0000b\"");
	/* UTF-8 of every length passes through. */
	check_string("\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", 11, "\"\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"");
	check_string("\xef\xbf\xbf\xf4\x8f\xbf\xbf", 7, "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
}

/* Each byte that needs escaping, at every place in strings longer than the
 * eight bytes the writer skips at once, among plain bytes: the escape
 * appears exactly there. */
static void test_escaping_in_long_strings(void **state)
{
	(void)state;
	static const struct {
		const char *raw;
		const char *escaped;
	} specials[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\x01", "\\u0001" }, { "\x1f", "\\u001F" },
		{ "\n", "\\n" }, { "\xc3\xa9", "\xc3\xa9" }, { "\xff", "\xef\xbf\xbd" },
	};
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		for (size_t at = 0; at <= 20; at++) {
			char in[64], want[80];
			size_t rlen = strlen(specials[k].raw);
			memset(in, 'x', at);
			memcpy(in + at, specials[k].raw, rlen);
			memset(in + at + rlen, 'y', 20 - at);
			size_t len = at + rlen + 20 - at;
			size_t n = 0;
			want[n++] = '"';
			memset(want + n, 'x', at);
			n += at;
			memcpy(want + n, specials[k].escaped, strlen(specials[k].escaped));
			n += strlen(specials[k].escaped);
			memset(want + n, 'y', 20 - at);
			n += 20 - at;
			want[n++] = '"';
			want[n] = '\0';
			check_string(in, len, want);
		}
	}
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8(void **state)
{
	(void)state;
	check_string("\xff", 1, "\"" FFFD "\"");
	check_string("a\x80z", 3, "\"a" FFFD "z\"");
	/* Overlong forms, surrogates, above U+10FFFF: each byte replaced. */
	check_string("\xc0\xaf", 2, "\"" FFFD FFFD "\"");
	check_string("\xe0\x80\xaf", 3, "\"" FFFD FFFD FFFD "\"");
	check_string("\xed\xa0\x80", 3, "\"" FFFD FFFD FFFD "\"");
	check_string("\xf4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	check_string("\xf5", 1, "\"" FFFD "\"");
	/* A sequence cut short, by the end or by another character. */
	check_string("x\xe4\xb8", 3, "\"x" FFFD FFFD "\"");
	check_string("\xe4\xb8\"", 3, "\"" FFFD FFFD "\\\"\"");
	check_string("\xc3\xc3\xa9", 3, "\"" FFFD "\xc3\xa9\"");
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct idreg_buf buf;
	struct idreg_jsonw w;
	idreg_buf_init(&buf, 4096);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_kv_string(&w, "a", "x");
	idreg_jsonw_kv_int(&w, "n", -42);
	idreg_jsonw_key(&w, "list");
	idreg_jsonw_array_begin(&w);
	idreg_jsonw_int(&w, INT64_MAX);
	idreg_jsonw_bool(&w, true);
	idreg_jsonw_bool(&w, false);
	idreg_jsonw_null(&w);
	idreg_jsonw_string(&w, NULL);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_object_end(&w);
	idreg_jsonw_array_begin(&w);
	idreg_jsonw_array_end(&w);
	idreg_jsonw_array_begin(&w);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_kv_bool(&w, "k\"", true);
	idreg_jsonw_key(&w, "raw");
	idreg_jsonw_raw(&w, "[1,2]", 5);
	idreg_jsonw_object_end(&w);
	idreg_jsonw_array_end(&w);
	idreg_jsonw_array_end(&w);
	idreg_jsonw_key(&w, "empty");
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_object_end(&w);
	idreg_jsonw_object_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_string_equal(buf.data, "{\"a\":\"x\",\"n\":-42,\"list\":[9223372036854775807,true,false,null,"
				      "null,{},[],[{\"k\\\"\":true,\"raw\":[1,2]}]],\"empty\":{}}");

	/* Appends after what the buffer already holds. */
	idreg_buf_clear(&buf);
	idreg_buf_puts(&buf, "x=");
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_array_begin(&w);
	idreg_jsonw_array_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_string_equal(buf.data, "x=[]");

	/* Nesting to the limit, and one deeper. */
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	for (int i = 0; i < IDREG_JSONW_DEPTH_MAX; i++) {
		idreg_jsonw_array_begin(&w);
	}
	for (int i = 0; i < IDREG_JSONW_DEPTH_MAX; i++) {
		idreg_jsonw_array_end(&w);
	}
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_int_equal(buf.len, 2 * IDREG_JSONW_DEPTH_MAX);
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	for (int i = 0; i <= IDREG_JSONW_DEPTH_MAX; i++) {
		idreg_jsonw_array_begin(&w);
	}
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);
	idreg_buf_free(&buf);
}

static void test_misuse(void **state)
{
	(void)state;
	struct idreg_buf buf;
	struct idreg_jsonw w;
	idreg_buf_init(&buf, 4096);

	/* A key in an array. */
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_array_begin(&w);
	idreg_jsonw_key(&w, "k");
	idreg_jsonw_array_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);

	/* A value in an object without its key. */
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_int(&w, 1);
	idreg_jsonw_object_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);

	/* A key without its value, a wrong end, an unclosed container, two values. */
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_key(&w, "k");
	idreg_jsonw_object_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_array_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_array_begin(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);
	idreg_buf_clear(&buf);
	idreg_jsonw_init(&w, &buf);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL); /* nothing written */
	idreg_jsonw_int(&w, 1);
	idreg_jsonw_int(&w, 2);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_EINVAL);
	idreg_buf_free(&buf);
}

static void test_ceiling(void **state)
{
	(void)state;
	struct idreg_buf buf;
	struct idreg_jsonw w;
	/* {"k":"0123456789"} is 18 bytes: it fits in 18, not in 17. */
	idreg_buf_init(&buf, 18);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_kv_string(&w, "k", "0123456789");
	idreg_jsonw_object_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_string_equal(buf.data, "{\"k\":\"0123456789\"}");
	idreg_buf_free(&buf);

	idreg_buf_init(&buf, 17);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_kv_string(&w, "k", "0123456789");
	idreg_jsonw_object_end(&w);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_ETOOBIG);
	assert_true(buf.len <= 17);
	/* Sticky: nothing more is written, and the first error stays. */
	size_t len = buf.len;
	idreg_jsonw_object_begin(&w);
	idreg_jsonw_key(&w, "x");
	idreg_jsonw_int(&w, 1);
	assert_int_equal(buf.len, len);
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_ETOOBIG);
	idreg_buf_free(&buf);

	/* Escapes count against the ceiling too: "\u0001" is 8 bytes. */
	idreg_buf_init(&buf, 7);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_string(&w, "\x01");
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_ETOOBIG);
	idreg_buf_free(&buf);
	idreg_buf_init(&buf, 8);
	idreg_jsonw_init(&w, &buf);
	idreg_jsonw_string(&w, "\x01");
	assert_int_equal(idreg_jsonw_finish(&w), IDREG_OK);
	assert_string_equal(buf.data, "\"\\u0001\"");
	idreg_buf_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_escaping_in_long_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_ceiling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
