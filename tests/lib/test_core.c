/*
 * Unit tests for lib/core: the arena (alignment, ceiling, reset, large
 * allocations), the bounded buffer (ceiling -> IDREG_ETOOBIG with the content
 * unchanged, printf, NUL termination), the string map, the error vocabulary,
 * configuration (defaults from docs/configuration.md, INI files, errors that
 * name file and line, idreg_config_set, print + load round trip) and logging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/array.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/strmap.h"

/* ---- arena ---- */

static struct idreg_arena g_arena;

static int arena_teardown(void **state)
{
	(void)state;
	idreg_arena_free(&g_arena);
	return 0;
}

static void test_arena_alignment(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 256, 0);
	static const size_t sizes[] = { 1, 3, 7, 8, 13, 16, 17, 31, 33, 100, 255, 256, 257, 1000 };
	unsigned char *ptrs[70];
	size_t lens[70];
	size_t n = 0;
	for (int round = 0; round < 5; round++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			unsigned char *p = idreg_arena_alloc(&g_arena, sizes[i]);
			assert_non_null(p);
			if ((uintptr_t)p % alignof(max_align_t) != 0) {
				fail_msg("allocation of %zu bytes at %p is not aligned to %zu", sizes[i],
					 (void *)p, alignof(max_align_t));
			}
			memset(p, (int)(n & 0xff), sizes[i]);
			ptrs[n] = p;
			lens[n] = sizes[i];
			n++;
		}
	}
	/* No allocation overlaps another: each still holds its own pattern. */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < lens[i]; k++) {
			if (ptrs[i][k] != (unsigned char)(i & 0xff)) {
				fail_msg("allocation %zu was overwritten at byte %zu", i, k);
			}
		}
	}
	/* calloc and strndup are aligned too. */
	void *c = idreg_arena_calloc(&g_arena, 3, 5);
	assert_non_null(c);
	assert_int_equal((uintptr_t)c % alignof(max_align_t), 0);
	char *s = idreg_arena_strndup(&g_arena, "abc", 1);
	assert_non_null(s);
	assert_int_equal((uintptr_t)s % alignof(max_align_t), 0);
}

static void test_arena_limit(void **state)
{
	(void)state;
	const size_t limit = 8192;
	idreg_arena_init(&g_arena, 1024, limit);
	size_t got = 0;
	int ok = 0;
	for (int i = 0; i < 1000; i++) {
		void *p = idreg_arena_alloc(&g_arena, 100);
		if (p == NULL) {
			break;
		}
		memset(p, 1, 100);
		got += 100;
		ok++;
	}
	/* It stopped, within the ceiling, after handing out a fair part of it. */
	assert_true(ok < 1000);
	assert_true(got <= limit);
	assert_true(got >= limit / 2);
	assert_true(g_arena.used <= limit);
	/* Still refused; and one request over the whole limit is refused at once. */
	assert_null(idreg_arena_alloc(&g_arena, 100));
	idreg_arena_free(&g_arena);
	idreg_arena_init(&g_arena, 1024, limit);
	assert_null(idreg_arena_alloc(&g_arena, limit + 1));
	assert_null(idreg_arena_alloc(&g_arena, SIZE_MAX));
	assert_null(idreg_arena_alloc(&g_arena, SIZE_MAX - 8));
	assert_non_null(idreg_arena_alloc(&g_arena, 100));
	/* A calloc whose size overflows is refused. */
	assert_null(idreg_arena_calloc(&g_arena, SIZE_MAX / 2, 4));
	assert_null(idreg_arena_calloc(&g_arena, 4, SIZE_MAX / 2));
	/* ... also when the product wraps around to something small. */
	size_t wraps = SIZE_MAX / 4 + 2; /* times 4 is 4 past SIZE_MAX + 1 */
	assert_null(idreg_arena_calloc(&g_arena, wraps, 4));
	assert_null(idreg_arena_calloc(&g_arena, 4, wraps));
	assert_true(g_arena.used <= limit);
}

static void test_arena_reset(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 1024, 16384);
	void *first = idreg_arena_alloc(&g_arena, 16);
	assert_non_null(first);
	for (int i = 0; i < 100; i++) {
		if (idreg_arena_alloc(&g_arena, 100) == NULL) {
			break;
		}
	}
	assert_null(idreg_arena_alloc(&g_arena, 8192)); /* full */
	idreg_arena_reset(&g_arena);
	/* Everything but the first block is released: the room is back ... */
	assert_true(g_arena.used <= 1024);
	void *again = idreg_arena_alloc(&g_arena, 16);
	/* ... and the first block is rewound. */
	assert_ptr_equal(again, first);
	void *big = idreg_arena_alloc(&g_arena, 8192);
	assert_non_null(big);
	memset(big, 0, 8192);
	/* Reset on an empty arena is harmless. */
	idreg_arena_free(&g_arena);
	idreg_arena_init(&g_arena, 0, 0);
	idreg_arena_reset(&g_arena);
	assert_non_null(idreg_arena_alloc(&g_arena, 1));
}

