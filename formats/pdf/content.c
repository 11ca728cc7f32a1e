/*
 * formats/pdf/content.c - numbers in content-stream syntax (ISO 32000-1
 * §7.3.3) and FlateDecode streams (§7.4.4) for what tamga writes itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/content.h"

#define FLATE_MAX ((size_t)256 << 20)

int tamga__pdf_put_num(tamga_buf *out, double v, int decimals)
{
	char buf[48];
	size_t n;

	if (!isfinite(v) || fabs(v) > 1e9)
		return tamga__error_set(TAMGA_EINVAL, "PDF: number %g out of range for a content stream", v);
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	n = strlen(buf);
	if (strchr(buf, '.') != NULL) {
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
	}
	if (n == 2 && buf[0] == '-' && buf[1] == '0')
		return tamga__buf_puts(out, "0");
	return tamga__buf_append(out, buf, n);
}

int tamga__pdf_flate_stream(pdf_arena *a, pdf_obj *dict, const void *data, size_t len, pdf_obj **out)
{
	unsigned char *z = NULL;
	uLongf zlen;
	pdf_obj *filter, *s;
	int error = 0;

	*out = NULL;
	if (dict == NULL || dict->type != PDF_DICT) {
		error = tamga__error_set(TAMGA_EINVAL, "PDF: a stream needs a dictionary");
		goto done;
	}
	if (len > FLATE_MAX) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: stream of %zu bytes is too large to write", len);
		goto done;
	}
	zlen = compressBound((uLong)len);
	if ((z = malloc(zlen)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (compress2(z, &zlen, (const Bytef *)data, (uLong)len, Z_BEST_COMPRESSION) != Z_OK) {
		error = tamga__error_oom();
		goto done;
	}
	if ((filter = tamga__pdf_name(a, "FlateDecode")) == NULL ||
	    (error = tamga__pdf_dict_set(a, dict, "Filter", filter)) < 0 ||
	    (s = tamga__pdf_stream(a, dict, z, zlen)) == NULL) {
		error = error ? error : tamga_error_last()->code;
		goto done;
	}
	*out = s;
done:
	free(z);
	return error;
}
