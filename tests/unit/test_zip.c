/*
 * tests/unit/test_zip.c - strict ZIP reading and byte-preserving editing
 * (formats/zip/zip.c, formats/zip/edit.c).
 *
 * Oracles: the packages are built here byte by byte from APPNOTE 6.3.x
 * §4.3 (build() below, with zlib's deflate for compressed entries), so the
 * expected names, contents and offsets are the ones written, not what
 * tamga reads back; hostile packages are the same builder with one rule
 * broken.  Edited packages are walked by this file's own central directory
 * reader (walk()) to compare the raw bytes of untouched entries.
 * tests/cli/zip_interop.sh checks the same against python's zipfile.
 *
 * With TAMGA_ZIP_SEEDS=DIR, the packages built here are also written to
 * DIR as fuzz seeds (tests/fuzz/corpus/zip/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/zip/zip.h"

/* ------------------------------------------------------------ builder */

struct raw_entry {
	const char *name;
	const void *data;
	size_t len;
	int method;                /* 0 stored, 8 deflated here, other: stored bytes, method field as given */
	unsigned flags;
	int descriptor;            /* 1: sizes in a data descriptor (with signature), bit 3 set */
	const char *local_name;    /* local header name when it should differ */
	uint32_t crc_xor;          /* spoils the CRC in both headers */
	int64_t usize;             /* declared size when >= 0 */
	const void *extra;         /* the same extra field in both headers */
	size_t extra_len;
	size_t gap_after;          /* junk bytes after this entry's data */
	int raw;                   /* data is written as given, whatever the method */
};

struct raw_opts {
	size_t prefix;             /* junk bytes before the first entry */
	int shift_offsets;         /* offsets count the prefix (as self-extractors do) */
	size_t trailing;           /* junk after the end record */
	const char *comment;
};

static void put16(tamga_buf *b, unsigned v)
{
	unsigned char p[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	assert_int_equal(tamga__buf_append(b, p, 2), 0);
}

static void put32(tamga_buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void deflate_raw(tamga_buf *out, const void *data, size_t len)
{
	z_stream z;
	unsigned char *buf;
	uLong bound;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, (uLong)len);
	buf = malloc(bound);
	assert_non_null(buf);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(tamga__buf_append(out, buf, z.total_out), 0);
	deflateEnd(&z);
	free(buf);
}

static void build(tamga_buf *out, const struct raw_entry *e, size_t n, const struct raw_opts *o)
{
	static const struct raw_opts none = { 0, 0, 0, NULL };
	tamga_buf cd = TAMGA_BUF_INIT, data = TAMGA_BUF_INIT;
	size_t i, k, shift, cd_off;

	if (o == NULL)
		o = &none;
	for (k = 0; k < o->prefix; k++)
		assert_int_equal(tamga__buf_append(out, "J", 1), 0);
	shift = o->shift_offsets ? 0 : o->prefix;
	for (i = 0; i < n; i++) {
		uint32_t crc = (uint32_t)crc32(0, e[i].data, (uInt)e[i].len) ^ e[i].crc_xor;
		uint32_t usize = e[i].usize >= 0 ? (uint32_t)e[i].usize : (uint32_t)e[i].len;
		const char *lname = e[i].local_name ? e[i].local_name : e[i].name;
		unsigned flags = e[i].flags | (e[i].descriptor ? 8u : 0u);
		size_t off = out->size - shift;

		data.size = 0;
		if (e[i].method == 8 && !e[i].raw)
			deflate_raw(&data, e[i].data, e[i].len);
		else
			assert_int_equal(tamga__buf_append(&data, e[i].data, e[i].len), 0);
		put32(out, 0x04034b50u);
		put16(out, 20);
		put16(out, flags);
		put16(out, (unsigned)e[i].method);
		put16(out, 0x6000);
		put16(out, 0x58a1);
		put32(out, e[i].descriptor ? 0 : crc);
		put32(out, e[i].descriptor ? 0 : (uint32_t)data.size);
		put32(out, e[i].descriptor ? 0 : usize);
		put16(out, (unsigned)strlen(lname));
		put16(out, (unsigned)e[i].extra_len);
		assert_int_equal(tamga__buf_append(out, lname, strlen(lname)), 0);
		assert_int_equal(tamga__buf_append(out, e[i].extra, e[i].extra_len), 0);
		assert_int_equal(tamga__buf_append(out, data.ptr, data.size), 0);
		if (e[i].descriptor) {
			put32(out, 0x08074b50u);
			put32(out, crc);
			put32(out, (uint32_t)data.size);
			put32(out, usize);
		}
		for (k = 0; k < e[i].gap_after; k++)
			assert_int_equal(tamga__buf_append(out, "G", 1), 0);
		put32(&cd, 0x02014b50u);
		put16(&cd, 0x031e);
		put16(&cd, 20);
		put16(&cd, flags);
		put16(&cd, (unsigned)e[i].method);
		put16(&cd, 0x6000);
		put16(&cd, 0x58a1);
		put32(&cd, crc);
		put32(&cd, (uint32_t)data.size);
		put32(&cd, usize);
		put16(&cd, (unsigned)strlen(e[i].name));
		put16(&cd, (unsigned)e[i].extra_len);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, (uint32_t)off);
		assert_int_equal(tamga__buf_append(&cd, e[i].name, strlen(e[i].name)), 0);
		assert_int_equal(tamga__buf_append(&cd, e[i].extra, e[i].extra_len), 0);
	}
	cd_off = out->size - shift;
	assert_int_equal(tamga__buf_append(out, cd.ptr, cd.size), 0);
	put32(out, 0x06054b50u);
	put16(out, 0);
	put16(out, 0);
	put16(out, (unsigned)n);
	put16(out, (unsigned)n);
	put32(out, (uint32_t)cd.size);
	put32(out, (uint32_t)cd_off);
	put16(out, o->comment ? (unsigned)strlen(o->comment) : 0);
	if (o->comment)
		assert_int_equal(tamga__buf_append(out, o->comment, strlen(o->comment)), 0);
	for (k = 0; k < o->trailing; k++)
		assert_int_equal(tamga__buf_append(out, "T", 1), 0);
	tamga_buf_dispose(&cd);
	tamga_buf_dispose(&data);
}