static void test_arena_large(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 4096, 0);
	char *small = idreg_arena_strndup(&g_arena, "before", 6);
	assert_non_null(small);
	size_t big = (size_t)10 << 20;
	unsigned char *p = idreg_arena_alloc(&g_arena, big);
	assert_non_null(p);
	memset(p, 0xab, big);
	assert_int_equal(p[0], 0xab);
	assert_int_equal(p[big - 1], 0xab);
	assert_true(g_arena.used >= big);
	/* Small allocations go on, and the earlier one is intact. */
	char *after = idreg_arena_strndup(&g_arena, "after", 5);
	assert_non_null(after);
	assert_string_equal(small, "before");
	assert_string_equal(after, "after");
	assert_int_equal(p[big / 2], 0xab);
	/* calloc zeroes. */
	unsigned char *z = idreg_arena_calloc(&g_arena, 1000, 10);
	assert_non_null(z);
	for (size_t i = 0; i < 10000; i++) {
		assert_int_equal(z[i], 0);
	}
}

static void test_arena_strndup(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 64, 0);
	char *s = idreg_arena_strndup(&g_arena, "hello world", 5);
	assert_string_equal(s, "hello");
	s = idreg_arena_strndup(&g_arena, "", 0);
	assert_string_equal(s, "");
	s = idreg_arena_strndup(&g_arena, "a|b", 3);
	assert_string_equal(s, "a|b");
	/* Longer than a block. */
	char text[300];
	memset(text, 'q', sizeof(text));
	s = idreg_arena_strndup(&g_arena, text, sizeof(text));
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(text));
	assert_null(idreg_arena_strndup(&g_arena, "x", SIZE_MAX));
}

/* ---- buf ---- */

static struct idreg_buf g_buf;

static int buf_teardown(void **state)
{
	(void)state;
	idreg_buf_free(&g_buf);
	return 0;
}

static void assert_buf(const struct idreg_buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_non_null(b->data);
	assert_memory_equal(b->data, want, b->len);
	assert_int_equal(b->data[b->len], '\0');
}

static void test_buf_ceiling(void **state)
{
	(void)state;
	idreg_buf_init(&g_buf, 10);
	assert_int_equal(idreg_buf_append(&g_buf, "hello", 5), IDREG_OK);
	assert_buf(&g_buf, "hello");
	assert_int_equal(idreg_buf_puts(&g_buf, "world"), IDREG_OK); /* exactly the ceiling */
	assert_buf(&g_buf, "helloworld");
	assert_int_equal(idreg_buf_append(&g_buf, "!", 1), IDREG_ETOOBIG);
	assert_buf(&g_buf, "helloworld");
	assert_int_equal(idreg_buf_puts(&g_buf, "more"), IDREG_ETOOBIG);
	assert_buf(&g_buf, "helloworld");
	assert_int_equal(idreg_buf_printf(&g_buf, "%d", 7), IDREG_ETOOBIG);
	assert_buf(&g_buf, "helloworld");
	assert_int_equal(idreg_buf_append(&g_buf, "", 0), IDREG_OK);
	assert_buf(&g_buf, "helloworld");
	/* A huge length must not wrap around. */
	assert_int_equal(idreg_buf_append(&g_buf, "x", SIZE_MAX), IDREG_ETOOBIG);
	assert_buf(&g_buf, "helloworld");

	/* An append that would cross the ceiling is refused whole, not cut. */
	idreg_buf_clear(&g_buf);
	assert_buf(&g_buf, "");
	assert_int_equal(idreg_buf_puts(&g_buf, "12345678"), IDREG_OK);
	assert_int_equal(idreg_buf_puts(&g_buf, "abc"), IDREG_ETOOBIG);
	assert_buf(&g_buf, "12345678");
	assert_int_equal(idreg_buf_printf(&g_buf, "%s", "xyz"), IDREG_ETOOBIG);
	assert_buf(&g_buf, "12345678");
	assert_int_equal(idreg_buf_printf(&g_buf, "%s", "xy"), IDREG_OK);
	assert_buf(&g_buf, "12345678xy");
}

static void test_buf_zero_ceiling(void **state)
{
	(void)state;
	idreg_buf_init(&g_buf, 0);
	assert_int_equal(idreg_buf_append(&g_buf, "a", 1), IDREG_ETOOBIG);
	assert_int_equal(g_buf.len, 0);
	assert_int_equal(idreg_buf_printf(&g_buf, "%c", 'a'), IDREG_ETOOBIG);
	assert_int_equal(g_buf.len, 0);
}

