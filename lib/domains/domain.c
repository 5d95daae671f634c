/*
 * Vocabularies, times and canonical JSON text of domains, hosts and
 * entities (see domain.h).
 */
#include "domains/domain.h"

#include <stdio.h>
#include <string.h>

/* ---- times ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

bool idreg_time_parse(const char *s, size_t len, int64_t *out)
{
	unsigned y, mo, d, h, mi, sec;
	if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &sec)) {
		return false;
	}
	size_t i = 19;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			i++;
		}
		if (i == start || i - start > 9) {
			return false;
		}
	}
	if (i + 1 != len || (s[i] != 'Z' && s[i] != 'z')) {
		return false;
	}
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || sec > 59) {
		return false;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}

void idreg_time_format(int64_t t, char *out)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned v[6] = { (unsigned)((y % 10000 + 10000) % 10000), m, d, (unsigned)(secs / 3600),
			  (unsigned)(secs / 60 % 60), (unsigned)(secs % 60) };
	static const char sep[6] = { '-', '-', 'T', ':', ':', 'Z' };
	char *p = out;
	for (int i = 0; i < 6; i++) {
		if (i == 0) {
			*p++ = (char)('0' + v[0] / 1000 % 10);
			*p++ = (char)('0' + v[0] / 100 % 10);
		}
		*p++ = (char)('0' + v[i] / 10 % 10);
		*p++ = (char)('0' + v[i] % 10);
		*p++ = sep[i];
	}
	*p = '\0';
}

/* ---- vocabularies ---- */