static void seed(const char *name, const tamga_buf *zip)
{
	const char *dir = getenv("TAMGA_ZIP_SEEDS");
	char path[512];
	FILE *f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(zip->ptr, 1, zip->size, f), zip->size);
	fclose(f);
}

/* Open must fail with code, and the message must hold every fragment. */
static void refused(const char *seed_name, const struct raw_entry *e, size_t n, const struct raw_opts *o, int code,
                    const char *frag1, const char *frag2)
{
	tamga_buf b = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	int rc;

	build(&b, e, n, o);
	if (seed_name)
		seed(seed_name, &b);
	rc = tamga__zip_open(&zip, b.ptr, b.size);
	if (rc != code)
		fail_msg("%s: open gave %d (%s), expected %d", seed_name ? seed_name : "?", rc,
		         tamga_error_last()->message, code);
	assert_null(zip);
	if (frag1 && strstr(tamga_error_last()->message, frag1) == NULL)
		fail_msg("message '%s' lacks '%s'", tamga_error_last()->message, frag1);
	if (frag2 && strstr(tamga_error_last()->message, frag2) == NULL)
		fail_msg("message '%s' lacks '%s'", tamga_error_last()->message, frag2);
	tamga_buf_dispose(&b);
}

#define ENTRY(n, s, m) { .name = (n), .data = (s), .len = sizeof(s) - 1, .method = (m), .usize = -1 }

static const char XML[] = "<?xml version=\"1.0\"?><doc>hello hello hello hello hello hello</doc>";

/* ------------------------------------------------------------ reading */

static void test_read_stored_and_deflated(void **state)
{
	const struct raw_entry e[] = {
		ENTRY("mimetype", "application/vnd.oasis.opendocument.text", 0),
		ENTRY("content.xml", XML, 8),
		ENTRY("META-INF/", "", 0),
		ENTRY("empty.bin", "", 8),
	};
	struct raw_opts o = { .comment = "a comment" };
	tamga_buf b = TAMGA_BUF_INIT, r = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;

	(void)state;
	build(&b, e, 4, &o);
	seed("ok_odf.zip", &b);
	if (tamga__zip_open(&zip, b.ptr, b.size) != 0)
		fail_msg("open: %s", tamga_error_last()->message);
	assert_int_equal(tamga__zip_count(zip), 4);
	assert_string_equal(tamga__zip_name(zip, 0), "mimetype");
	assert_string_equal(tamga__zip_name(zip, 1), "content.xml");
	assert_string_equal(tamga__zip_name(zip, 2), "META-INF/");
	assert_int_equal(tamga__zip_method(zip, 0), 0);
	assert_int_equal(tamga__zip_method(zip, 1), 8);
	assert_int_equal(tamga__zip_size(zip, 1), sizeof(XML) - 1);
	assert_int_equal(tamga__zip_find(zip, "content.xml"), 1);
	assert_int_equal(tamga__zip_find(zip, "Content.xml"), -1);
	assert_int_equal(tamga__zip_find(zip, "nothing"), -1);
	assert_int_equal(tamga__zip_read(zip, 0, &r), 0);
	assert_string_equal((char *)r.ptr, "application/vnd.oasis.opendocument.text");
	r.size = 0;
	assert_int_equal(tamga__zip_read_name(zip, "content.xml", &r), 0);
	assert_int_equal(r.size, sizeof(XML) - 1);
	assert_memory_equal(r.ptr, XML, sizeof(XML) - 1);
	assert_int_equal(r.ptr[r.size], 0);
	/* Appends. */
	assert_int_equal(tamga__zip_read(zip, 3, &r), 0);
	assert_int_equal(r.size, sizeof(XML) - 1);
	assert_int_equal(tamga__zip_read_name(zip, "missing", &r), TAMGA_ENOTFOUND);
	assert_int_equal(tamga__zip_read(zip, 4, &r), TAMGA_EINVAL);
	assert_int_equal(r.size, sizeof(XML) - 1);
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&b);
}

static void test_read_data_descriptor(void **state)
{
	struct raw_entry e[] = { ENTRY("a.xml", XML, 8), ENTRY("b.txt", "bee", 0) };
	tamga_buf b = TAMGA_BUF_INIT, r = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;

	(void)state;
	e[0].descriptor = 1;
	build(&b, e, 2, NULL);
	seed("ok_descriptor.zip", &b);
	if (tamga__zip_open(&zip, b.ptr, b.size) != 0)
		fail_msg("open: %s", tamga_error_last()->message);
	assert_int_equal(tamga__zip_read(zip, 0, &r), 0);
	assert_memory_equal(r.ptr, XML, sizeof(XML) - 1);
	r.size = 0;
	assert_int_equal(tamga__zip_read(zip, 1, &r), 0);
	assert_string_equal((char *)r.ptr, "bee");
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&b);
}