static void test_buf_printf(void **state)
{
	(void)state;
	idreg_buf_init(&g_buf, 1000);
	assert_int_equal(idreg_buf_printf(&g_buf, "%d-%s", 42, "x"), IDREG_OK);
	assert_buf(&g_buf, "42-x");
	assert_int_equal(idreg_buf_printf(&g_buf, "|%05u|%c", 7u, 'z'), IDREG_OK);
	assert_buf(&g_buf, "42-x|00007|z");
	assert_int_equal(idreg_buf_printf(&g_buf, "%s", ""), IDREG_OK);
	assert_buf(&g_buf, "42-x|00007|z");
	/* A formatted piece longer than any initial allocation. */
	char pad[600];
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	assert_int_equal(idreg_buf_printf(&g_buf, "[%s]", pad), IDREG_OK);
	assert_int_equal(g_buf.len, 12 + 2 + 599);
	assert_int_equal(g_buf.data[12], '[');
	assert_int_equal(g_buf.data[12 + 600], ']');
	assert_int_equal(g_buf.data[g_buf.len], '\0');
	/* Binary data with NULs is appended byte for byte. */
	idreg_buf_clear(&g_buf);
	assert_int_equal(idreg_buf_append(&g_buf, "a\0b", 3), IDREG_OK);
	assert_int_equal(g_buf.len, 3);
	assert_memory_equal(g_buf.data, "a\0b", 4);
}

static void test_buf_growth(void **state)
{
	(void)state;
	const size_t max = (size_t)1 << 20;
	idreg_buf_init(&g_buf, max);
	char chunk[1000];
	size_t total = 0;
	for (int i = 0;; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		idreg_err err = idreg_buf_append(&g_buf, chunk, sizeof(chunk));
		if (err != IDREG_OK) {
			assert_int_equal(err, IDREG_ETOOBIG);
			break;
		}
		total += sizeof(chunk);
		assert_int_equal(g_buf.len, total);
		assert_int_equal(g_buf.data[g_buf.len], '\0');
	}
	assert_int_equal(total, max / 1000 * 1000);
	assert_int_equal(g_buf.len, total);
	for (size_t i = 0; i < total; i++) {
		if (g_buf.data[i] != 'a' + (char)(i / 1000 % 26)) {
			fail_msg("byte %zu is '%c'", i, g_buf.data[i]);
		}
	}
	/* The rest up to the ceiling still fits. */
	size_t rest = max - total;
	memset(chunk, 'r', rest);
	assert_int_equal(idreg_buf_append(&g_buf, chunk, rest), IDREG_OK);
	assert_int_equal(g_buf.len, max);
	assert_int_equal(g_buf.data[max], '\0');
	assert_int_equal(idreg_buf_append(&g_buf, "x", 1), IDREG_ETOOBIG);
	/* Clear keeps the buffer usable. */
	idreg_buf_clear(&g_buf);
	assert_buf(&g_buf, "");
	assert_int_equal(idreg_buf_puts(&g_buf, "again"), IDREG_OK);
	assert_buf(&g_buf, "again");
}

/* ---- strmap ---- */

static struct idreg_strmap g_map;

static int map_setup(void **state)
{
	(void)state;
	idreg_strmap_init(&g_map);
	return 0;
}

static int map_teardown(void **state)
{
	(void)state;
	idreg_strmap_free(&g_map);
	return 0;
}

