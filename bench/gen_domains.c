/*
 * gen_domains: write N synthetic domains in the domains format
 * (docs/domains-format.md), for tests and for the daemon's benchmarks.
 *
 *   gen_domains N [SEED] [--changed K] [--names FILE]
 *
 * Deterministic: the same N and SEED give the same file, byte for byte.
 * About a fifth of the names are internationalized, with labels made of
 * small built-in syllable lists in Chinese, Arabic, Cyrillic and German; a
 * third of those are written as A-labels (through lib/idn), the rest as
 * U-labels.  Every domain has nameservers (a provider's shared ones, or its
 * own with glue addresses), a registrant (shared by two domains), an
 * administrative and technical contact (from a pool), a registrar and its
 * abuse contact; some have a billing contact and DS records.  Every line
 * that names a host or an entity describes it the same way, as the format
 * requires.  --changed K changes the expiry date of the domains whose number
 * is a multiple of K (for re-import tests).  --names FILE also writes each
 * domain's two forms to FILE, one domain a line in the same order: its
 * A-label form, a space and its U-label form as generated (the same text
 * twice for an ASCII name), for clients that query them (bench/bench_query.sh).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idn/uts46.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t seed;

/* A number from 0 to n - 1 that depends only on (what, i). */
static uint64_t pick(uint64_t what, uint64_t i, uint64_t n)
{
	return mix(seed ^ mix(what * 0x9e3779b97f4a7c15ULL + i)) % n;
}

static const char *const latin[] = {
	"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "va", "de", "zu", "bo", "fi", "ga", "ho", "ju",
	"ke", "la", "mo", "nu", "pa", "qu", "ro", "si", "to", "vi", "wa", "xe", "yo", "ze", "an", "el",
	"in", "on", "ur", "ex", "al", "am", "ar", "ba", "be", "ci", "co", "da", "di", "fa", "fe", "go",
	"gu", "hi", "jo", "ku", "le", "li", "ma", "me", "na", "ni", "no", "pe", "pi", "ra", "sa", "se",
};
static const char *const german[] = {
	"bä", "schö", "grü", "straß", "mü", "kä", "fü", "lö", "hä", "tü", "wö", "zä", "rü", "sä", "nö", "dü",
	"berg", "haus", "feld", "bach", "dorf", "wald", "see", "burg", "heim", "tal", "stein", "brück",
	"markt", "hof", "land", "wies",
};
static const char *const chinese[] = {
	"中", "国", "网", "络", "科", "技", "天", "地", "人", "和", "平", "安", "华", "东", "西", "南",
	"北", "山", "水", "云", "海", "明", "光", "新", "城", "市", "家", "园", "龙", "凤", "金", "银",
	"书", "画", "茶", "花", "月", "星", "风", "雨", "春", "夏", "秋", "冬", "乐", "福", "美", "好",
};
static const char *const cyrillic[] = {
	"ка", "ло", "ми", "не", "су", "та", "ри", "по", "ва", "де", "зу", "бо", "фи", "га", "хо", "жу",
	"ке", "ла", "мо", "ну", "па", "ро", "си", "то", "ви", "ша", "ще", "юр", "ян", "ел", "ин", "ор",
};
static const char *const arabic[] = {
	"ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص", "ض", "ط", "ظ",
	"ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي",
};

#define COUNT(a) (sizeof(a) / sizeof(a[0]))

/* A label for @n: its base-k numeral (at least @min_syllables digits) in the
 * syllables given.  No syllable of a list is a prefix of another, so different
 * numbers give different labels. */
static void label_of(uint64_t n, const char *const *syl, size_t k, size_t min_syllables, char *out,
		     size_t size)
{
	const char *digits[64];
	size_t count = 0;
	do {
		digits[count++] = syl[n % k];
		n /= k;
	} while (n > 0 && count < 64);
	while (count < min_syllables) {
		digits[count++] = syl[0];
	}
	size_t at = 0;
	out[0] = '\0';
	while (count > 0) {
		const char *d = digits[--count];
		size_t len = strlen(d);
		if (at + len + 1 < size) {
			memcpy(out + at, d, len + 1);
			at += len;
		}
	}
}

enum script { LATIN, GERMAN, CHINESE, CYRILLIC, ARABIC };

/* The domain's name as written in the file, its A-label form and its U-label
 * form as generated. */