static void test_empty_package(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;

	(void)state;
	build(&b, NULL, 0, NULL);
	assert_int_equal(b.size, 22);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_count(zip), 0);
	tamga__zip_close(zip);
	tamga_buf_dispose(&b);
	assert_int_equal(tamga__zip_open(&zip, (const unsigned char *)"PK\5\6", 4), TAMGA_EFORMAT);
	assert_int_equal(tamga__zip_open(&zip, (const unsigned char *)"", 0), TAMGA_EFORMAT);
}

/* ------------------------------------------------------------ refusals */

static void test_duplicate_names(void **state)
{
	const struct raw_entry dup[] = { ENTRY("word/document.xml", "<a/>", 0), ENTRY("word/document.xml", "<b/>", 0) };
	const struct raw_entry dupcase[] = { ENTRY("word/document.xml", "<a/>", 8),
		                             ENTRY("word/Document.XML", "<b/>", 8) };
	const struct raw_entry dirs[] = { ENTRY("Word/", "", 0), ENTRY("word/", "", 0) };

	(void)state;
	refused("bad_dup.zip", dup, 2, NULL, TAMGA_EFORMAT, "duplicate entry name", "\"word/document.xml\"");
	refused("bad_dupcase.zip", dupcase, 2, NULL, TAMGA_EFORMAT, "differ only in case", "\"word/Document.XML\"");
	refused(NULL, dirs, 2, NULL, TAMGA_EFORMAT, "differ only in case", NULL);
}

static void test_name_mismatch(void **state)
{
	struct raw_entry e[] = { ENTRY("a.xml", "<a/>", 0), ENTRY("b.xml", "<b/>", 0) };

	(void)state;
	e[1].local_name = "c.xml";
	refused("bad_lname.zip", e, 2, NULL, TAMGA_EFORMAT, "local/central name mismatch", "\"c.xml\"");
}

static void test_bad_names(void **state)
{
	static const char *names[] = { "../x", "a/../../x", "/abs", "a\\b", "a//b", "C:x", "./a", "" };
	static const char *why[] = { "\"..\"", "\"..\"", "absolute", "backslash", "empty path segment", "drive letter",
		                     "\".\"", "empty name" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct raw_entry e[] = { ENTRY("ok", "x", 0) };

		e[0].name = names[i];
		refused(i == 0 ? "bad_traversal.zip" : NULL, e, 1, NULL, TAMGA_EFORMAT, why[i], NULL);
	}
}

static void test_encrypted_and_methods(void **state)
{
	struct raw_entry enc[] = { ENTRY("a", "xxxxxxxxxxxxxxxx", 0) };
	struct raw_entry lzma[] = { ENTRY("a", "xxxx", 14) };
	struct raw_entry stored_mismatch[] = { ENTRY("a", "xxxx", 0) };

	(void)state;
	enc[0].flags = 1;
	refused("bad_encrypted.zip", enc, 1, NULL, TAMGA_EUNSUPPORTED, "encrypted", "\"a\"");
	refused("bad_method.zip", lzma, 1, NULL, TAMGA_EUNSUPPORTED, "compression method 14", NULL);
	stored_mismatch[0].usize = 9;
	refused(NULL, stored_mismatch, 1, NULL, TAMGA_EFORMAT, "stored with 4 bytes but 9 declared", NULL);
}

static void test_limits(void **state)
{
	size_t big = (size_t)10 << 20, i, n = TAMGA__ZIP_MAX_ENTRIES + 1;
	unsigned char *zeros = calloc(1, big);
	struct raw_entry bomb[] = { { .name = "bomb.xml", .data = zeros, .len = big, .method = 8, .usize = -1 } };
	struct raw_entry *many = calloc(n, sizeof(*many));
	char (*names)[16] = calloc(n, 16);
	struct raw_entry huge[] = { ENTRY("huge", "x", 0) };

	(void)state;
	assert_non_null(zeros);
	assert_non_null(many);
	assert_non_null(names);
	/* 10 MiB of zeros deflate to about 10 KB: a ratio near 1000:1. */
	refused("bad_bomb.zip", bomb, 1, NULL, TAMGA_ELIMIT, "compression ratio above 500:1", "\"bomb.xml\"");
	for (i = 0; i < n; i++) {
		snprintf(names[i], 16, "e%05zu", i);
		many[i].name = names[i];
		many[i].data = "";
		many[i].usize = -1;
	}
	refused(NULL, many, n, NULL, TAMGA_ELIMIT, "10001 entries", NULL);
	/* Declared size over the per-entry limit (stored: csize = usize). */
	huge[0].usize = (int64_t)TAMGA__ZIP_MAX_ENTRY + 1;
	refused(NULL, huge, 1, NULL, TAMGA_EFORMAT, "stored with", NULL);
	huge[0].method = 8;
	refused(NULL, huge, 1, NULL, TAMGA_ELIMIT, "more than the limit", NULL);
	/* Just under the limit: the full set of 10000 opens. */
	{
		tamga_buf b = TAMGA_BUF_INIT;
		struct tamga__zip *zip = NULL;

		build(&b, many, n - 1, NULL);
		assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
		assert_int_equal(tamga__zip_count(zip), n - 1);
		assert_int_equal(tamga__zip_find(zip, "e09999"), 9999);
		assert_int_equal(tamga__zip_find(zip, "e05000"), 5000);
		tamga__zip_close(zip);
		tamga_buf_dispose(&b);
	}
	free(names);
	free(many);
	free(zeros);
}

