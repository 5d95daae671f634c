/*
 * Calendar dates as the registry writes them (YYYY-MM-DD, proleptic
 * Gregorian) and as day numbers (days since 1970-01-01), so that windows,
 * grace periods and lags are sums and differences of integers.
 */
#ifndef IDREG_CORE_DATE_H
#define IDREG_CORE_DATE_H

#include <stdint.h>

/** Days since 1970-01-01 of a valid YYYY-MM-DD (year 1900 or later), or -1. */
int64_t idreg_date_days(const char *text);

/** The date of day number @days as YYYY-MM-DD. */
void idreg_date_text(int64_t days, char out[11]);

#endif
