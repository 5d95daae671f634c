/*
 * Segments of observations; see segment.h.  Building reads the operator's
 * month back from the store (by IMEI) and packs it; opening checks every
 * size and entry before anything is read.
 */
#include "eir/segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "eir/imei.h"

#define CODE_LEN_SHIFT 58
#define CODE_HASHED (1ull << 63)
#define BYTE_ORDER_MARK 0x01020304u
#define MAX_SEGMENT ((size_t)1 << 40)

static const char magic[8] = "EIRSEG1";

_Static_assert(sizeof(struct idreg_eir_segment_row) == 32, "a segment row is 32 bytes");

int idreg_eir_month_number(const char *text)
{
	if (strlen(text) != 7 || text[4] != '-') {
		return -1;
	}
	for (int i = 0; i < 7; i++) {
		if (i != 4 && (text[i] < '0' || text[i] > '9')) {
			return -1;
		}
	}
	int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
	int m = (text[5] - '0') * 10 + (text[6] - '0');
	int n = y * 12 + m - 1 - IDREG_EIR_MONTH_BASE;
	return m >= 1 && m <= 12 && n >= 0 && n < IDREG_EIR_MONTHS ? n : -1;
}

bool idreg_eir_imei_code(const char *imei, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;
	for (; n < IDREG_IMEI_DIGITS && imei[n] >= '0' && imei[n] <= '9'; n++) {
		v = v * 10 + (uint64_t)(imei[n] - '0');
	}
	*out = v;
	return n == IDREG_IMEI_DIGITS && imei[n] == '\0';
}

uint64_t idreg_eir_digits_code(const char *s)
{
	uint64_t v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9' && n < 17; n++) {
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (s[n] == '\0') {
		return ((uint64_t)n << CODE_LEN_SHIFT) | v;
	}
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (n = 0; s[n] != '\0'; n++) {
		h = (h ^ (unsigned char)s[n]) * 1099511628211ull;
	}
	return h | CODE_HASHED;
}

