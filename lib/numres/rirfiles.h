/*
 * Which exchange files to read: of the files named and those found under
 * directories, the newest file of each registry (by serial, then end date;
 * idreg_rir_header_older).  A file of a registry already chosen replaces it
 * only when newer; what is passed over is logged (info).
 */
#ifndef IDREG_NUMRES_RIRFILES_H
#define IDREG_NUMRES_RIRFILES_H

#include <stddef.h>

#include "core/error.h"
#include "formats/rir.h"

struct idreg_rir_choice {
	char path[4096];
	struct idreg_rir_header header;
};

struct idreg_rir_choices {
	struct idreg_rir_choice *items; /* one per registry */
	size_t count, capacity;
	size_t superseded;              /* files passed over for a newer one */
};

/**
 * Add the exchange files found under directory @dir (eight levels deep at
 * most); files that are not exchange files are left alone.  IDREG_EIO with
 * @diag when a directory cannot be read.
 */
idreg_err idreg_rir_choose_dir(struct idreg_rir_choices *c, const char *dir,
			       struct idreg_diag *diag);

/** Add the file @path, which must be an exchange file (else the reader's error). */
idreg_err idreg_rir_choose_file(struct idreg_rir_choices *c, const char *path,
				struct idreg_diag *diag);

/** Order the chosen files by path. */
void idreg_rir_choices_sort(struct idreg_rir_choices *c);

void idreg_rir_choices_free(struct idreg_rir_choices *c);

#endif