static void test_crc_and_size_mismatch(void **state)
{
	struct raw_entry crc[] = { ENTRY("a.xml", XML, 8), ENTRY("b", "bee", 0) };
	struct raw_entry size[] = { ENTRY("a.xml", XML, 8) };
	struct raw_entry longer[] = { ENTRY("a.xml", XML, 8) };
	tamga_buf b = TAMGA_BUF_INIT, r = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;

	(void)state;
	crc[0].crc_xor = 1;
	crc[1].crc_xor = 0x80000000u;
	build(&b, crc, 2, NULL);
	seed("bad_crc.zip", &b);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__buf_append(&r, "keep", 4), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "CRC-32 mismatch"));
	assert_string_equal((char *)r.ptr, "keep");
	assert_int_equal(tamga__zip_read(zip, 1, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "CRC-32 mismatch"));
	assert_string_equal((char *)r.ptr, "keep");
	tamga__zip_close(zip);
	b.size = 0;
	/* Declared shorter than the stream: never more than declared is written. */
	size[0].usize = 10;
	build(&b, size, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "more than the 10 bytes declared"));
	tamga__zip_close(zip);
	b.size = 0;
	longer[0].usize = sizeof(XML) + 5;
	build(&b, longer, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "inflates to"));
	assert_string_equal((char *)r.ptr, "keep");
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&b);
}

static void test_layout(void **state)
{
	struct raw_entry e[] = { ENTRY("a.xml", XML, 8), ENTRY("b.xml", "<b/>", 0) };
	struct raw_opts prefix = { .prefix = 7, .shift_offsets = 1 };
	struct raw_opts prefix_unshifted = { .prefix = 7 };
	struct raw_opts trailing = { .trailing = 3, .comment = "c" };
	struct raw_opts second = { .comment = "xxPK\5\6xx" };

	(void)state;
	refused("bad_prefix.zip", e, 2, &prefix, TAMGA_EFORMAT, "7 bytes before the first entry", "\"a.xml\"");
	refused(NULL, e, 2, &prefix_unshifted, TAMGA_EFORMAT, NULL, NULL);
	refused("bad_trailing.zip", e, 2, &trailing, TAMGA_EFORMAT, "bytes after the end of the central directory",
	        NULL);
	refused(NULL, e, 2, &second, TAMGA_EFORMAT, "second end of central directory", NULL);
	e[0].gap_after = 5;
	refused("bad_gap.zip", e, 2, NULL, TAMGA_EFORMAT, "bytes between entries", "\"b.xml\"");
	e[0].gap_after = 0;
	e[1].gap_after = 5;
	refused(NULL, e, 2, NULL, TAMGA_EFORMAT, "5 bytes between the last entry and the central directory", NULL);
}

/* Open the package patched at off with the 32-bit value v (or 16-bit when
 * wide is 0) and expect code with frag in the message. */
static void patched(const tamga_buf *b, size_t off, uint32_t v, int wide, int code, const char *frag)
{
	tamga_buf c = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	int rc;

	assert_int_equal(tamga__buf_append(&c, b->ptr, b->size), 0);
	c.ptr[off] = (unsigned char)v;
	c.ptr[off + 1] = (unsigned char)(v >> 8);
	if (wide) {
		c.ptr[off + 2] = (unsigned char)(v >> 16);
		c.ptr[off + 3] = (unsigned char)(v >> 24);
	}
	rc = tamga__zip_open(&zip, c.ptr, c.size);
	if (rc != code || strstr(tamga_error_last()->message, frag) == NULL)
		fail_msg("patch at %zu: %d '%s', expected %d '%s'", off, rc, tamga_error_last()->message, code, frag);
	tamga__zip_close(zip);
	tamga_buf_dispose(&c);
}

static void test_zip64_disks_descriptors(void **state)
{
	struct raw_entry e[] = { ENTRY("a.xml", XML, 8), ENTRY("b.xml", "<b/>", 0) };
	tamga_buf b = TAMGA_BUF_INIT;
	size_t eocd, cd, desc;

	(void)state;
	e[0].descriptor = 1;
	build(&b, e, 2, NULL);
	eocd = b.size - 22;
	cd = get32(b.ptr + eocd + 16);
	/* ZIP64 markers in the end record and in an entry. */
	patched(&b, eocd + 10, 0xffff, 0, TAMGA_EUNSUPPORTED, "ZIP64");
	patched(&b, eocd + 16, 0xffffffffu, 1, TAMGA_EUNSUPPORTED, "ZIP64");
	patched(&b, cd + 24, 0xffffffffu, 1, TAMGA_EUNSUPPORTED, "ZIP64 entries are not supported");
	/* Multi-disk. */
	patched(&b, eocd + 4, 1, 0, TAMGA_EFORMAT, "multi-disk");
	patched(&b, eocd + 8, 1, 0, TAMGA_EFORMAT, "multi-disk");
	patched(&b, cd + 34, 1, 0, TAMGA_EFORMAT, "on another disk");
	/* Count and sizes that disagree with the directory. */
	patched(&b, eocd + 8, 1, 0, TAMGA_EFORMAT, "");
	patched(&b, eocd + 10, 3, 0, TAMGA_EFORMAT, "");
	patched(&b, eocd + 12, (uint32_t)(eocd - cd - 1), 1, TAMGA_EFORMAT, "does not end where");
	/* Local header flags differ from the central directory's. */
	patched(&b, 6, 8 | 2, 0, TAMGA_EFORMAT, "flags/method");
	/* The descriptor (after a.xml's data) disagrees. */
	desc = get32(b.ptr + get32(b.ptr + cd + 46 + 5 + 42) - 16);
	assert_int_equal(desc, 0x08074b50u);
	patched(&b, get32(b.ptr + cd + 46 + 5 + 42) - 12, 0x12345678u, 1, TAMGA_EFORMAT, "data descriptor");
	tamga_buf_dispose(&b);
}

