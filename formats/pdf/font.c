/*
 * formats/pdf/font.c - text shaped with HarfBuzz in an embedded TrueType
 * subset (ISO 32000-1 §9.7.4 CIDFonts, §9.7.6 Type 0 fonts, §9.8 font
 * descriptors, §9.9 FontFile2, §9.10.3 ToUnicode).
 *
 *     Type0 /Encoding /Identity-H  /ToUnicode --> CMap: glyph id -> text
 *       /DescendantFonts [ CIDFontType2 /CIDToGIDMap /Identity  /W [...]
 *                            /FontDescriptor --> /FontFile2 --> subset
 *                                                (glyph ids kept) ]
 *
 * Content streams show 2-byte codes; with Identity-H and an identity
 * CIDToGIDMap a code is the CID is the glyph id, so shaping's output goes
 * straight into the stream, ligatures and all.  The subset keeps every
 * glyph at its original index (HB_SUBSET_FLAGS_RETAIN_GIDS), which is what
 * makes that identity hold; unused glyphs become empty outlines.
 *
 * ToUnicode maps each glyph to the text of the cluster it was first shown
 * for (a ligature to all its letters; further glyphs of a many-glyph
 * cluster to nothing).  A CMap cannot map one glyph two ways, so the first
 * mapping wins.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/pdf/content.h"
#include "formats/pdf/font.h"

/* UTF-16 code units of one ToUnicode mapping (a longer cluster is cut). */
#define MAP_UNITS_MAX 64
/* Entries per beginbfchar block (§9.10.3 and the CMap spec: at most 100). */
#define BFCHAR_BLOCK 100

/* The first fields are the font file's, shared through the cache below
 * (read only, references counted by HarfBuzz); the rest is this document's. */
struct tamga__pdf_font {
	hb_face_t *face;
	hb_font_t *font;
	hb_face_t *subset_face; /* face, or its hb_subset_preprocess() copy */
	unsigned int upem, glyph_count;
	char name[64];          /* PostScript name, PDF-name safe */
	double ascent, descent, cap_height; /* font units */
	double bbox[4];         /* head xMin yMin xMax yMax, font units */
	double italic_angle, weight;
	/* This document's: */
	unsigned char *used;    /* per glyph: shown */
	char **text;            /* per glyph: UTF-8 text for ToUnicode, or NULL */
	hb_set_t *unicodes;     /* code points shown */
	int emitted;
};

/* ------------------------------------------------------------------ text */

/* Decode one UTF-8 sequence strictly (no overlongs, surrogates or values
 * above U+10FFFF); bytes used, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, size_t left, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (left == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		n = 2;
		c = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3;
		c = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Text must be UTF-8 without control characters, at most TEXT_MAX bytes. */
static int check_text(const char *utf8, size_t *len_out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t len, i, n;
	uint32_t cp;

	if (utf8 == NULL)
		return tamga__error_set(TAMGA_EINVAL, "text: none given");
	if ((len = strnlen(utf8, TAMGA__PDF_TEXT_MAX + 1)) > TAMGA__PDF_TEXT_MAX)
		return tamga__error_set(TAMGA_EINVAL, "text: longer than %d bytes", TAMGA__PDF_TEXT_MAX);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return tamga__error_set(TAMGA_EINVAL, "text: not UTF-8 at byte %zu", i);
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return tamga__error_set(TAMGA_EINVAL, "text: control character U+%04X at byte %zu",
			                        (unsigned)cp, i);
	}
	*len_out = len;
	return 0;
}

/* Shape utf8 (already checked, len bytes); every glyph must exist. */
static int shape(struct tamga__pdf_font *f, const char *utf8, size_t len, hb_buffer_t **out)
{
	hb_buffer_t *buf = hb_buffer_create();
	hb_glyph_info_t *info;
	unsigned int i, n;
	int error = 0;

	*out = NULL;
	if (!hb_buffer_allocation_successful(buf)) {
		error = tamga__error_oom();
		goto done;
	}
	hb_buffer_add_utf8(buf, utf8, (int)len, 0, (int)len);
	hb_buffer_guess_segment_properties(buf);
	hb_shape(f->font, buf, NULL, 0);
	if (!hb_buffer_allocation_successful(buf)) {
		error = tamga__error_oom();
		goto done;
	}
	info = hb_buffer_get_glyph_infos(buf, &n);
	for (i = 0; i < n; i++) {
		if (info[i].codepoint == 0 || info[i].codepoint >= f->glyph_count) {
			uint32_t cp = 0;

			if (info[i].cluster < len)
				utf8_decode((const unsigned char *)utf8 + info[i].cluster, len - info[i].cluster, &cp);
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "text: the font %s has no glyph for U+%04X",
			                         f->name, (unsigned)cp);
			goto done;
		}
	}
	*out = buf;
	buf = NULL;
