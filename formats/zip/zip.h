/*
 * formats/zip/zip.h - strict reading and byte-preserving editing of ZIP
 * packages (APPNOTE 6.3.x), for OOXML (ECMA-376 Part 2, OPC) and ODF
 * (OASIS ODF 1.2 Part 3).  (internal)
 *
 *     [local header 1][data 1] ... [local header n][data n]
 *     [central directory: n entries][end of central directory]
 *
 * Office suites have accepted forged signatures because the reader that
 * checked the signature and the reader that showed the document saw
 * different entries.  So a package is refused (TAMGA_EFORMAT, the error
 * names the entry and the reason) unless every reader must see the same
 * thing:
 *
 *   - one end-of-central-directory record (none in its comment), no
 *     ZIP64 (TAMGA_EUNSUPPORTED: entries and packages over 4 GiB are not
 *     needed for office documents), no multi-disk archives, nothing but
 *     the entries between the start of the file and the central directory
 *     (no prefix, no gaps, no bytes after the EOCD but its comment), the
 *     entries in the file in central directory order, each starting where
 *     the previous one (data descriptor included) ends: no overlap;
 *   - each local header agrees with its central entry (name, method,
 *     flags, sizes and CRC unless a data descriptor carries them, and then
 *     the descriptor agrees); a ZIP64 extra field (0x0001) only repeats
 *     the 32-bit fields, an Info-ZIP Unicode Path field (0x7075) only
 *     repeats the name;
 *   - no duplicate names (byte-exact, and also case-insensitively: OPC
 *     part names compare case-insensitively; ASCII letters are folded),
 *     no names with ".." or "." segments, a leading '/', '\\', NUL, a
 *     drive letter ("C:"), or empty segments ("a//b"; a trailing '/' marks
 *     a directory);
 *   - no encrypted entries, methods only stored (0) and deflate (8);
 *   - limits: TAMGA__ZIP_MAX_ENTRIES entries, TAMGA__ZIP_MAX_ENTRY
 *     bytes per uncompressed entry, TAMGA__ZIP_MAX_TOTAL in all, a
 *     compression ratio of at most TAMGA__ZIP_MAX_RATIO for entries over
 *     1 MiB (TAMGA_ELIMIT for these);
 *   - when an entry is read: the deflate stream ends exactly at the
 *     declared compressed size, and the declared size and CRC-32 match
 *     what inflating gives (never more than the declared size is
 *     written).
 *
 * Editing copies every entry that is not replaced or removed byte for byte
 * (local header, data, data descriptor and central entry), in the original
 * order; replaced entries keep their place, added ones go at the end (in
 * the order added).  New entries are written without data descriptors,
 * with DOS time from the edit's time, deflated unless stored is asked for
 * (the ODF "mimetype" entry must be first and stored: editing keeps it,
 * and an entry named "mimetype" is always written stored).  Deflated
 * entries fall back to stored when deflate does not shrink them or would
 * exceed TAMGA__ZIP_MAX_RATIO, so that the result always opens.
 */
#ifndef TAMGA_FORMATS_ZIP_ZIP_H
#define TAMGA_FORMATS_ZIP_ZIP_H

#include <stddef.h>

#include <tamga/common.h>

#define TAMGA__ZIP_MAX_ENTRIES 10000
#define TAMGA__ZIP_MAX_ENTRY ((size_t)256 << 20)
#define TAMGA__ZIP_MAX_TOTAL ((size_t)1024 << 20)
#define TAMGA__ZIP_MAX_RATIO 500

struct tamga__zip;

/*
 * Open the package held in data (borrowed: it must outlive *out) and check
 * its structure as above.  Errors: TAMGA_EFORMAT (not a ZIP, or one of the
 * rules above), TAMGA_ELIMIT, TAMGA_EUNSUPPORTED (encrypted entries,
 * compression methods other than stored and deflate), TAMGA_ENOMEM.
 */
int tamga__zip_open(struct tamga__zip **out, const unsigned char *data, size_t len);
void tamga__zip_close(struct tamga__zip *zip);

/* Entries in central directory order (= file order; directories included,
 * names end in '/').  Out-of-range indexes give NULL, 0 and -1. */
size_t tamga__zip_count(const struct tamga__zip *zip);
const char *tamga__zip_name(const struct tamga__zip *zip, size_t index);
/* Uncompressed size as declared. */
size_t tamga__zip_size(const struct tamga__zip *zip, size_t index);
/* Compression method: 0 stored, 8 deflate. */
int tamga__zip_method(const struct tamga__zip *zip, size_t index);

/* Index of the entry named name (byte-exact), or -1. */
long tamga__zip_find(const struct tamga__zip *zip, const char *name);

/*
 * Append the uncompressed contents of entry index to out (NUL follows, as
 * with every tamga_buf).  Errors: TAMGA_EFORMAT (corrupt data, size or
 * CRC-32 mismatch), TAMGA_ELIMIT, TAMGA_EINVAL (index), TAMGA_ENOMEM;
 * out is unchanged on error.
 */
int tamga__zip_read(const struct tamga__zip *zip, size_t index, tamga_buf *out);
/* The same, by name: TAMGA_ENOTFOUND when there is no such entry. */
int tamga__zip_read_name(const struct tamga__zip *zip, const char *name, tamga_buf *out);

/* ------------------------------------------------------------ editing */

struct tamga__zip_edit;

/* Start an edit of zip (borrowed until the edit is freed).  mtime is the
 * modification time written into new entries as an MS-DOS date and time
 * in UTC (0 or before 1980: 1980-01-01 00:00). */
int tamga__zip_edit_new(struct tamga__zip_edit **out, const struct tamga__zip *zip, tamga_time mtime);
void tamga__zip_edit_free(struct tamga__zip_edit *edit);

#define TAMGA__ZIP_STORE 1 /* write the entry uncompressed */

/* Replace the entry named name, or add it at the end when absent (also
 * when it was removed in this edit); data is copied.  flags: 0 or
 * TAMGA__ZIP_STORE.  TAMGA_EINVAL for a name the reader would refuse
 * (including one that differs only in case from a live entry) or data
 * for a directory name; TAMGA_ELIMIT over TAMGA__ZIP_MAX_ENTRY bytes or
 * TAMGA__ZIP_MAX_ENTRIES entries. */
int tamga__zip_edit_put(struct tamga__zip_edit *edit, const char *name, const void *data, size_t len, int flags);
/* Remove the entry named name: TAMGA_ENOTFOUND when absent. */
int tamga__zip_edit_remove(struct tamga__zip_edit *edit, const char *name);
/* Write the edited package, appended to out (unchanged on error).  The
 * result opens with tamga__zip_open.  TAMGA_ELIMIT over TAMGA__ZIP_MAX_TOTAL,
 * TAMGA_EUNSUPPORTED when it would need ZIP64, TAMGA_ENOMEM.  The edit
 * can be finished more than once. */
int tamga__zip_edit_finish(struct tamga__zip_edit *edit, tamga_buf *out);

#endif
