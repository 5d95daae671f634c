/*
 * Choosing the newest exchange file of each registry; see rirfiles.h.
 */
#include "numres/rirfiles.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/array.h"
#include "core/log.h"
#include "numres/import.h"

static idreg_err choose(struct idreg_rir_choices *c, const char *path,
			const struct idreg_rir_header *header)
{
	struct idreg_rir_choice *same = NULL;
	for (size_t i = 0; i < c->count; i++) {
		if (strcmp(c->items[i].header.registry, header->registry) == 0) {
			same = &c->items[i];
		}
	}
	if (same != NULL) {
		bool newer = idreg_rir_header_older(&same->header, header);
		idreg_log_info("%s: %s serial %s, superseded by %s", newer ? same->path : path,
			       header->registry, newer ? same->header.serial : header->serial,
			       newer ? path : same->path);
		c->superseded++;
		if (newer) {
			snprintf(same->path, sizeof(same->path), "%s", path);
			same->header = *header;
		}
		return IDREG_OK;
	}
	idreg_err err = idreg_array_reserve(&c->items, &c->capacity, c->count, sizeof(*c->items), 16);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_rir_choice *item = &c->items[c->count++];
	snprintf(item->path, sizeof(item->path), "%s", path);
	item->header = *header;
	return IDREG_OK;
}

static idreg_err choose_under(struct idreg_rir_choices *c, const char *dir, int depth,
			      struct idreg_diag *diag)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		return idreg_diag_set(diag, IDREG_EIO, "%s: cannot read directory: %s", dir,
				      strerror(errno));
	}
	struct dirent *e;
	idreg_err err = IDREG_OK;
	while (err == IDREG_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
			continue;
		}
		struct stat st;
		if (stat(path, &st) != 0) {
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth < 8) {
				err = choose_under(c, path, depth + 1, diag);
			}
			continue;
		}
		struct idreg_rir_header header;
		struct idreg_diag ignored;
		if (!S_ISREG(st.st_mode) || idreg_rir_read_header(path, &header, &ignored) != IDREG_OK) {
			idreg_log_debug("%s: not an exchange file, left alone", path);
			continue;
		}
		err = choose(c, path, &header);
		if (err != IDREG_OK) {
			idreg_diag_set(diag, err, "%s: out of memory", path);
		}
	}
	closedir(d);
	return err;
}

idreg_err idreg_rir_choose_dir(struct idreg_rir_choices *c, const char *dir,
			       struct idreg_diag *diag)
{
	return choose_under(c, dir, 0, diag);
}

idreg_err idreg_rir_choose_file(struct idreg_rir_choices *c, const char *path,
				struct idreg_diag *diag)
{
	struct idreg_rir_header header;
	idreg_err err = idreg_rir_read_header(path, &header, diag);
	if (err == IDREG_OK && (err = choose(c, path, &header)) != IDREG_OK) {
		idreg_diag_set(diag, err, "%s: out of memory", path);
	}
	return err;
}

static int choice_order(const void *a, const void *b)
{
	return strcmp(((const struct idreg_rir_choice *)a)->path,
		      ((const struct idreg_rir_choice *)b)->path);
}

void idreg_rir_choices_sort(struct idreg_rir_choices *c)
{
	if (c->count > 0) {
		qsort(c->items, c->count, sizeof(*c->items), choice_order);
	}
}

void idreg_rir_choices_free(struct idreg_rir_choices *c)
{
	free(c->items);
	*c = (struct idreg_rir_choices){ 0 };
}