static void test_deflate_stream_bounds(void **state)
{
	tamga_buf z = TAMGA_BUF_INIT, b = TAMGA_BUF_INIT, r = TAMGA_BUF_INIT;
	struct raw_entry e[] = { ENTRY("a.xml", "", 8) };
	struct tamga__zip *zip = NULL;

	(void)state;
	/* A valid stream followed by 3 bytes inside the declared compressed
	 * size: a reader stopping at the stream's end and one using the size
	 * would disagree on where the entry ends. */
	deflate_raw(&z, XML, sizeof(XML) - 1);
	assert_int_equal(tamga__buf_append(&z, "xyz", 3), 0);
	e[0].data = z.ptr;
	e[0].len = z.size;
	e[0].raw = 1;
	e[0].usize = sizeof(XML) - 1;
	e[0].crc_xor = (uint32_t)crc32(0, z.ptr, (uInt)z.size) ^ (uint32_t)crc32(0, (const unsigned char *)XML,
	                                                                          (uInt)(sizeof(XML) - 1));
	build(&b, e, 1, NULL);
	seed("bad_stream_tail.zip", &b);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "ends 3 bytes before"));
	tamga__zip_close(zip);
	/* The same without the tail reads (so the CRC trick above is right). */
	b.size = 0;
	e[0].len = z.size - 3;
	e[0].crc_xor = (uint32_t)crc32(0, z.ptr, (uInt)(z.size - 3)) ^ (uint32_t)crc32(0, (const unsigned char *)XML,
	                                                                              (uInt)(sizeof(XML) - 1));
	build(&b, e, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), 0);
	assert_memory_equal(r.ptr, XML, sizeof(XML) - 1);
	tamga__zip_close(zip);
	/* Garbage instead of deflate data; a stream cut short. */
	b.size = 0;
	e[0].data = "\xff\xff\xff\xff";
	e[0].len = 4;
	build(&b, e, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	r.size = 0;
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "corrupt deflate data"));
	tamga__zip_close(zip);
	b.size = 0;
	e[0].data = z.ptr;
	e[0].len = z.size - 3 - 4;
	build(&b, e, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	assert_int_equal(tamga__zip_read(zip, 0, &r), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "truncated"));
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&b);
	tamga_buf_dispose(&z);
}

static void test_overlap(void **state)
{
	/* Central entry 2 points back at entry 1's local header: two names,
	 * one set of bytes. */
	const struct raw_entry e[] = { ENTRY("a.xml", "<a/>", 0), ENTRY("b.xml", "<a/>", 0) };
	tamga_buf b = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	size_t cd;

	(void)state;
	build(&b, e, 2, NULL);
	cd = get32(b.ptr + b.size - 22 + 16);
	/* second central entry starts after the first (46 + 5 bytes) */
	assert_int_equal(get32(b.ptr + cd), 0x02014b50u);
	b.ptr[cd + 51 + 42] = 0;
	b.ptr[cd + 51 + 43] = 0;
	seed("bad_overlap.zip", &b);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "overlap"));
	tamga_buf_dispose(&b);
}

