/*
 * Conformance of lib/idn's UTS #46 processing (idreg_uts46_process, which
 * lookup and registration both build on) to Unicode's IdnaTestV2.txt: every
 * case of the file, for toUnicode and for toAsciiN (non-transitional).  The
 * file comes from Debian's librust-idna-dev (scripts/deps.sh installs it);
 * IDREG_IDNATEST names it, and the test fails when it is missing.
 *
 * The file states the results of one Unicode version (its "Version:" line)
 * and ICU implements another (U_UNICODE_VERSION).  A case that involves a
 * code point assigned in only one of the two versions need not have the same
 * result in both (for the file's version it is unassigned, so an error; for
 * the other a letter, perhaps): every case is run, and one that fails is
 * excused when, and only when, it involves such a code point; those are
 * counted and listed.  The code points looked at are those of the source,
 * of the expected results, and of the labels their A-labels decode to.
 *
 * Status: a case expects an error when its status list is not empty, and
 * then ICU must report at least one ("Implementations need only record that
 * there is an error", says the file).  Without an error the output must be
 * the expected string exactly.  With one, the output is not compared: a
 * ToASCII that failed has no result (UTS #46, 4.2), and ICU's ToUnicode
 * marks a label in error its own way (it keeps an A-label that fails its
 * checks undecoded and appends U+FFFD, and does not Punycode-encode a
 * label in error), which is not the string the file shows for such labels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "idn/punycode.h"
#include "idn/uts46.h"

enum { SOURCE, TO_UNICODE, TO_UNICODE_STATUS, TO_ASCII_N, TO_ASCII_N_STATUS, FIELDS = 7 };

struct tally {
	size_t cases, checks, failed, excused;
	UVersionInfo file_version, icu_version;
};

/* Undo the file's escapes (\uXXXX and \x{XXXX}) into UTF-8. */
static void unescape(const char *in, char *out, size_t size)
{
	size_t at = 0;
	while (*in != '\0' && at + 5 < size) {
		unsigned long cp;
		char *end;
		if (in[0] == '\\' && in[1] == 'u') {
			char hex[5] = { 0 };
			memcpy(hex, in + 2, 4);
			cp = strtoul(hex, &end, 16);
			assert_true(end == hex + 4);
			in += 6;
		} else if (in[0] == '\\' && in[1] == 'x' && in[2] == '{') {
			cp = strtoul(in + 3, &end, 16);
			assert_true(*end == '}');
			in = end + 1;
		} else {
			out[at++] = *in++;
			continue;
		}
		U8_APPEND_UNSAFE(out, at, (UChar32)cp);
	}
	out[at] = '\0';
}

static void trim(char **s)
{
	while (**s == ' ' || **s == '\t') {
		(*s)++;
	}
	size_t n = strlen(*s);
	while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\n')) {
		(*s)[--n] = '\0';
	}
}

/* Is @cp assigned in one of the two Unicode versions and not in the other? */
static bool version_dependent(const struct tally *t, UChar32 cp)
{
	UVersionInfo age;
	u_charAge(cp, age);
	bool in_icu = u_charType(cp) != U_UNASSIGNED ||
		      u_hasBinaryProperty(cp, UCHAR_NONCHARACTER_CODE_POINT);
	if (in_icu) {
		return memcmp(age, t->file_version, sizeof(age)) > 0;
	}
	/* Unassigned in ICU: the file may know it if it is the newer one. */
	return memcmp(t->file_version, t->icu_version, sizeof(age)) > 0;
}

/* Does the UTF-8 @text, or a label its A-labels decode to, hold such a code point? */
static bool involves_other_version(const struct tally *t, const char *text)
{
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		UChar32 c;
		U8_NEXT(text, i, len, c);
		if (c >= 0 && version_dependent(t, c)) {
			return true;
		}
	}
	/* Labels end at the dots UTS #46 maps to '.' too (U+3002, U+FF0E, U+FF61). */
	char dotted[4096];
	size_t d = 0;
	for (size_t i = 0; i < len && d + 1 < sizeof(dotted);) {
		if (strncmp(text + i, "\u3002", 3) == 0 || strncmp(text + i, "\uff0e", 3) == 0 ||
		    strncmp(text + i, "\uff61", 3) == 0) {
			dotted[d++] = '.';
			i += 3;
		} else {
			dotted[d++] = text[i++];
		}
	}
	dotted[d] = '\0';
	for (const char *label = dotted;;) {
		const char *end = strchr(label, '.');
		size_t n = end ? (size_t)(end - label) : strlen(label), decoded;
		uint32_t cps[256];
		if (n > 4 && strncasecmp(label, "xn--", 4) == 0 &&
		    idreg_punycode_decode(label + 4, n - 4, cps, 256, &decoded, NULL) == IDREG_OK) {
			for (size_t i = 0; i < decoded; i++) {
				if (version_dependent(t, (UChar32)cps[i])) {
					return true;
				}
			}
		}
		if (end == NULL) {
			break;
		}
		label = end + 1;
	}
	return false;
}

