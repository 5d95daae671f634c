/*
 * The equipment identity register's real-time check over HTTP, answered
 * from the snapshot's register (eir/check.h):
 *
 *   GET  eir/v1/imei/{imei}[?imsi=IMSI]   one IMEI: its status as JSON
 *   POST eir/v1/imei                      {"imeis":[{"imei":..,"imsi":..},..]}:
 *                                         up to IDREG_EIR_BATCH_MAX, one
 *                                         result each, in order
 *
 * Parsing is apart from answering so that a fuzz target drives both.  A
 * request refused whole carries its HTTP status and reason (400 malformed,
 * 404 no such path, 405 wrong method, 413 too many IMEIs) for an RFC 9083
 * error body; in a batch, an IMEI or IMSI that is malformed gets an error
 * object in its place and the others are answered.  Formats in
 * docs/eir-formats.md.
 */
#ifndef IDREG_QUERY_EIR_API_H
#define IDREG_QUERY_EIR_API_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "eir/check.h"
#include "query/query.h"
#include "query/render.h"
#include "query/snapshot.h"

#define IDREG_EIR_BATCH_MAX 1000
/* Largest batch body: 1,000 IMEIs with IMSIs and room for spaces. */
#define IDREG_EIR_BODY_MAX (128 * 1024)
/* Longest IMEI or IMSI text kept to echo back; longer ones are malformed anyway. */
#define IDREG_EIR_GIVEN_MAX 40

/** One IMEI asked about: as given, read, and whether it can be answered. */
struct idreg_eir_item {
	char given[IDREG_EIR_GIVEN_MAX + 1]; /* cut at IDREG_EIR_GIVEN_MAX bytes */
	struct idreg_imei imei;
	char imsi[IDREG_IMSI_MAX + 1];       /* "" when none was given */
	bool ok;
	char reason[160];                    /* !ok: what is wrong with it */
};

struct idreg_eir_request {
	bool batch;
	size_t count;
	struct idreg_eir_item *items;        /* from the caller's arena */
};

/** A check request as the HTTP layer gives it. */
struct idreg_eir_api_input {
	const char *method;
	const char *path;                    /* percent-decoded, without the leading '/' */
	const struct idreg_query_arg *args;
	size_t nargs;
	const char *body;
	size_t body_len;
	const char *today;                   /* YYYY-MM-DD (UTC) */
	int refused;                         /* nonzero: already refused (by the HTTP
					      * layer, the rate limit) with this status */
	const char *refusal;                 /* and this reason */
};

/** Does @path (without its leading '/') belong to the check API? */
bool idreg_eir_api_path(const char *path);

/**
 * Parse @in into @out, the items allocated from @arena.  IDREG_EPARSE with
 * @err (status 400, 404, 405 or 413 and a reason) and, for a 405, *@allow
 * the methods the path takes.
 */
idreg_err idreg_eir_api_parse(const struct idreg_eir_api_input *in, struct idreg_arena *arena,
			      struct idreg_eir_request *out, struct idreg_query_error *err,
			      const char **allow);

/** The answer to @req from @reg on @today, as JSON into @out (cleared first). */
idreg_err idreg_eir_api_render(const struct idreg_eir_register *reg,
			       const struct idreg_eir_request *req, const char *today,
			       struct idreg_buf *out);

/**
 * Parse and answer @in from @snap's register: the HTTP status, the body in
 * @out (an RFC 9083 error body for a refusal), *@allow for a 405.
 */
int idreg_eir_api_answer(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			 const struct idreg_eir_api_input *in, struct idreg_buf *out,
			 const char **allow);

#endif
