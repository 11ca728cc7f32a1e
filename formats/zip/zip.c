/*
 * formats/zip/zip.c - strict reading of ZIP packages (PKWARE APPNOTE 6.3.x
 * §4.3, §4.4), as used by OOXML (ECMA-376 Part 2 §8, Annex C) and ODF
 * (ODF 1.2 Part 3 §17).  Editing is in formats/zip/edit.c.
 *
 *   offset 0
 *   [local header 1 "PK\3\4"][name][extra][data 1][descriptor "PK\7\8"]?
 *   ...                                   (contiguous: no prefix, gaps, overlap)
 *   [local header n]...
 *   cd_off  [central entry 1 "PK\1\2"] ... [central entry n]
 *   eocd    ["PK\5\6" ... comment length][comment]   = end of the file
 *
 * Why our own walk over the bytes, and zlib rather than libzip.  Tried with
 * libzip 1.7.3 (zip_open_from_source, ZIP_CHECKCONS | ZIP_RDONLY) on
 * packages made by python's zipfile: it refuses exact duplicate names,
 * a local/central name mismatch, bytes after the EOCD and a prefix before
 * the first entry (as "not a zip archive": the offsets were not shifted),
 * but it opens "a.txt" next to "A.txt" and "../x", and its errors never
 * say which entry is wrong.  Every check the security argument rests on
 * would still be ours, plus a second parser whose idea of the package
 * could differ from ours - the very thing the rules are there to prevent.
 * Reading an entry needs an output cap, the exact compressed length
 * consumed and a CRC check: a raw inflate (zlib, windowBits -15) into a
 * buffer of exactly the declared size gives all three in one call, with no
 * copies.  Editing must copy entries byte for byte, which libzip does not
 * promise (it re-serialises the central directory from its parsed fields),
 * so edit.c writes the directory itself.  libzip is therefore not used.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/zip/zip.h"
#include "formats/zip/zip_int.h"

#define LOCAL_SIG 0x04034b50u
#define CENTRAL_SIG 0x02014b50u
#define EOCD_SIG 0x06054b50u
#define ZIP64_EOCD_SIG 0x06064b50u
#define ZIP64_LOC_SIG 0x07064b50u
#define DESC_SIG 0x08074b50u

/* Flags that hide the contents from us: encryption (bit 0), compressed
 * patched data (5), strong encryption (6), masked local headers (13). */
#define FLAGS_UNSUPPORTED (1u << 0 | 1u << 5 | 1u << 6 | 1u << 13)

#define MIB ((size_t)1 << 20)

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Entry names come from the package: quote them with anything but printable
 * ASCII escaped, and cut long ones, before they reach an error message. */
void tamga__zip_quote(char out[TAMGA__ZIP_QUOTE_MAX], const char *name, size_t len)
{
	tamga__quote(out, name, len);
}

/* The name rules of zip.h: what one extractor or OPC resolver would map to a
 * different place than another, or outside the package. */
const char *tamga__zip_name_problem(const char *name, size_t len)
{
	size_t i, seg = 0;

	if (len == 0)
		return "empty name";
	if (memchr(name, '\0', len) != NULL)
		return "NUL byte in the name";
	if (memchr(name, '\\', len) != NULL)
		return "backslash in the name";
	if (name[0] == '/')
		return "absolute path";
	if (len >= 2 && name[1] == ':' &&
	    ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return "drive letter";
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		/* segment [seg, i) */
		if (i == seg && i < len)
			return "empty path segment";
		if (i - seg == 2 && name[seg] == '.' && name[seg + 1] == '.')
			return "\"..\" path segment";
		if (i - seg == 1 && name[seg] == '.')
			return "\".\" path segment";
		seg = i + 1;
	}
	return NULL;
}

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* ASCII case folding: OPC compares part names case-insensitively (ECMA-376
 * Part 2 §6.2.2.3); names that differ only in non-ASCII case pass. */
int tamga__zip_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x != '\0' && fold(*x) == fold(*y)) {
		x++;
		y++;
	}
	return (int)fold(*x) - (int)fold(*y);
}

/* qsort has no payload argument: the sorts below compare entries through
 * pointers into the entry array. */
static int cmp_exact(const void *a, const void *b)
{
	const struct tamga__zip_entry *x = *(struct tamga__zip_entry *const *)a;
	const struct tamga__zip_entry *y = *(struct tamga__zip_entry *const *)b;

	return strcmp(x->name, y->name);
}

