/*
 * tests/fuzz/fuzz_zip.c - strict ZIP packages (formats/zip/zip.c) and
 * their editing (formats/zip/edit.c).
 *
 * The input is a package.  When it opens, every entry is read (within the
 * limits of zip.h, whatever the input declares), then an edit replaces the
 * first entry, removes the last and adds one, and the result must open
 * again with the kept entries unchanged: editing never produces a package
 * the reader refuses.
 *
 * Seeds (tests/fuzz/corpus/zip/) are written by the unit test:
 *   TAMGA_ZIP_SEEDS=DIR build/tests/test_zip
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/zip/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tamga__zip *zip = NULL, *again = NULL;
	struct tamga__zip_edit *edit = NULL;
	tamga_buf r = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	size_t i, n;

	if (tamga__zip_open(&zip, data, size) != 0)
		return 0;
	n = tamga__zip_count(zip);
	for (i = 0; i < n; i++) {
		r.size = 0;
		if (tamga__zip_read(zip, i, &r) == 0 && r.size != tamga__zip_size(zip, i))
			__builtin_trap();
		if (tamga__zip_find(zip, tamga__zip_name(zip, i)) != (long)i)
			__builtin_trap();
	}
	if (tamga__zip_edit_new(&edit, zip, 1700000000) != 0)
		goto done;
	if (n > 0)
		(void)tamga__zip_edit_put(edit, tamga__zip_name(zip, 0), "replaced", 8, 0);
	if (n > 1 && tamga__zip_edit_remove(edit, tamga__zip_name(zip, n - 1)) != 0)
		__builtin_trap();
	(void)tamga__zip_edit_put(edit, "fuzz/added.xml", "<added/>", 8, 0);
	if (tamga__zip_edit_finish(edit, &out) != 0)
		goto done;
	if (tamga__zip_open(&again, out.ptr, out.size) != 0)
		__builtin_trap();
	/* Kept entries keep their names and declared sizes. */
	for (i = 1; i + 1 < n; i++) {
		long k = tamga__zip_find(again, tamga__zip_name(zip, i));

		if (k < 0 || tamga__zip_size(again, (size_t)k) != tamga__zip_size(zip, i))
			__builtin_trap();
	}
done:
	tamga__zip_close(again);
	tamga__zip_edit_free(edit);
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&out);
	return 0;
}