done:
	hb_buffer_destroy(buf);
	return error;
}

/* Advance of a glyph in thousandths of an em, as written in /W (rounded to
 * 3 decimals so TJ adjustments are computed from the same number). */
static double glyph_w(const struct tamga__pdf_font *f, unsigned int gid)
{
	double w = hb_font_get_glyph_h_advance(f->font, gid) * 1000.0 / f->upem;

	return round(w * 1000.0) / 1000.0;
}

/* ------------------------------------------------------------------ open */

static int read_u16(const unsigned char *p)
{
	return (int)(p[0] << 8 | p[1]);
}

static int read_s16(const unsigned char *p)
{
	int v = read_u16(p);

	return v >= 0x8000 ? v - 0x10000 : v;
}

/* The PostScript name (name ID 6), reduced to characters safe in a PDF
 * name and a subset tag's "ABCDEF+" prefix. */
static void font_name(struct tamga__pdf_font *f)
{
	char raw[64];
	unsigned int size = sizeof(raw);
	size_t i, n = 0;

	raw[0] = '\0';
	hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &size, raw);
	for (i = 0; raw[i] != '\0' && n + 1 < sizeof(f->name); i++) {
		char c = raw[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
			f->name[n++] = c;
	}
	if (n == 0)
		n = (size_t)snprintf(f->name, sizeof(f->name), "Font");
	f->name[n] = '\0';
}

/* Drop f's references to the shared part. */
static void release_face(struct tamga__pdf_font *f)
{
	hb_face_destroy(f->subset_face);
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	f->subset_face = NULL;
	f->font = NULL;
	f->face = NULL;
}

/* Parse a font file into f's shared part (face, font, subset_face and
 * the metrics); the per-document part stays empty.  The blob owns the
 * file's bytes and frees them with the face. */
static int load_face(struct tamga__pdf_font *f, const char *path)
{
	tamga_buf file = TAMGA_BUF_INIT;
	unsigned char *data;
	hb_blob_t *blob = NULL, *table = NULL;
	const unsigned char *head;
	unsigned int head_len = 0;
	hb_position_t pos;
	int error = 0;

	if ((error = tamga__file_read(&file, path, TAMGA__PDF_FONT_FILE_MAX)) < 0) {
		tamga__error_prefix("font");
		goto done;
	}
	/* The blob owns the bytes from here, and frees them even when it
	 * cannot be made. */
	data = file.ptr;
	file.ptr = NULL;
	if ((blob = hb_blob_create_or_fail((const char *)data, (unsigned int)file.size, HB_MEMORY_MODE_READONLY, data,
	                                   free)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (hb_face_count(blob) == 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "font %s: not a TrueType or OpenType font", path);
		goto done;
	}
	f->face = hb_face_create(blob, 0);
	f->upem = hb_face_get_upem(f->face);
	f->glyph_count = hb_face_get_glyph_count(f->face);
	if (f->glyph_count < 2 || f->glyph_count > 65535 || f->upem < 16 || f->upem > 16384) {
		error = tamga__error_set(TAMGA_EFORMAT, "font %s: no usable glyphs or units per em", path);
		goto done;
	}
	/* FontFile2 holds TrueType outlines only (§9.9). */
	table = hb_face_reference_table(f->face, HB_TAG('g', 'l', 'y', 'f'));
	if (hb_blob_get_length(table) == 0) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "font %s: no TrueType outlines (glyf table)", path);
		goto done;
	}
	hb_blob_destroy(table);
	table = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
	head = (const unsigned char *)hb_blob_get_data(table, &head_len);
	if (head == NULL || head_len < 54 || read_u16(head + 12) != 0x5F0F || read_u16(head + 14) != 0x3CF5) {
		error = tamga__error_set(TAMGA_EFORMAT, "font %s: bad head table", path);
		goto done;
	}
	f->bbox[0] = read_s16(head + 36);
	f->bbox[1] = read_s16(head + 38);
	f->bbox[2] = read_s16(head + 40);
	f->bbox[3] = read_s16(head + 42);

	f->font = hb_font_create(f->face);
	font_name(f);
	f->ascent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &pos) ? pos
	                                                                                             : f->bbox[3];
	f->descent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &pos) ? pos
	                                                                                               : f->bbox[1];
	hb_ot_metrics_get_position_with_fallback(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &pos);
	f->cap_height = pos;
	f->italic_angle = hb_style_get_value(f->font, HB_STYLE_TAG_SLANT_ANGLE);
	f->weight = hb_style_get_value(f->font, HB_STYLE_TAG_WEIGHT);
	if (f->ascent <= 0 || f->descent > 0 || f->ascent - f->descent > 4.0 * f->upem) {
		error = tamga__error_set(TAMGA_EFORMAT, "font %s: unusable ascender and descender", path);
		goto done;
	}
	/* Shared from here on: nothing may change them. */
	hb_face_make_immutable(f->face);
	hb_font_make_immutable(f->font);
	f->subset_face = hb_face_reference(f->face);
