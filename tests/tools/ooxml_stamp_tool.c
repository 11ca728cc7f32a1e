/*
 * tests/tools/ooxml_stamp_tool.c - put tamga's stamp into an OOXML package
 * with tamga__ooxml_stamp (formats/ooxml/stamp.c), for
 * tests/cli/ooxml_stamp.sh to check with python's zipfile, LibreOffice,
 * poppler and zbar.
 *
 * Usage: ooxml_stamp_tool IN OUT --url URL --code CODE [--line TEXT]...
 *                         [--last-page] [--time SECONDS]
 *
 * Exit status 0; 1 with "error NAME: message" on stderr when the stamp
 * fails (NAME is the tamga_error_name of the code); 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "common/fileio.h"
#include "formats/ooxml/ooxml.h"
#include "formats/zip/zip.h"

#define MAX_LINES 32

static int usage(void)
{
	fprintf(stderr, "usage: ooxml_stamp_tool IN OUT --url URL --code CODE [--line TEXT]... [--last-page] "
	                "[--time SECONDS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct tamga__ooxml_stamp_args a;
	const char *lines[MAX_LINES];
	tamga_buf in = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	int i, error, rc = 1;

	memset(&a, 0, sizeof(a));
	a.now = 1763900000; /* 2025-11-23 */
	if (argc < 3)
		return usage();
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			a.url = argv[++i];
		else if (strcmp(argv[i], "--code") == 0 && i + 1 < argc)
			a.code = argv[++i];
		else if (strcmp(argv[i], "--line") == 0 && i + 1 < argc && a.line_count < MAX_LINES)
			lines[a.line_count++] = argv[++i];
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			a.now = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--last-page") == 0)
			a.last_page = 1;
		else
			return usage();
	}
	a.lines = lines;
	if ((error = tamga__file_read(&in, argv[1], (size_t)1 << 30)) < 0 ||
	    (error = tamga__zip_open(&zip, in.ptr, in.size)) < 0 ||
	    (error = tamga__ooxml_stamp(&out, zip, &a)) < 0 ||
	    (error = tamga__file_write(argv[2], out.ptr, out.size, 0644, 1)) < 0) {
		fprintf(stderr, "error %s: %s\n", tamga_error_name(error), tamga_error_last()->message);
		goto done;
	}
	rc = 0;
done:
	tamga__zip_close(zip);
	tamga_buf_dispose(&in);
	tamga_buf_dispose(&out);
	return rc;
}
