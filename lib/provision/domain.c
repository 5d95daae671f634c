/*
 * The provisioned domain's vocabularies, derived facts and history text.
 * See domain.h.
 */
#include "provision/domain.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define IDREG__GRACE_TEXT(name, text) text,
static const char *const grace_names[] = { IDREG_GRACE_LIST(IDREG__GRACE_TEXT) };
#undef IDREG__GRACE_TEXT

#define IDREG__VARIANT_TEXT(name, text) text,
static const char *const variant_names[] = { IDREG_VARIANT_STATE_LIST(IDREG__VARIANT_TEXT) };
#undef IDREG__VARIANT_TEXT

/* The index of @s (of @len bytes) in @names, or -1. */
static int find_name(const char *const *names, int count, const char *s, size_t len)
{
	for (int i = 0; i < count; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
			return i;
		}
	}
	return -1;
}

const char *idreg_grace_name(enum idreg_grace_period period)
{
	return grace_names[period];
}

bool idreg_grace_parse(const char *s, size_t len, enum idreg_grace_period *out)
{
	int i = find_name(grace_names, IDREG_GRACE_COUNT, s, len);
	*out = (enum idreg_grace_period)(i < 0 ? 0 : i);
	return i >= 0;
}

const char *idreg_variant_state_name(enum idreg_variant_state state)
{
	return variant_names[state];
}

bool idreg_variant_state_parse(const char *s, size_t len, enum idreg_variant_state *out)
{
	int i = find_name(variant_names, IDREG_VARIANT_STATE_COUNT, s, len);
	*out = (enum idreg_variant_state)(i < 0 ? 0 : i);
	return i >= 0;
}

const char *idreg_prov_domain_registrant(const struct idreg_prov_domain *d)
{
	for (size_t i = 0; i < d->domain.n_contacts; i++) {
		if (d->domain.contacts[i].roles & (1u << IDREG_ROLE_REGISTRANT)) {
			return d->domain.contacts[i].handle;
		}
	}
	return NULL;
}

int64_t idreg_prov_domain_grace_end(const struct idreg_prov_domain *d,
				    enum idreg_grace_period period)
{
	for (size_t i = 0; i < d->n_grace; i++) {
		if (d->grace[i].period == period) {
			return d->grace[i].ends;
		}
	}
	return IDREG_TIME_NONE;
}

void idreg_prov_domain_roid(const struct idreg_prov_domain *d, char *out, size_t size)
{
	snprintf(out, size, "D%lld%s", (long long)d->id, IDREG_ROID_SUFFIX);
}

/* ,"key":"value" when @value is set. */
static idreg_err key_text(struct idreg_buf *out, const char *key, const char *value)
{
	if (value == NULL) {
		return IDREG_OK;
	}
	idreg_err err = idreg_buf_printf(out, ",\"%s\":", key);
	return err == IDREG_OK ? idreg_json_string(out, value) : err;
}

/* The authInfo's tag: 8 hex digits of SHA-256 over the name, a NUL and the password. */
static void auth_info_tag(const char *name, const char *pw, char out[9])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)pw, strlen(pw));
	crypto_hash_sha256_final(&st, digest);
	for (int i = 0; i < 4; i++) {
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	}
}

idreg_err idreg_prov_domain_format(const struct idreg_prov_domain *d, struct idreg_buf *out)
{
	size_t start = out->len;
	idreg_err err = idreg_domain_format(&d->domain, out);
	if (err != IDREG_OK) {
		return err;
	}
	out->len--; /* reopen the object: drop its '}' */
	out->data[out->len] = '\0';
	err = idreg_buf_puts(out, ",\"provisioning\":{\"sponsor\":");
	if (err == IDREG_OK) {
		err = d->sponsor ? idreg_json_string(out, d->sponsor) : idreg_buf_puts(out, "null");
	}
	if (err == IDREG_OK) {
		err = key_text(out, "creator", d->creator);
	}
	if (err == IDREG_OK) {
		err = key_text(out, "updater", d->updater);
	}
	if (err == IDREG_OK && d->transferred != IDREG_TIME_NONE) {
		char t[IDREG_TIME_TEXT_MAX];
		idreg_time_format(d->transferred, t);
		err = key_text(out, "transferred", t);
	}
	if (err == IDREG_OK && d->auth_info != NULL) {
		char tag[9];
		auth_info_tag(d->domain.ldh_name, d->auth_info, tag);
		err = key_text(out, "auth_info_tag", tag);
	}
	if (err == IDREG_OK) {
		err = key_text(out, "idn_table", d->idn_table);
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_grace; i++) {
		char t[IDREG_TIME_TEXT_MAX];
		idreg_time_format(d->grace[i].ends, t);
		err = idreg_buf_printf(out, "%s{\"period\":\"%s\",\"ends\":\"%s\"}",
				       i ? "," : ",\"grace\":[", idreg_grace_name(d->grace[i].period), t);
	}
	if (err == IDREG_OK && d->n_grace > 0) {
		err = idreg_buf_puts(out, "]");
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_variants; i++) {
		err = idreg_buf_puts(out, i ? ",{\"name\":" : ",\"variants\":[{\"name\":");
		if (err == IDREG_OK) {
			err = idreg_json_string(out, d->variants[i].ldh_name);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_printf(out, ",\"state\":\"%s\"}",
					       idreg_variant_state_name(d->variants[i].state));
		}
	}
	if (err == IDREG_OK && d->n_variants > 0) {
		err = idreg_buf_puts(out, "]");
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "}}");
	}
	if (err != IDREG_OK) {
		out->len = start;
		out->data[start] = '\0';
	}
	return err;
}
