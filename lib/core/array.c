/*
 * Growable arrays; see array.h.
 */
#include "core/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

idreg_err idreg_array_reserve(void *items_ptr, size_t *capacity, size_t count, size_t elem_size,
			      size_t initial)
{
	if (count < *capacity) {
		return IDREG_OK;
	}
	size_t cap = *capacity ? *capacity * 2 : initial;
	if (cap <= count || cap > SIZE_MAX / elem_size) {
		return IDREG_ENOMEM;
	}
	void *items;
	memcpy(&items, items_ptr, sizeof(items));
	void *grown = realloc(items, cap * elem_size);
	if (grown == NULL) {
		return IDREG_ENOMEM;
	}
	memcpy(items_ptr, &grown, sizeof(grown));
	*capacity = cap;
	return IDREG_OK;
}
