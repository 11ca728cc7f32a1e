/*
 * tests/fuzz/fuzz_ooxml_stamp.c - stamping arbitrary OOXML packages
 * (formats/ooxml/stamp.c): relationship and content-type resolution, the
 * XML edits of document.xml / worksheets / drawings / slides, the .rels
 * and [Content_Types].xml rewrites.  It must never crash, and whatever it
 * writes must open again as a strict ZIP package.
 *
 * Input: a ZIP package as is (starts with "PK"), or - so that mutations
 * reach the XML instead of breaking CRCs - a list of parts
 *
 *     @@ NAME\nCONTENTS\n@@ NAME\nCONTENTS ...
 *
 * which the harness packs into a stored ZIP itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/ooxml/ooxml.h"
#include "formats/zip/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 64

static void put16(tamga_buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	tamga__buf_append(b, x, 2);
}

static void put32(tamga_buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

/* One stored entry: local header + data now, central entry into cd. */
static void add_entry(tamga_buf *zip, tamga_buf *cd, const uint8_t *name, size_t nlen, const uint8_t *d, size_t len)
{
	uint32_t crc = (uint32_t)crc32(0L, d, (uInt)len), off = (uint32_t)zip->size;

	put32(zip, 0x04034b50u);
	put16(zip, 20), put16(zip, 0x800), put16(zip, 0), put16(zip, 0), put16(zip, 0x21);
	put32(zip, crc), put32(zip, (uint32_t)len), put32(zip, (uint32_t)len);
	put16(zip, (unsigned)nlen), put16(zip, 0);
	tamga__buf_append(zip, name, nlen);
	tamga__buf_append(zip, d, len);
	put32(cd, 0x02014b50u);
	put16(cd, 20), put16(cd, 20), put16(cd, 0x800), put16(cd, 0), put16(cd, 0), put16(cd, 0x21);
	put32(cd, crc), put32(cd, (uint32_t)len), put32(cd, (uint32_t)len);
	put16(cd, (unsigned)nlen), put16(cd, 0), put16(cd, 0), put16(cd, 0), put16(cd, 0);
	put32(cd, 0), put32(cd, off);
	tamga__buf_append(cd, name, nlen);
}

static void pack(tamga_buf *zip, const uint8_t *data, size_t size)
{
	tamga_buf cd = TAMGA_BUF_INIT;
	const uint8_t *p = data, *end = data + size, *nl, *next;
	unsigned n = 0;
	uint32_t cd_off;

	while (p + 3 <= end && memcmp(p, "@@ ", 3) == 0 && n < MAX_PARTS) {
		p += 3;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL || nl - p > 200)
			break;
		/* The contents run to the next "\n@@ " (the newline is the separator's). */
		if ((next = memmem(nl + 1, (size_t)(end - nl - 1), "\n@@ ", 4)) == NULL)
			next = end;
		add_entry(zip, &cd, p, (size_t)(nl - p), nl + 1, (size_t)(next - nl - 1));
		n++;
		p = next < end ? next + 1 : end;
	}
	cd_off = (uint32_t)zip->size;
	tamga__buf_append(zip, cd.ptr, cd.size);
	put32(zip, 0x06054b50u);
	put16(zip, 0), put16(zip, 0), put16(zip, n), put16(zip, n);
	put32(zip, (uint32_t)cd.size), put32(zip, cd_off), put16(zip, 0);
	tamga_buf_dispose(&cd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lines[] = { "Цахим гарын үсгээр баталгаажсан Ө Ү", "Digitally signed & <ok>" };
	struct tamga__ooxml_stamp_args a;
	struct tamga__zip *zip = NULL, *again = NULL;
	tamga_buf packed = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	const uint8_t *z = data;
	size_t zlen = size;

	if (size > ((size_t)4 << 20))
		return 0;
	if (size < 2 || memcmp(data, "PK", 2) != 0) {
		pack(&packed, data, size);
		z = packed.ptr;
		zlen = packed.size;
	}
	memset(&a, 0, sizeof(a));
	a.url = "https://verify.example.mn/d/7K3M9QX2HB4TZW8R5";
	a.code = "7K3M-9QX2-HB4T-ZW8R-5";
	a.lines = lines;
	a.line_count = 2;
	a.now = 1763900000;
	if (z != NULL && tamga__zip_open(&zip, z, zlen) == 0 && tamga__ooxml_stamp(&out, zip, &a) == 0) {
		/* What the stamp writes is a package again. */
		if (tamga__zip_open(&again, out.ptr, out.size) != 0)
			abort();
		tamga__zip_close(again);
	}
	tamga__zip_close(zip);
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&packed);
	return 0;
}
