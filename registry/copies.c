/*
 * registry/copies.c - the signed copies, content-addressed by SHA-256:
 *
 *     DIR/copies/ab/cdef0123...   (2 + 62 lowercase hex digits of the SHA-256)
 *
 * A copy is written whole or not at all (temporary file, fsync, rename,
 * fsync of the directory: common/fileio.c) before its row is committed.
 * Reading re-checks the length and the hash: a copy damaged on disk, or
 * swapped by someone with access to the directory, is reported, never
 * served as the registered document.  The name comes only from a checked
 * 64-hex-digit string, so no path can be smuggled in through it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "registry/internal.h"

/* DIR/copies, DIR/copies/ab and DIR/copies/ab/cd... into out[3] (malloc'd). */
static int copy_paths(const char *dir, const char *sha256, char *out[3])
{
	char lower[65], sub[3];
	size_t i;

	out[0] = out[1] = out[2] = NULL;
	if (!tamga__is_sha256_hex(sha256))
		return tamga__error_set(TAMGA_EINVAL, "'%.80s' is not a SHA-256 in hex", sha256);
	for (i = 0; i < 65; i++)
		lower[i] = (char)(sha256[i] >= 'A' && sha256[i] <= 'F' ? sha256[i] - 'A' + 'a' : sha256[i]);
	memcpy(sub, lower, 2);
	sub[2] = '\0';
	if ((out[0] = tamga__path_join(dir, "copies")) == NULL || (out[1] = tamga__path_join(out[0], sub)) == NULL ||
	    (out[2] = tamga__path_join(out[1], lower + 2)) == NULL)
		return TAMGA_ENOMEM;
	return 0;
}

static void free_paths(char *p[3])
{
	free(p[0]);
	free(p[1]);
	free(p[2]);
}

static int sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return tamga__error_openssl(TAMGA_ECRYPTO, "SHA-256");
	tamga__hex(out, md, 32);
	return 0;
}

static int same_hash(const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		char x = a[i] >= 'A' && a[i] <= 'F' ? (char)(a[i] - 'A' + 'a') : a[i];
		char y = b[i] >= 'A' && b[i] <= 'F' ? (char)(b[i] - 'A' + 'a') : b[i];

		if (x != y)
			return 0;
	}
	return 1;
}

int tamga__copy_store(const char *dir, const char *sha256, const void *data, size_t len)
{
	char *p[3];
	char actual[65];
	int error;

	if ((error = copy_paths(dir, sha256, p)) < 0)
		goto done;
	if ((error = sha256_hex(data, len, actual)) < 0)
		goto done;
	if (!same_hash(actual, sha256)) {
		error = tamga__error_set(TAMGA_EINVAL, "the document's SHA-256 is %s, not %s as claimed", actual, sha256);
		goto done;
	}
	if ((error = tamga__mkdir(p[0], 0700)) < 0 || (error = tamga__mkdir(p[1], 0700)) < 0)
		goto done;
	/* Overwrite: an existing file of this name is either the same bytes
	 * (a copy left by an earlier crash, reused) or damaged; either way the
	 * verified bytes in hand are the right content. */
	error = tamga__file_write(p[2], data, len, 0600, 1);
done:
	free_paths(p);
	return error;
}

int tamga__copy_load(const char *dir, const char *sha256, uint64_t size, tamga_buf *out)
{
	tamga_buf data = TAMGA_BUF_INIT;
	char *p[3];
	char actual[65];
	struct stat st;
	int error;

	if ((error = copy_paths(dir, sha256, p)) < 0)
		goto done;
	if (stat(p[2], &st) != 0) {
		error = errno == ENOENT ? tamga__error_set(TAMGA_ENOTFOUND, "%s: the stored copy is missing", p[2])
		                        : tamga__error_set(TAMGA_EIO, "%s: %s", p[2], strerror(errno));
		goto done;
	}
	if (size > SIZE_MAX - 1 || (uint64_t)st.st_size != size) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: stored copy is corrupt (%lld bytes, registered %llu)",
		                         p[2], (long long)st.st_size, (unsigned long long)size);
		goto done;
	}
	if ((error = tamga__file_read(&data, p[2], (size_t)size)) < 0) {
		if (error == TAMGA_ELIMIT)
			error = tamga__error_set(TAMGA_EFORMAT, "%s: stored copy is corrupt (it grew)", p[2]);
		goto done;
	}
	if ((error = sha256_hex(data.ptr, data.size, actual)) < 0)
		goto done;
	if (data.size != size || !same_hash(actual, sha256)) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: stored copy is corrupt (SHA-256 %s)", p[2], actual);
		goto done;
	}
	error = tamga__buf_append(out, data.ptr, data.size);
done:
	tamga_buf_dispose(&data);
	free_paths(p);
	return error;
}
