/*
 * Unit tests for lib/eir/imei.c: IMEI, IMSI and MSISDN parsing.
 *
 * Check digits are worked out by hand with the method of 3GPP TS 23.003
 * Annex B (digits labelled D14 .. D1 from the left; the odd-labelled D13,
 * D11, .. D1 doubled and the digits of the products added to the
 * even-labelled D14, D12, .. D2; CD brings the sum up to a multiple of ten):
 *
 *   26053179311383, the example of Annex B.3:
 *     odd  6,5,1,9,1,3,3 -> 12,10,2,18,2,6,6 -> 1+2+1+0+2+1+8+2+6+6 = 29
 *     even 2,0,3,7,3,1,8 = 24;  29 + 24 = 53 -> CD 7
 *   49015420323751:
 *     odd  9,1,4,0,2,7,1 -> 18,2,8,0,4,14,2 -> 9+2+8+0+4+5+2 = 30
 *     even 4,0,5,2,3,3,5 = 22;  30 + 22 = 52 -> CD 8
 *   35209900176148:
 *     odd  5,0,9,0,7,1,8 -> 10,0,18,0,14,2,16 -> 1+0+9+0+5+2+7 = 24
 *     even 3,2,9,0,1,6,4 = 25;  24 + 25 = 49 -> CD 1
 *   00000000000000 -> sum 0 -> CD 0
 *   00000000000001 -> D1 doubled: 2 -> CD 8
 *   00000000000010 -> D2 as is: 1 -> CD 9
 *   00000000000005 -> D1 doubled: 10 -> 1+0 = 1 -> CD 9
 *
 * IMSIs follow TS 23.003 clause 2.2 (MCC 3 digits, MNC 2 or 3, at most 15
 * digits); MSISDNs E.164 (at most 15 digits, no leading zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eir/imei.h"

static void test_check_digit(void **state)
{
	(void)state;
	assert_int_equal(idreg_imei_check_digit("26053179311383"), 7);
	assert_int_equal(idreg_imei_check_digit("49015420323751"), 8);
	assert_int_equal(idreg_imei_check_digit("35209900176148"), 1);
	assert_int_equal(idreg_imei_check_digit("00000000000000"), 0);
	assert_int_equal(idreg_imei_check_digit("00000000000001"), 8);
	assert_int_equal(idreg_imei_check_digit("00000000000010"), 9);
	assert_int_equal(idreg_imei_check_digit("00000000000005"), 9);
}

static struct idreg_imei parse(const char *raw)
{
	struct idreg_imei imei;
	idreg_imei_parse(raw, strlen(raw), &imei);
	return imei;
}

static void test_imei_forms(void **state)
{
	(void)state;
	struct idreg_imei i = parse("260531793113837"); /* 15 digits, right CD */
	assert_int_equal(i.status, IDREG_IMEI_OK);
	assert_string_equal(i.imei, "26053179311383");
	assert_int_equal(i.check_digit, 7);
	assert_string_equal(i.svn, "");

	i = parse("260531793113830"); /* wrong CD: kept, normalized, flagged */
	assert_int_equal(i.status, IDREG_IMEI_BAD_CHECK_DIGIT);
	assert_string_equal(i.imei, "26053179311383");
	assert_int_equal(i.check_digit, 0);
	assert_true(idreg_imei_status_normalized(i.status));

	i = parse("26053179311383"); /* 14 digits: IMEI without CD */
	assert_int_equal(i.status, IDREG_IMEI_OK);
	assert_int_equal(i.check_digit, -1);

	i = parse("2605317931138312"); /* IMEISV: TAC, SNR, SVN 12 */
	assert_int_equal(i.status, IDREG_IMEI_OK);
	assert_string_equal(i.imei, "26053179311383");
	assert_string_equal(i.svn, "12");

	/* 01234567890123 through a spreadsheet: "1234567890123", restored. */
	i = parse("1234567890123");
	assert_int_equal(i.status, IDREG_IMEI_LEADING_ZEROS);
	assert_string_equal(i.imei, "01234567890123");
	i = parse("12345678");
	assert_int_equal(i.status, IDREG_IMEI_LEADING_ZEROS);
	assert_string_equal(i.imei, "00000012345678");

	i = parse("1234567");
	assert_int_equal(i.status, IDREG_IMEI_TOO_SHORT);
	assert_string_equal(i.imei, "");
	assert_false(idreg_imei_status_normalized(i.status));
	i = parse("12345678901234567");
	assert_int_equal(i.status, IDREG_IMEI_TOO_LONG);
	i = parse("");
	assert_int_equal(i.status, IDREG_IMEI_EMPTY);
	i = parse("3520990017614A1");
	assert_int_equal(i.status, IDREG_IMEI_NON_NUMERIC);
	assert_int_equal(i.bad_at, 13);
	i = parse("35-209900-176148-1");
	assert_int_equal(i.status, IDREG_IMEI_NON_NUMERIC);
	assert_int_equal(i.bad_at, 2);
	/* A NUL inside the field is a non-digit, not the end. */
	struct idreg_imei n;
	assert_int_equal(idreg_imei_parse("35209900\0" "176148", 15, &n), IDREG_IMEI_NON_NUMERIC);
	assert_int_equal(n.bad_at, 8);

	assert_string_equal(idreg_imei_status_name(IDREG_IMEI_BAD_CHECK_DIGIT), "BAD_CHECK_DIGIT");
	assert_true(idreg_imei_is_test("00100100123456"));
	assert_false(idreg_imei_is_test("01001001234567"));
}

