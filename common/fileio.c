/*
 * common/fileio.c - bounded reads and crash-safe writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"

int tamga__file_read(tamga_buf *out, const char *path, size_t max)
{
	int fd, error = 0;
	struct stat st;
	unsigned char chunk[65536];
	size_t total = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		error = tamga__error_set(TAMGA_EIO, "%s: is a directory", path);
		goto done;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		error = tamga__error_set(TAMGA_ELIMIT, "%s: %lld bytes is more than the limit of %zu",
		                         path, (long long)st.st_size, max);
		goto done;
	}
	/* One allocation of the right size: a large document is not copied
	 * again and again while the buffer grows. */
	if (S_ISREG(st.st_mode) && (error = tamga__buf_reserve(out, (size_t)st.st_size + 1)) < 0)
		goto done;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max) {
			error = tamga__error_set(TAMGA_ELIMIT, "%s: more than the limit of %zu bytes", path, max);
			goto done;
		}
		if ((error = tamga__buf_append(out, chunk, (size_t)n)) < 0)
			goto done;
	}
done:
	close(fd);
	return error;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int tamga__file_write(const char *path, const void *data, size_t len, mode_t mode, int overwrite)
{
	struct tamga__part part = { data, len };

	return tamga__file_write_parts(path, &part, 1, mode, overwrite);
}

int tamga__file_write_parts(const char *path, const struct tamga__part *parts, size_t n, mode_t mode,
                            int overwrite)
{
	size_t i;
	char *tmp = NULL;
	int fd = -1, error = 0;
	size_t plen = strlen(path);

	tmp = malloc(plen + sizeof(".tmp-XXXXXX"));
	if (tmp == NULL)
		return tamga__error_oom();
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));

	if (!overwrite && (error = tamga__file_absent(path)) < 0)
		goto done;
	fd = mkstemp(tmp);
	if (fd < 0) {
		error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (fchmod(fd, mode) != 0) {
		error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	for (i = 0; i < n; i++)
		if (write_all(fd, parts[i].data, parts[i].len) != 0) {
			error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
	if (fsync(fd) != 0) {
		error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (overwrite) {
		if (rename(tmp, path) != 0) {
			error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
	} else {
		/* link() fails if path appeared meanwhile: never clobber. */
		if (link(tmp, path) != 0) {
			error = tamga__error_set(errno == EEXIST ? TAMGA_EEXISTS : TAMGA_EIO,
			                         "%s: %s", path, strerror(errno));
			goto done;
		}
		unlink(tmp);
	}
	sync_dir_of(path);
done:
	if (fd >= 0)
		close(fd);
	if (error < 0)
		unlink(tmp);
	free(tmp);
	return error;
}

int tamga__file_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return tamga__error_set(TAMGA_EEXISTS, "%s: already exists", path);
	if (errno != ENOENT)
		return tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

int tamga__mkdir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
}
