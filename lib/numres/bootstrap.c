/*
 * RFC 9224 bootstrap files; see bootstrap.h.  The index keeps each type's
 * ranges sorted by first number, so merging touching and overlapping ranges
 * is one pass; IP ranges then become their fewest prefixes.
 */
#include "numres/bootstrap.h"

#include <jansson.h>
#include <stdlib.h>

const char *idreg_bootstrap_file_name(enum idreg_restype type)
{
	static const char *const names[IDREG_RESTYPE_COUNT] = { "asn.json", "ipv4.json",
								"ipv6.json" };
	return names[type];
}

static idreg_err add_range(json_t *list, enum idreg_restype type, idreg_u128 first,
			   idreg_u128 last, size_t *entries)
{
	if (type == IDREG_RES_ASN) {
		char text[32];
		snprintf(text, sizeof(text), "%u-%u", (unsigned)first, (unsigned)last);
		(*entries)++;
		return json_array_append_new(list, json_string(text)) == 0 ? IDREG_OK : IDREG_ENOMEM;
	}
	struct idreg_prefix prefixes[256];
	size_t n = idreg_range_to_prefixes(type, first, last, prefixes, 256);
	for (size_t i = 0; i < n; i++) {
		char text[IDREG_PREFIX_TEXT_MAX];
		idreg_prefix_format(&prefixes[i], text, sizeof(text));
		if (json_array_append_new(list, json_string(text)) != 0) {
			return IDREG_ENOMEM;
		}
	}
	*entries += n;
	return IDREG_OK;
}

idreg_err idreg_bootstrap_write(const struct idreg_numindex *ix, enum idreg_restype type,
				const char *url, const char *publication, FILE *out,
				size_t *entries)
{
	*entries = 0;
	const struct idreg_rangeindex *ri = &ix->by_type[type];
	json_t *blocks = json_array();
	idreg_err err = blocks ? IDREG_OK : IDREG_ENOMEM;
	uint32_t i = 0;
	while (err == IDREG_OK && i < ri->count) {
		idreg_u128 first = ri->first[i], last = ri->last[i];
		/* Swallow every range that overlaps or touches this one. */
		while (++i < ri->count && (last == idreg_restype_max(type) || ri->first[i] <= last + 1)) {
			if (ri->last[i] > last) {
				last = ri->last[i];
			}
		}
		err = add_range(blocks, type, first, last, entries);
	}
	json_t *urls = json_array(), *service = json_array(), *services = json_array();
	json_t *doc = json_object();
	if (err == IDREG_OK && (urls == NULL || service == NULL || services == NULL || doc == NULL)) {
		err = IDREG_ENOMEM;
	}
	if (err == IDREG_OK) {
		json_array_append_new(urls, json_string(url));
		json_array_append(service, blocks);
		json_array_append(service, urls);
		if (*entries > 0) {
			json_array_append(services, service);
		}
		json_object_set_new(doc, "version", json_string("1.0"));
		json_object_set_new(doc, "publication", json_string(publication));
		json_object_set_new(doc, "description",
				    json_string("RDAP bootstrap file for the resources of this registry"));
		json_object_set(doc, "services", services);
		if (json_dumpf(doc, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF) {
			err = IDREG_EIO;
		}
	}
	json_decref(doc);
	json_decref(services);
	json_decref(service);
	json_decref(urls);
	json_decref(blocks);
	return err;
}
