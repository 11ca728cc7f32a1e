/*
 * tests/tools/zip_edit.c - open a package with the strict reader
 * (formats/zip/zip.c), edit it (formats/zip/edit.c) and write the result,
 * for tests/cli/zip_interop.sh.
 *
 * Usage: zip_edit IN.zip OUT.zip [OP...]
 *   put NAME FILE      replace or add NAME with FILE's bytes (deflated)
 *   store NAME FILE    the same, stored
 *   rm NAME            remove NAME
 *   list               print "NAME SIZE METHOD" per entry of IN (before editing)
 *   cat NAME           print NAME's contents from IN
 * Exit 0 on success, 1 with "zip_edit: message" on stderr when the library
 * refuses, 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include <tamga/common.h>

#include "common/fileio.h"
#include "formats/zip/zip.h"

#define FILE_MAX ((size_t)512 << 20)

int main(int argc, char **argv)
{
	tamga_buf in = TAMGA_BUF_INIT, data = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	struct tamga__zip_edit *edit = NULL;
	int i, rc = 1;
	size_t k;

	if (argc < 3)
		goto usage;
	if (tamga__file_read(&in, argv[1], FILE_MAX) < 0 || tamga__zip_open(&zip, in.ptr, in.size) < 0 ||
	    tamga__zip_edit_new(&edit, zip, 1714566896) < 0)
		goto fail;
	for (i = 3; i < argc; i++) {
		if ((strcmp(argv[i], "put") == 0 || strcmp(argv[i], "store") == 0) && i + 2 < argc) {
			data.size = 0;
			if (tamga__file_read(&data, argv[i + 2], FILE_MAX) < 0 ||
			    tamga__zip_edit_put(edit, argv[i + 1], data.ptr, data.size,
			                        argv[i][0] == 's' ? TAMGA__ZIP_STORE : 0) < 0)
				goto fail;
			i += 2;
		} else if (strcmp(argv[i], "rm") == 0 && i + 1 < argc) {
			if (tamga__zip_edit_remove(edit, argv[++i]) < 0)
				goto fail;
		} else if (strcmp(argv[i], "list") == 0) {
			for (k = 0; k < tamga__zip_count(zip); k++)
				printf("%s %zu %d\n", tamga__zip_name(zip, k), tamga__zip_size(zip, k),
				       tamga__zip_method(zip, k));
		} else if (strcmp(argv[i], "cat") == 0 && i + 1 < argc) {
			data.size = 0;
			if (tamga__zip_read_name(zip, argv[++i], &data) < 0)
				goto fail;
			fwrite(data.ptr, 1, data.size, stdout);
		} else {
			goto usage;
		}
	}
	if (tamga__zip_edit_finish(edit, &out) < 0 || tamga__file_write(argv[2], out.ptr, out.size, 0644, 1) < 0)
		goto fail;
	rc = 0;
	goto done;
usage:
	fprintf(stderr, "usage: zip_edit IN.zip OUT.zip [put NAME FILE | store NAME FILE | rm NAME | list | cat NAME]...\n");
	rc = 2;
	goto done;
fail:
	fprintf(stderr, "zip_edit: %s\n", tamga_error_last()->message);
done:
	tamga__zip_edit_free(edit);
	tamga__zip_close(zip);
	tamga_buf_dispose(&in);
	tamga_buf_dispose(&data);
	tamga_buf_dispose(&out);
	return rc;
}