static void domain_name(uint64_t i, char *written, size_t wsize, char *ascii, size_t asize,
			char *unicode, size_t usize)
{
	uint64_t r = pick(1, i, 100);
	enum script sc = r < 80 ? LATIN : r < 85 ? GERMAN : r < 90 ? CHINESE : r < 95 ? CYRILLIC : ARABIC;
	char label[256];
	const char *tld;
	switch (sc) {
	case GERMAN:
		/* Always one syllable with an umlaut or ß, so the label is a U-label. */
		label_of(i, german, COUNT(german), 2, label, sizeof(label));
		strcat(label, german[pick(2, i, 16)]);
		tld = "de";
		break;
	case CHINESE:
		label_of(i, chinese, COUNT(chinese), 3, label, sizeof(label));
		tld = pick(3, i, 2) ? "中国" : "com";
		break;
	case CYRILLIC:
		label_of(i, cyrillic, COUNT(cyrillic), 3, label, sizeof(label));
		tld = pick(3, i, 2) ? "рф" : "com";
		break;
	case ARABIC:
		label_of(i, arabic, COUNT(arabic), 4, label, sizeof(label));
		tld = pick(3, i, 2) ? "شبكة" : "com";
		break;
	default: {
		static const char *const tlds[] = { "com", "net", "org", "example", "test" };
		label_of(i, latin, COUNT(latin), 3, label, sizeof(label));
		tld = tlds[pick(3, i, COUNT(tlds))];
		break;
	}
	}
	snprintf(unicode, usize, "%s.%s", label, tld);
	struct idreg_diag diag;
	if (idreg_uts46_to_ascii(unicode, strlen(unicode), ascii, asize, &diag) != IDREG_OK) {
		fprintf(stderr, "gen_domains: generated a bad name %s: %s\n", unicode, diag.text);
		exit(1);
	}
	/* A third of the internationalized names are written as A-labels. */
	snprintf(written, wsize, "%s", sc != LATIN && pick(4, i, 3) == 0 ? ascii : unicode);
}

