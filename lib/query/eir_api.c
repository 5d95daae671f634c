/*
 * The check API: requests parsed (the path, the imsi argument, the batch
 * body with jansson), IMEIs read by eir/imei.h, answered by eir/check.h,
 * written with core/jsonw.h; see eir_api.h.
 */
#include "query/eir_api.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "query/answer.h"

#define ITEM_PATH "eir/v1/imei/"
#define BATCH_PATH "eir/v1/imei"

bool idreg_eir_api_path(const char *path)
{
	return strncmp(path, "eir/", 4) == 0 || strcmp(path, "eir") == 0;
}

static idreg_err refuse(struct idreg_query_error *err, int status, const char *fmt, const char *arg)
{
	err->status = status;
	snprintf(err->reason, sizeof(err->reason), fmt, arg);
	/* The reason may quote the client's bytes: printable ASCII only. */
	for (char *p = err->reason; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			*p = '?';
		}
	}
	return IDREG_EPARSE;
}

/* Read an IMEI (and IMSI, may be NULL) into @item: ok, or the reason it is not. */
static void read_item(struct idreg_eir_item *item, const char *imei, size_t imei_len,
		      const char *imsi, size_t imsi_len)
{
	snprintf(item->given, sizeof(item->given), "%.*s",
		 (int)(imei_len < IDREG_EIR_GIVEN_MAX ? imei_len : IDREG_EIR_GIVEN_MAX), imei);
	item->ok = false;
	item->imsi[0] = '\0';
	enum idreg_imei_status st = idreg_imei_parse(imei, imei_len, &item->imei);
	if (st == IDREG_IMEI_LEADING_ZEROS) {
		snprintf(item->reason, sizeof(item->reason),
			 "IMEI: %zu digits; an IMEI has 14, 15 (with its check digit) or 16 (IMEISV)",
			 imei_len);
		return;
	}
	if (st != IDREG_IMEI_OK) {
		snprintf(item->reason, sizeof(item->reason), "IMEI: %s", idreg_imei_status_text(st));
		if (st == IDREG_IMEI_NON_NUMERIC) {
			size_t used = strlen(item->reason);
			snprintf(item->reason + used, sizeof(item->reason) - used, " (at offset %zu)",
				 item->imei.bad_at);
		}
		return;
	}
	if (imsi != NULL) {
		uint64_t key;
		if (imsi_len != strlen(imsi) || !idreg_eir_imsi_key(imsi, &key)) {
			snprintf(item->reason, sizeof(item->reason), "IMSI: not 6 to 15 decimal digits");
			return;
		}
		snprintf(item->imsi, sizeof(item->imsi), "%s", imsi);
	}
	item->ok = true;
}

static idreg_err parse_item(const struct idreg_eir_api_input *in, const char *imei,
			    struct idreg_arena *arena, struct idreg_eir_request *out,
			    struct idreg_query_error *err)
{
	const char *imsi = NULL;
	for (size_t i = 0; i < in->nargs; i++) {
		if (strcmp(in->args[i].key, "imsi") != 0) {
			return refuse(err, 400, "unknown argument '%.40s' (only imsi= is taken)",
				      in->args[i].key);
		}
		if (imsi != NULL) {
			return refuse(err, 400, "%s", "imsi= given twice");
		}
		imsi = in->args[i].value;
	}
	out->items = idreg_arena_alloc(arena, sizeof(*out->items));
	if (out->items == NULL) {
		return refuse(err, 503, "%s", "out of memory");
	}
	out->count = 1;
	read_item(&out->items[0], imei, strlen(imei), imsi, imsi ? strlen(imsi) : 0);
	if (!out->items[0].ok) {
		return refuse(err, 400, "%s", out->items[0].reason);
	}
	return IDREG_OK;
}