static int cmp_fold(const void *a, const void *b)
{
	const struct tamga__zip_entry *x = *(struct tamga__zip_entry *const *)a;
	const struct tamga__zip_entry *y = *(struct tamga__zip_entry *const *)b;

	return tamga__zip_casecmp(x->name, y->name);
}

/*
 * Extra fields (APPNOTE §4.5): the ZIP64 one (0x0001) is tolerated only
 * when it repeats what the 32-bit fields say (some writers add it to every
 * entry), and the Info-ZIP Unicode Path (0x7075) only when it names the
 * entry as the header does: readers that prefer it would otherwise see
 * another name.
 */
static int check_extra(const unsigned char *p, size_t len, const struct tamga__zip_entry *e, int central,
                       const char *what)
{
	char q[TAMGA__ZIP_QUOTE_MAX];
	size_t i = 0;

	while (len - i >= 4) {
		uint16_t id = rd16(p + i), n = rd16(p + i + 2);
		const unsigned char *v = p + i + 4;

		if (n > len - i - 4)
			break;
		if (id == 0x0001) {
			/* Values in order: size, compressed size, [offset, disk]. */
			uint64_t want[3] = { e->usize, e->csize, central ? e->local_off : 0 };
			size_t k;

			for (k = 0; k < 3 && (size_t)(k + 1) * 8 <= n; k++) {
				uint64_t got = (uint64_t)rd32(v + 8 * k) | (uint64_t)rd32(v + 8 * k + 4) << 32;

				/* Local headers with a data descriptor may say 0. */
				if (got != want[k] && !(got == 0 && !central)) {
					tamga__zip_quote(q, e->name, e->name_len);
					return tamga__error_set(TAMGA_EFORMAT,
					                        "ZIP: entry %s: %s ZIP64 extra field disagrees with its header",
					                        q, what);
				}
			}
		} else if (id == 0x7075) {
			if (n < 5 || (size_t)n - 5 != e->name_len || memcmp(v + 5, e->name, e->name_len) != 0) {
				tamga__zip_quote(q, e->name, e->name_len);
				return tamga__error_set(TAMGA_EFORMAT,
				                        "ZIP: entry %s: %s Unicode Path extra field names another entry", q,
				                        what);
			}
		}
		i += 4 + (size_t)n;
	}
	/* Trailing bytes that are not a whole field are left alone: several
	 * writers pad the extra field, and no reader takes a name from them. */
	return 0;
}

/* The end of central directory record: the last "PK\5\6" whose comment
 * ends exactly at the end of the file. */
static int find_eocd(struct tamga__zip *zip)
{
	const unsigned char *d = zip->data;
	size_t len = zip->len, i, low;

	if (len < 22)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: %zu bytes are too short for a package", len);
	low = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (i = len - 22 + 1; i-- > low;) {
		if (rd32(d + i) == EOCD_SIG && i + 22 + rd16(d + i + 20) == len) {
			zip->eocd_off = i;
			zip->comment_off = i + 22;
			zip->comment_len = rd16(d + i + 20);
			return 0;
		}
	}
	for (i = len - 22 + 1; i-- > low;)
		if (rd32(d + i) == EOCD_SIG)
			return tamga__error_set(TAMGA_EFORMAT, "ZIP: bytes after the end of the central directory");
	return tamga__error_set(TAMGA_EFORMAT, "ZIP: no end of central directory record (not a ZIP package)");
}

