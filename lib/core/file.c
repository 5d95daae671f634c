/*
 * Opening input files; see file.h.
 */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

idreg_err idreg_file_open(const char *path, size_t max_size, int *fd, size_t *size,
			  struct idreg_diag *diag)
{
	*fd = -1;
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		return idreg_diag_set(diag, errno == EACCES ? IDREG_EACCES : IDREG_ENOTFOUND,
				      "%s: cannot open: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(f);
		return idreg_diag_set(diag, IDREG_EINVAL, "%s: not a regular file", path);
	}
	if (max_size > 0 && (uint64_t)st.st_size > max_size) {
		close(f);
		return idreg_diag_set(diag, IDREG_ETOOBIG, "%s: larger than %zu bytes", path,
				      max_size);
	}
	*fd = f;
	if (size != NULL) {
		*size = (size_t)st.st_size;
	}
	return IDREG_OK;
}
