/*
 * Growable arrays: room for one more element, by doubling.  Each array keeps
 * its own element pointer, count and capacity; this only grows it.
 */
#ifndef IDREG_CORE_ARRAY_H
#define IDREG_CORE_ARRAY_H

#include <stddef.h>

#include "core/error.h"

/**
 * Make the array at *@items_ptr (a T ** passed as void *) hold at least
 * @count + 1 elements of @elem_size: doubles *@capacity, starting at
 * @initial.  On IDREG_ENOMEM the array and its capacity are unchanged.
 */
idreg_err idreg_array_reserve(void *items_ptr, size_t *capacity, size_t count, size_t elem_size,
			      size_t initial);

#endif