static int parse_eocd(struct tamga__zip *zip, size_t *count)
{
	const unsigned char *p = zip->data + zip->eocd_off;
	uint16_t disk = rd16(p + 4), cd_disk = rd16(p + 6), n_disk = rd16(p + 8), n = rd16(p + 10);
	uint32_t cd_size = rd32(p + 12), cd_off = rd32(p + 16);
	const unsigned char *c = zip->data + zip->comment_off;
	size_t i;

	if (n == 0xffff || cd_size == 0xffffffffu || cd_off == 0xffffffffu ||
	    (zip->eocd_off >= 20 && rd32(p - 20) == ZIP64_LOC_SIG))
		return tamga__error_set(TAMGA_EUNSUPPORTED, "ZIP: ZIP64 packages are not supported");
	if (disk != 0 || cd_disk != 0 || n_disk != n)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: multi-disk archives are not supported");
	/* A second record in the comment would let a reader that scans forward
	 * find another directory. */
	for (i = 0; i + 4 <= zip->comment_len; i++)
		if (rd32(c + i) == EOCD_SIG || rd32(c + i) == ZIP64_EOCD_SIG || rd32(c + i) == ZIP64_LOC_SIG)
			return tamga__error_set(TAMGA_EFORMAT,
			                        "ZIP: a second end of central directory record in the comment");
	if ((size_t)cd_off > zip->eocd_off || (size_t)cd_size != zip->eocd_off - cd_off)
		return tamga__error_set(TAMGA_EFORMAT,
		                        "ZIP: the central directory (%" PRIu32 " bytes at %" PRIu32
		                        ") does not end where the end record begins (%zu)",
		                        cd_size, cd_off, zip->eocd_off);
	if (n > TAMGA__ZIP_MAX_ENTRIES)
		return tamga__error_set(TAMGA_ELIMIT, "ZIP: %u entries, more than the limit of %d", (unsigned)n,
		                        TAMGA__ZIP_MAX_ENTRIES);
	/* Each central entry takes at least 46 bytes: a count that cannot fit
	 * is refused before anything is allocated for it. */
	if ((size_t)n * 46 > cd_size)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: %u entries do not fit in a %" PRIu32
		                        "-byte central directory", (unsigned)n, cd_size);
	zip->cd_off = cd_off;
	*count = n;
	return 0;
}

/* One central directory entry at *pos (advanced past it). */
static int parse_central(struct tamga__zip *zip, size_t *pos, struct tamga__zip_entry *e, char *name_store,
                         size_t index)
{
	const unsigned char *d = zip->data;
	size_t p = *pos, end = zip->eocd_off, n, x, c;
	char q[TAMGA__ZIP_QUOTE_MAX];
	const char *problem;
	int error;

	if (end - p < 46 || rd32(d + p) != CENTRAL_SIG)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: central directory entry %zu is malformed", index);
	n = rd16(d + p + 28);
	x = rd16(d + p + 30);
	c = rd16(d + p + 32);
	if (end - p - 46 < n + x + c)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: central directory entry %zu overruns the directory",
		                        index);
	e->central_off = p;
	e->central_len = 46 + n + x + c;
	e->flags = rd16(d + p + 8);
	e->method = rd16(d + p + 10);
	e->crc = rd32(d + p + 16);
	e->csize = rd32(d + p + 20);
	e->usize = rd32(d + p + 24);
	e->local_off = rd32(d + p + 42);
	memcpy(name_store, d + p + 46, n);
	name_store[n] = '\0';
	e->name = name_store;
	e->name_len = n;
	tamga__zip_quote(q, e->name, n);
	if ((problem = tamga__zip_name_problem(e->name, n)) != NULL)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: %s", q, problem);
	if (rd16(d + p + 34) != 0)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: on another disk", q);
	if (e->csize == 0xffffffffu || e->usize == 0xffffffffu || e->local_off == 0xffffffffu)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "ZIP: entry %s: ZIP64 entries are not supported", q);
	if (e->flags & FLAGS_UNSUPPORTED)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "ZIP: entry %s: encrypted (flags 0x%04x)", q,
		                        (unsigned)e->flags);
	if (e->method != 0 && e->method != 8)
		return tamga__error_set(TAMGA_EUNSUPPORTED,
		                        "ZIP: entry %s: compression method %u (only stored and deflate)", q,
		                        (unsigned)e->method);
	if (e->method == 0 && e->csize != e->usize)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: stored with %" PRIu32
		                        " bytes but %" PRIu32 " declared", q, e->csize, e->usize);
	if (e->usize > TAMGA__ZIP_MAX_ENTRY)
		return tamga__error_set(TAMGA_ELIMIT, "ZIP: entry %s: %" PRIu32 " bytes, more than the limit of %zu",
		                        q, e->usize, TAMGA__ZIP_MAX_ENTRY);
	if (e->usize > MIB && (uint64_t)e->usize > (uint64_t)e->csize * TAMGA__ZIP_MAX_RATIO)
		return tamga__error_set(TAMGA_ELIMIT,
		                        "ZIP: entry %s: compression ratio above %d:1 (%" PRIu32 " bytes from %" PRIu32
		                        ", a zip bomb?)",
		                        q, TAMGA__ZIP_MAX_RATIO, e->usize, e->csize);
	if ((error = check_extra(d + p + 46 + n, x, e, 1, "central")) < 0)
		return error;
	*pos = p + e->central_len;
	return 0;
}