static void test_extra_fields(void **state)
{
	/* Info-ZIP Unicode Path naming another entry: readers that prefer it
	 * would see "evil.xml". */
	static const unsigned char upath[] = { 0x75, 0x70, 13, 0, 1, 0, 0, 0, 0, 'e', 'v', 'i', 'l', '.', 'x', 'm', 'l' };
	static const unsigned char upath_ok[] = { 0x75, 0x70, 10, 0, 1, 0, 0, 0, 0, 'a', '.', 'x', 'm', 'l' };
	/* ZIP64 field repeating the sizes (4 and 4): tolerated.  Saying 5: refused. */
	static const unsigned char z64_ok[] = { 1, 0, 16, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char z64_bad[] = { 1, 0, 16, 0, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0 };
	struct raw_entry e[] = { ENTRY("a.xml", "<a/>", 0) };
	tamga_buf b = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;

	(void)state;
	e[0].extra = upath;
	e[0].extra_len = sizeof(upath);
	refused("bad_upath.zip", e, 1, NULL, TAMGA_EFORMAT, "Unicode Path", NULL);
	e[0].extra = z64_bad;
	e[0].extra_len = sizeof(z64_bad);
	refused(NULL, e, 1, NULL, TAMGA_EFORMAT, "ZIP64 extra field", NULL);
	e[0].extra = upath_ok;
	e[0].extra_len = sizeof(upath_ok);
	build(&b, e, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	tamga__zip_close(zip);
	b.size = 0;
	e[0].extra = z64_ok;
	e[0].extra_len = sizeof(z64_ok);
	build(&b, e, 1, NULL);
	assert_int_equal(tamga__zip_open(&zip, b.ptr, b.size), 0);
	tamga__zip_close(zip);
	tamga_buf_dispose(&b);
}

static void test_truncations_never_crash(void **state)
{
	struct raw_entry e[] = { ENTRY("mimetype", "application/x", 0), ENTRY("a.xml", XML, 8) };
	tamga_buf b = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	size_t cut, i;

	(void)state;
	e[1].descriptor = 1;
	build(&b, e, 2, NULL);
	for (cut = 0; cut < b.size; cut++) {
		/* An exact-size copy, so reads past the end are caught by ASan. */
		unsigned char *p = malloc(cut ? cut : 1);

		memcpy(p, b.ptr, cut);
		assert_int_not_equal(tamga__zip_open(&zip, p, cut), 0);
		free(p);
	}
	/* Every single-byte change either is refused or reads back. */
	for (i = 0; i < b.size; i++) {
		b.ptr[i] ^= 0x41;
		if (tamga__zip_open(&zip, b.ptr, b.size) == 0) {
			tamga_buf r = TAMGA_BUF_INIT;
			size_t k;

			for (k = 0; k < tamga__zip_count(zip); k++)
				(void)tamga__zip_read(zip, k, &r);
			tamga_buf_dispose(&r);
			tamga__zip_close(zip);
		}
		b.ptr[i] ^= 0x41;
	}
	tamga_buf_dispose(&b);
}

/* ------------------------------------------------------------ editing */

/* This file's own reading of a package: per entry, the name, the local
 * bytes [offset, next offset) and the central entry. */
struct walked {
	size_t n;
	char name[16][64];
	size_t local_off[16], local_len[16], central_off[16], central_len[16];
	unsigned method[16];
	uint16_t dos_time[16], dos_date[16];
	size_t comment_off, comment_len;
};

static void walk(const tamga_buf *b, struct walked *w)
{
	const unsigned char *eocd = b->ptr + b->size, *p;
	size_t i, cd;

	/* Packages here end with a comment of at most 64 bytes. */
	for (i = 22; i < 22 + 64 && get32(b->ptr + b->size - i) != 0x06054b50u; i++)
		;
	eocd = b->ptr + b->size - i;
	assert_int_equal(get32(eocd), 0x06054b50u);
	w->n = get16(eocd + 10);
	assert_true(w->n <= 16);
	cd = get32(eocd + 16);
	w->comment_off = (size_t)(eocd - b->ptr) + 22;
	w->comment_len = get16(eocd + 20);
	p = b->ptr + cd;
	for (i = 0; i < w->n; i++) {
		size_t nl = get16(p + 28);

		assert_int_equal(get32(p), 0x02014b50u);
		assert_true(nl < 64);
		memcpy(w->name[i], p + 46, nl);
		w->name[i][nl] = '\0';
		w->method[i] = get16(p + 10);
		w->dos_time[i] = get16(p + 12);
		w->dos_date[i] = get16(p + 14);
		w->local_off[i] = get32(p + 42);
		w->central_off[i] = (size_t)(p - b->ptr);
		w->central_len[i] = 46 + nl + get16(p + 30) + get16(p + 32);
		if (i > 0)
			w->local_len[i - 1] = w->local_off[i] - w->local_off[i - 1];
		p += w->central_len[i];
	}
	if (w->n > 0)
		w->local_len[w->n - 1] = cd - w->local_off[w->n - 1];
}

static void same_entry(const tamga_buf *a, const struct walked *wa, size_t ia, const tamga_buf *b,
                       const struct walked *wb, size_t ib)
{
	unsigned char ca[256], cb[256];

	assert_string_equal(wa->name[ia], wb->name[ib]);
	assert_int_equal(wa->local_len[ia], wb->local_len[ib]);
	assert_memory_equal(a->ptr + wa->local_off[ia], b->ptr + wb->local_off[ib], wa->local_len[ia]);
	/* Central entries: equal but for the offset (bytes 42..45). */
	assert_int_equal(wa->central_len[ia], wb->central_len[ib]);
	assert_true(wa->central_len[ia] <= sizeof(ca));
	memcpy(ca, a->ptr + wa->central_off[ia], wa->central_len[ia]);
	memcpy(cb, b->ptr + wb->central_off[ib], wb->central_len[ib]);
	memset(ca + 42, 0, 4);
	memset(cb + 42, 0, 4);
	assert_memory_equal(ca, cb, wa->central_len[ia]);
}

static void read_back(const tamga_buf *pkg, const char *name, const char *want, size_t want_len)
{
	struct tamga__zip *zip = NULL;
	tamga_buf r = TAMGA_BUF_INIT;

	if (tamga__zip_open(&zip, pkg->ptr, pkg->size) != 0)
		fail_msg("re-open: %s", tamga_error_last()->message);
	if (tamga__zip_read_name(zip, name, &r) != 0)
		fail_msg("read %s: %s", name, tamga_error_last()->message);
	assert_int_equal(r.size, want_len);
	assert_memory_equal(r.ptr, want, want_len);
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
}

static void test_edit(void **state)
{
	static const unsigned char ut[] = { 0x55, 0x54, 5, 0, 1, 0x10, 0x20, 0x30, 0x40 };
	struct raw_entry e[] = {
		ENTRY("mimetype", "application/vnd.oasis.opendocument.text", 0),
		ENTRY("content.xml", XML, 8),
		ENTRY("styles.xml", "<styles/>", 8),
		ENTRY("META-INF/manifest.xml", "<manifest/>", 8),
		ENTRY("Pictures/x.png", "PNG....", 0),
	};
	struct raw_opts o = { .comment = "kept comment" };
	tamga_buf in = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	struct tamga__zip_edit *edit = NULL;
	struct walked wi, wo;
	tamga_time t;

	(void)state;
	e[1].descriptor = 1;
	e[1].extra = ut;
	e[1].extra_len = sizeof(ut);
	e[3].descriptor = 1;
	build(&in, e, 5, &o);
	seed("ok_edit_input.zip", &in);
	if (tamga__zip_open(&zip, in.ptr, in.size) != 0)
		fail_msg("open: %s", tamga_error_last()->message);
	assert_int_equal(tamga_time_parse(&t, "2024-05-01T12:34:56Z"), 0);
	assert_int_equal(tamga__zip_edit_new(&edit, zip, t), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "styles.xml", "<styles new=\"1\"/>", 17, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "META-INF/documentsignatures.xml", XML, sizeof(XML) - 1, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "z-stored.txt", "stored", 6, TAMGA__ZIP_STORE), 0);
	assert_int_equal(tamga__zip_edit_remove(edit, "Pictures/x.png"), 0);
	assert_int_equal(tamga__zip_edit_remove(edit, "Pictures/x.png"), TAMGA_ENOTFOUND);
	assert_int_equal(tamga__zip_edit_remove(edit, "nothing"), TAMGA_ENOTFOUND);
	/* Names the reader would refuse. */
	assert_int_equal(tamga__zip_edit_put(edit, "../evil", "x", 1, 0), TAMGA_EINVAL);
	assert_int_equal(tamga__zip_edit_put(edit, "/evil", "x", 1, 0), TAMGA_EINVAL);
	assert_int_equal(tamga__zip_edit_put(edit, "a\\b", "x", 1, 0), TAMGA_EINVAL);
	assert_int_equal(tamga__zip_edit_put(edit, "Content.XML", "x", 1, 0), TAMGA_EINVAL);
	assert_non_null(strstr(tamga_error_last()->message, "differs only in case"));
	assert_int_equal(tamga__zip_edit_put(edit, "meta-inf/DocumentSignatures.xml", "x", 1, 0), TAMGA_EINVAL);
	/* A removed name is free again, also in another case. */
	assert_int_equal(tamga__zip_edit_put(edit, "pictures/X.png", "x", 1, 0), 0);
	assert_int_equal(tamga__zip_edit_remove(edit, "pictures/X.png"), 0);
	assert_int_equal(tamga__buf_append(&out, "prefix-kept", 11), 0);
	if (tamga__zip_edit_finish(edit, &out) != 0)
		fail_msg("finish: %s", tamga_error_last()->message);
	/* finish appends: the package is what follows "prefix-kept". */
	assert_memory_equal(out.ptr, "prefix-kept", 11);
	memmove(out.ptr, out.ptr + 11, out.size - 11);
	out.size -= 11;
	seed("ok_edit_output.zip", &out);

	walk(&in, &wi);
	walk(&out, &wo);
	assert_int_equal(wo.n, 6);
	/* Order: kept, replaced in place, kept, then the added ones. */
	same_entry(&in, &wi, 0, &out, &wo, 0);
	same_entry(&in, &wi, 1, &out, &wo, 1);
	assert_string_equal(wo.name[2], "styles.xml");
	same_entry(&in, &wi, 3, &out, &wo, 3);
	assert_string_equal(wo.name[4], "META-INF/documentsignatures.xml");
	assert_string_equal(wo.name[5], "z-stored.txt");
	assert_int_equal(wo.local_off[0], 0);
	assert_int_equal(wo.method[0], 0);
	assert_int_equal(wo.method[4], 8);
	assert_int_equal(wo.method[5], 0);
	/* 2024-05-01 12:34:56 in MS-DOS form (APPNOTE §4.4.6). */
	assert_int_equal(wo.dos_date[4], (2024 - 1980) << 9 | 5 << 5 | 1);
	assert_int_equal(wo.dos_time[4], 12 << 11 | 34 << 5 | 56 / 2);
	/* New local headers have no extra field, no data descriptor. */
	assert_int_equal(get16(out.ptr + wo.local_off[4] + 28), 0);
	assert_int_equal(get16(out.ptr + wo.local_off[4] + 6) & 8, 0);
	assert_int_equal(wo.comment_len, strlen("kept comment"));
	assert_memory_equal(out.ptr + wo.comment_off, "kept comment", wo.comment_len);

	read_back(&out, "styles.xml", "<styles new=\"1\"/>", 17);
	read_back(&out, "content.xml", XML, sizeof(XML) - 1);
	read_back(&out, "META-INF/documentsignatures.xml", XML, sizeof(XML) - 1);
	read_back(&out, "z-stored.txt", "stored", 6);
	{
		struct tamga__zip *z2 = NULL;

		assert_int_equal(tamga__zip_open(&z2, out.ptr, out.size), 0);
		assert_int_equal(tamga__zip_find(z2, "Pictures/x.png"), -1);
		assert_int_equal(tamga__zip_count(z2), 6);
		tamga__zip_close(z2);
	}
	tamga__zip_edit_free(edit);
	tamga__zip_close(zip);
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&in);
}