static bool find_name(const char *const *names, size_t count, const char *s, size_t len,
		      size_t *out)
{
	for (size_t i = 0; i < count; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

static const char *const role_names[IDREG_ROLE_COUNT] = {
	"registrant", "administrative", "technical", "billing", "registrar", "abuse",
};

const char *idreg_role_name(enum idreg_role role)
{
	return (unsigned)role < IDREG_ROLE_COUNT ? role_names[role] : "unknown";
}

bool idreg_role_parse(const char *s, size_t len, enum idreg_role *out)
{
	size_t i;
	if (!find_name(role_names, IDREG_ROLE_COUNT, s, len, &i)) {
		return false;
	}
	*out = (enum idreg_role)i;
	return true;
}

static const char *const status_epp[IDREG_DOMAIN_STATUS_COUNT] = {
	"ok",
	"inactive",
	"clientDeleteProhibited",
	"clientHold",
	"clientRenewProhibited",
	"clientTransferProhibited",
	"clientUpdateProhibited",
	"pendingCreate",
	"pendingDelete",
	"pendingRenew",
	"pendingTransfer",
	"pendingUpdate",
	"serverDeleteProhibited",
	"serverHold",
	"serverRenewProhibited",
	"serverTransferProhibited",
	"serverUpdateProhibited",
	"addPeriod",
	"autoRenewPeriod",
	"renewPeriod",
	"transferPeriod",
	"redemptionPeriod",
	"pendingRestore",
};

static const char *const status_rdap[IDREG_DOMAIN_STATUS_COUNT] = {
	"active",
	"inactive",
	"client delete prohibited",
	"client hold",
	"client renew prohibited",
	"client transfer prohibited",
	"client update prohibited",
	"pending create",
	"pending delete",
	"pending renew",
	"pending transfer",
	"pending update",
	"server delete prohibited",
	"server hold",
	"server renew prohibited",
	"server transfer prohibited",
	"server update prohibited",
	"add period",
	"auto renew period",
	"renew period",
	"transfer period",
	"redemption period",
	"pending restore",
};

const char *idreg_domain_status_epp_name(enum idreg_domain_status status)
{
	return (unsigned)status < IDREG_DOMAIN_STATUS_COUNT ? status_epp[status] : "unknown";
}

const char *idreg_domain_status_rdap_name(enum idreg_domain_status status)
{
	return (unsigned)status < IDREG_DOMAIN_STATUS_COUNT ? status_rdap[status] : "unknown";
}

bool idreg_domain_status_parse(const char *s, size_t len, enum idreg_domain_status *out)
{
	size_t i;
	if (!find_name(status_epp, IDREG_DOMAIN_STATUS_COUNT, s, len, &i)) {
		return false;
	}
	*out = (enum idreg_domain_status)i;
	return true;
}

static const char *const kind_names[IDREG_ENTITY_KIND_COUNT] = {
	"individual", "org", "group", "location", "application",
};

const char *idreg_entity_kind_name(enum idreg_entity_kind kind)
{
	return (unsigned)kind < IDREG_ENTITY_KIND_COUNT ? kind_names[kind] : "unknown";
}

bool idreg_entity_kind_parse(const char *s, size_t len, enum idreg_entity_kind *out)
{
	size_t i;
	if (!find_name(kind_names, IDREG_ENTITY_KIND_COUNT, s, len, &i)) {
		return false;
	}
	*out = (enum idreg_entity_kind)i;
	return true;
}

static const char *const field_names[IDREG_ENTITY_FIELD_COUNT] = {
	"fn", "org", "email", "voice", "fax", "street", "locality", "region", "postal_code", "country",
};

const char *idreg_entity_field_name(enum idreg_entity_field field)
{
	return (unsigned)field < IDREG_ENTITY_FIELD_COUNT ? field_names[field] : "unknown";
}

bool idreg_entity_field_parse(const char *s, size_t len, enum idreg_entity_field *out)
{
	size_t i;
	if (!find_name(field_names, IDREG_ENTITY_FIELD_COUNT, s, len, &i)) {
		return false;
	}
	*out = (enum idreg_entity_field)i;
	return true;
}

int idreg_ip_order(const void *pa, const void *pb)
{
	const struct idreg_ip *a = pa, *b = pb;
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	return a->value < b->value ? -1 : a->value > b->value;
}

/* ---- canonical text ---- */

idreg_err idreg_json_string(struct idreg_buf *out, const char *s)
{
	idreg_err err = idreg_buf_append(out, "\"", 1);
	const char *run = s;
	for (; err == IDREG_OK && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
			continue;
		}
		err = idreg_buf_append(out, run, (size_t)(s - run));
		if (err != IDREG_OK) {
			break;
		}
		switch (c) {
		case '"': err = idreg_buf_append(out, "\\\"", 2); break;
		case '\\': err = idreg_buf_append(out, "\\\\", 2); break;
		case '\n': err = idreg_buf_append(out, "\\n", 2); break;
		case '\t': err = idreg_buf_append(out, "\\t", 2); break;
		case '\r': err = idreg_buf_append(out, "\\r", 2); break;
		default: err = idreg_buf_printf(out, "\\u%04x", c); break;
		}
		run = s + 1;
	}
	if (err == IDREG_OK) {
		err = idreg_buf_append(out, run, (size_t)(s - run));
	}
	return err == IDREG_OK ? idreg_buf_append(out, "\"", 1) : err;
}

/* ,"key": */
static idreg_err key(struct idreg_buf *out, const char *name, bool first)
{
	return idreg_buf_printf(out, "%s\"%s\":", first ? "" : ",", name);
}

static idreg_err key_string(struct idreg_buf *out, const char *name, const char *value)
{
	idreg_err err = key(out, name, false);
	return err == IDREG_OK ? idreg_json_string(out, value) : err;
}

static idreg_err key_time(struct idreg_buf *out, const char *name, int64_t t)
{
	if (t == IDREG_TIME_NONE) {
		return IDREG_OK;
	}
	char text[IDREG_TIME_TEXT_MAX];
	idreg_time_format(t, text);
	return idreg_buf_printf(out, ",\"%s\":\"%s\"", name, text);
}

idreg_err idreg_domain_format(const struct idreg_domain *d, struct idreg_buf *out)
{
	idreg_err err = idreg_buf_puts(out, "{\"name\":");
	if (err == IDREG_OK) {
		err = idreg_json_string(out, d->ldh_name);
	}
	if (err == IDREG_OK && d->handle != NULL) {
		err = key_string(out, "handle", d->handle);
	}
	if (err == IDREG_OK && d->status != 0) {
		err = idreg_buf_puts(out, ",\"status\":[");
		bool first = true;
		for (unsigned s = 0; err == IDREG_OK && s < IDREG_DOMAIN_STATUS_COUNT; s++) {
			if (d->status & (1u << s)) {
				err = idreg_buf_printf(out, "%s\"%s\"", first ? "" : ",", status_epp[s]);
				first = false;
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	if (err == IDREG_OK) {
		err = key_time(out, "registered", d->registered);
	}
	if (err == IDREG_OK) {
		err = key_time(out, "expires", d->expires);
	}
	if (err == IDREG_OK) {
		err = key_time(out, "last_changed", d->last_changed);
	}
	if (err == IDREG_OK && d->n_ns > 0) {
		err = idreg_buf_puts(out, ",\"nameservers\":[");
		for (size_t i = 0; err == IDREG_OK && i < d->n_ns; i++) {
			err = idreg_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
			if (err == IDREG_OK) {
				err = idreg_json_string(out, d->nameservers[i]);
			}
			if (err == IDREG_OK) {
				err = idreg_buf_puts(out, "}");
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	if (err == IDREG_OK && d->n_ds > 0) {
		err = idreg_buf_puts(out, ",\"ds\":[");
		for (size_t i = 0; err == IDREG_OK && i < d->n_ds; i++) {
			const struct idreg_ds *ds = &d->ds[i];
			err = idreg_buf_printf(out,
					       "%s{\"key_tag\":%u,\"algorithm\":%u,\"digest_type\":%u,"
					       "\"digest\":\"%s\"}",
					       i ? "," : "", ds->key_tag, ds->algorithm, ds->digest_type,
					       ds->digest);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	if (err == IDREG_OK && d->n_contacts > 0) {
		err = idreg_buf_puts(out, ",\"entities\":[");
		for (size_t i = 0; err == IDREG_OK && i < d->n_contacts; i++) {
			err = idreg_buf_puts(out, i ? ",{\"handle\":" : "{\"handle\":");
			if (err == IDREG_OK) {
				err = idreg_json_string(out, d->contacts[i].handle);
			}
			if (err == IDREG_OK) {
				err = idreg_buf_puts(out, ",\"roles\":[");
			}
			bool first = true;
			for (unsigned r = 0; err == IDREG_OK && r < IDREG_ROLE_COUNT; r++) {
				if (d->contacts[i].roles & (1u << r)) {
					err = idreg_buf_printf(out, "%s\"%s\"", first ? "" : ",", role_names[r]);
					first = false;
				}
			}
			if (err == IDREG_OK) {
				err = idreg_buf_puts(out, "]}");
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}

idreg_err idreg_host_format(const struct idreg_host *h, struct idreg_buf *out)
{
	idreg_err err = idreg_buf_puts(out, "{\"name\":");
	if (err == IDREG_OK) {
		err = idreg_json_string(out, h->ldh_name);
	}
	if (err == IDREG_OK && h->handle != NULL) {
		err = key_string(out, "handle", h->handle);
	}
	if (err == IDREG_OK && h->n_addrs > 0) {
		err = idreg_buf_puts(out, ",\"addresses\":[");
		for (size_t i = 0; err == IDREG_OK && i < h->n_addrs; i++) {
			char text[IDREG_IP_TEXT_MAX];
			idreg_ip_format(&h->addrs[i], text, sizeof(text));
			err = idreg_buf_printf(out, "%s\"%s\"", i ? "," : "", text);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}

idreg_err idreg_entity_format(const struct idreg_entity *e, struct idreg_buf *out)
{
	idreg_err err = idreg_buf_puts(out, "{\"handle\":");
	if (err == IDREG_OK) {
		err = idreg_json_string(out, e->handle);
	}
	if (err == IDREG_OK) {
		err = key_string(out, "kind", idreg_entity_kind_name(e->kind));
	}
	for (unsigned f = 0; err == IDREG_OK && f < IDREG_ENTITY_FIELD_COUNT; f++) {
		const char *v = e->fields[f];
		if (v == NULL) {
			continue;
		}
		if (f != IDREG_EF_STREET) {
			err = key_string(out, field_names[f], v);
			continue;
		}
		err = idreg_buf_puts(out, ",\"street\":[");
		for (bool first = true; err == IDREG_OK; first = false) {
			const char *nl = strchr(v, '\n');
			size_t n = nl ? (size_t)(nl - v) : strlen(v);
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)n, v);
			if (!first) {
				err = idreg_buf_puts(out, ",");
			}
			if (err == IDREG_OK) {
				err = idreg_json_string(out, line);
			}
			if (nl == NULL) {
				break;
			}
			v = nl + 1;
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	if (err == IDREG_OK && e->personal != 0) {
		err = idreg_buf_puts(out, ",\"personal\":[");
		bool first = true;
		for (unsigned f = 0; err == IDREG_OK && f < IDREG_ENTITY_FIELD_COUNT; f++) {
			if (e->personal & (1u << f)) {
				err = idreg_buf_printf(out, "%s\"%s\"", first ? "" : ",", field_names[f]);
				first = false;
			}
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "]");
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}
