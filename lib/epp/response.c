/*
 * The EPP greeting and responses.  See response.h.
 */
#include "epp/response.h"

#include <string.h>

#include "epp/frame.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" \
		 "<epp xmlns=\"" IDREG_EPP_NS "\">"

idreg_err idreg_epp_escape(struct idreg_buf *out, const char *text)
{
	idreg_err err = IDREG_OK;
	for (const char *p = text; err == IDREG_OK && *p; p++) {
		size_t plain = strcspn(p, "<>&\"'");
		err = idreg_buf_append(out, p, plain);
		p += plain;
		if (*p == '\0' || err != IDREG_OK) {
			break;
		}
		switch (*p) {
		case '<': err = idreg_buf_puts(out, "&lt;"); break;
		case '>': err = idreg_buf_puts(out, "&gt;"); break;
		case '&': err = idreg_buf_puts(out, "&amp;"); break;
		case '"': err = idreg_buf_puts(out, "&quot;"); break;
		default: err = idreg_buf_puts(out, "&apos;"); break;
		}
	}
	return err;
}

/* Close the frame begun at @start, or on @err take back what was written of it. */
static idreg_err finish(struct idreg_buf *out, size_t start, idreg_err err, size_t max_frame)
{
	if (err == IDREG_OK) {
		err = idreg_epp_frame_end(out, start, max_frame);
	}
	if (err != IDREG_OK && out->len > start) {
		out->len = start;
		out->data[start] = '\0';
	}
	return err;
}

idreg_err idreg_epp_write_greeting(struct idreg_buf *out, const char *sv_id, time_t now,
				   size_t max_frame)
{
	struct tm tm;
	char date[32];
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S.0Z", &tm);
	size_t start;
	idreg_err err = idreg_epp_frame_begin(out, &start);
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, XML_HEAD "<greeting><svID>");
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, sv_id);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "</svID><svDate>%s</svDate><svcMenu><version>1.0</version>"
				       "<lang>en</lang>", date);
	}
	for (enum idreg_epp_object o = 0; err == IDREG_OK && o < IDREG_EPP_OBJ_COUNT; o++) {
		err = idreg_buf_printf(out, "<objURI>%s</objURI>", idreg_epp_object_uri(o));
	}
	if (err == IDREG_OK && idreg_epp_extension_count > 0) {
		err = idreg_buf_puts(out, "<svcExtension>");
		for (size_t i = 0; err == IDREG_OK && i < idreg_epp_extension_count; i++) {
			err = idreg_buf_printf(out, "<extURI>%s</extURI>", idreg_epp_extension_uris[i]);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</svcExtension>");
		}
	}
	/* The data collection policy: registration data, for provisioning and
	 * administration, kept by the registry and published (RDAP, WHOIS). */
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "</svcMenu><dcp><access><all/></access><statement>"
				     "<purpose><admin/><prov/></purpose><recipient><ours/><public/>"
				     "</recipient><retention><stated/></retention></statement></dcp>"
				     "</greeting></epp>\n");
	}
	return finish(out, start, err, max_frame);
}

static bool present(const char *part)
{
	return part != NULL && part[0] != '\0';
}

idreg_err idreg_epp_write_result(struct idreg_buf *out, enum idreg_epp_code code, const char *msg,
				 const struct idreg_epp_body *body, const char *cltrid,
				 const char *svtrid, size_t max_frame)
{
	size_t start;
	idreg_err err = idreg_epp_frame_begin(out, &start);
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, XML_HEAD "<response><result code=\"%d\"><msg>", (int)code);
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, msg != NULL ? msg : idreg_epp_code_message(code));
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "</msg></result>");
	}
	const struct idreg_epp_body none = { NULL, NULL, NULL };
	if (body == NULL) {
		body = &none;
	}
	if (err == IDREG_OK && present(body->msgq)) {
		err = idreg_buf_puts(out, body->msgq);
	}
	if (err == IDREG_OK && present(body->resdata)) {
		err = idreg_buf_printf(out, "<resData>%s</resData>", body->resdata);
	}
	if (err == IDREG_OK && present(body->extension)) {
		err = idreg_buf_printf(out, "<extension>%s</extension>", body->extension);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "<trID>");
	}
	if (err == IDREG_OK && cltrid[0] != '\0') {
		err = idreg_buf_puts(out, "<clTRID>");
		if (err == IDREG_OK) {
			err = idreg_epp_escape(out, cltrid);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_puts(out, "</clTRID>");
		}
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "<svTRID>");
	}
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, svtrid);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "</svTRID></trID></response></epp>\n");
	}
	return finish(out, start, err, max_frame);
}