static void iso_time(int64_t t, char *out, size_t size)
{
	int64_t days = t / 86400, secs = t % 86400;
	/* Civil date from days (H. Hinnant). */
	days += 719468;
	int64_t era = days / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	snprintf(out, size, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m, d, (unsigned)(secs / 3600),
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

/* Hosts and entities are described on the first line that names them, and
 * only named (by name, or by handle and roles) after that. */
static unsigned char *seen_provider, *seen_tech, *seen_billing, seen_registrar[20];

static bool first_time(unsigned char *seen, uint64_t k)
{
	bool first = seen[k] == 0;
	seen[k] = 1;
	return first;
}

static void registrar(FILE *out, uint64_t k)
{
	if (!first_time(seen_registrar, k)) {
		fprintf(out,
			"{\"handle\":\"R%" PRIu64 "-REG\",\"roles\":[\"registrar\"]},"
			"{\"handle\":\"A%" PRIu64 "-REG\",\"roles\":[\"abuse\"]}",
			k, k);
		return;
	}
	fprintf(out,
		"{\"handle\":\"R%" PRIu64 "-REG\",\"roles\":[\"registrar\"],\"kind\":\"org\","
		"\"fn\":\"Registrar %" PRIu64 " Ltd\",\"email\":\"info@registrar%" PRIu64 ".example\","
		"\"voice\":\"+1.555010%04" PRIu64 "\",\"street\":[\"%" PRIu64 " Main Street\",\"Suite 100\"],"
		"\"locality\":\"Springfield\",\"region\":\"IL\",\"postal_code\":\"627%02" PRIu64 "\","
		"\"country\":\"US\"},"
		"{\"handle\":\"A%" PRIu64 "-REG\",\"roles\":[\"abuse\"],\"kind\":\"group\","
		"\"fn\":\"Abuse desk of registrar %" PRIu64 "\",\"email\":\"abuse@registrar%" PRIu64
		".example\",\"voice\":\"+1.555020%04" PRIu64 "\"}",
		k, k, k, k, k + 1, k % 100, k, k, k, k);
}

static const char *const given[] = { "Anna", "Björn", "Chen", "Dmitri", "Elif", "Fatima", "Gustav",
				     "Hana", "Ivan", "Jamal", "Karin", "Li", "Marta", "Noor",
				     "Olga", "Pablo" };
static const char *const family[] = { "Schmidt", "Wang", "Ivanova", "Haddad", "Müller", "Li",
				      "Petrov", "Nasser", "Weber", "Zhang", "Smirnova", "Khalil" };
static const char *const countries[] = { "DE", "CN", "RU", "AE", "US", "FR", "NL", "EG" };

static void contact(FILE *out, const char *handle, const char *roles, uint64_t k, bool person,
		    bool describe)
{
	if (!describe) {
		fprintf(out, "{\"handle\":\"%s\",\"roles\":[%s]}", handle, roles);
		return;
	}
	const char *g = given[pick(20, k, COUNT(given))], *f = family[pick(21, k, COUNT(family))];
	const char *cc = countries[pick(22, k, COUNT(countries))];
	if (person) {
		fprintf(out,
			"{\"handle\":\"%s\",\"roles\":[%s],\"kind\":\"individual\",\"fn\":\"%s %s\","
			"\"email\":\"%c.%s%" PRIu64 "@mail.example\",\"voice\":\"+49.30%07" PRIu64 "\","
			"\"street\":[\"Hauptstraße %" PRIu64 "\"],\"locality\":\"Berlin\","
			"\"postal_code\":\"1%04" PRIu64 "\",\"country\":\"%s\","
			"\"personal\":[\"fn\",\"email\",\"voice\",\"street\"]}",
			handle, roles, g, f, g[0], "x", k, k % 10000000, k % 200 + 1, k % 10000, cc);
	} else {
		fprintf(out,
			"{\"handle\":\"%s\",\"roles\":[%s],\"kind\":\"org\",\"fn\":\"%s %s\","
			"\"org\":\"%s Holding %" PRIu64 " GmbH\",\"email\":\"hostmaster%" PRIu64
			"@corp.example\",\"voice\":\"+49.40%07" PRIu64 "\",\"fax\":\"+49.40%07" PRIu64
			"\",\"street\":[\"Industriestraße %" PRIu64 "\",\"Gebäude B\"],"
			"\"locality\":\"Hamburg\",\"postal_code\":\"2%04" PRIu64 "\",\"country\":\"%s\","
			"\"personal\":[\"fn\"]}",
			handle, roles, g, f, f, k, k, k % 10000000, (k + 1) % 10000000, k % 300 + 1,
			k % 10000, cc);
	}
}

static void write_domain(FILE *out, FILE *names, uint64_t i, uint64_t n, uint64_t changed_every)
{
	char written[512], ascii[IDREG_UTS46_ASCII_MAX], unicode[512];
	domain_name(i, written, sizeof(written), ascii, sizeof(ascii), unicode, sizeof(unicode));
	if (names != NULL) {
		fprintf(names, "%s %s\n", ascii, unicode);
	}
	int64_t registered = 788918400 + (int64_t)pick(10, i, 30ULL * 365 * 86400);
	int64_t expires = registered + (int64_t)(1 + pick(11, i, 10)) * 365 * 86400;
	if (changed_every != 0 && i % changed_every == 0) {
		expires += 365 * 86400;
	}
	int64_t changed = registered + (int64_t)pick(12, i, (uint64_t)(1798761600 - registered));
	char reg_text[32], exp_text[32], chg_text[32];
	iso_time(registered, reg_text, sizeof(reg_text));
	iso_time(expires, exp_text, sizeof(exp_text));
	iso_time(changed, chg_text, sizeof(chg_text));
	static const char *const statuses[] = {
		"\"ok\"", "\"clientTransferProhibited\"",
		"\"clientTransferProhibited\",\"clientDeleteProhibited\"", "\"serverHold\"",
		"\"clientHold\",\"pendingDelete\",\"redemptionPeriod\"", "\"inactive\"",
	};
	uint64_t s = pick(13, i, 100);
	const char *status = statuses[s < 30 ? 0 : s < 80 ? 1 : s < 92 ? 2 : s < 95 ? 3 : s < 98 ? 4 : 5];
	fprintf(out,
		"{\"name\":\"%s\",\"handle\":\"D%" PRIu64 "-IDREG\",\"status\":[%s],"
		"\"registered\":\"%s\",\"expires\":\"%s\",\"last_changed\":\"%s\",\"nameservers\":[",
		written, i, status, reg_text, exp_text, chg_text);
	if (pick(14, i, 100) < 15) {
		/* Its own nameservers, with glue. */
		uint32_t a = (uint32_t)(0x0a000000u + (uint32_t)(i * 2 % 0x00ffffffu));
		fprintf(out,
			"{\"name\":\"ns1.%s\",\"addresses\":[\"%u.%u.%u.%u\",\"2001:db8:%x:%x::53\"]},"
			"{\"name\":\"ns2.%s\",\"addresses\":[\"%u.%u.%u.%u\"]}",
			written, a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
			(unsigned)((i >> 16) & 0xffff), (unsigned)(i & 0xffff), written, a >> 24,
			(a >> 16) & 255, (a >> 8) & 255, (a & 255) + 1);
	} else {
		uint64_t providers = n / 500 + 10;
		uint64_t p = pick(15, i, providers);
		uint64_t nns = 2 + pick(16, p, 3);
		bool describe = first_time(seen_provider, p);
		for (uint64_t k = 0; k < nns; k++) {
			if (!describe) {
				fprintf(out, "%s{\"name\":\"ns%" PRIu64 ".hoster%" PRIu64 ".net\"}",
					k ? "," : "", k + 1, p);
				continue;
			}
			fprintf(out,
				"%s{\"name\":\"ns%" PRIu64 ".hoster%" PRIu64 ".net\",\"addresses\":"
				"[\"198.18.%u.%u\",\"2001:db8:ffff:%x::%x\"]}",
				k ? "," : "", k + 1, p, (unsigned)(p / 250 % 256), (unsigned)(p % 250 + k),
				(unsigned)(p & 0xffff), (unsigned)(k + 1));
		}
	}
	fprintf(out, "]");
	if (pick(17, i, 100) < 20) {
		fprintf(out, ",\"ds\":[");
		uint64_t nds = 1 + pick(18, i, 2);
		for (uint64_t k = 0; k < nds; k++) {
			fprintf(out, "%s{\"key_tag\":%u,\"algorithm\":13,\"digest_type\":2,\"digest\":\"",
				k ? "," : "", (unsigned)pick(19, i * 4 + k, 65536));
			for (int h = 0; h < 4; h++) {
				fprintf(out, "%016" PRIX64, mix(seed ^ (i * 8 + k * 4 + (uint64_t)h)));
			}
			fprintf(out, "\"}");
		}
		fprintf(out, "]");
	}
	fprintf(out, ",\"entities\":[");
	char handle[64];
	uint64_t holder = i / 2;
	snprintf(handle, sizeof(handle), "C%" PRIu64 "-IDREG", holder);
	contact(out, handle, "\"registrant\"", holder, pick(23, holder, 100) < 80, i % 2 == 0);
	uint64_t pool = n / 20 + 5;
	uint64_t tech = pick(24, i, pool);
	snprintf(handle, sizeof(handle), "T%" PRIu64 "-IDREG", tech);
	fprintf(out, ",");
	contact(out, handle, "\"administrative\",\"technical\"", 1000000000 + tech, false,
		first_time(seen_tech, tech));
	if (pick(25, i, 100) < 10) {
		uint64_t bill = pick(26, i, pool);
		snprintf(handle, sizeof(handle), "B%" PRIu64 "-IDREG", bill);
		fprintf(out, ",");
		contact(out, handle, "\"billing\"", 2000000000 + bill, false,
			first_time(seen_billing, bill));
	}
	fprintf(out, ",");
	registrar(out, pick(27, i, 20));
	fprintf(out, "]}\n");
}

int main(int argc, char **argv)
{
	uint64_t n = 0, changed_every = 0;
	const char *names_path = NULL;
	seed = 1;
	int positional = 0;
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--changed") == 0 && a + 1 < argc) {
			changed_every = strtoull(argv[++a], NULL, 10);
		} else if (strcmp(argv[a], "--names") == 0 && a + 1 < argc) {
			names_path = argv[++a];
		} else if (positional == 0) {
			n = strtoull(argv[a], NULL, 10);
			positional++;
		} else if (positional == 1) {
			seed = strtoull(argv[a], NULL, 10);
			positional++;
		} else {
			positional = 99;
		}
	}
	if (n == 0 || positional > 2) {
		fprintf(stderr, "usage: gen_domains N [SEED] [--changed K] [--names FILE]\n");
		return 2;
	}
	FILE *names = NULL;
	if (names_path != NULL && (names = fopen(names_path, "w")) == NULL) {
		perror(names_path);
		return 1;
	}
	seen_provider = calloc(n / 500 + 10, 1);
	seen_tech = calloc(n / 20 + 5, 1);
	seen_billing = calloc(n / 20 + 5, 1);
	if (seen_provider == NULL || seen_tech == NULL || seen_billing == NULL) {
		fprintf(stderr, "gen_domains: out of memory\n");
		return 1;
	}
	static char buffer[1 << 20];
	setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
	for (uint64_t i = 0; i < n; i++) {
		write_domain(stdout, names, i, n, changed_every);
	}
	free(seen_provider);
	free(seen_tech);
	free(seen_billing);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen_domains: write");
		return 1;
	}
	if (names != NULL && (ferror(names) || fclose(names) != 0)) {
		perror(names_path);
		return 1;
	}
	return 0;
}
