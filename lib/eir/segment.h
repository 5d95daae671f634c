/*
 * Segments: an operator's observations of one month packed for the
 * classification, kept in the store beside the observations and rewritten
 * by every import of that operator and month in its transaction.  A
 * classification reads a few large blobs instead of a row at a time.
 *
 * Layout (host byte order, checked by a byte-order mark): a header of 32
 * bytes ("EIRSEG1\0", 0x01020304, 0, row count, bytes of malformed
 * entries), the rows (struct idreg_eir_segment_row, 32 bytes each, by
 * IMEI, IMSI and MSISDN: the classification merges segments in that
 * order and refuses one that is not), then per malformed IMEI (one with no 14-digit form) its days,
 * month and length (u32, u16, u16) and its bytes.  IMSIs and MSISDNs are
 * integer codes (idreg_eir_digits_code) that differ when the text differs.
 */
#ifndef IDREG_EIR_SEGMENT_H
#define IDREG_EIR_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

#define IDREG_EIR_SEGMENT_HEADER 32
#define IDREG_EIR_SEGMENT_MAX_IMEI 1024 /* bytes of a malformed IMEI kept */
#define IDREG_EIR_MONTH_BASE (1900 * 12)
#define IDREG_EIR_MONTHS (500 * 12)  /* months numbered from January 1900 */

/** One observation as the classification reads it. */
struct idreg_eir_segment_row {
	uint64_t imei;               /* the 14 digits as a number */
	uint64_t imsi, msisdn;       /* idreg_eir_digits_code */
	uint32_t days;               /* bit d-1: seen on day d of the month */
	uint16_t month;              /* idreg_eir_month_number */
	uint8_t rats;                /* bit 0 2G .. bit 3 5G */
	uint8_t reserved;            /* 0 */
};

/** A segment read: its rows (unaligned: copy them out) and malformed entries. */
struct idreg_eir_segment_view {
	const unsigned char *rows;
	size_t n_rows;
	const unsigned char *malformed;
	size_t malformed_size;
};

/** "YYYY-MM" as a month number from January 1900 (below IDREG_EIR_MONTHS), or -1. */
int idreg_eir_month_number(const char *text);

/** A 14-digit IMEI as a number; false when @imei is not 14 digits. */
bool idreg_eir_imei_code(const char *imei, uint64_t *out);

/**
 * An IMSI or MSISDN as a number: a string of up to 17 digits is its value
 * with its length in bits 58 to 62; anything else a hash with bit 63 set.
 */
uint64_t idreg_eir_digits_code(const char *text);

/** The digits a code stands for into @out; false for a hash (no digit string). */
bool idreg_eir_code_digits(uint64_t code, char out[18]);

/** Pack the observations of @operator_name and @month held in @store into their segment. */
idreg_err idreg_eir_segment_build(struct idreg_store *store, const char *operator_name,
				  const char *month, struct idreg_diag *diag);

/**
 * Read the header (IDREG_EIR_SEGMENT_HEADER bytes at @head) of a segment of
 * @size bytes: its rows, and the bytes of malformed entries after them.
 */
idreg_err idreg_eir_segment_header(const void *head, uint64_t size, uint64_t *rows,
				   uint64_t *malformed, struct idreg_diag *diag);

/** Check that @size bytes at @entries are whole malformed entries. */
idreg_err idreg_eir_segment_check_malformed(const void *entries, size_t size,
					    struct idreg_diag *diag);

/** Check @size bytes at @data and map them (IDREG_EPARSE saying what is wrong). */
idreg_err idreg_eir_segment_open(const void *data, size_t size, struct idreg_eir_segment_view *out,
				 struct idreg_diag *diag);

/**
 * The malformed entry at *@offset of @view, and *@offset moved past it;
 * false at the end (idreg_eir_segment_open has checked every entry).
 */
bool idreg_eir_segment_malformed(const struct idreg_eir_segment_view *view, size_t *offset,
				 const char **imei, size_t *len, uint32_t *days, uint16_t *month);

#endif