/* The local header, data and descriptor of e, which must start at *pos (the
 * end of the previous entry); *pos is advanced past them. */
static int parse_local(struct tamga__zip *zip, size_t *pos, struct tamga__zip_entry *e)
{
	const unsigned char *d = zip->data, *h;
	size_t p = *pos, end = zip->cd_off, n, x;
	uint32_t crc, csize, usize;
	char q[TAMGA__ZIP_QUOTE_MAX];
	int error;

	tamga__zip_quote(q, e->name, e->name_len);
	if (e->local_off != p) {
		if (p == 0)
			return tamga__error_set(TAMGA_EFORMAT, "ZIP: %zu bytes before the first entry %s",
			                        e->local_off, q);
		return tamga__error_set(TAMGA_EFORMAT,
		                        "ZIP: entry %s starts at %zu, not where the previous one ends (%zu): %s", q,
		                        e->local_off, p,
		                        e->local_off > p ? "bytes between entries" : "entries overlap or are out of order");
	}
	if (end - p < 30 || rd32(d + p) != LOCAL_SIG)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: no local header at %zu", q, p);
	h = d + p;
	n = rd16(h + 26);
	x = rd16(h + 28);
	if (end - p - 30 < n + x)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: local header overruns the entries", q);
	if (n != e->name_len || memcmp(h + 30, e->name, n) != 0) {
		char lq[TAMGA__ZIP_QUOTE_MAX];

		tamga__zip_quote(lq, (const char *)h + 30, n);
		return tamga__error_set(TAMGA_EFORMAT,
		                        "ZIP: entry %s: the local header names it %s (local/central name mismatch)",
		                        q, lq);
	}
	if (rd16(h + 6) != e->flags || rd16(h + 8) != e->method)
		return tamga__error_set(TAMGA_EFORMAT,
		                        "ZIP: entry %s: local header flags/method 0x%04x/%u differ from the central "
		                        "directory's 0x%04x/%u",
		                        q, (unsigned)rd16(h + 6), (unsigned)rd16(h + 8), (unsigned)e->flags,
		                        (unsigned)e->method);
	crc = rd32(h + 14);
	csize = rd32(h + 18);
	usize = rd32(h + 22);
	if (!(e->flags & 8) || crc != 0 || csize != 0 || usize != 0) {
		if (crc != e->crc || csize != e->csize || usize != e->usize)
			return tamga__error_set(TAMGA_EFORMAT,
			                        "ZIP: entry %s: local header CRC/sizes differ from the central directory's",
			                        q);
	}
	if ((error = check_extra(h + 30 + n, x, e, 0, "local")) < 0)
		return error;
	p += 30 + n + x;
	e->data_off = p;
	if (end - p < e->csize)
		return tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: data runs into the central directory", q);
	p += e->csize;
	if (e->flags & 8) {
		/* Data descriptor (APPNOTE §4.3.9): optional signature, then CRC,
		 * compressed and uncompressed size (32-bit: no ZIP64). */
		size_t k = (end - p >= 4 && rd32(d + p) == DESC_SIG && end - p >= 16 && rd32(d + p + 4) == e->crc &&
		            rd32(d + p + 8) == e->csize && rd32(d + p + 12) == e->usize)
		               ? 4
		               : 0;

		if (end - p < k + 12 || rd32(d + p + k) != e->crc || rd32(d + p + k + 4) != e->csize ||
		    rd32(d + p + k + 8) != e->usize)
			return tamga__error_set(TAMGA_EFORMAT,
			                        "ZIP: entry %s: data descriptor missing or differs from the central "
			                        "directory",
			                        q);
		p += k + 12;
	}
	e->local_end = p;
	*pos = p;
	return 0;
}

