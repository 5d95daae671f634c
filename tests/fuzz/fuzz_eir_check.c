/*
 * libFuzzer target: the equipment identity register's check API as idregd
 * calls it -- idreg_eir_api_parse on a method, a percent-decoded path, its
 * query arguments and a body (the IMEI path and the batch JSON), then
 * idreg_eir_api_render from a small register holding a black, a grey, a
 * golden and a paired IMEI.
 *
 * Input: the first byte picks the method (GET, HEAD, POST, PUT); then the
 * path up to '\n'; then up to MAX_ARGS lines "key=value" up to an empty
 * line; the rest is the body.  Strings are malloc'd copies of exactly their
 * bytes (and a NUL), so a read past one is an ASan report.
 *
 * Invariants, checked with abort(): a refusal is IDREG_EPARSE with a status
 * of 400, 404, 405, 413 or 503 and a non-empty printable reason, and a 405
 * names the methods allowed; an accepted request has 1 IMEI (GET) or 1 to
 * IDREG_EIR_BATCH_MAX (POST), each either ok with a 14-digit normalized
 * IMEI or with a reason; its answer renders as JSON that jansson reads back,
 * with one result per IMEI for a batch.  The same input gives the same
 * answer twice.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query/eir_api.h"

#define MAX_ARGS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static char *piece(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	check(s != NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void build_register(struct idreg_eir_register *reg)
{
	static struct idreg_eir_state states[] = {
		{ .imei = 35000000000001ULL, .reasons = 1, .block_date = "2020-01-01" },
		{ .imei = 35000000000002ULL, .reasons = 2, .block_date = "2099-01-01" },
		{ .imei = 35000000000003ULL, .reasons = 3, .block_date = "2020-01-01" },
		{ .imei = 35000000000004ULL, .reasons = 1, .block_date = "2020-01-01" },
	};
	static uint64_t golden[] = { 35000000000003ULL };
	static struct idreg_eir_pairing pairings[] = { { 35000000000004ULL, 639010000000001ULL * 16 + 15 } };
	idreg_eir_register_init(reg);
	reg->states = states;
	reg->count = 4;
	reg->golden = golden;
	reg->golden_count = 1;
	reg->pairings = pairings;
	reg->pairing_count = 1;
	strcpy(reg->conditions[0], "stolen");
	strcpy(reg->conditions[1], "duplicate");
	reg->by_name[0] = 1;
	reg->by_name[1] = 0;
	reg->condition_count = 2;
}

static void check_refusal(const struct idreg_query_error *err, const char *allow)
{
	check(err->status == 400 || err->status == 404 || err->status == 405 ||
	      err->status == 413 || err->status == 503);
	check(memchr(err->reason, '\0', sizeof(err->reason)) != NULL && err->reason[0] != '\0');
	for (const char *p = err->reason; *p; p++) {
		check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	}
	check((err->status == 405) == (allow != NULL));
}

static void check_request(const struct idreg_eir_request *req)
{
	check(req->count >= 1 && req->count <= (req->batch ? IDREG_EIR_BATCH_MAX : 1));
	for (size_t i = 0; i < req->count; i++) {
		const struct idreg_eir_item *it = &req->items[i];
		if (it->ok) {
			check(strlen(it->imei.imei) == IDREG_IMEI_DIGITS);
			check(strspn(it->imei.imei, "0123456789") == IDREG_IMEI_DIGITS);
		} else {
			check(it->reason[0] != '\0');
		}
	}
}

/* Parse and answer; the answer (or "" for a refusal) into @out. */
static void run(const struct idreg_eir_register *reg, const struct idreg_eir_api_input *in,
		struct idreg_buf *out)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	struct idreg_eir_request req;
	struct idreg_query_error err;
	const char *allow = "garbage";
	idreg_buf_clear(out);
	if (idreg_eir_api_parse(in, &arena, &req, &err, &allow) != IDREG_OK) {
		check_refusal(&err, allow);
		idreg_arena_free(&arena);
		return;
	}
	check(allow == NULL);
	check_request(&req);
	check(idreg_eir_api_render(reg, &req, in->today, out) == IDREG_OK);
	json_error_t jerr;
	json_t *doc = json_loadb(out->data, out->len, 0, &jerr);
	check(doc != NULL);
	if (req.batch) {
		check(json_array_size(json_object_get(doc, "results")) == req.count);
	} else {
		check(json_is_string(json_object_get(doc, "status")));
	}
	json_decref(doc);
	idreg_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT" };
	if (size == 0) {
		return 0;
	}
	const char *method = methods[data[0] % 4];
	const uint8_t *p = data + 1, *end = data + size;
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	size_t path_len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	char *path = piece(p, path_len);
	p += path_len + (nl ? 1 : 0);
	char *keys[MAX_ARGS], *values[MAX_ARGS];
	struct idreg_query_arg args[MAX_ARGS];
	size_t nargs = 0;
	while (p < end && nargs < MAX_ARGS && *p != '\n') {
		const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
		size_t line = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const uint8_t *eq = memchr(p, '=', line);
		size_t key_len = eq ? (size_t)(eq - p) : line;
		keys[nargs] = piece(p, key_len);
		values[nargs] = eq ? piece(eq + 1, line - key_len - 1) : piece(p, 0);
		args[nargs] = (struct idreg_query_arg){ keys[nargs], values[nargs] };
		nargs++;
		p += line + (eol ? 1 : 0);
	}
	if (p < end && *p == '\n') {
		p++;
	}
	char *body = piece(p, (size_t)(end - p));
	struct idreg_eir_api_input in = { .method = method, .path = path, .args = args,
					  .nargs = nargs, .body = body,
					  .body_len = (size_t)(end - p), .today = "2026-06-01" };
	struct idreg_eir_register reg;
	build_register(&reg);
	struct idreg_buf first, second;
	idreg_buf_init(&first, 1 << 24);
	idreg_buf_init(&second, 1 << 24);
	run(&reg, &in, &first);
	run(&reg, &in, &second);
	check(first.len == second.len && (first.len == 0 || memcmp(first.data, second.data, first.len) == 0));
	idreg_buf_free(&first);
	idreg_buf_free(&second);
	free(body);
	for (size_t i = 0; i < nargs; i++) {
		free(keys[i]);
		free(values[i]);
	}
	free(path);
	return 0;
}
