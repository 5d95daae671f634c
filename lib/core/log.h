/*
 * Logging for every idreg program: levels, and either plain text lines or
 * JSON lines (one object per line, for log collectors).  Messages go to one
 * stream, stderr by default.
 */
#ifndef IDREG_CORE_LOG_H
#define IDREG_CORE_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum idreg_log_level { IDREG_LOG_ERROR, IDREG_LOG_WARN, IDREG_LOG_INFO, IDREG_LOG_DEBUG };
enum idreg_log_format { IDREG_LOG_TEXT, IDREG_LOG_JSON };

/** Configure the logger; @stream NULL means stderr; @program names the source. */
void idreg_log_setup(const char *program, enum idreg_log_level level,
		     enum idreg_log_format format, FILE *stream);

/** Parse "error", "warn", "info" or "debug"; false if @name is none of them. */
bool idreg_log_level_parse(const char *name, enum idreg_log_level *out);

/** Parse "text" or "json". */
bool idreg_log_format_parse(const char *name, enum idreg_log_format *out);

bool idreg_log_enabled(enum idreg_log_level level);

void idreg_log(enum idreg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define idreg_log_error(...) idreg_log(IDREG_LOG_ERROR, __VA_ARGS__)
#define idreg_log_warn(...) idreg_log(IDREG_LOG_WARN, __VA_ARGS__)
#define idreg_log_info(...) idreg_log(IDREG_LOG_INFO, __VA_ARGS__)
#define idreg_log_debug(...) idreg_log(IDREG_LOG_DEBUG, __VA_ARGS__)

#endif