bool idreg_eir_code_digits(uint64_t code, char out[18])
{
	if (code & CODE_HASHED) {
		out[0] = '\0';
		return false;
	}
	unsigned len = (unsigned)(code >> CODE_LEN_SHIFT);
	uint64_t v = code & ((1ull << CODE_LEN_SHIFT) - 1);
	for (unsigned i = len; i > 0; i--) {
		out[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	out[len] = '\0';
	return true;
}

struct packer {
	struct idreg_buf rows, malformed;
	uint16_t month;
};

static idreg_err pack(void *ctx, const struct idreg_eir_observation *o)
{
	struct packer *p = ctx;
	struct idreg_eir_segment_row row = { 0 };
	if (!idreg_eir_imei_code(o->imei, &row.imei)) {
		size_t len = strnlen(o->imei, IDREG_EIR_SEGMENT_MAX_IMEI);
		unsigned char head[8];
		uint32_t days = o->days;
		uint16_t len16 = (uint16_t)len;
		memcpy(head, &days, 4);
		memcpy(head + 4, &p->month, 2);
		memcpy(head + 6, &len16, 2);
		idreg_err err = idreg_buf_append(&p->malformed, head, sizeof(head));
		return err != IDREG_OK ? err : idreg_buf_append(&p->malformed, o->imei, len);
	}
	row.imsi = idreg_eir_digits_code(o->imsi);
	row.msisdn = idreg_eir_digits_code(o->msisdn);
	row.days = o->days;
	row.month = p->month;
	row.rats = (uint8_t)o->rats;
	return idreg_buf_append(&p->rows, &row, sizeof(row));
}

idreg_err idreg_eir_segment_build(struct idreg_store *store, const char *operator_name,
				  const char *month, struct idreg_diag *diag)
{
	int number = idreg_eir_month_number(month);
	if (number < 0) {
		return idreg_diag_set(diag, IDREG_EINVAL, "segment: month '%s' is not YYYY-MM", month);
	}
	struct packer p = { .month = (uint16_t)number };
	idreg_buf_init(&p.rows, MAX_SEGMENT);
	idreg_buf_init(&p.malformed, MAX_SEGMENT);
	struct {
		char magic[8];
		uint32_t mark, zero;
		uint64_t rows, malformed;
	} header = { .mark = BYTE_ORDER_MARK };
	_Static_assert(sizeof(header) == IDREG_EIR_SEGMENT_HEADER, "segment header size");
	memcpy(header.magic, magic, sizeof(magic));
	idreg_err err = idreg_buf_append(&p.rows, &header, sizeof(header));
	if (err == IDREG_OK) {
		err = store->ops->eir_observation_month(store, operator_name, month, pack, &p, diag);
	}
	if (err == IDREG_ENOMEM || err == IDREG_ETOOBIG) {
		err = idreg_diag_set(diag, err, "segment %s %s: out of memory", operator_name, month);
	}
	if (err == IDREG_OK) {
		header.rows = (p.rows.len - sizeof(header)) / sizeof(struct idreg_eir_segment_row);
		header.malformed = p.malformed.len;
		memcpy(p.rows.data, &header, sizeof(header));
		err = idreg_buf_append(&p.rows, p.malformed.data, p.malformed.len);
	}
	if (err == IDREG_OK) {
		err = store->ops->eir_segment_put(store, operator_name, month, p.rows.data, p.rows.len,
						  diag);
	}
	idreg_buf_free(&p.rows);
	idreg_buf_free(&p.malformed);
	return err;
}

idreg_err idreg_eir_segment_header(const void *head, uint64_t size, uint64_t *rows,
				   uint64_t *malformed, struct idreg_diag *diag)
{
	const unsigned char *d = head;
	uint32_t mark;
	if (size < IDREG_EIR_SEGMENT_HEADER || memcmp(d, magic, sizeof(magic)) != 0) {
		return idreg_diag_set(diag, IDREG_EPARSE, "segment: no segment header");
	}
	memcpy(&mark, d + 8, 4);
	memcpy(rows, d + 16, 8);
	memcpy(malformed, d + 24, 8);
	if (mark != BYTE_ORDER_MARK) {
		return idreg_diag_set(diag, IDREG_EPARSE, "segment: written in another byte order");
	}
	uint64_t body = size - IDREG_EIR_SEGMENT_HEADER;
	if (*rows > body / sizeof(struct idreg_eir_segment_row) ||
	    *malformed != body - *rows * sizeof(struct idreg_eir_segment_row)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "segment: %llu bytes do not hold %llu rows "
				      "and %llu bytes of malformed IMEIs", (unsigned long long)size,
				      (unsigned long long)*rows, (unsigned long long)*malformed);
	}
	return IDREG_OK;
}

idreg_err idreg_eir_segment_check_malformed(const void *entries, size_t size,
					    struct idreg_diag *diag)
{
	const unsigned char *m = entries;
	for (size_t at = 0; at < size;) {
		uint16_t len;
		if (size - at < 8) {
			return idreg_diag_set(diag, IDREG_EPARSE, "segment: a malformed entry cut short");
		}
		memcpy(&len, m + at + 6, 2);
		if (len > IDREG_EIR_SEGMENT_MAX_IMEI || size - at - 8 < len) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "segment: a malformed entry of %u bytes", len);
		}
		at += 8 + len;
	}
	return IDREG_OK;
}

idreg_err idreg_eir_segment_open(const void *data, size_t size, struct idreg_eir_segment_view *out,
				 struct idreg_diag *diag)
{
	const unsigned char *d = data;
	uint64_t rows, malformed;
	idreg_err err = idreg_eir_segment_header(data, size, &rows, &malformed, diag);
	if (err != IDREG_OK) {
		return err;
	}
	*out = (struct idreg_eir_segment_view){
		.rows = d + IDREG_EIR_SEGMENT_HEADER,
		.n_rows = (size_t)rows,
		.malformed = d + IDREG_EIR_SEGMENT_HEADER + rows * sizeof(struct idreg_eir_segment_row),
		.malformed_size = (size_t)malformed,
	};
	return idreg_eir_segment_check_malformed(out->malformed, out->malformed_size, diag);
}

bool idreg_eir_segment_malformed(const struct idreg_eir_segment_view *view, size_t *offset,
				 const char **imei, size_t *len, uint32_t *days, uint16_t *month)
{
	if (*offset >= view->malformed_size) {
		return false;
	}
	const unsigned char *e = view->malformed + *offset;
	uint16_t n;
	memcpy(days, e, 4);
	memcpy(month, e + 4, 2);
	memcpy(&n, e + 6, 2);
	*imei = (const char *)e + 8;
	*len = n;
	*offset += 8 + (size_t)n;
	return true;
}
