/*
 * RFC 9224 bootstrap files for the number resources this registry serves:
 * ipv4.json, ipv6.json and asn.json, each naming every block the registry
 * holds records for (merged where blocks touch) and the RDAP base URL that
 * answers for them, so that clients and IANA-style registries can find it.
 */
#ifndef IDREG_NUMRES_BOOTSTRAP_H
#define IDREG_NUMRES_BOOTSTRAP_H

#include <stdio.h>

#include "numres/numindex.h"

/** File name of the bootstrap file for @type: "asn.json", "ipv4.json", "ipv6.json". */
const char *idreg_bootstrap_file_name(enum idreg_restype type);

/**
 * Write the bootstrap file of @type to @out.  @url is the RDAP base URL
 * (ending in '/'), @publication an RFC 3339 time.  Returns how many entries
 * (prefixes or AS ranges) it lists through @entries.
 */
idreg_err idreg_bootstrap_write(const struct idreg_numindex *ix, enum idreg_restype type,
				const char *url, const char *publication, FILE *out,
				size_t *entries);

#endif
