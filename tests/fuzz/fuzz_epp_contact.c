/*
 * libFuzzer target: the EPP contact body reader (lib/epp/contact.h) on
 * whatever the command parser makes of the input; inputs that do not
 * parse as a contact command are wrapped in <epp><command><VERB><contact:VERB>
 * so that the body reader sees them, the first byte choosing the verb.
 *
 * Invariants, checked with abort(): the code is one the reader may give
 * and the message non-empty exactly when it refuses; on success every
 * string is NUL-terminated and within its RFC 5733 length, the ids are 1
 * to IDREG_EPP_CHECK_MAX (1 unless a check), cc is two upper-case letters
 * for each postal form given in full, the int form is ASCII, voice and
 * fax are empty or "+CC.NUMBER", and only contact statuses are named.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epp/command.h"
#include "epp/contact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool terminated(const char *s, size_t size, size_t max_chars)
{
	const char *end = memchr(s, '\0', size);
	if (end == NULL) {
		return false;
	}
	size_t chars = 0;
	for (const char *p = s; p < end; p++) {
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	}
	return chars <= max_chars;
}

static bool ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80) {
			return false;
		}
	}
	return true;
}

static void check_postal(const struct idreg_epp_postal *p, bool int_form)
{
	check(terminated(p->name, sizeof(p->name), IDREG_EPP_POSTAL_LINE_MAX));
	check(terminated(p->org, sizeof(p->org), IDREG_EPP_POSTAL_LINE_MAX));
	check(terminated(p->city, sizeof(p->city), IDREG_EPP_POSTAL_LINE_MAX));
	check(terminated(p->sp, sizeof(p->sp), IDREG_EPP_POSTAL_LINE_MAX));
	check(terminated(p->pc, sizeof(p->pc), IDREG_EPP_PC_MAX));
	check(p->n_street <= IDREG_EPP_STREET_LINES);
	for (unsigned i = 0; i < p->n_street; i++) {
		check(terminated(p->street[i], sizeof(p->street[i]), IDREG_EPP_POSTAL_LINE_MAX));
		check(p->street[i][0] != '\0' && (!int_form || ascii(p->street[i])));
	}
	if (p->has_addr) {
		check(strlen(p->cc) == 2 && p->cc[0] >= 'A' && p->cc[0] <= 'Z' && p->cc[1] >= 'A' &&
		      p->cc[1] <= 'Z' && p->city[0] != '\0');
	}
	if (int_form) {
		check(ascii(p->name) && ascii(p->org) && ascii(p->city) && ascii(p->sp) && ascii(p->pc));
	}
}

static void check_phone(const struct idreg_epp_phone *phone)
{
	check(terminated(phone->number, sizeof(phone->number), IDREG_EPP_E164_MAX));
	check(terminated(phone->ext, sizeof(phone->ext), IDREG_EPP_EXT_MAX));
	check(phone->number[0] == '\0' || (phone->number[0] == '+' && strchr(phone->number, '.')));
}

static void read_body(const struct idreg_epp_command *cmd)
{
	static struct idreg_epp_contact_body body;
	struct idreg_epp_result res;
	enum idreg_epp_code code = idreg_epp_contact_parse(cmd, &body, &res);
	check(code == res.code);
	check(memchr(res.msg, '\0', sizeof(res.msg)) != NULL);
	switch (code) {
	case IDREG_EPP_OK:
		break;
	case IDREG_EPP_SYNTAX:
	case IDREG_EPP_MISSING_PARAM:
	case IDREG_EPP_PARAM_SYNTAX:
	case IDREG_EPP_POLICY:
	case IDREG_EPP_UNIMPL_OPTION:
	case IDREG_EPP_UNIMPL_COMMAND:
	case IDREG_EPP_FAILED:
		check(res.msg[0] != '\0');
		return;
	default:
		abort();
	}
	check(body.n_ids >= 1 && body.n_ids <= IDREG_EPP_CHECK_MAX);
	check(cmd->verb == IDREG_EPP_CHECK || body.n_ids == 1);
	for (size_t i = 0; i < body.n_ids; i++) {
		check(terminated(body.ids[i], sizeof(body.ids[i]), IDREG_EPP_CLID_MAX));
		check(strlen(body.ids[i]) >= IDREG_EPP_CLID_MIN);
	}
	check(terminated(body.pw, sizeof(body.pw), IDREG_EPP_AUTHINFO_MAX));
	check(!body.has_pw || strlen(body.pw) >= IDREG_EPP_AUTHINFO_MIN);
	check_postal(&body.postal[IDREG_EPP_POSTAL_INT], true);
	check_postal(&body.postal[IDREG_EPP_POSTAL_LOC], false);
	check_phone(&body.voice);
	check_phone(&body.fax);
	check(terminated(body.email, sizeof(body.email), IDREG_EPP_EMAIL_CHARS));
	check(!body.has_email || body.email[0] != '\0');
	check(((body.add_status | body.rem_status) >> IDREG_EPP_CONTACT_STATUS_COUNT) == 0);
	check((body.disclose_fields >> IDREG_ENTITY_FIELD_COUNT) == 0);
}

static void parse(const char *xml, size_t len, bool *contact)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	*contact = false;
	if (idreg_epp_parse(xml, len, &limits, &cmd, &res) == IDREG_EPP_OK &&
	    cmd.kind == IDREG_EPP_COMMAND && cmd.object == IDREG_EPP_OBJ_CONTACT) {
		*contact = true;
		read_body(&cmd);
	}
	idreg_epp_command_free(&cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const verbs[] = { "check", "info", "create", "update", "delete" };
	bool contact;
	parse((const char *)data, size, &contact);
	if (contact || size == 0) {
		return 0;
	}
	const char *verb = verbs[data[0] % 5];
	size_t cap = size + 512;
	char *xml = malloc(cap);
	check(xml != NULL);
	int head = snprintf(xml, cap,
			    "<epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><command><%s>"
			    "<contact:%s xmlns:contact=\"urn:ietf:params:xml:ns:contact-1.0\">",
			    verb, verb);
	memcpy(xml + head, data + 1, size - 1);
	int tail = snprintf(xml + head + size - 1, cap - (size_t)head - size + 1,
			    "</contact:%s></%s></command></epp>", verb, verb);
	parse(xml, (size_t)head + size - 1 + (size_t)tail, &contact);
	free(xml);
	return 0;
}
