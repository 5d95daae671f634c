/*
 * Unit tests for lib/query/cache: an answer put is got back byte for byte
 * under its key and protocol only; a key never gets another key's answer,
 * even when the two share a slot, nor the other protocol's; the byte budget is never exceeded (an answer that does
 * not fit is not kept); answers over IDREG_CACHE_ANSWER_MAX are not kept;
 * a budget of 0 means no cache; many threads at once agree with the rule
 * "what you get for a key is an answer put for that key".
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "query/cache.h"

/* The answer the tests keep for @key: derived from it, so any mix-up shows. */
static void answer_for(const char *key, char *out, size_t size)
{
	snprintf(out, size, "{\"for\":\"%s\",\"pad\":\"%0*d\"}", key, (int)(strlen(key) * 7 % 300), 0);
}

static void test_get_put(void **state)
{
	(void)state;
	struct idreg_answer_cache *c;
	assert_int_equal(idreg_answer_cache_new(1 << 20, &c), IDREG_OK);
	struct idreg_buf out;
	idreg_buf_init(&out, 1 << 20);
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "ip/1.1.1.1", &out));
	char body[512], key[64];
	/* Far more keys than slots: every get is a miss or the key's own answer. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "domain/n%d.example", i);
		answer_for(key, body, sizeof(body));
		idreg_answer_cache_put(c, IDREG_CACHE_RDAP, 0, key, body, strlen(body));
	}
	int hits = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "domain/n%d.example", i);
		answer_for(key, body, sizeof(body));
		if (idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, key, &out)) {
			hits++;
			assert_int_equal(out.len, strlen(body));
			assert_memory_equal(out.data, body, out.len);
		}
	}
	assert_true(hits > 0);
	/* The last one put is there. */
	assert_true(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "domain/n4999.example", &out));
	/* The same text asked over WHOIS is another question. */
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_WHOIS, 0, "domain/n4999.example", &out));
	idreg_answer_cache_put(c, IDREG_CACHE_WHOIS, 0, "domain/n4999.example", "whois", 5);
	assert_true(idreg_answer_cache_get(c, IDREG_CACHE_WHOIS, 0, "domain/n4999.example", &out));
	assert_string_equal(out.data, "whois");
	/* A key that is a prefix of another is another key. */
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "domain/n4999.exampl", &out));
	/* An answer from older data is not one for newer data, nor the other way. */
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 1, "domain/n4999.example", &out));
	idreg_answer_cache_put(c, IDREG_CACHE_RDAP, 1, "domain/n4999.example", "newer", 5);
	assert_true(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 1, "domain/n4999.example", &out));
	assert_string_equal(out.data, "newer");
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "domain/n4999.example", &out));
	idreg_buf_free(&out);
	idreg_answer_cache_free(c);
}

static void test_budget(void **state)
{
	(void)state;
	struct idreg_answer_cache *c;
	assert_int_equal(idreg_answer_cache_new(4096, &c), IDREG_OK);
	struct idreg_buf out;
	idreg_buf_init(&out, 1 << 20);
	static char big[3000];
	memset(big, 'x', sizeof(big));
	idreg_answer_cache_put(c, IDREG_CACHE_RDAP, 0, "a", big, sizeof(big));
	assert_true(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "a", &out));
	/* A second one would pass the budget: not kept (unless it replaces "a"). */
	idreg_answer_cache_put(c, IDREG_CACHE_RDAP, 0, "b", big, sizeof(big));
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "b", &out) && idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "a", &out));
	/* Too large for any cache. */
	static char huge[IDREG_CACHE_ANSWER_MAX + 1];
	struct idreg_answer_cache *roomy;
	assert_int_equal(idreg_answer_cache_new(1 << 24, &roomy), IDREG_OK);
	idreg_answer_cache_put(roomy, IDREG_CACHE_RDAP, 0, "h", huge, sizeof(huge));
	assert_false(idreg_answer_cache_get(roomy, IDREG_CACHE_RDAP, 0, "h", &out));
	idreg_answer_cache_free(roomy);
	idreg_buf_free(&out);
	idreg_answer_cache_free(c);
}

static void test_disabled(void **state)
{
	(void)state;
	struct idreg_answer_cache *c = (void *)1;
	assert_int_equal(idreg_answer_cache_new(0, &c), IDREG_OK);
	assert_null(c);
	idreg_answer_cache_put(c, IDREG_CACHE_RDAP, 0, "k", "v", 1);
	struct idreg_buf out;
	idreg_buf_init(&out, 64);
	assert_false(idreg_answer_cache_get(c, IDREG_CACHE_RDAP, 0, "k", &out));
	idreg_buf_free(&out);
	idreg_answer_cache_free(c);
}

static struct idreg_answer_cache *shared;

static void *hammer(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	struct idreg_buf out;
	idreg_buf_init(&out, 1 << 20);
	char key[64], body[512];
	uintptr_t wrong = 0;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		snprintf(key, sizeof(key), "ip/10.0.%u.%u", (seed >> 16) % 40, (seed >> 8) % 7);
		answer_for(key, body, sizeof(body));
		if (idreg_answer_cache_get(shared, IDREG_CACHE_RDAP, 0, key, &out)) {
			wrong += out.len != strlen(body) || memcmp(out.data, body, out.len) != 0;
		} else {
			idreg_answer_cache_put(shared, IDREG_CACHE_RDAP, 0, key, body, strlen(body));
		}
	}
	idreg_buf_free(&out);
	return (void *)wrong;
}

static void test_threads(void **state)
{
	(void)state;
	assert_int_equal(idreg_answer_cache_new(64 * 1024, &shared), IDREG_OK);
	pthread_t threads[4];
	for (uintptr_t i = 0; i < 4; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, hammer, (void *)(i + 1)), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *wrong;
		assert_int_equal(pthread_join(threads[i], &wrong), 0);
		assert_int_equal((uintptr_t)wrong, 0);
	}
	idreg_answer_cache_free(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_put),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