done:
	hb_blob_destroy(table);
	hb_blob_destroy(blob);
	tamga_buf_dispose(&file);
	if (error < 0)
		release_face(f);
	return error;
}

/*
 * The face cache.  Every signature with a stamp shows its caption in the
 * same font, and parsing it again each time (read 740 KiB, face, font,
 * HarfBuzz's lazily built tables and shape plans, which live on the face)
 * cost as much as the rest of the stamp.  So a font file is parsed once
 * per process and its face and font shared: HarfBuzz objects are
 * reference-counted with atomics and safe to use from several threads once
 * made immutable (HarfBuzz's test-multithread shapes with one hb_font_t in
 * 30 threads); each document gets its own references and its own record
 * of glyphs shown, so an entry evicted or replaced while a signature uses
 * it lives on until that document is freed.
 *
 * An entry is keyed by path and the file's identity (device, inode, size,
 * modification time), checked with a stat() on every open: a font
 * replaced or rewritten at the same path is parsed again.  At most
 * CACHE_MAX entries (the default font and a few custom ones); beyond that
 * the least recently used one goes.  Entries are never freed at exit: the
 * static table reaches them, so LeakSanitizer does not count them, and a
 * library must not run exit handlers that threads may race with.
 *
 * hb_subset_preprocess() makes subsetting ~8x faster (it keeps the cmap
 * mapping and sanitized tables that hb_subset would otherwise rebuild per
 * call; its subsets are byte for byte the same) but itself costs about
 * 15 subsets, so it runs on an entry's second use: a process that signs
 * once (the tamga CLI) does not pay for it.  It runs outside the lock; the
 * entry's subset_face is swapped under the lock.
 */
#define CACHE_MAX 8

struct cache_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint64_t serial;              /* which load this is: the preprocessed face goes to its own entry */
	uint64_t last_used;
	unsigned int uses;
	struct tamga__pdf_font proto; /* shared part; per-document fields NULL */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache[CACHE_MAX];
static uint64_t cache_clock, cache_serial;

