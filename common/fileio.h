/*
 * common/fileio.h - bounded reads and crash-safe writes (internal).
 */
#ifndef TAMGA_COMMON_FILEIO_H
#define TAMGA_COMMON_FILEIO_H

#include <sys/types.h>

#include <tamga/common.h>

/** Read a whole regular file of at most max bytes into out (appended).
 *  TAMGA_EIO (message names the path), TAMGA_ELIMIT when larger. */
int tamga__file_read(tamga_buf *out, const char *path, size_t max);

/**
 * Write data to path so that a reader sees either the old file or the whole
 * new one: a temporary file in the same directory with the given mode,
 * fsync, then rename (or link, when overwrite is 0, which fails with
 * TAMGA_EEXISTS if path exists), then fsync of the directory.
 */
int tamga__file_write(const char *path, const void *data, size_t len, mode_t mode, int overwrite);

/** The same, for a file made of several pieces written in order. */
struct tamga__part {
	const void *data;
	size_t len;
};
int tamga__file_write_parts(const char *path, const struct tamga__part *parts, size_t n, mode_t mode,
                            int overwrite);

/** TAMGA_EEXISTS when path exists, 0 when it does not, TAMGA_EIO otherwise. */
int tamga__file_absent(const char *path);

/** mkdir with mode; an existing directory is fine (its mode is not changed). */
int tamga__mkdir(const char *path, mode_t mode);

#endif