static void test_imsi(void **state)
{
	(void)state;
	struct idreg_imsi imsi;
	assert_true(idreg_imsi_parse("639021234567890", 15, "310,311", &imsi));
	assert_string_equal(imsi.mcc, "639");
	assert_string_equal(imsi.mnc, "02");
	assert_true(idreg_imsi_parse("310150123456789", 15, "310,311", &imsi));
	assert_string_equal(imsi.mcc, "310");
	assert_string_equal(imsi.mnc, "150");
	assert_true(idreg_imsi_parse("310150123456789", 15, NULL, &imsi));
	assert_string_equal(imsi.mnc, "15");
	assert_false(idreg_imsi_parse("6390212345678901", 16, NULL, &imsi)); /* 16 digits */
	assert_false(idreg_imsi_parse("63902", 5, NULL, &imsi));
	assert_false(idreg_imsi_parse("63902x234567890", 15, NULL, &imsi));
	assert_false(idreg_imsi_parse("", 0, NULL, &imsi));
}

static void test_msisdn(void **state)
{
	(void)state;
	char out[IDREG_MSISDN_MAX + 1];
	assert_true(idreg_msisdn_parse("+254712345678", 13, out));
	assert_string_equal(out, "254712345678");
	assert_true(idreg_msisdn_parse("254712345678", 12, out));
	assert_true(idreg_msisdn_parse("123456789012345", 15, out));
	assert_false(idreg_msisdn_parse("1234567890123456", 16, out));
	assert_false(idreg_msisdn_parse("0712345678", 10, out)); /* national form, not E.164 */
	assert_false(idreg_msisdn_parse("+", 1, out));
	assert_false(idreg_msisdn_parse("25471234567a", 12, out));
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(idreg_digits_start_listed("639021234", "639"));
	assert_true(idreg_digits_start_listed("639021234", "310, 639"));
	assert_true(idreg_digits_start_listed("254712345678", "1,254"));
	assert_false(idreg_digits_start_listed("255712345678", "254"));
	assert_false(idreg_digits_start_listed("639", ""));
	assert_false(idreg_digits_start_listed("639", NULL));
	assert_false(idreg_digits_start_listed("63", "639")); /* a code longer than the digits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_imei_forms),
		cmocka_unit_test(test_imsi),
		cmocka_unit_test(test_msisdn),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
