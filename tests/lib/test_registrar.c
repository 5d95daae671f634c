/*
 * Unit tests for lib/registrar: client ids and passwords at the lengths of
 * RFC 5730's types, argon2id hashes that verify the password and nothing
 * else, certificate pins, allow-lists (canonical form, addresses inside and
 * outside, IPv4 against IPv6), each reason authenticate refuses a login, and
 * registrars written to and read back from a store (a new one, a taken id,
 * an update of one that does not exist).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "registrar/registrar.h"
#include "store/store.h"

static struct idreg_ip ip(const char *text)
{
	struct idreg_ip out;
	assert_int_equal(idreg_ip_parse(text, strlen(text), &out), IDREG_OK);
	return out;
}

static void test_ids_and_passwords(void **state)
{
	(void)state;
	assert_int_equal(idreg_registrar_check_id("abc", NULL), IDREG_OK);
	assert_int_equal(idreg_registrar_check_id("abcdefghijklmnop", NULL), IDREG_OK); /* 16 */
	assert_int_equal(idreg_registrar_check_id("ab", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_check_id("abcdefghijklmnopq", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_check_id("a bc", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_check_id("ab\xc3\xa9", NULL), IDREG_EINVAL);

	struct idreg_registrar r = { .enabled = true };
	assert_int_equal(idreg_registrar_set_password(&r, "12345", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_set_password(&r, "12345678901234567", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_set_password(&r, " 123456", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_set_password(&r, "secret 12", NULL), IDREG_OK);
	assert_true(strncmp(r.password_hash, "$argon2id$", 10) == 0);
	assert_null(strstr(r.password_hash, "secret"));
	assert_true(idreg_registrar_password_matches(&r, "secret 12"));
	assert_false(idreg_registrar_password_matches(&r, "secret 13"));
	assert_false(idreg_registrar_password_matches(&r, "secret 1"));
	/* The same password hashes differently each time (a fresh salt). */
	char first[sizeof(r.password_hash)];
	memcpy(first, r.password_hash, sizeof(first));
	assert_int_equal(idreg_registrar_set_password(&r, "secret 12", NULL), IDREG_OK);
	assert_string_not_equal(first, r.password_hash);
}

static void test_pins_and_allow_lists(void **state)
{
	(void)state;
	struct idreg_registrar r = { .enabled = true };
	const char *colons = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
			     "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
	assert_int_equal(idreg_registrar_set_pin(&r, colons, NULL), IDREG_OK);
	assert_string_equal(r.cert_sha256,
			    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_int_equal(idreg_registrar_set_pin(&r, "abcd", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_set_pin(&r, "", NULL), IDREG_OK);
	assert_string_equal(r.cert_sha256, "");

	assert_int_equal(idreg_registrar_set_allow(&r, "192.0.2.0/24, 2001:db8::/32,198.51.100.7",
						   NULL), IDREG_OK);
	assert_string_equal(r.allow, "192.0.2.0/24,2001:db8::/32,198.51.100.7/32");
	struct idreg_ip in4 = ip("192.0.2.200"), out4 = ip("192.0.3.1"), host = ip("198.51.100.7"),
			near = ip("198.51.100.8"), in6 = ip("2001:db8:ffff::1"), out6 = ip("2001:db9::1");
	assert_true(idreg_registrar_allows(&r, &in4));
	assert_false(idreg_registrar_allows(&r, &out4));
	assert_true(idreg_registrar_allows(&r, &host));
	assert_false(idreg_registrar_allows(&r, &near));
	assert_true(idreg_registrar_allows(&r, &in6));
	assert_false(idreg_registrar_allows(&r, &out6));
	assert_int_equal(idreg_registrar_set_allow(&r, "192.0.2.1/24", NULL), IDREG_EINVAL);
	assert_int_equal(idreg_registrar_set_allow(&r, "example.com", NULL), IDREG_EINVAL);
	assert_string_equal(r.allow, "192.0.2.0/24,2001:db8::/32,198.51.100.7/32"); /* unchanged */
	assert_int_equal(idreg_registrar_set_allow(&r, "", NULL), IDREG_OK);
	assert_true(idreg_registrar_allows(&r, &out6));
}

static void test_authenticate(void **state)
{
	(void)state;
	struct idreg_registrar r = { .id = "reg1", .enabled = true };
	assert_int_equal(idreg_registrar_set_password(&r, "right-pw", NULL), IDREG_OK);
	assert_int_equal(idreg_registrar_set_allow(&r, "127.0.0.0/8", NULL), IDREG_OK);
	unsigned char cert[32], other[32];
	memset(cert, 0xab, sizeof(cert));
	memset(other, 0xac, sizeof(other));
	assert_int_equal(idreg_registrar_set_pin(&r, "abababababababababababababababab"
						 "abababababababababababababababab", NULL), IDREG_OK);
	struct idreg_ip local = ip("127.0.0.1"), remote = ip("192.0.2.1");
	char why[256];
	assert_true(idreg_registrar_authenticate(&r, "right-pw", &local, cert, why, sizeof(why)));
	assert_false(idreg_registrar_authenticate(&r, "wrong-pw", &local, cert, why, sizeof(why)));
	assert_non_null(strstr(why, "wrong password"));
	assert_false(idreg_registrar_authenticate(&r, "right-pw", &remote, cert, why, sizeof(why)));
	assert_non_null(strstr(why, "192.0.2.1"));
	assert_false(idreg_registrar_authenticate(&r, "right-pw", &local, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "no client certificate"));
	assert_false(idreg_registrar_authenticate(&r, "right-pw", &local, other, why, sizeof(why)));
	assert_non_null(strstr(why, "acacac"));
	r.enabled = false;
	assert_false(idreg_registrar_authenticate(&r, "right-pw", &local, cert, why, sizeof(why)));
	assert_non_null(strstr(why, "disabled"));
}

static void test_store(void **state)
{
	(void)state;
	char path[] = "/tmp/test_registrar_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	struct idreg_store_options opts = { .backend = "sqlite", .path = path, .create = true,
					    .busy_timeout_ms = 1000 };
	struct idreg_store *s;
	struct idreg_diag diag;
	assert_int_equal(idreg_store_open(&opts, &s, &diag), IDREG_OK);
	struct idreg_registrar r = { .id = "reg-a", .name = "Registrar A", .enabled = true };
	assert_int_equal(idreg_registrar_set_password(&r, "pw-of-a", NULL), IDREG_OK);
	assert_int_equal(idreg_registrar_set_allow(&r, "10.0.0.0/8", NULL), IDREG_OK);
	assert_int_equal(s->ops->begin(s, &diag), IDREG_OK);
	assert_int_equal(s->ops->registrar_put(s, &r, true, &diag), IDREG_OK);
	assert_int_equal(s->ops->registrar_put(s, &r, true, &diag), IDREG_EEXIST);
	struct idreg_registrar missing = r;
	snprintf(missing.id, sizeof(missing.id), "reg-b");
	assert_int_equal(s->ops->registrar_put(s, &missing, false, &diag), IDREG_ENOTFOUND);
	assert_int_equal(s->ops->commit(s, &diag), IDREG_OK);
	struct idreg_registrar back;
	assert_int_equal(s->ops->registrar_get(s, "reg-a", &back, &diag), IDREG_OK);
	assert_string_equal(back.name, "Registrar A");
	assert_string_equal(back.allow, "10.0.0.0/8");
	assert_string_equal(back.cert_sha256, "");
	assert_true(back.enabled);
	assert_true(idreg_registrar_password_matches(&back, "pw-of-a"));
	assert_int_equal(s->ops->registrar_get(s, "reg-b", &back, &diag), IDREG_ENOTFOUND);
	idreg_store_close(s);
	unlink(path);
	char wal[64];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_and_passwords),
		cmocka_unit_test(test_pins_and_allow_lists),
		cmocka_unit_test(test_authenticate),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