static void test_edit_mimetype_and_empty(void **state)
{
	const struct raw_entry e[] = {
		ENTRY("mimetype", "application/vnd.oasis.opendocument.text", 0),
		ENTRY("content.xml", XML, 8),
	};
	static const char mt[] = "application/vnd.oasis.opendocument.spreadsheet";
	tamga_buf in = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL;
	struct tamga__zip_edit *edit = NULL;
	struct walked wo;

	(void)state;
	build(&in, e, 2, NULL);
	assert_int_equal(tamga__zip_open(&zip, in.ptr, in.size), 0);
	assert_int_equal(tamga__zip_edit_new(&edit, zip, 0), 0);
	/* Asked to deflate, "mimetype" is still stored, and stays first. */
	assert_int_equal(tamga__zip_edit_put(edit, "mimetype", mt, sizeof(mt) - 1, 0), 0);
	assert_int_equal(tamga__zip_edit_finish(edit, &out), 0);
	walk(&out, &wo);
	assert_string_equal(wo.name[0], "mimetype");
	assert_int_equal(wo.local_off[0], 0);
	assert_int_equal(wo.method[0], 0);
	/* ODF 1.2 Part 3 §3.3: the media type is readable at offset 38. */
	assert_memory_equal(out.ptr + 38, mt, sizeof(mt) - 1);
	/* mtime 0: 1980-01-01 00:00. */
	assert_int_equal(wo.dos_date[0], 1 << 5 | 1);
	assert_int_equal(wo.dos_time[0], 0);
	read_back(&out, "mimetype", mt, sizeof(mt) - 1);
	tamga__zip_edit_free(edit);
	/* Remove everything: an empty package, still a package. */
	out.size = 0;
	assert_int_equal(tamga__zip_edit_new(&edit, zip, 0), 0);
	assert_int_equal(tamga__zip_edit_remove(edit, "mimetype"), 0);
	assert_int_equal(tamga__zip_edit_remove(edit, "content.xml"), 0);
	assert_int_equal(tamga__zip_edit_finish(edit, &out), 0);
	assert_int_equal(out.size, 22);
	{
		struct tamga__zip *z2 = NULL;

		assert_int_equal(tamga__zip_open(&z2, out.ptr, out.size), 0);
		assert_int_equal(tamga__zip_count(z2), 0);
		tamga__zip_close(z2);
	}
	tamga__zip_edit_free(edit);
	tamga__zip_close(zip);
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&in);
}