static idreg_err parse_batch(const struct idreg_eir_api_input *in, struct idreg_arena *arena,
			     struct idreg_eir_request *out, struct idreg_query_error *err)
{
	if (in->nargs > 0) {
		return refuse(err, 400, "%s", "a batch takes no query arguments");
	}
	json_error_t jerr;
	json_t *root = json_loadb(in->body, in->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char where[128];
		snprintf(where, sizeof(where), "line %d, column %d: %.80s", jerr.line, jerr.column,
			 jerr.text);
		return refuse(err, 400, "the body is not JSON (%s)", where);
	}
	idreg_err ret = IDREG_OK;
	json_t *imeis = json_is_object(root) ? json_object_get(root, "imeis") : NULL;
	size_t n = json_array_size(imeis);
	if (!json_is_array(imeis) || json_object_size(root) != 1) {
		ret = refuse(err, 400, "%s", "the body is not an object {\"imeis\": [...]}");
	} else if (n > IDREG_EIR_BATCH_MAX) {
		char count[32];
		snprintf(count, sizeof(count), "%zu", n);
		ret = refuse(err, 413, "%s IMEIs in one request; at most 1000", count);
	} else if (n == 0) {
		ret = refuse(err, 400, "%s", "no IMEI to check");
	} else if ((out->items = idreg_arena_calloc(arena, n, sizeof(*out->items))) == NULL) {
		ret = refuse(err, 503, "%s", "out of memory");
	}
	for (size_t i = 0; ret == IDREG_OK && i < n; i++) {
		json_t *e = json_array_get(imeis, i);
		json_t *imei = json_object_get(e, "imei"), *imsi = json_object_get(e, "imsi");
		size_t members = json_object_size(e);
		char index[32];
		snprintf(index, sizeof(index), "%zu", i);
		if (!json_is_object(e) || !json_is_string(imei) ||
		    (imsi != NULL && !json_is_string(imsi)) || members != (imsi != NULL ? 2u : 1u)) {
			ret = refuse(err, 400,
				     "imeis[%s] is not an object {\"imei\": \"...\"[, \"imsi\": \"...\"]}",
				     index);
			break;
		}
		read_item(&out->items[i], json_string_value(imei), json_string_length(imei),
			  imsi != NULL ? json_string_value(imsi) : NULL, json_string_length(imsi));
		out->count++;
	}
	json_decref(root);
	return ret;
}

idreg_err idreg_eir_api_parse(const struct idreg_eir_api_input *in, struct idreg_arena *arena,
			      struct idreg_eir_request *out, struct idreg_query_error *err,
			      const char **allow)
{
	*out = (struct idreg_eir_request){ .batch = false };
	*allow = NULL;
	bool get = strcmp(in->method, "GET") == 0 || strcmp(in->method, "HEAD") == 0;
	if (strncmp(in->path, ITEM_PATH, strlen(ITEM_PATH)) == 0) {
		const char *imei = in->path + strlen(ITEM_PATH);
		if (strchr(imei, '/') != NULL || imei[0] == '\0') {
			return refuse(err, 404, "%s", "not a check path: eir/v1/imei/{imei}");
		}
		if (!get) {
			*allow = "GET, HEAD";
			return refuse(err, 405, "%s", "eir/v1/imei/{imei} answers GET and HEAD");
		}
		return parse_item(in, imei, arena, out, err);
	}
	if (strcmp(in->path, BATCH_PATH) == 0) {
		if (strcmp(in->method, "POST") != 0) {
			*allow = "POST";
			return refuse(err, 405, "%s", "eir/v1/imei answers POST (a batch)");
		}
		out->batch = true;
		return parse_batch(in, arena, out, err);
	}
	return refuse(err, 404, "%s",
		      "no such check path: GET eir/v1/imei/{imei} or POST eir/v1/imei");
}

