/*
 * Opening input files; see file.h.
 */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
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

idreg_err idreg_file_read(const char *path, size_t max_size, char **data, size_t *size,
			  struct idreg_diag *diag)
{
	*data = NULL;
	*size = 0;
	int fd;
	size_t total;
	idreg_err err = idreg_file_open(path, max_size, &fd, &total, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char *bytes = malloc(total + 1);
	if (bytes == NULL) {
		close(fd);
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", path);
	}
	size_t got = 0;
	while (got < total) {
		ssize_t n = read(fd, bytes + got, total - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			free(bytes);
			close(fd);
			return idreg_diag_set(diag, IDREG_EIO, "%s: read error: %s", path,
					      n < 0 ? strerror(errno) : "file shrank while reading");
		}
		got += (size_t)n;
	}
	close(fd);
	bytes[total] = '\0';
	*data = bytes;
	*size = total;
	return IDREG_OK;
}