static void test_edit_big_and_repeat(void **state)
{
	size_t big = (size_t)3 << 20;
	unsigned char *zeros = calloc(1, big);
	tamga_buf in = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT, r = TAMGA_BUF_INIT;
	struct tamga__zip *zip = NULL, *z2 = NULL;
	struct tamga__zip_edit *edit = NULL;

	(void)state;
	assert_non_null(zeros);
	build(&in, NULL, 0, NULL);
	assert_int_equal(tamga__zip_open(&zip, in.ptr, in.size), 0);
	assert_int_equal(tamga__zip_edit_new(&edit, zip, 1700000000), 0);
	/* 3 MiB of zeros would deflate beyond the reader's ratio limit: the
	 * result must still open. */
	assert_int_equal(tamga__zip_edit_put(edit, "zeros.bin", zeros, big, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "a.txt", "first", 5, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "a.txt", "second", 6, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "dir/", "", 0, 0), 0);
	assert_int_equal(tamga__zip_edit_put(edit, "dir2/", "x", 1, 0), TAMGA_EINVAL);
	assert_int_equal(tamga__zip_edit_put(edit, "toobig", zeros, TAMGA__ZIP_MAX_ENTRY + 1, 0), TAMGA_ELIMIT);
	assert_int_equal(tamga__zip_edit_finish(edit, &out), 0);
	if (tamga__zip_open(&z2, out.ptr, out.size) != 0)
		fail_msg("re-open: %s", tamga_error_last()->message);
	assert_int_equal(tamga__zip_count(z2), 3);
	assert_string_equal(tamga__zip_name(z2, 1), "a.txt");
	assert_int_equal(tamga__zip_read(z2, 0, &r), 0);
	assert_int_equal(r.size, big);
	assert_memory_equal(r.ptr, zeros, big);
	r.size = 0;
	assert_int_equal(tamga__zip_read(z2, 1, &r), 0);
	assert_string_equal((char *)r.ptr, "second");
	tamga__zip_close(z2);
	tamga__zip_edit_free(edit);
	tamga__zip_close(zip);
	tamga_buf_dispose(&r);
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&in);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_stored_and_deflated),
		cmocka_unit_test(test_read_data_descriptor),
		cmocka_unit_test(test_empty_package),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_encrypted_and_methods),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_crc_and_size_mismatch),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_zip64_disks_descriptors),
		cmocka_unit_test(test_deflate_stream_bounds),
		cmocka_unit_test(test_extra_fields),
		cmocka_unit_test(test_truncations_never_crash),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_edit_mimetype_and_empty),
		cmocka_unit_test(test_edit_big_and_repeat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
