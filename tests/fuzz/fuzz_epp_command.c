/*
 * libFuzzer target: the EPP frame reader and command parser, as a session
 * uses them -- idreg_epp_frame_peek on the bytes, and on a whole frame
 * idreg_epp_parse of its payload; without a valid header the whole input
 * is parsed as XML too, so that the parser sees every input.
 *
 * Invariants, checked with abort(): the frame reader accepts exactly the
 * lengths 5..max and says a frame is whole exactly when that many bytes
 * are there; the parser's code is one RFC 5730 code it may give, the
 * message is non-empty and NUL-terminated, the clTRID NUL-terminated and
 * empty or 3 to 64 bytes; a command has a verb, and an object command an
 * object element; and the answer written for it (echoing the clTRID) is
 * well-formed XML that libxml2 reads back, with the clTRID intact.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "epp/command.h"
#include "epp/frame.h"
#include "epp/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAME 4096

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool is_parse_code(enum idreg_epp_code code)
{
	switch (code) {
	case IDREG_EPP_OK:
	case IDREG_EPP_UNKNOWN_COMMAND:
	case IDREG_EPP_SYNTAX:
	case IDREG_EPP_MISSING_PARAM:
	case IDREG_EPP_PARAM_SYNTAX:
	case IDREG_EPP_UNIMPL_VERSION:
	case IDREG_EPP_UNIMPL_OPTION:
	case IDREG_EPP_UNIMPL_EXTENSION:
	case IDREG_EPP_UNIMPL_SERVICE:
		return true;
	default:
		return false;
	}
}

static void parse_and_answer(const char *xml, size_t len)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	enum idreg_epp_code code = idreg_epp_parse(xml, len, &limits, &cmd, &res);
	check(code == res.code && is_parse_code(code));
	check(memchr(res.msg, '\0', sizeof(res.msg)) != NULL && res.msg[0] != '\0');
	check(memchr(cmd.cltrid, '\0', sizeof(cmd.cltrid)) != NULL);
	size_t trid_len = strlen(cmd.cltrid);
	check(trid_len == 0 || (trid_len >= IDREG_EPP_TRID_MIN && trid_len <= 4 * IDREG_EPP_TRID_MAX));
	if (code == IDREG_EPP_OK && cmd.kind == IDREG_EPP_COMMAND) {
		check(cmd.verb < IDREG_EPP_VERB_COUNT);
		bool object_command = cmd.verb != IDREG_EPP_LOGIN && cmd.verb != IDREG_EPP_LOGOUT &&
				      cmd.verb != IDREG_EPP_POLL;
		check(object_command == (cmd.body != NULL));
		check(object_command == (cmd.object < IDREG_EPP_OBJ_COUNT));
	}
	struct idreg_buf out;
	idreg_buf_init(&out, 2 * MAX_FRAME);
	check(idreg_epp_write_result(&out, code, res.msg, NULL, cmd.cltrid, "SV-1", 2 * MAX_FRAME) ==
	      IDREG_OK);
	xmlDocPtr doc = xmlReadMemory(out.data + IDREG_EPP_HEADER_BYTES,
				      (int)(out.len - IDREG_EPP_HEADER_BYTES), NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	check(doc != NULL);
	if (trid_len > 0) {
		xmlChar *all = xmlNodeGetContent(xmlDocGetRootElement(doc));
		check(all != NULL && strstr((const char *)all, cmd.cltrid) != NULL);
		xmlFree(all);
	}
	xmlFreeDoc(doc);
	idreg_buf_free(&out);
	idreg_epp_command_free(&cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	check(in != NULL);
	if (size > 0) {
		memcpy(in, data, size);
	}
	size_t total = 1;
	idreg_err err = idreg_epp_frame_peek(in, size, MAX_FRAME, &total, NULL);
	if (size < IDREG_EPP_HEADER_BYTES) {
		check(err == IDREG_OK && total == 0);
	} else {
		uint32_t length = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
				  (uint32_t)data[2] << 8 | data[3];
		if (length < 5) {
			check(err == IDREG_EPARSE);
		} else if (length > MAX_FRAME) {
			check(err == IDREG_ETOOBIG);
		} else {
			check(err == IDREG_OK && total == (size >= length ? length : 0));
		}
	}
	if (err == IDREG_OK && total > 0) {
		parse_and_answer(in + IDREG_EPP_HEADER_BYTES, total - IDREG_EPP_HEADER_BYTES);
	} else {
		parse_and_answer(in, size);
	}
	free(in);
	return 0;
}