int tamga__zip_open(struct tamga__zip **out, const unsigned char *data, size_t len)
{
	struct tamga__zip *zip = NULL;
	struct tamga__zip_entry **sorted = NULL;
	size_t count = 0, i, pos, total = 0;
	int error = 0;

	*out = NULL;
	if (data == NULL && len != 0) {
		error = tamga__error_set(TAMGA_EINVAL, "ZIP: no data");
		goto done;
	}
	if ((zip = calloc(1, sizeof(*zip))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	zip->data = data;
	zip->len = len;
	if ((error = find_eocd(zip)) < 0 || (error = parse_eocd(zip, &count)) < 0)
		goto done;
	/* count <= 10000 and the names fit in the directory: both bounded. */
	if ((zip->entries = calloc(count ? count : 1, sizeof(*zip->entries))) == NULL ||
	    (zip->names = malloc(zip->eocd_off - zip->cd_off + count + 1)) == NULL ||
	    (zip->by_name = calloc(count ? count : 1, sizeof(*zip->by_name))) == NULL ||
	    (sorted = calloc(count ? count : 1, sizeof(*sorted))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	zip->count = count;
	pos = zip->cd_off;
	{
		char *names = zip->names;

		for (i = 0; i < count; i++) {
			if ((error = parse_central(zip, &pos, &zip->entries[i], names, i)) < 0)
				goto done;
			names += zip->entries[i].name_len + 1;
			total += zip->entries[i].usize;
			if (total > TAMGA__ZIP_MAX_TOTAL) {
				error = tamga__error_set(TAMGA_ELIMIT, "ZIP: more than %zu bytes uncompressed in all",
				                         TAMGA__ZIP_MAX_TOTAL);
				goto done;
			}
		}
	}
	if (pos != zip->eocd_off) {
		error = tamga__error_set(TAMGA_EFORMAT, "ZIP: %zu bytes in the central directory after its %zu entries",
		                         zip->eocd_off - pos, count);
		goto done;
	}
	/* The entries, in directory order, must tile [0, cd_off) exactly. */
	pos = 0;
	for (i = 0; i < count; i++)
		if ((error = parse_local(zip, &pos, &zip->entries[i])) < 0)
			goto done;
	if (pos != zip->cd_off) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         count ? "ZIP: %zu bytes between the last entry and the central directory"
		                               : "ZIP: %zu bytes before the central directory of an empty package",
		                         zip->cd_off - pos);
		goto done;
	}
	/* Duplicates: byte-exact first (the clearer message), then by case. */
	for (i = 0; i < count; i++)
		zip->by_name[i] = sorted[i] = &zip->entries[i];
	if (count > 1) {
		qsort(zip->by_name, count, sizeof(*zip->by_name), cmp_exact);
		qsort(sorted, count, sizeof(*sorted), cmp_fold);
	}
	for (i = 1; i < count; i++) {
		char q[TAMGA__ZIP_QUOTE_MAX];

		if (strcmp(zip->by_name[i - 1]->name, zip->by_name[i]->name) == 0) {
			tamga__zip_quote(q, zip->by_name[i]->name, zip->by_name[i]->name_len);
			error = tamga__error_set(TAMGA_EFORMAT, "ZIP: duplicate entry name %s", q);
			goto done;
		}
	}
	for (i = 1; i < count; i++) {
		char q1[TAMGA__ZIP_QUOTE_MAX], q2[TAMGA__ZIP_QUOTE_MAX];

		if (tamga__zip_casecmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
			tamga__zip_quote(q1, sorted[i - 1]->name, sorted[i - 1]->name_len);
			tamga__zip_quote(q2, sorted[i]->name, sorted[i]->name_len);
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "ZIP: entry names %s and %s differ only in case (duplicate part names)",
			                         q1, q2);
			goto done;
		}
	}
	*out = zip;
	zip = NULL;
done:
	free(sorted);
	tamga__zip_close(zip);
	return error;
}

void tamga__zip_close(struct tamga__zip *zip)
{
	if (zip == NULL)
		return;
	free(zip->entries);
	free(zip->names);
	free(zip->by_name);
	free(zip);
}

size_t tamga__zip_count(const struct tamga__zip *zip)
{
	return zip->count;
}

const char *tamga__zip_name(const struct tamga__zip *zip, size_t index)
{
	return index < zip->count ? zip->entries[index].name : NULL;
}

size_t tamga__zip_size(const struct tamga__zip *zip, size_t index)
{
	return index < zip->count ? zip->entries[index].usize : 0;
}

int tamga__zip_method(const struct tamga__zip *zip, size_t index)
{
	return index < zip->count ? zip->entries[index].method : -1;
}

long tamga__zip_find(const struct tamga__zip *zip, const char *name)
{
	size_t lo = 0, hi = zip->count;

	if (name == NULL)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(zip->by_name[mid]->name, name);

		if (c == 0)
			return (long)(zip->by_name[mid] - zip->entries);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Inflate exactly e->csize bytes into exactly e->usize: the stream must end
 * at both limits, so a reader that trusts the stream's own end and one that
 * trusts the directory see the same bytes, and no more than the declared
 * size is ever written. */
static int inflate_entry(const struct tamga__zip *zip, const struct tamga__zip_entry *e, unsigned char *dst,
                         const char *q)
{
	z_stream z;
	int error = 0, rc;

	memset(&z, 0, sizeof(z));
	if ((rc = inflateInit2(&z, -15)) != Z_OK)
		return rc == Z_MEM_ERROR ? tamga__error_oom()
		                         : tamga__error_set(TAMGA_ERROR, "ZIP: zlib inflateInit2 failed (%d)", rc);
	z.next_in = (unsigned char *)(uintptr_t)(zip->data + e->data_off);
	z.avail_in = e->csize;
	/* One spare byte: output beyond the declared size shows as a mismatch
	 * instead of a buffer error. */
	z.next_out = dst;
	z.avail_out = e->usize + 1;
	rc = inflate(&z, Z_FINISH);
	if (rc == Z_MEM_ERROR) {
		error = tamga__error_oom();
	} else if (rc == Z_STREAM_END) {
		if (z.total_out != e->usize)
			error = tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: inflates to %lu bytes, %" PRIu32 " declared",
			                         q, (unsigned long)z.total_out, e->usize);
		else if (z.avail_in != 0)
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "ZIP: entry %s: deflate stream ends %u bytes before the declared compressed size",
			                         q, z.avail_in);
	} else if (z.avail_out == 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: inflates to more than the %" PRIu32
		                         " bytes declared", q, e->usize);
	} else if (rc == Z_DATA_ERROR) {
		error = tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: corrupt deflate data (%s)", q,
		                         z.msg ? z.msg : "zlib");
	} else {
		error = tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: deflate data truncated", q);
	}
	inflateEnd(&z);
	return error;
}