static void test_strmap_basic(void **state)
{
	(void)state;
	int64_t v = 99;
	assert_int_equal(idreg_strmap_get(&g_map, "a", &v), IDREG_ENOTFOUND);
	assert_int_equal(idreg_strmap_get(&g_map, "", &v), IDREG_ENOTFOUND);
	assert_int_equal(v, 99);
	assert_int_equal(idreg_strmap_put(&g_map, "a", 1), IDREG_OK);
	assert_int_equal(idreg_strmap_put(&g_map, "b", -2), IDREG_OK);
	assert_int_equal(idreg_strmap_put(&g_map, "ab", INT64_MAX), IDREG_OK);
	assert_int_equal(idreg_strmap_put(&g_map, "", INT64_MIN), IDREG_OK);
	assert_int_equal(g_map.count, 4);
	assert_int_equal(idreg_strmap_get(&g_map, "a", &v), IDREG_OK);
	assert_int_equal(v, 1);
	assert_int_equal(idreg_strmap_get(&g_map, "b", &v), IDREG_OK);
	assert_int_equal(v, -2);
	assert_int_equal(idreg_strmap_get(&g_map, "ab", &v), IDREG_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(idreg_strmap_get(&g_map, "", &v), IDREG_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(idreg_strmap_get(&g_map, "abc", &v), IDREG_ENOTFOUND);
	assert_int_equal(idreg_strmap_get(&g_map, "A", &v), IDREG_ENOTFOUND);
	/* Replace. */
	assert_int_equal(idreg_strmap_put(&g_map, "a", 3), IDREG_OK);
	assert_int_equal(g_map.count, 4);
	assert_int_equal(idreg_strmap_get(&g_map, "a", &v), IDREG_OK);
	assert_int_equal(v, 3);
	/* Keys are copied. */
	char key[16];
	snprintf(key, sizeof(key), "temp");
	assert_int_equal(idreg_strmap_put(&g_map, key, 77), IDREG_OK);
	memset(key, 'z', sizeof(key) - 1);
	assert_int_equal(idreg_strmap_get(&g_map, "temp", &v), IDREG_OK);
	assert_int_equal(v, 77);
	/* Keys with the registry\x1fid shape the store uses. */
	assert_int_equal(idreg_strmap_put(&g_map, "ripencc\x1f" "ORG-1", 5), IDREG_OK);
	assert_int_equal(idreg_strmap_get(&g_map, "ripencc\x1f" "ORG-2", &v), IDREG_ENOTFOUND);
	assert_int_equal(idreg_strmap_get(&g_map, "ripencc\x1f" "ORG-1", &v), IDREG_OK);
	assert_int_equal(v, 5);
}

static void test_strmap_clear(void **state)
{
	(void)state;
	int64_t v;
	for (int i = 0; i < 1000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(idreg_strmap_put(&g_map, key, i), IDREG_OK);
	}
	idreg_strmap_clear(&g_map);
	assert_int_equal(g_map.count, 0);
	assert_int_equal(idreg_strmap_get(&g_map, "k1", &v), IDREG_ENOTFOUND);
	assert_int_equal(idreg_strmap_get(&g_map, "k999", &v), IDREG_ENOTFOUND);
	/* Usable again, with new values for old keys. */
	for (int i = 0; i < 1000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(idreg_strmap_put(&g_map, key, -i), IDREG_OK);
	}
	assert_int_equal(g_map.count, 1000);
	for (int i = 0; i < 1000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(idreg_strmap_get(&g_map, key, &v), IDREG_OK);
		assert_int_equal(v, -i);
	}
	/* Clear on an empty map. */
	idreg_strmap_free(&g_map);
	idreg_strmap_init(&g_map);
	idreg_strmap_clear(&g_map);
	assert_int_equal(idreg_strmap_get(&g_map, "x", &v), IDREG_ENOTFOUND);
}

static void test_strmap_many(void **state)
{
	(void)state;
	const int n = 100000;
	char key[64];
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "holder-%d-%x", i, (unsigned)i * 2654435761u);
		assert_int_equal(idreg_strmap_put(&g_map, key, (int64_t)i * 7), IDREG_OK);
	}
	assert_int_equal(g_map.count, (size_t)n);
	for (int i = 0; i < n; i++) {
		int64_t v = -1;
		snprintf(key, sizeof(key), "holder-%d-%x", i, (unsigned)i * 2654435761u);
		if (idreg_strmap_get(&g_map, key, &v) != IDREG_OK || v != (int64_t)i * 7) {
			fail_msg("key %s: got %lld", key, (long long)v);
		}
	}
	for (int i = 0; i < 1000; i++) {
		int64_t v;
		snprintf(key, sizeof(key), "holder-%d-%x", i, (unsigned)i * 2654435761u + 1);
		assert_int_equal(idreg_strmap_get(&g_map, key, &v), IDREG_ENOTFOUND);
	}
	/* Replacing every other one changes values, not the count. */
	for (int i = 0; i < n; i += 2) {
		snprintf(key, sizeof(key), "holder-%d-%x", i, (unsigned)i * 2654435761u);
		assert_int_equal(idreg_strmap_put(&g_map, key, -1), IDREG_OK);
	}
	assert_int_equal(g_map.count, (size_t)n);
	for (int i = 0; i < 10; i++) {
		int64_t v;
		snprintf(key, sizeof(key), "holder-%d-%x", i, (unsigned)i * 2654435761u);
		assert_int_equal(idreg_strmap_get(&g_map, key, &v), IDREG_OK);
		assert_int_equal(v, i % 2 == 0 ? -1 : i * 7);
	}
}

/* ---- errors ---- */

struct code_info {
	idreg_err code;
	const char *name;
};

#define CODE_INFO(name, msg) { IDREG_##name, #name },
static const struct code_info codes[] = { IDREG_ERROR_LIST(CODE_INFO) };
#undef CODE_INFO
#define N_CODES (sizeof(codes) / sizeof(codes[0]))

