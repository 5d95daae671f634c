/*
 * libFuzzer target: the configuration loader (lib/core/config.c), [idn.ZONE]
 * sections included.
 *
 * Any input is loaded as a configuration file.  A refusal must name the file
 * and a line ("PATH:N: ...").  An accepted file, printed as --check-config
 * prints it, must load again to the same printed configuration.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/* Load @size bytes at @text as a file; its printed configuration (malloc'd) or NULL. */
static char *load_and_print(const void *text, size_t size, bool expect_ok)
{
	int fd = memfd_create("fuzz-config", 0);
	check(fd >= 0);
	check(write(fd, text, size) == (ssize_t)size);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct idreg_config cfg;
	check(idreg_config_init(&cfg) == IDREG_OK);
	struct idreg_diag diag = { "" };
	char *printed = NULL;
	if (idreg_config_load(&cfg, path, &diag) == IDREG_OK) {
		size_t len = 0;
		FILE *out = open_memstream(&printed, &len);
		check(out != NULL);
		idreg_config_print(&cfg, out);
		check(fclose(out) == 0);
	} else {
		check(!expect_ok);
		size_t n = strlen(path);
		check(strncmp(diag.text, path, n) == 0 && diag.text[n] == ':');
	}
	idreg_config_free(&cfg);
	close(fd);
	return printed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *printed = load_and_print(data, size, false);
	if (printed != NULL) {
		char *again = load_and_print(printed, strlen(printed), true);
		check(again != NULL && strcmp(printed, again) == 0);
		free(again);
		free(printed);
	}
	return 0;
}