int tamga__zip_read(const struct tamga__zip *zip, size_t index, tamga_buf *out)
{
	const struct tamga__zip_entry *e;
	char q[TAMGA__ZIP_QUOTE_MAX];
	unsigned char *dst;
	uLong crc;
	int error = 0;

	if (zip == NULL || out == NULL || index >= zip->count)
		return tamga__error_set(TAMGA_EINVAL, "ZIP: no entry %zu", index);
	e = &zip->entries[index];
	tamga__zip_quote(q, e->name, e->name_len);
	/* Declared sizes were checked against the limits when the package was
	 * opened; the reserve includes the NUL's byte, the inflate guard. */
	if ((error = tamga__buf_reserve(out, (size_t)e->usize)) < 0)
		return error;
	dst = out->ptr + out->size;
	if (e->method == 0)
		memcpy(dst, zip->data + e->data_off, e->usize);
	else if ((error = inflate_entry(zip, e, dst, q)) < 0)
		goto done;
	crc = crc32(0L, Z_NULL, 0);
	/* crc32 takes uInt lengths; entries are under 4 GiB (no ZIP64). */
	crc = crc32(crc, dst, (uInt)e->usize);
	if ((uint32_t)crc != e->crc) {
		error = tamga__error_set(TAMGA_EFORMAT, "ZIP: entry %s: CRC-32 mismatch (%08lx, %08" PRIx32 " declared)",
		                         q, (unsigned long)crc, e->crc);
		goto done;
	}
	out->size += e->usize;
done:
	out->ptr[out->size] = '\0';
	return error;
}

int tamga__zip_read_name(const struct tamga__zip *zip, const char *name, tamga_buf *out)
{
	long i = tamga__zip_find(zip, name);

	if (i < 0) {
		char q[TAMGA__ZIP_QUOTE_MAX];

		tamga__zip_quote(q, name ? name : "", name ? strlen(name) : 0);
		return tamga__error_set(TAMGA_ENOTFOUND, "ZIP: no entry %s", q);
	}
	return tamga__zip_read(zip, (size_t)i, out);
}
