/*
 * The register's current state in memory and the real-time check; see
 * check.h.
 */
#include "eir/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

static const char *const status_names[] = {
#define IDREG__EIR_STATUS_NAME(name, text) text,
	IDREG_EIR_STATUS_LIST(IDREG__EIR_STATUS_NAME)
#undef IDREG__EIR_STATUS_NAME
};

const char *idreg_eir_status_name(enum idreg_eir_status status)
{
	return status_names[status];
}

/* @len decimal digits at @s as a number; false if any is not a digit. */
static bool digits_value(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool imei_key(const char *imei, uint64_t *out)
{
	return strlen(imei) == IDREG_IMEI_DIGITS && digits_value(imei, IDREG_IMEI_DIGITS, out);
}

bool idreg_eir_imsi_key(const char *imsi, uint64_t *out)
{
	size_t len = strlen(imsi);
	uint64_t v;
	if (len < 6 || len > IDREG_IMSI_MAX || !digits_value(imsi, len, &v)) {
		return false;
	}
	*out = v * 16 + len;
	return true;
}

void idreg_eir_register_init(struct idreg_eir_register *reg)
{
	memset(reg, 0, sizeof(*reg));
}

void idreg_eir_register_free(struct idreg_eir_register *reg)
{
	free(reg->states);
	free(reg->golden);
	free(reg->pairings);
	idreg_eir_register_init(reg);
}

struct loader {
	struct idreg_eir_register *reg;
	size_t states_cap, golden_cap, pairings_cap;
	struct idreg_diag *diag;
};

/* The index of condition @name, interned on first sight; -1 when there is no room. */
static int condition_index(struct idreg_eir_register *reg, const char *name)
{
	for (size_t i = 0; i < reg->condition_count; i++) {
		if (strcmp(reg->conditions[i], name) == 0) {
			return (int)i;
		}
	}
	if (reg->condition_count == IDREG_EIR_MAX_CONDITIONS || strlen(name) >= IDREG_EIR_CONDITION_MAX) {
		return -1;
	}
	snprintf(reg->conditions[reg->condition_count], IDREG_EIR_CONDITION_MAX, "%s", name);
	return (int)reg->condition_count++;
}

static idreg_err load_class(void *ctx, const struct idreg_eir_class *row)
{
	struct loader *l = ctx;
	struct idreg_eir_register *reg = l->reg;
	uint64_t imei;
	if (!imei_key(row->imei, &imei)) {
		return IDREG_OK;
	}
	int index = condition_index(reg, row->condition);
	if (index < 0) {
		return idreg_diag_set(l->diag, IDREG_ETOOBIG,
				      "the register's classification names more than %d conditions "
				      "or one of over %d bytes ('%.40s')",
				      IDREG_EIR_MAX_CONDITIONS, IDREG_EIR_CONDITION_MAX - 1, row->condition);
	}
	/* Rows come by IMEI: a new IMEI starts a new state. */
	if (reg->count == 0 || reg->states[reg->count - 1].imei != imei) {
		if (reg->count > 0 && reg->states[reg->count - 1].imei > imei) {
			return idreg_diag_set(l->diag, IDREG_ESTORE,
					      "classification rows not in IMEI order at %s", row->imei);
		}
		if (idreg_array_reserve(&reg->states, &l->states_cap, reg->count,
					sizeof(*reg->states), 1024) != IDREG_OK) {
			return idreg_diag_set(l->diag, IDREG_ENOMEM, "out of memory loading the register");
		}
		reg->states[reg->count++] = (struct idreg_eir_state){ .imei = imei };
	}
	struct idreg_eir_state *st = &reg->states[reg->count - 1];
	st->reasons |= 1u << index;
	if (row->blocking && strlen(row->block_date) == 10 &&
	    (st->block_date[0] == '\0' || strcmp(row->block_date, st->block_date) < 0)) {
		memcpy(st->block_date, row->block_date, sizeof(st->block_date));
	}
	return IDREG_OK;
}

static idreg_err load_golden(void *ctx, const struct idreg_eir_list_entry *e)
{
	struct loader *l = ctx;
	struct idreg_eir_register *reg = l->reg;
	uint64_t imei;
	if (!imei_key(e->item, &imei)) {
		return IDREG_OK;
	}
	if (idreg_array_reserve(&reg->golden, &l->golden_cap, reg->golden_count,
				sizeof(*reg->golden), 256) != IDREG_OK) {
		return idreg_diag_set(l->diag, IDREG_ENOMEM, "out of memory loading the golden list");
	}
	reg->golden[reg->golden_count++] = imei;
	return IDREG_OK;
}

static idreg_err load_pairing(void *ctx, const struct idreg_eir_list_entry *e)
{
	struct loader *l = ctx;
	struct idreg_eir_register *reg = l->reg;
	struct idreg_eir_pairing p;
	if (!imei_key(e->item, &p.imei) || !idreg_eir_imsi_key(e->imsi, &p.imsi)) {
		return IDREG_OK;
	}
	if (idreg_array_reserve(&reg->pairings, &l->pairings_cap, reg->pairing_count,
				sizeof(*reg->pairings), 256) != IDREG_OK) {
		return idreg_diag_set(l->diag, IDREG_ENOMEM, "out of memory loading the pairings");
	}
	reg->pairings[reg->pairing_count++] = p;
	return IDREG_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_pairing(const void *a, const void *b)
{
	const struct idreg_eir_pairing *x = a, *y = b;
	if (x->imei != y->imei) {
		return (x->imei > y->imei) - (x->imei < y->imei);
	}
	return (x->imsi > y->imsi) - (x->imsi < y->imsi);
}

idreg_err idreg_eir_register_load(struct idreg_eir_register *reg, struct idreg_store *store,
				  struct idreg_diag *diag)
{
	struct loader l = { .reg = reg, .diag = diag };
	idreg_err err = store->ops->eir_class_each(store, true, NULL, load_class, &l, diag);
	if (err == IDREG_OK) {
		err = store->ops->eir_list_each(store, "golden", load_golden, &l, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->eir_list_each(store, "pairings", load_pairing, &l, diag);
	}
	if (err != IDREG_OK) {
		idreg_eir_register_free(reg);
		return err;
	}
	/* Few names: an insertion sort. */
	for (size_t i = 0; i < reg->condition_count; i++) {
		size_t j = i;
		for (; j > 0 && strcmp(reg->conditions[reg->by_name[j - 1]], reg->conditions[i]) > 0; j--) {
			reg->by_name[j] = reg->by_name[j - 1];
		}
		reg->by_name[j] = (uint8_t)i;
	}
	if (reg->golden_count > 0) {
		qsort(reg->golden, reg->golden_count, sizeof(*reg->golden), cmp_u64);
	}
	if (reg->pairing_count > 0) {
		qsort(reg->pairings, reg->pairing_count, sizeof(*reg->pairings), cmp_pairing);
	}
	return IDREG_OK;
}

static const struct idreg_eir_state *find_state(const struct idreg_eir_register *reg, uint64_t imei)
{
	size_t lo = 0, hi = reg->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (reg->states[mid].imei < imei) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < reg->count && reg->states[lo].imei == imei ? &reg->states[lo] : NULL;
}

void idreg_eir_check(const struct idreg_eir_register *reg, const char *imei14, const char *imsi,
		     const char *today, struct idreg_eir_verdict *out)
{
	*out = (struct idreg_eir_verdict){ .status = IDREG_EIR_WHITE, .block_date = "" };
	uint64_t imei;
	const struct idreg_eir_state *st = imei_key(imei14, &imei) ? find_state(reg, imei) : NULL;
	if (st == NULL) {
		return;
	}
	out->status = IDREG_EIR_GREY;
	out->reasons = st->reasons;
	out->block_date = st->block_date;
	if (st->block_date[0] == '\0' || strcmp(st->block_date, today) > 0) {
		return;
	}
	struct idreg_eir_pairing key = { .imei = imei };
	if (reg->golden_count > 0 && bsearch(&imei, reg->golden, reg->golden_count, sizeof(*reg->golden), cmp_u64) != NULL) {
		out->exempt = IDREG_EIR_EXEMPT_GOLDEN;
	} else if (reg->pairing_count > 0 && imsi != NULL && idreg_eir_imsi_key(imsi, &key.imsi) &&
		   bsearch(&key, reg->pairings, reg->pairing_count, sizeof(*reg->pairings),
			   cmp_pairing) != NULL) {
		out->exempt = IDREG_EIR_EXEMPT_PAIRING;
	} else {
		out->status = IDREG_EIR_BLACK;
	}
}
