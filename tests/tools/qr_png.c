/*
 * tests/tools/qr_png.c - write the QR code of a text as a PNG
 * (formats/qr/png.c), for tests/cli/qr_png.sh.
 *
 * Usage: qr_png TEXT MODULE_PX DPI OUT.png
 * Prints "width N" (modules, quiet zone excluded).  Exit 0, 1 with
 * "qr_png: message" on stderr when the library refuses, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include <tamga/common.h>

#include "common/fileio.h"
#include "formats/qr/qr.h"

int main(int argc, char **argv)
{
	struct tamga__qr *qr = NULL;
	tamga_buf png = TAMGA_BUF_INIT;
	int rc = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: qr_png TEXT MODULE_PX DPI OUT.png\n");
		return 2;
	}
	if (tamga__qr_encode(&qr, argv[1], TAMGA__QR_ECC_M) < 0 ||
	    tamga__qr_png(&png, qr, atoi(argv[2]), atoi(argv[3])) < 0 ||
	    tamga__file_write(argv[4], png.ptr, png.size, 0644, 1) < 0) {
		fprintf(stderr, "qr_png: %s\n", tamga_error_last()->message);
		goto done;
	}
	printf("width %d\n", qr->width);
	rc = 0;
done:
	tamga__qr_free(qr);
	tamga_buf_dispose(&png);
	return rc;
}