static void item_json(struct idreg_jsonw *w, const struct idreg_eir_register *reg,
		      const struct idreg_eir_item *item, const char *today)
{
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "imei", item->given);
	if (!item->ok) {
		idreg_jsonw_key(w, "error");
		idreg_jsonw_object_begin(w);
		idreg_jsonw_kv_int(w, "errorCode", 400);
		idreg_jsonw_kv_string(w, "title", "Bad Request");
		idreg_jsonw_key(w, "description");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, item->reason);
		idreg_jsonw_array_end(w);
		idreg_jsonw_object_end(w);
		idreg_jsonw_object_end(w);
		return;
	}
	struct idreg_eir_verdict v;
	idreg_eir_check(reg, item->imei.imei, item->imsi, today, &v);
	idreg_jsonw_kv_string(w, "normalized", item->imei.imei);
	if (item->imsi[0] != '\0') {
		idreg_jsonw_kv_string(w, "imsi", item->imsi);
	}
	idreg_jsonw_kv_string(w, "status", idreg_eir_status_name(v.status));
	idreg_jsonw_key(w, "reasons");
	idreg_jsonw_array_begin(w);
	for (size_t i = 0; i < reg->condition_count; i++) {
		if (v.reasons & (1u << reg->by_name[i])) {
			idreg_jsonw_string(w, reg->conditions[reg->by_name[i]]);
		}
	}
	idreg_jsonw_array_end(w);
	idreg_jsonw_key(w, "blockDate");
	if (v.block_date[0] != '\0') {
		idreg_jsonw_string(w, v.block_date);
	} else {
		idreg_jsonw_null(w);
	}
	idreg_jsonw_key(w, "exemptedBy");
	if (v.exempt == IDREG_EIR_EXEMPT_NONE) {
		idreg_jsonw_null(w);
	} else {
		idreg_jsonw_string(w, v.exempt == IDREG_EIR_EXEMPT_GOLDEN ? "golden" : "pairing");
	}
	idreg_jsonw_object_end(w);
}

idreg_err idreg_eir_api_render(const struct idreg_eir_register *reg,
			       const struct idreg_eir_request *req, const char *today,
			       struct idreg_buf *out)
{
	struct idreg_jsonw w;
	idreg_buf_clear(out);
	idreg_jsonw_init(&w, out);
	if (req->batch) {
		idreg_jsonw_object_begin(&w);
		idreg_jsonw_key(&w, "results");
		idreg_jsonw_array_begin(&w);
	}
	for (size_t i = 0; i < req->count; i++) {
		item_json(&w, reg, &req->items[i], today);
	}
	if (req->batch) {
		idreg_jsonw_array_end(&w);
		idreg_jsonw_object_end(&w);
	}
	idreg_err err = idreg_jsonw_finish(&w);
	if (err != IDREG_OK) {
		idreg_buf_clear(out);
	}
	return err;
}

int idreg_eir_api_answer(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			 const struct idreg_eir_api_input *in, struct idreg_buf *out,
			 const char **allow)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 64 * 1024, 0);
	struct idreg_eir_request req;
	struct idreg_query_error perr;
	struct idreg_answer answer;
	if (in->refused != 0) {
		idreg_answer_error(&answer, in->refused, in->refusal);
	} else if (idreg_eir_api_parse(in, &arena, &req, &perr, allow) != IDREG_OK) {
		idreg_answer_error(&answer, perr.status, perr.reason);
	} else if (idreg_eir_api_render(&snap->eir, &req, in->today, out) != IDREG_OK) {
		idreg_answer_error(&answer, 500, "the answer could not be rendered");
	} else {
		idreg_arena_free(&arena);
		return 200;
	}
	idreg_arena_free(&arena);
	/* The request path as the "value" of the error body's links. */
	char request_url[512];
	snprintf(request_url, sizeof(request_url), "%s", svc->base_url);
	idreg_render_uri_append(request_url, sizeof(request_url), in->path, "/");
	if (idreg_render_rdap(svc, snap, &answer, request_url, out) != IDREG_OK) {
		idreg_buf_clear(out);
	}
	return answer.status;
}
