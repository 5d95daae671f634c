/*
 * libFuzzer target: idregd's HTTP/1.1 layer (lib/net/http.c) on one
 * connection, without sockets: the input is what a client sends, handed to
 * the protocol in pieces (the first byte chooses the piece size, as reads
 * would cut it), with the end of input at the end.
 *
 * Invariants, checked with abort(): every request the handler sees has a
 * method, a path and arguments that are NUL-terminated strings (ASan
 * catches a read past them), at most IDREG_HTTP_MAX_ARGS arguments, an
 * If-None-Match value shorter than 256 bytes, and an error status only in
 * 400..505 with a non-empty reason; every answer queued starts "HTTP/1.1
 * NNN " with the status the handler gave and the extra header it set, and
 * its Content-Length is the body the handler wrote (none after HEAD) -- but
 * a 304 (the answer here to any If-None-Match) has neither Content-Length
 * nor body; the protocol never leaves input it neither consumed nor
 * answered.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

struct seen {
	int answers;
	int last_status;
	bool last_head;
	size_t last_body;
};

static void handler(void *ctx, const struct idreg_http_request *req,
		    struct idreg_http_response *resp)
{
	struct seen *seen = ctx;
	check(req->method != NULL && req->path != NULL && req->body != NULL);
	check(strlen(req->method) < 64);
	(void)strlen(req->path);
	check(req->arg_count <= IDREG_HTTP_MAX_ARGS);
	for (size_t i = 0; i < req->arg_count; i++) {
		(void)strlen(req->args[i].key);
		(void)strlen(req->args[i].value);
	}
	check(req->body[req->body_len] == '\0');
	if (req->error_status != 0) {
		check(req->error_status >= 400 && req->error_status <= 505);
		check(req->error_reason != NULL && req->error_reason[0] != '\0');
	}
	check(req->if_none_match != NULL && strlen(req->if_none_match) < 256);
	resp->status = req->error_status ? req->error_status : req->if_none_match[0] ? 304 : 200;
	resp->content_type = "application/rdap+json";
	resp->headers[resp->header_count++] = (struct idreg_http_header){ "ETag", "\"fuzz\"" };
	if (resp->status != 304) {
		idreg_buf_printf(resp->body, "{\"path\":%zu}", strlen(req->path));
	}
	seen->answers++;
	seen->last_status = resp->status;
	seen->last_head = req->head;
	seen->last_body = resp->body->len;
}

/* The answers queued since @from: each well formed. */
static void check_answers(const struct idreg_buf *out, size_t from, const struct seen *seen)
{
	if (out->len == from) {
		return;
	}
	char status[16];
	snprintf(status, sizeof(status), "HTTP/1.1 %d ", seen->last_status);
	check(strncmp(out->data + from, status, strlen(status)) == 0);
	const char *end = strstr(out->data + from, "\r\n\r\n");
	check(end != NULL);
	const char *etag = strstr(out->data + from, "\r\nETag: \"fuzz\"\r\n");
	check(etag != NULL && etag < end);
	const char *length = strstr(out->data + from, "\r\nContent-Length: ");
	size_t body = out->len - (size_t)(end + 4 - out->data);
	if (seen->last_status == 304) {
		check(length == NULL || length > end);
		check(body == 0);
		return;
	}
	check(length != NULL && length < end);
	check(strtoul(length + 18, NULL, 10) == seen->last_body);
	check(body == (seen->last_head ? 0 : seen->last_body));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) {
		return 0;
	}
	size_t piece = 1 + data[0] % 64;
	data++;
	size--;
	struct seen seen = { 0 };
	struct idreg_http_config cfg = { .handler = handler, .handler_ctx = &seen,
					 .max_request_bytes = 1024, .max_body_bytes = 256,
					 .max_response_bytes = 4096, .timeout_s = 30 };
	const struct idreg_protocol *proto = &idreg_http_protocol;
	struct idreg_conn conn = { .ctx = &cfg };
	conn.state = calloc(1, proto->state_size);
	conn.in = malloc(proto->input_max);
	check(conn.state != NULL && conn.in != NULL);
	idreg_buf_init(&conn.out, proto->output_max);
	proto->open(&conn);

	size_t off = 0;
	while (!conn.close_after_write && (off < size || conn.in_len > 0)) {
		size_t room = proto->input_max - conn.in_len;
		size_t n = size - off < piece ? size - off : piece;
		n = n < room ? n : room;
		memcpy(conn.in + conn.in_len, data + off, n);
		conn.in_len += n;
		off += n;
		size_t in_before = conn.in_len, out_before = conn.out.len;
		proto->input(&conn, off == size);
		check_answers(&conn.out, out_before, &seen);
		bool progress = conn.in_len != in_before || conn.out.len != out_before;
		check(progress || conn.in_len < proto->input_max);
		if (!progress && off == size) {
			break; /* a request cut short by the end of input */
		}
		idreg_buf_clear(&conn.out);
	}
	proto->close(&conn);
	idreg_buf_free(&conn.out);
	free(conn.in);
	free(conn.state);
	return 0;
}