/* Does ICU give what the file says for one operation?  If not, say how. */
static bool passes(unsigned line, const char *what, enum idreg_uts46_form form,
		   const char *source, const char *want, const char *status, bool quiet)
{
	char out[4 * IDREG_UTS46_INPUT_MAX];
	size_t out_len;
	uint32_t errors;
	struct idreg_diag diag = { "" };
	bool want_error = strcmp(status, "") != 0 && strcmp(status, "[]") != 0;
	idreg_err err = idreg_uts46_process(form, false, source, strlen(source), out, sizeof(out),
					    &out_len, &errors, &diag);
	if (err != IDREG_OK) {
		print_message("line %u %s: %s: %s\n", line, what, idreg_strerror_name(err), diag.text);
		return false;
	}
	if (want_error != (errors != 0) || (!want_error && strcmp(out, want) != 0)) {
		if (!quiet) {
			print_message("line %u %s(%s): got '%s' errors 0x%x, want '%s' %s\n", line,
				      what, source, out, (unsigned)errors, want, status);
		}
		return false;
	}
	return true;
}

static void parse_version(const char *text, UVersionInfo v)
{
	memset(v, 0, sizeof(UVersionInfo));
	unsigned a = 0, b = 0, c = 0;
	sscanf(text, "%u.%u.%u", &a, &b, &c);
	v[0] = (uint8_t)a, v[1] = (uint8_t)b, v[2] = (uint8_t)c;
}

static void test_idnatest_v2(void **state)
{
	(void)state;
	const char *path = getenv("IDREG_IDNATEST");
	if (path == NULL || path[0] == '\0') {
		fail_msg("IdnaTestV2.txt was not found when the build was configured: install "
			 "librust-idna-dev (bash scripts/deps.sh) and run meson setup --reconfigure");
	}
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fail_msg("cannot open %s (IDREG_IDNATEST): install librust-idna-dev (scripts/deps.sh)",
			 path);
	}
	struct tally t = { 0 };
	u_getUnicodeVersion(t.icu_version);
	char *line = NULL;
	size_t cap = 0;
	unsigned number = 0;
	char excused_lines[512] = "";
	while (getline(&line, &cap, f) > 0) {
		number++;
		const char *version = strstr(line, "# Version: ");
		if (version != NULL && number < 20) {
			parse_version(version + strlen("# Version: "), t.file_version);
		}
		char *hash = strchr(line, '#');
		if (hash != NULL) {
			*hash = '\0';
		}
		char *fields[FIELDS];
		size_t n = 0;
		for (char *p = line; n < FIELDS; n++) {
			fields[n] = p;
			char *semi = strchr(p, ';');
			if (semi == NULL) {
				n++;
				break;
			}
			*semi = '\0';
			p = semi + 1;
		}
		if (n < TO_ASCII_N_STATUS + 1) {
			char *first = fields[0];
			trim(&first);
			assert_true(n == 1 && first[0] == '\0'); /* a comment or a blank line */
			continue;
		}
		assert_true(t.file_version[0] != 0); /* the version line came first */
		for (size_t i = 0; i < n; i++) {
			trim(&fields[i]);
		}
		static char source[4096], to_unicode[4096], to_ascii[4096];
		unescape(fields[SOURCE], source, sizeof(source));
		unescape(fields[TO_UNICODE][0] ? fields[TO_UNICODE] : fields[SOURCE], to_unicode,
			 sizeof(to_unicode));
		unescape(fields[TO_ASCII_N][0] ? fields[TO_ASCII_N] : to_unicode, to_ascii,
			 sizeof(to_ascii));
		const char *unicode_status = fields[TO_UNICODE_STATUS];
		const char *ascii_status =
			fields[TO_ASCII_N_STATUS][0] ? fields[TO_ASCII_N_STATUS] : unicode_status;
		t.cases++;
		t.checks += 2;
		/* A case that fails is excused only for a code point of one version. */
		bool excusable = involves_other_version(&t, source) ||
				 involves_other_version(&t, to_unicode) ||
				 involves_other_version(&t, to_ascii);
		bool ok = passes(number, "toUnicode", IDREG_UTS46_TO_UNICODE, source, to_unicode,
				 unicode_status, excusable);
		ok &= passes(number, "toAsciiN", IDREG_UTS46_TO_ASCII, source, to_ascii, ascii_status,
			     excusable);
		if (!ok && excusable) {
			t.excused++;
			size_t at = strlen(excused_lines);
			if (at + 16 < sizeof(excused_lines)) {
				snprintf(excused_lines + at, sizeof(excused_lines) - at, "%s%u",
					 at ? " " : "", number);
			}
		} else if (!ok) {
			t.failed++;
		}
	}
	free(line);
	fclose(f);
	print_message("IdnaTestV2.txt (Unicode %u.%u.%u) against ICU's Unicode %u.%u.%u: %zu cases, "
		      "%zu checks, %zu cases failed; %zu cases not counted, which fail and involve a "
		      "code point assigned in only one of the two versions (lines %s)\n",
		      t.file_version[0], t.file_version[1], t.file_version[2], t.icu_version[0],
		      t.icu_version[1], t.icu_version[2], t.cases, t.checks, t.failed, t.excused,
		      excused_lines[0] ? excused_lines : "none");
	assert_true(t.cases > 6000);
	assert_int_equal(t.failed, 0);
	/* Not counted: only what the versions' difference explains, a small share. */
	assert_true(t.excused * 20 < t.cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idnatest_v2),
	};
	return cmocka_run_group_tests_name("idna_conformance", tests, NULL, NULL);
}
