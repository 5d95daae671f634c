/*
 * Logger: text lines ("idreg: warning: ...") for people, JSON lines with a
 * timestamp for machines.
 */
#include "core/log.h"

#include "core/buf.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = { "error", "warn", "info", "debug" };

static struct {
	const char *program;
	enum idreg_log_level level;
	enum idreg_log_format format;
	FILE *stream;
} logger = { "idreg", IDREG_LOG_WARN, IDREG_LOG_TEXT, NULL };

void idreg_log_setup(const char *program, enum idreg_log_level level,
		     enum idreg_log_format format, FILE *stream)
{
	logger.program = program;
	logger.level = level;
	logger.format = format;
	logger.stream = stream;
}

bool idreg_log_level_parse(const char *name, enum idreg_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum idreg_log_level)i;
			return true;
		}
	}
	return false;
}

bool idreg_log_format_parse(const char *name, enum idreg_log_format *out)
{
	if (strcmp(name, "text") == 0) {
		*out = IDREG_LOG_TEXT;
	} else if (strcmp(name, "json") == 0) {
		*out = IDREG_LOG_JSON;
	} else {
		return false;
	}
	return true;
}

bool idreg_log_enabled(enum idreg_log_level level)
{
	return level <= logger.level;
}

/* Length of the valid UTF-8 sequence at @p, or 0 if it is not one. */
static size_t utf8_length(const unsigned char *p)
{
	if (p[0] < 0x80) {
		return 1;
	}
	size_t n = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || (n == 2 && p[0] < 0xc2) || (n == 4 && p[0] > 0xf4)) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) || (n == 4 && p[0] == 0xf4 && p[1] >= 0x90)) {
		return 0; /* over-long, surrogate or beyond U+10FFFF */
	}
	return n;
}

/*
 * Append @s to the line: in JSON as an escaped string (invalid UTF-8 becomes
 * U+FFFD), in text with control characters and invalid bytes as \xHH, so
 * that what clients send can neither break a JSON line nor forge a line or
 * reach the terminal.
 */
static void put_escaped(struct idreg_buf *line, const char *s, bool json)
{
	if (json) {
		idreg_buf_puts(line, "\"");
	}
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_length(p);
		if (n == 0) { /* not UTF-8 */
			if (json) {
				idreg_buf_puts(line, "\\ufffd");
			} else {
				idreg_buf_printf(line, "\\x%02x", *p);
			}
			p++;
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			const char *shortcut = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : NULL;
			if (json && shortcut != NULL) {
				idreg_buf_puts(line, shortcut);
			} else {
				idreg_buf_printf(line, json ? "\\u%04x" : "\\x%02x", *p);
			}
			p++;
		} else if (n == 1 && json && (*p == '"' || *p == '\\')) {
			idreg_buf_printf(line, "\\%c", *p);
			p++;
		} else {
			idreg_buf_append(line, p, n);
			p += n;
		}
	}
	if (json) {
		idreg_buf_puts(line, "\"");
	}
}

void idreg_log(enum idreg_log_level level, const char *fmt, ...)
{
	if (!idreg_log_enabled(level)) {
		return;
	}
	FILE *out = logger.stream ? logger.stream : stderr;
	char message[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	/* The whole line is built first and written at once, so that lines of
	 * threads logging together never interleave. */
	struct idreg_buf line;
	idreg_buf_init(&line, 16 * 1024);
	if (logger.format == IDREG_LOG_JSON) {
		struct timespec now;
		struct tm tm;
		char stamp[32];
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		idreg_buf_printf(&line, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"program\":", stamp,
				 now.tv_nsec / 1000000, level_names[level]);
		put_escaped(&line, logger.program, true);
		idreg_buf_puts(&line, ",\"message\":");
		put_escaped(&line, message, true);
		idreg_buf_puts(&line, "}\n");
	} else {
		idreg_buf_printf(&line, "%s: ", logger.program);
		if (level == IDREG_LOG_ERROR || level == IDREG_LOG_WARN) {
			idreg_buf_puts(&line, level == IDREG_LOG_ERROR ? "error: " : "warning: ");
		}
		put_escaped(&line, message, false);
		idreg_buf_puts(&line, "\n");
	}
	if (line.data != NULL) {
		fwrite(line.data, 1, line.len, out);
		fflush(out);
	}
	idreg_buf_free(&line);
}