static void test_error_codes(void **state)
{
	(void)state;
	assert_int_equal(IDREG_OK, 0);
	assert_int_equal(N_CODES, IDREG__ERROR_COUNT);
	assert_string_equal(idreg_strerror_name(IDREG_OK), "OK");
	assert_string_equal(idreg_strerror_name(IDREG_EPARSE), "EPARSE");
	assert_string_equal(idreg_strerror_name(IDREG_ECONFIG), "ECONFIG");
	assert_string_equal(idreg_strerror_name(IDREG_ENOMEM), "ENOMEM");
	for (size_t i = 0; i < N_CODES; i++) {
		if (i > 0) {
			assert_true(codes[i].code < 0);
		}
		assert_string_equal(idreg_strerror_name(codes[i].code), codes[i].name);
		const char *msg = idreg_strerror(codes[i].code);
		assert_non_null(msg);
		assert_true(msg[0] != '\0');
		for (size_t k = 0; k < i; k++) {
			assert_true(codes[k].code != codes[i].code);
			if (strcmp(idreg_strerror_name(codes[k].code), idreg_strerror_name(codes[i].code)) == 0) {
				fail_msg("two codes are named %s", codes[i].name);
			}
			if (strcmp(idreg_strerror(codes[k].code), msg) == 0) {
				fail_msg("%s and %s share the message '%s'", codes[k].name, codes[i].name, msg);
			}
		}
	}
	/* Stray values. */
	assert_string_equal(idreg_strerror_name((idreg_err)1), "EUNKNOWN");
	assert_string_equal(idreg_strerror_name((idreg_err)-(int)IDREG__ERROR_COUNT), "EUNKNOWN");
	assert_string_equal(idreg_strerror_name((idreg_err)-1000), "EUNKNOWN");
	assert_non_null(idreg_strerror((idreg_err)-1000));
	assert_string_equal(idreg_strerror_name((idreg_err)INT32_MAX), "EUNKNOWN");
}

/*
 * The most negative int is a stray value like any other.  Run in a child
 * process, so that a sanitizer abort fails this test and not the whole file.
 */
static void test_error_int_min(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		const char *name = idreg_strerror_name((idreg_err)INT32_MIN);
		const char *msg = idreg_strerror((idreg_err)INT32_MIN);
		char out[128];
		int n = snprintf(out, sizeof(out), "%s|%s", name, msg ? "msg" : "null");
		_exit(write(fds[1], out, (size_t)n) == n ? 0 : 1);
	}
	close(fds[1]);
	char got[128] = "";
	ssize_t n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fail_msg("idreg_strerror_name(INT_MIN) crashed (status 0x%x): see the sanitizer "
			 "report above", status);
	}
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "EUNKNOWN|msg");
}

static void test_diag(void **state)
{
	(void)state;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_diag_set(&d, IDREG_EPARSE, "%s: line %u: %s", "f.txt", 7u, "bad"),
			 IDREG_EPARSE);
	assert_string_equal(d.text, "f.txt: line 7: bad");
	assert_int_equal(idreg_diag_set(NULL, IDREG_EIO, "ignored %d", 1), IDREG_EIO);
	/* Bounded. */
	char big[2000];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(idreg_diag_set(&d, IDREG_ETOOBIG, "%s", big), IDREG_ETOOBIG);
	assert_int_equal(strlen(d.text), sizeof(d.text) - 1);
}

/* ---- configuration ---- */

static struct idreg_config g_cfg;
static char g_ini[64];

static int cfg_setup(void **state)
{
	(void)state;
	g_ini[0] = '\0';
	memset(&g_cfg, 0, sizeof(g_cfg));
	return idreg_config_init(&g_cfg) == IDREG_OK ? 0 : -1;
}

static int cfg_teardown(void **state)
{
	(void)state;
	idreg_config_free(&g_cfg);
	if (g_ini[0] != '\0') {
		unlink(g_ini);
	}
	return 0;
}

/* Write @text to a new temporary file, named in g_ini. */
static const char *write_ini(const char *text)
{
	if (g_ini[0] != '\0') {
		unlink(g_ini);
	}
	snprintf(g_ini, sizeof(g_ini), "/tmp/idreg-test-config-XXXXXX");
	int fd = mkstemp(g_ini);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return g_ini;
}

static void assert_defaults(const struct idreg_config *c)
{
	/* docs/configuration.md */
	assert_string_equal(c->store_backend, "sqlite");
	assert_string_equal(c->store_path, "idreg.db");
	assert_int_equal(c->store_busy_timeout_ms, 5000);
	assert_string_equal(c->log_level, "warn");
	assert_string_equal(c->log_format, "text");
	assert_int_equal(c->import_max_line, 4096);
	assert_int_equal(c->import_max_records, 20000000);
}

static void test_config_defaults(void **state)
{
	(void)state;
	assert_defaults(&g_cfg);
}

static void test_config_load(void **state)
{
	(void)state;
	const char *path = write_ini("; a comment\n"
				     "[store]\n"
				     "path = /var/lib/idreg/registry.db\n"
				     "busy_timeout_ms = 250\n"
				     "\n"
				     "[log]\n"
				     "level = debug\n"
				     "format = json\n"
				     "[import]\n"
				     "max_line_bytes = 128\n"
				     "max_records = 1000000000\n");
	struct idreg_diag d = { "" };
	idreg_err err = idreg_config_load(&g_cfg, path, &d);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), d.text);
	}
	assert_string_equal(g_cfg.store_backend, "sqlite");
	assert_string_equal(g_cfg.store_path, "/var/lib/idreg/registry.db");
	assert_int_equal(g_cfg.store_busy_timeout_ms, 250);
	assert_string_equal(g_cfg.log_level, "debug");
	assert_string_equal(g_cfg.log_format, "json");
	assert_int_equal(g_cfg.import_max_line, 128);
	assert_int_equal(g_cfg.import_max_records, 1000000000);

	/* A second file only changes what it names. */
	path = write_ini("[log]\nlevel = error\n");
	assert_int_equal(idreg_config_load(&g_cfg, path, &d), IDREG_OK);
	assert_string_equal(g_cfg.log_level, "error");
	assert_string_equal(g_cfg.log_format, "json");
	assert_int_equal(g_cfg.store_busy_timeout_ms, 250);

	/* An empty file changes nothing. */
	path = write_ini("");
	assert_int_equal(idreg_config_load(&g_cfg, path, &d), IDREG_OK);
	assert_string_equal(g_cfg.log_level, "error");
}

