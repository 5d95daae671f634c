/*
 * Logger: text lines ("idreg: warning: ...") for people, JSON lines with a
 * timestamp for machines.
 */
#include "core/log.h"

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

static void put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20) {
				fprintf(out, "\\u%04x", *p);
			} else {
				fputc(*p, out);
			}
		}
	}
	fputc('"', out);
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

	if (logger.format == IDREG_LOG_JSON) {
		struct timespec now;
		struct tm tm;
		char stamp[32];
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(out, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"program\":", stamp,
			now.tv_nsec / 1000000, level_names[level]);
		put_json_string(out, logger.program);
		fputs(",\"message\":", out);
		put_json_string(out, message);
		fputs("}\n", out);
	} else if (level == IDREG_LOG_ERROR || level == IDREG_LOG_WARN) {
		fprintf(out, "%s: %s: %s\n", logger.program,
			level == IDREG_LOG_ERROR ? "error" : "warning", message);
	} else {
		fprintf(out, "%s: %s\n", logger.program, message);
	}
	fflush(out);
}
