/*
 * Opening input files the one way every reader of idreg does: a regular
 * file (not a directory or a device), of bounded size, with a message that
 * names the file and says what is wrong.
 */
#ifndef IDREG_CORE_FILE_H
#define IDREG_CORE_FILE_H

#include <stddef.h>

#include "core/error.h"

/**
 * Open @path for reading.  It must be a regular file of at most @max_size
 * bytes (0: of any size); its descriptor goes to *@fd (the caller closes
 * it) and its size to *@size (unless NULL).  IDREG_ENOTFOUND or IDREG_EACCES when it
 * cannot be opened, IDREG_EINVAL when it is not a regular file,
 * IDREG_ETOOBIG when it is larger, with "PATH: why" in @diag.
 */
idreg_err idreg_file_open(const char *path, size_t max_size, int *fd, size_t *size,
			  struct idreg_diag *diag);

/**
 * Read the whole of @path (opened as idreg_file_open does, at most @max_size
 * bytes) into memory from malloc: *@data (NUL-terminated, the caller frees
 * it) and *@size.  Errors as idreg_file_open, and IDREG_EIO or IDREG_ENOMEM.
 */
idreg_err idreg_file_read(const char *path, size_t max_size, char **data, size_t *size,
			  struct idreg_diag *diag);

#endif