/* Load @text; it must fail with ECONFIG and "FILE:LINE" in the message. */
static void expect_load_error(const char *text, int line)
{
	const char *path = write_ini(text);
	struct idreg_diag d = { "" };
	idreg_err err = idreg_config_load(&g_cfg, path, &d);
	if (err != IDREG_ECONFIG) {
		fail_msg("loading \"%s\": expected ECONFIG, got %s", text, idreg_strerror_name(err));
	}
	char want[128];
	snprintf(want, sizeof(want), "%s:%d", path, line);
	if (strstr(d.text, want) == NULL) {
		fail_msg("message '%s' does not name '%s'", d.text, want);
	}
	/* Exactly that line: not a longer number that starts the same. */
	const char *after = strstr(d.text, want) + strlen(want);
	assert_false(*after >= '0' && *after <= '9');
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_load_error("[store]\npath = x.db\nno_such_key = 1\n", 3);
	expect_load_error("[nosection]\nkey = 1\n", 2);
	expect_load_error("[store]\n\n\nbusy_timeout_ms = abc\n", 4);
	expect_load_error("[store]\nbusy_timeout_ms = -1\n", 2);
	expect_load_error("[store]\nbusy_timeout_ms = 600001\n", 2);
	expect_load_error("[store]\nbusy_timeout_ms = 12ms\n", 2);
	expect_load_error("[store]\nbusy_timeout_ms =\n", 2);
	expect_load_error("[store]\nbusy_timeout_ms = 99999999999999999999999\n", 2);
	expect_load_error("[store]\nbackend = postgres\n", 2);
	expect_load_error("[log]\nlevel = loud\n", 2);
	expect_load_error("[log]\nformat = xml\n", 2);
	expect_load_error("[import]\nmax_line_bytes = 127\n", 2);
	expect_load_error("[import]\nmax_line_bytes = 1048577\n", 2);
	expect_load_error("[import]\nmax_records = 0\n", 2);
	expect_load_error("[import]\nmax_records = 1000000001\n", 2);
	expect_load_error("[store]\npath = a.db\nthis line has no equals sign\n", 3);
	expect_load_error("path = outside any section\n", 1);
	expect_load_error("# fine\n[store\npath = x\n", 2);

	/* A file that cannot be read names itself. */
	struct idreg_diag d = { "" };
	assert_int_not_equal(idreg_config_load(&g_cfg, "/nonexistent/idreg.ini", &d), IDREG_OK);
	assert_non_null(strstr(d.text, "/nonexistent/idreg.ini"));
}

static void test_config_set(void **state)
{
	(void)state;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_config_set(&g_cfg, "log.level", "debug", &d), IDREG_OK);
	assert_string_equal(g_cfg.log_level, "debug");
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", "/tmp/other.db", &d), IDREG_OK);
	assert_string_equal(g_cfg.store_path, "/tmp/other.db");
	assert_int_equal(idreg_config_set(&g_cfg, "store.busy_timeout_ms", "0", &d), IDREG_OK);
	assert_int_equal(g_cfg.store_busy_timeout_ms, 0);
	assert_int_equal(idreg_config_set(&g_cfg, "store.busy_timeout_ms", "600000", &d), IDREG_OK);
	assert_int_equal(g_cfg.store_busy_timeout_ms, 600000);
	assert_int_equal(idreg_config_set(&g_cfg, "import.max_line_bytes", "1048576", &d), IDREG_OK);
	assert_int_equal(g_cfg.import_max_line, 1048576);

	/* Checked as the file would be; a refused value leaves the old one. */
	assert_int_equal(idreg_config_set(&g_cfg, "log.level", "loud", &d), IDREG_ECONFIG);
	assert_string_equal(g_cfg.log_level, "debug");
	assert_int_equal(idreg_config_set(&g_cfg, "store.busy_timeout_ms", "12x", &d), IDREG_ECONFIG);
	assert_int_equal(g_cfg.store_busy_timeout_ms, 600000);
	assert_int_equal(idreg_config_set(&g_cfg, "store.busy_timeout_ms", "600001", &d),
			 IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, "import.max_records", "0", &d), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, "store.backend", "postgres", &d), IDREG_ECONFIG);
	assert_string_equal(g_cfg.store_backend, "sqlite");
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", "", &d), IDREG_ECONFIG);
	assert_string_equal(g_cfg.store_path, "/tmp/other.db");
	/* Values the file could not hold, which --check-config could not print back. */
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", ";x.db", &d), IDREG_ECONFIG);
	assert_non_null(strstr(d.text, "begins a comment"));
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", "a\nb", &d), IDREG_ECONFIG);
	assert_non_null(strstr(d.text, "control character (0x0a)"));
	char long_path[200];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", long_path, &d), IDREG_ECONFIG);
	assert_non_null(strstr(d.text, "longer than an INI line holds"));
	long_path[200 - sizeof("path = ") - 1] = '\0'; /* the longest that fits, with newline and NUL */
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", long_path, &d), IDREG_OK);
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", "/tmp/other.db", &d), IDREG_OK);
	assert_string_equal(g_cfg.store_path, "/tmp/other.db");

	/* Unknown keys. */
	d.text[0] = '\0';
	assert_int_equal(idreg_config_set(&g_cfg, "nosuch.key", "1", &d), IDREG_ECONFIG);
	assert_non_null(strstr(d.text, "nosuch.key"));
	assert_int_equal(idreg_config_set(&g_cfg, "level", "debug", &d), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, "log.", "debug", &d), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, ".level", "debug", &d), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, "log.level.x", "debug", &d), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&g_cfg, "", "debug", &d), IDREG_ECONFIG);
	char longkey[200];
	memset(longkey, 'a', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	longkey[100] = '.';
	assert_int_equal(idreg_config_set(&g_cfg, longkey, "1", &d), IDREG_ECONFIG);
}