static int same_file(const struct cache_entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static void entry_free(struct cache_entry *e)
{
	if (e == NULL)
		return;
	release_face(&e->proto);
	free(e->path);
	free(e);
}

/* f's shared part from e's, with references of its own. */
static void share(struct tamga__pdf_font *f, const struct tamga__pdf_font *proto)
{
	*f = *proto;
	hb_face_reference(f->face);
	hb_font_reference(f->font);
	hb_face_reference(f->subset_face);
}

/* Under the lock: the entry for path, or NULL. */
static struct cache_entry **cache_find(const char *path)
{
	size_t i;

	for (i = 0; i < CACHE_MAX; i++)
		if (cache[i] != NULL && strcmp(cache[i]->path, path) == 0)
			return &cache[i];
	return NULL;
}

/* Under the lock: put e in (replacing path's entry or the least recently
 * used one). */
static void cache_put(struct cache_entry *e)
{
	struct cache_entry **slot = cache_find(e->path);
	size_t i;

	if (slot == NULL) {
		slot = &cache[0];
		for (i = 0; i < CACHE_MAX; i++) {
			if (cache[i] == NULL) {
				slot = &cache[i];
				break;
			}
			if (cache[i]->last_used < (*slot)->last_used)
				slot = &cache[i];
		}
	}
	entry_free(*slot);
	*slot = e;
}

/* Give path's entry (load serial) the preprocessed face, if it is still
 * there; else drop it. */
static void cache_preprocess(const char *path, uint64_t serial, hb_face_t *face, unsigned int glyph_count)
{
	hb_face_t *pre = hb_subset_preprocess(face);
	struct cache_entry **slot;

	/* On failure HarfBuzz hands back a reference to the face itself or
	 * an empty face: keep subsetting from the original then. */
	if (pre == face || hb_face_get_glyph_count(pre) != glyph_count) {
		hb_face_destroy(pre);
		return;
	}
	hb_face_make_immutable(pre);
	pthread_mutex_lock(&cache_lock);
	if ((slot = cache_find(path)) != NULL && (*slot)->serial == serial) {
		hb_face_destroy((*slot)->proto.subset_face);
		(*slot)->proto.subset_face = pre;
		pre = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
	hb_face_destroy(pre);
}

/* f's shared part for path: from the cache, or loaded and cached. */
static int open_face(struct tamga__pdf_font *f, const char *path)
{
	struct cache_entry *e = NULL, **slot;
	struct stat before, after;
	hb_face_t *to_preprocess = NULL;
	uint64_t serial = 0;
	unsigned int glyph_count = 0;
	int error = 0, have_stat;

	have_stat = stat(path, &before) == 0 && S_ISREG(before.st_mode);
	if (have_stat) {
		pthread_mutex_lock(&cache_lock);
		if ((slot = cache_find(path)) != NULL && same_file(*slot, &before)) {
			e = *slot;
			e->last_used = ++cache_clock;
			share(f, &e->proto);
			if (++e->uses == 2) {
				to_preprocess = hb_face_reference(e->proto.face);
				serial = e->serial;
				glyph_count = e->proto.glyph_count;
			}
		}
		pthread_mutex_unlock(&cache_lock);
		if (e != NULL) {
			if (to_preprocess != NULL) {
				cache_preprocess(path, serial, to_preprocess, glyph_count);
				hb_face_destroy(to_preprocess);
			}
			return 0;
		}
	}
	/* HarfBuzz's default language is set up racily on first use
	 * (harfbuzz#1191): settle it before any thread shapes. */
	(void)hb_language_get_default();
	if ((error = load_face(f, path)) < 0)
		return error;
	/* Cache it only if the file did not change while it was read, and
	 * not at all when the memory for an entry is lacking. */
	if (!have_stat || stat(path, &after) != 0 || before.st_dev != after.st_dev || before.st_ino != after.st_ino ||
	    before.st_size != after.st_size || before.st_mtim.tv_sec != after.st_mtim.tv_sec ||
	    before.st_mtim.tv_nsec != after.st_mtim.tv_nsec)
		return 0;
	if ((e = calloc(1, sizeof(*e))) == NULL || (e->path = strdup(path)) == NULL) {
		free(e);
		return 0;
	}
	e->dev = after.st_dev;
	e->ino = after.st_ino;
	e->size = after.st_size;
	e->mtime = after.st_mtim;
	e->uses = 1;
	share(&e->proto, f);
	pthread_mutex_lock(&cache_lock);
	e->serial = ++cache_serial;
	e->last_used = ++cache_clock;
	cache_put(e);
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

int tamga__pdf_font_open(struct tamga__pdf_font **out, const char *path)
{
	struct tamga__pdf_font *f = NULL;
	int error = 0;

	*out = NULL;
	if (path == NULL)
		path = TAMGA__PDF_FONT_DEFAULT;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = open_face(f, path)) < 0)
		goto done;
	if ((f->used = calloc(f->glyph_count, 1)) == NULL || (f->text = calloc(f->glyph_count, sizeof(char *))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	f->unicodes = hb_set_create();
	if (!hb_set_allocation_successful(f->unicodes)) {
		error = tamga__error_oom();
		goto done;
	}
	*out = f;
	f = NULL;
done:
	tamga__pdf_font_free(f);
	return error;
}

void tamga__pdf_font_free(struct tamga__pdf_font *f)
{
	unsigned int i;

	if (f == NULL)
		return;
	if (f->text != NULL)
		for (i = 0; i < f->glyph_count; i++)
			free(f->text[i]);
	free(f->text);
	free(f->used);
	hb_set_destroy(f->unicodes);
	release_face(f);
	free(f);
}

double tamga__pdf_font_ascent(const struct tamga__pdf_font *f)
{
	return f->ascent / f->upem;
}

double tamga__pdf_font_descent(const struct tamga__pdf_font *f)
{
	return f->descent / f->upem;
}

/* ------------------------------------------------------------------ measure and show */

int tamga__pdf_font_measure(struct tamga__pdf_font *f, const char *utf8, double size, double *out)
{
	hb_buffer_t *buf = NULL;
	hb_glyph_position_t *pos;
	unsigned int i, n;
	size_t len;
	double units = 0;
	int error;

	*out = 0;
	if ((error = check_text(utf8, &len)) < 0 || (error = shape(f, utf8, len, &buf)) < 0)
		goto done;
	pos = hb_buffer_get_glyph_positions(buf, &n);
	for (i = 0; i < n; i++)
		units += pos[i].x_advance;
	*out = units * size / f->upem;
done:
	hb_buffer_destroy(buf);
	return error;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Record glyph gid as showing utf8[start, end) unless it has a mapping. */
static int map_glyph(struct tamga__pdf_font *f, unsigned int gid, const char *utf8, size_t start, size_t end)
{
	char *s;

	if (f->text[gid] != NULL || end <= start)
		return 0;
	if ((s = malloc(end - start + 1)) == NULL)
		return tamga__error_oom();
	memcpy(s, utf8 + start, end - start);
	s[end - start] = '\0';
	f->text[gid] = s;
	return 0;
}

/* Cluster starts of a shaped buffer, sorted and unique; *count of them. */
static int cluster_starts(hb_buffer_t *buf, uint32_t **out, size_t *count)
{
	hb_glyph_info_t *info;
	unsigned int i, n;
	uint32_t *c;
	size_t k = 0;

	info = hb_buffer_get_glyph_infos(buf, &n);
	if ((c = malloc((n ? n : 1) * sizeof(*c))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++)
		c[i] = info[i].cluster;
	qsort(c, n, sizeof(*c), compare_u32);
	for (i = 0; i < n; i++)
		if (k == 0 || c[k - 1] != c[i])
			c[k++] = c[i];
	*out = c;
	*count = k;
	return 0;
}

static int put_adjust(tamga_buf *ops, double adjust)
{
	int error;

	if (fabs(adjust) < 0.001)
		return 0;
	if ((error = tamga__buf_puts(ops, ">")) < 0 || (error = tamga__pdf_put_num(ops, adjust, 3)) < 0)
		return error;
	return tamga__buf_puts(ops, "<");
}

int tamga__pdf_font_show(struct tamga__pdf_font *f, tamga_buf *ops, const char *resource, const char *utf8,
                         double x, double y, double size)
{
	hb_buffer_t *buf = NULL;
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	uint32_t *starts = NULL;
	size_t len, nstarts = 0;
	unsigned int i, n;
	double pending = 0, rise = 0, scale;
	const char *r;
	int error;

	if ((error = check_text(utf8, &len)) < 0 || (error = shape(f, utf8, len, &buf)) < 0)
		goto done;
	if (!isfinite(size) || size <= 0 || size > 1000) {
		error = tamga__error_set(TAMGA_EINVAL, "text: font size %g out of range", size);
		goto done;
	}
	/* The resource name goes into the stream as is: letters and digits only. */
	for (r = resource; *r != '\0' && ((*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'));
	     r++)
		;
	if (*r != '\0' || r == resource || r - resource > 32) {
		error = tamga__error_set(TAMGA_EINVAL, "text: bad font resource name");
		goto done;
	}
	info = hb_buffer_get_glyph_infos(buf, &n);
	pos = hb_buffer_get_glyph_positions(buf, &n);
	if (f->emitted) {
		for (i = 0; i < n; i++)
			if (!f->used[info[i].codepoint]) {
				error = tamga__error_set(TAMGA_ESTATE, "text: the font was written without a glyph "
				                         "this text needs");
				goto done;
			}
	}
	if ((error = cluster_starts(buf, &starts, &nstarts)) < 0)
		goto done;
	/* ToUnicode: the first glyph (in output order) of each cluster gets its text. */
	for (i = 0; i < n; i++) {
		uint32_t c = info[i].cluster;
		size_t end = len;

		size_t lo = 0, hi = nstarts;

		if (i > 0 && info[i - 1].cluster == c)
			continue;
		/* The cluster ends where the next larger cluster starts. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (starts[mid] <= c)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nstarts)
			end = starts[lo];
		if (!f->emitted && (error = map_glyph(f, info[i].codepoint, utf8, c, end)) < 0)
			goto done;
	}
	if (!f->emitted) {
		uint32_t cp;
		size_t off, used;

		for (i = 0; i < n; i++)
			f->used[info[i].codepoint] = 1;
		for (off = 0; off < len; off += used) {
			used = utf8_decode((const unsigned char *)utf8 + off, len - off, &cp);
			hb_set_add(f->unicodes, cp);
		}
		if (!hb_set_allocation_successful(f->unicodes)) {
			error = tamga__error_oom();
			goto done;
		}
	}

	/* BT /F1 9 Tf x y Td [<gid...> adj <gid...>] TJ ET.  A TJ number n moves
	 * the pen by -n/1000 em after a glyph has moved it by its /W width. */
	scale = 1000.0 / f->upem;
	if ((error = tamga__buf_printf(ops, "BT /%s ", resource)) < 0 || (error = tamga__pdf_put_num(ops, size, 3)) < 0 ||
	    (error = tamga__buf_puts(ops, " Tf ")) < 0 || (error = tamga__pdf_put_num(ops, x, 3)) < 0 ||
	    (error = tamga__buf_puts(ops, " ")) < 0 || (error = tamga__pdf_put_num(ops, y, 3)) < 0 ||
	    (error = tamga__buf_puts(ops, " Td\n[<")) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		unsigned int gid = info[i].codepoint;
		double glyph_rise = pos[i].y_offset * size / f->upem;

		if (fabs(glyph_rise - rise) >= 0.001) {
			/* A mark set higher or lower: text rise (§9.3.7) for this glyph. */
			if ((error = tamga__buf_puts(ops, ">] TJ ")) < 0 ||
			    (error = tamga__pdf_put_num(ops, glyph_rise, 3)) < 0 ||
			    (error = tamga__buf_puts(ops, " Ts [<")) < 0)
				goto done;
			rise = glyph_rise;
		}
		pending -= pos[i].x_offset * scale;
		if ((error = put_adjust(ops, pending)) < 0 || (error = tamga__buf_printf(ops, "%04X", gid)) < 0)
			goto done;
		pending = glyph_w(f, gid) - pos[i].x_advance * scale + pos[i].x_offset * scale;
	}
	if ((error = tamga__buf_puts(ops, ">] TJ")) < 0)
		goto done;
	if (rise != 0 && (error = tamga__buf_puts(ops, " 0 Ts")) < 0)
		goto done;
	error = tamga__buf_puts(ops, " ET\n");
done:
	free(starts);
	hb_buffer_destroy(buf);
	return error;
}

/* ------------------------------------------------------------------ emit */

/* "ABCDEF": six capitals from a digest of the glyph set (§9.6.4), so the
 * same text in the same font gives the same subset name. */
static int subset_tag(const struct tamga__pdf_font *f, char tag[7])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int error = 0;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, f->name, strlen(f->name)) != 1 ||
	    EVP_DigestUpdate(ctx, f->used, f->glyph_count) != 1 || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "font: subset tag");
		goto done;
	}
	for (i = 0; i < 6; i++)
		tag[i] = (char)('A' + md[i] % 26);
	tag[6] = '\0';
done:
	EVP_MD_CTX_free(ctx);
	return error;
}

/* The subset font program: used glyphs at their own ids, no hinting, no
 * layout tables (shaping is done), plus a cmap for the code points shown. */
static int make_subset(struct tamga__pdf_font *f, tamga_buf *out)
{
	static const hb_tag_t drop[] = { HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
	                                 HB_TAG('G', 'D', 'E', 'F'), HB_TAG('k', 'e', 'r', 'n'),
	                                 HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'),
	                                 HB_TAG('D', 'S', 'I', 'G'), HB_TAG('M', 'A', 'T', 'H') };
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	hb_set_t *glyphs, *tables;
	const char *data;
	unsigned int i, max, len = 0;
	int error = 0;

	if (in == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	glyphs = hb_subset_input_glyph_set(in);
	hb_set_add(glyphs, 0);
	for (i = 0; i < f->glyph_count; i++)
		if (f->used[i])
			hb_set_add(glyphs, i);
	hb_set_union(hb_subset_input_unicode_set(in), f->unicodes);
	tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		hb_set_add(tables, drop[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
	if ((sub = hb_subset_or_fail(f->subset_face, in)) == NULL) {
		error = tamga__error_set(TAMGA_ERROR, "font %s: HarfBuzz could not subset it", f->name);
		goto done;
	}
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	/* Retained ids: the subset must still have a slot for the highest id
	 * used, or CIDToGIDMap /Identity would point past its glyphs. */
	for (max = 0, i = 0; i < f->glyph_count; i++)
		if (f->used[i])
			max = i;
	if (data == NULL || len < 12 || hb_face_get_glyph_count(sub) <= max) {
		error = tamga__error_set(TAMGA_ERROR, "font %s: the subset lost glyphs", f->name);
		goto done;
	}
	error = tamga__buf_append(out, data, len);
done:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	return error;
}

/* UTF-8 -> UTF-16BE hex, at most MAP_UNITS_MAX code units. */
static int put_utf16_hex(tamga_buf *out, const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t left = strlen(utf8), n, units = 0;
	uint32_t cp;
	int error = 0;

	while (left > 0 && (n = utf8_decode(p, left, &cp)) > 0) {
		if (cp >= 0x10000) {
			if (units + 2 > MAP_UNITS_MAX)
				break;
			cp -= 0x10000;
			error = tamga__buf_printf(out, "%04X%04X", 0xD800 + (unsigned)(cp >> 10),
			                          0xDC00 + (unsigned)(cp & 0x3FF));
			units += 2;
		} else {
			if (units + 1 > MAP_UNITS_MAX)
				break;
			error = tamga__buf_printf(out, "%04X", (unsigned)cp);
			units++;
		}
		if (error < 0)
			return error;
		p += n;
		left -= n;
	}
	return 0;
}

static int make_tounicode(const struct tamga__pdf_font *f, tamga_buf *out)
{
	unsigned int i, total = 0, block;
	int error;

	for (i = 0; i < f->glyph_count; i++)
		if (f->used[i] && f->text[i] != NULL)
			total++;
	if ((error = tamga__buf_puts(out, "/CIDInit /ProcSet findresource begin\n"
	                                  "12 dict begin\n"
	                                  "begincmap\n"
	                                  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	                                  "/CMapName /Adobe-Identity-UCS def\n"
	                                  "/CMapType 2 def\n"
	                                  "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")) < 0)
		return error;
	for (i = 0, block = 0; i < f->glyph_count; i++) {
		if (!f->used[i] || f->text[i] == NULL)
			continue;
		if (block == 0 && (error = tamga__buf_printf(out, "%u beginbfchar\n",
		                                             total < BFCHAR_BLOCK ? total : BFCHAR_BLOCK)) < 0)
			return error;
		if ((error = tamga__buf_printf(out, "<%04X> <", i)) < 0 || (error = put_utf16_hex(out, f->text[i])) < 0 ||
		    (error = tamga__buf_puts(out, ">\n")) < 0)
			return error;
		total--;
		if (++block == BFCHAR_BLOCK || total == 0) {
			if ((error = tamga__buf_puts(out, "endbfchar\n")) < 0)
				return error;
			block = 0;
		}
	}
	return tamga__buf_puts(out, "endcmap\n"
	                            "CMapName currentdict /CMap defineresource pop\n"
	                            "end\n"
	                            "end\n");
}

/* Helpers that keep emit readable: each returns 0 or the error set. */
static int set_name(pdf_arena *a, pdf_obj *d, const char *key, const char *name)
{
	pdf_obj *v = tamga__pdf_name(a, name);

	return v ? tamga__pdf_dict_set(a, d, key, v) : tamga_error_last()->code;
}

static int set_int(pdf_arena *a, pdf_obj *d, const char *key, int64_t value)
{
	pdf_obj *v = tamga__pdf_int(a, value);

	return v ? tamga__pdf_dict_set(a, d, key, v) : tamga_error_last()->code;
}

static int set_ref(pdf_arena *a, pdf_obj *d, const char *key, uint32_t num)
{
	pdf_obj *v = tamga__pdf_ref(a, num, 0);

	return v ? tamga__pdf_dict_set(a, d, key, v) : tamga_error_last()->code;
}

static int push_num(pdf_arena *a, pdf_obj *array, double value)
{
	pdf_obj *v = value == floor(value) ? tamga__pdf_int(a, (int64_t)value) : tamga__pdf_real(a, value);

	return v ? tamga__pdf_array_push(a, array, v) : tamga_error_last()->code;
}

static int set_num(pdf_arena *a, pdf_obj *d, const char *key, double value)
{
	pdf_obj *v;

	value = round(value * 1000.0) / 1000.0;
	v = value == floor(value) ? tamga__pdf_int(a, (int64_t)value) : tamga__pdf_real(a, value);
	return v ? tamga__pdf_dict_set(a, d, key, v) : tamga_error_last()->code;
}

/* /W [first [w w ...] first [w ...] ...] for runs of consecutive used ids. */
static int make_widths(const struct tamga__pdf_font *f, pdf_arena *a, pdf_obj **out)
{
	pdf_obj *w = tamga__pdf_array(a), *run = NULL;
	unsigned int i;
	int error = 0;

	if (w == NULL)
		return tamga_error_last()->code;
	for (i = 0; i < f->glyph_count; i++) {
		if (!f->used[i]) {
			run = NULL;
			continue;
		}
		if (run == NULL) {
			if ((error = push_num(a, w, i)) < 0 || (run = tamga__pdf_array(a)) == NULL ||
			    (error = tamga__pdf_array_push(a, w, run)) < 0)
				return error ? error : tamga_error_last()->code;
		}
		if ((error = push_num(a, run, glyph_w(f, i))) < 0)
			return error;
	}
	*out = w;
	return 0;
}

int tamga__pdf_font_emit(struct tamga__pdf_font *f, struct pdf_sink *sink, uint32_t *font_num)
{
	pdf_arena *a = sink->arena;
	tamga_buf program = TAMGA_BUF_INIT, cmap = TAMGA_BUF_INIT;
	uint32_t n_type0, n_cid, n_desc, n_file, n_cmap;
	pdf_obj *type0, *cid, *desc, *file, *cmap_stream, *dict, *sysinfo, *bbox, *widths = NULL, *desc_arr, *s;
	char tag[7], base[80];
	unsigned int i;
	int error = 0, flags;

	*font_num = 0;
	if (f->emitted) {
		error = tamga__error_set(TAMGA_ESTATE, "font %s: already written", f->name);
		goto done;
	}
	if ((error = subset_tag(f, tag)) < 0 || (error = make_subset(f, &program)) < 0 ||
	    (error = make_tounicode(f, &cmap)) < 0)
		goto done;
	snprintf(base, sizeof(base), "%s+%s", tag, f->name);
	if ((error = sink->alloc(sink->ctx, &n_type0)) < 0 || (error = sink->alloc(sink->ctx, &n_cid)) < 0 ||
	    (error = sink->alloc(sink->ctx, &n_desc)) < 0 || (error = sink->alloc(sink->ctx, &n_file)) < 0 ||
	    (error = sink->alloc(sink->ctx, &n_cmap)) < 0)
		goto done;

	/* The font program: /Length1 is its decoded length (§9.9, Table 127). */
	if ((dict = tamga__pdf_dict(a)) == NULL || (error = set_int(a, dict, "Length1", (int64_t)program.size)) < 0 ||
	    (error = tamga__pdf_flate_stream(a, dict, program.ptr, program.size, &file)) < 0 ||
	    (error = sink->put(sink->ctx, n_file, file)) < 0)
		goto fail;

	/* Symbolic (bit 3): glyphs outside the standard Latin set; Italic (bit 7). */
	flags = 4 | (f->italic_angle != 0 ? 64 : 0);
	if ((desc = tamga__pdf_dict(a)) == NULL || (bbox = tamga__pdf_array(a)) == NULL)
		goto fail;
	for (i = 0; i < 4; i++)
		if ((error = push_num(a, bbox, round(f->bbox[i] * 1000.0 / f->upem))) < 0)
			goto done;
	if ((error = set_name(a, desc, "Type", "FontDescriptor")) < 0 ||
	    (error = set_name(a, desc, "FontName", base)) < 0 || (error = set_int(a, desc, "Flags", flags)) < 0 ||
	    (error = tamga__pdf_dict_set(a, desc, "FontBBox", bbox)) < 0 ||
	    (error = set_num(a, desc, "ItalicAngle", f->italic_angle)) < 0 ||
	    (error = set_num(a, desc, "Ascent", round(f->ascent * 1000.0 / f->upem))) < 0 ||
	    (error = set_num(a, desc, "Descent", round(f->descent * 1000.0 / f->upem))) < 0 ||
	    (error = set_num(a, desc, "CapHeight", round(f->cap_height * 1000.0 / f->upem))) < 0 ||
	    /* No stem width in a TrueType font; the usual estimate from the
	     * weight class (88 for a regular weight, as Helvetica's). */
	    (error = set_num(a, desc, "StemV", round(50 + (f->weight / 65.0) * (f->weight / 65.0)))) < 0 ||
	    (error = set_ref(a, desc, "FontFile2", n_file)) < 0 || (error = sink->put(sink->ctx, n_desc, desc)) < 0)
		goto fail;

	if ((cid = tamga__pdf_dict(a)) == NULL || (sysinfo = tamga__pdf_dict(a)) == NULL ||
	    (s = tamga__pdf_string(a, "Adobe", 5, 0)) == NULL ||
	    (error = tamga__pdf_dict_set(a, sysinfo, "Registry", s)) < 0 ||
	    (s = tamga__pdf_string(a, "Identity", 8, 0)) == NULL ||
	    (error = tamga__pdf_dict_set(a, sysinfo, "Ordering", s)) < 0 ||
	    (error = set_int(a, sysinfo, "Supplement", 0)) < 0 || (error = make_widths(f, a, &widths)) < 0)
		goto fail;
	if ((error = set_name(a, cid, "Type", "Font")) < 0 || (error = set_name(a, cid, "Subtype", "CIDFontType2")) < 0 ||
	    (error = set_name(a, cid, "BaseFont", base)) < 0 ||
	    (error = tamga__pdf_dict_set(a, cid, "CIDSystemInfo", sysinfo)) < 0 ||
	    (error = set_ref(a, cid, "FontDescriptor", n_desc)) < 0 || (error = set_int(a, cid, "DW", 1000)) < 0 ||
	    (error = tamga__pdf_dict_set(a, cid, "W", widths)) < 0 ||
	    (error = set_name(a, cid, "CIDToGIDMap", "Identity")) < 0 || (error = sink->put(sink->ctx, n_cid, cid)) < 0)
		goto fail;

	if ((dict = tamga__pdf_dict(a)) == NULL ||
	    (error = tamga__pdf_flate_stream(a, dict, cmap.ptr, cmap.size, &cmap_stream)) < 0 ||
	    (error = sink->put(sink->ctx, n_cmap, cmap_stream)) < 0)
		goto fail;

	if ((type0 = tamga__pdf_dict(a)) == NULL || (desc_arr = tamga__pdf_array(a)) == NULL ||
	    (s = tamga__pdf_ref(a, n_cid, 0)) == NULL || (error = tamga__pdf_array_push(a, desc_arr, s)) < 0)
		goto fail;
	if ((error = set_name(a, type0, "Type", "Font")) < 0 || (error = set_name(a, type0, "Subtype", "Type0")) < 0 ||
	    (error = set_name(a, type0, "BaseFont", base)) < 0 ||
	    (error = set_name(a, type0, "Encoding", "Identity-H")) < 0 ||
	    (error = tamga__pdf_dict_set(a, type0, "DescendantFonts", desc_arr)) < 0 ||
	    (error = set_ref(a, type0, "ToUnicode", n_cmap)) < 0 || (error = sink->put(sink->ctx, n_type0, type0)) < 0)
		goto fail;
	f->emitted = 1;
	*font_num = n_type0;
	goto done;
fail:
	/* A constructor returned NULL (error recorded) or a setter failed. */
	if (error == 0)
		error = tamga_error_last()->code < 0 ? tamga_error_last()->code : tamga__error_oom();
done:
	tamga_buf_dispose(&program);
	tamga_buf_dispose(&cmap);
	return error;
}