static void test_config_print_round_trip(void **state)
{
	(void)state;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_config_set(&g_cfg, "store.path", "/srv/idreg.db", &d), IDREG_OK);
	assert_int_equal(idreg_config_set(&g_cfg, "log.format", "json", &d), IDREG_OK);
	assert_int_equal(idreg_config_set(&g_cfg, "import.max_records", "12345", &d), IDREG_OK);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	idreg_config_print(&g_cfg, mem);
	fclose(mem);
	const char *path = write_ini(text);
	free(text);
	struct idreg_config back;
	assert_int_equal(idreg_config_init(&back), IDREG_OK);
	idreg_err err = idreg_config_load(&back, path, &d);
	if (err != IDREG_OK) {
		idreg_config_free(&back);
		fail_msg("the printed configuration does not load: %s", d.text);
	}
	bool same = strcmp(back.store_backend, g_cfg.store_backend) == 0 &&
		    strcmp(back.store_path, g_cfg.store_path) == 0 &&
		    back.store_busy_timeout_ms == g_cfg.store_busy_timeout_ms &&
		    strcmp(back.log_level, g_cfg.log_level) == 0 &&
		    strcmp(back.log_format, g_cfg.log_format) == 0 &&
		    back.import_max_line == g_cfg.import_max_line &&
		    back.import_max_records == g_cfg.import_max_records;
	idreg_config_free(&back);
	assert_true(same);
}

/* ---- logging ---- */

static char *log_text;
static size_t log_len;
static FILE *log_stream;

static int log_setup(void **state)
{
	(void)state;
	log_text = NULL;
	log_len = 0;
	log_stream = open_memstream(&log_text, &log_len);
	return log_stream == NULL ? -1 : 0;
}

static int log_teardown(void **state)
{
	(void)state;
	idreg_log_setup("idreg", IDREG_LOG_WARN, IDREG_LOG_TEXT, NULL);
	fclose(log_stream);
	free(log_text);
	return 0;
}

static void test_log_parse(void **state)
{
	(void)state;
	enum idreg_log_level l;
	assert_true(idreg_log_level_parse("error", &l));
	assert_int_equal(l, IDREG_LOG_ERROR);
	assert_true(idreg_log_level_parse("warn", &l));
	assert_int_equal(l, IDREG_LOG_WARN);
	assert_true(idreg_log_level_parse("info", &l));
	assert_int_equal(l, IDREG_LOG_INFO);
	assert_true(idreg_log_level_parse("debug", &l));
	assert_int_equal(l, IDREG_LOG_DEBUG);
	assert_false(idreg_log_level_parse("warning", &l));
	assert_false(idreg_log_level_parse("", &l));
	assert_false(idreg_log_level_parse("trace", &l));
	enum idreg_log_format f;
	assert_true(idreg_log_format_parse("text", &f));
	assert_int_equal(f, IDREG_LOG_TEXT);
	assert_true(idreg_log_format_parse("json", &f));
	assert_int_equal(f, IDREG_LOG_JSON);
	assert_false(idreg_log_format_parse("xml", &f));
	assert_false(idreg_log_format_parse("", &f));
}

static void test_log_levels(void **state)
{
	(void)state;
	idreg_log_setup("tester", IDREG_LOG_WARN, IDREG_LOG_TEXT, log_stream);
	assert_true(idreg_log_enabled(IDREG_LOG_ERROR));
	assert_true(idreg_log_enabled(IDREG_LOG_WARN));
	assert_false(idreg_log_enabled(IDREG_LOG_INFO));
	assert_false(idreg_log_enabled(IDREG_LOG_DEBUG));
	idreg_log_info("quiet %d", 1);
	idreg_log_debug("quiet %d", 2);
	fflush(log_stream);
	assert_int_equal(log_len, 0);
	idreg_log_warn("loud %d", 3);
	idreg_log_error("louder %s", "four");
	fflush(log_stream);
	assert_non_null(strstr(log_text, "loud 3"));
	assert_non_null(strstr(log_text, "louder four"));
	assert_non_null(strstr(log_text, "tester"));
	assert_null(strstr(log_text, "quiet"));
	/* One line per message. */
	size_t lines = 0;
	for (size_t i = 0; i < log_len; i++) {
		lines += log_text[i] == '\n';
	}
	assert_int_equal(lines, 2);
	idreg_log_setup("tester", IDREG_LOG_DEBUG, IDREG_LOG_TEXT, log_stream);
	assert_true(idreg_log_enabled(IDREG_LOG_DEBUG));
	idreg_log_debug("now %s", "heard");
	fflush(log_stream);
	assert_non_null(strstr(log_text, "now heard"));
}

static void test_log_json(void **state)
{
	(void)state;
	idreg_log_setup("prog\"x", IDREG_LOG_INFO, IDREG_LOG_JSON, log_stream);
	idreg_log_info("a \"quoted\" word, a back\\slash,\na new line and a tab\t%s", "end");
	fflush(log_stream);
	/* One JSON object on one line. */
	assert_true(log_len > 2);
	assert_int_equal(log_text[0], '{');
	assert_int_equal(log_text[log_len - 1], '\n');
	assert_int_equal(log_text[log_len - 2], '}');
	assert_null(memchr(log_text, '\n', log_len - 1));
	assert_null(memchr(log_text, '\t', log_len));
	assert_non_null(strstr(log_text,
			       "\"a \\\"quoted\\\" word, a back\\\\slash,\\na new line and a tab\\tend\""));
	assert_non_null(strstr(log_text, "\"prog\\\"x\""));
	assert_non_null(strstr(log_text, "\"info\""));
}

/* An array grows from its initial capacity by doubling and keeps its contents. */
static void test_array_reserve(void **state)
{
	(void)state;
	uint32_t *items = NULL;
	size_t count = 0, capacity = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		assert_int_equal(idreg_array_reserve(&items, &capacity, count, sizeof(*items), 4),
				 IDREG_OK);
		assert_true(capacity > count);
		items[count++] = i * 7;
	}
	/* 4, 8, ..., 1024: the first power-of-two multiple of 4 above 999. */
	assert_int_equal(capacity, 1024);
	for (uint32_t i = 0; i < 1000; i++) {
		assert_int_equal(items[i], i * 7);
	}
	/* Room already there: nothing moves. */
	uint32_t *before = items;
	assert_int_equal(idreg_array_reserve(&items, &capacity, 10, sizeof(*items), 4), IDREG_OK);
	assert_ptr_equal(items, before);
	assert_int_equal(capacity, 1024);
	/* A size that cannot be allocated fails and leaves the array alone. */
	size_t huge = SIZE_MAX / 2;
	assert_int_equal(idreg_array_reserve(&items, &huge, huge, 16, 4), IDREG_ENOMEM);
	assert_ptr_equal(items, before);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_arena_alignment, arena_teardown),
		cmocka_unit_test_teardown(test_arena_limit, arena_teardown),
		cmocka_unit_test_teardown(test_arena_reset, arena_teardown),
		cmocka_unit_test_teardown(test_arena_large, arena_teardown),
		cmocka_unit_test_teardown(test_arena_strndup, arena_teardown),
		cmocka_unit_test_teardown(test_buf_ceiling, buf_teardown),
		cmocka_unit_test_teardown(test_buf_zero_ceiling, buf_teardown),
		cmocka_unit_test_teardown(test_buf_printf, buf_teardown),
		cmocka_unit_test_teardown(test_buf_growth, buf_teardown),
		cmocka_unit_test_setup_teardown(test_strmap_basic, map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_strmap_clear, map_setup, map_teardown),
		cmocka_unit_test_setup_teardown(test_strmap_many, map_setup, map_teardown),
		cmocka_unit_test(test_array_reserve),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_error_int_min),
		cmocka_unit_test(test_diag),
		cmocka_unit_test_setup_teardown(test_config_defaults, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_config_load, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_config_set, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_config_print_round_trip, cfg_setup, cfg_teardown),
		cmocka_unit_test_setup_teardown(test_log_parse, log_setup, log_teardown),
		cmocka_unit_test_setup_teardown(test_log_levels, log_setup, log_teardown),
		cmocka_unit_test_setup_teardown(test_log_json, log_setup, log_teardown),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
