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
 *   - one end-of-central-directory record, no ZIP64 unless needed, no
 *     multi-disk archives, nothing but the entries between the start of
 *     the file and the central directory (no prefix, no gaps, no bytes
 *     after the EOCD but its comment), entries in offset order without
 *     overlap;
 *   - each local header agrees with its central entry (name, method,
 *     flags, sizes and CRC unless a data descriptor carries them);
 *   - no duplicate names (byte-exact, and also case-insensitively: OPC
 *     part names compare case-insensitively), no names with "..", a
 *     leading '/', '\\', NUL, a drive letter, or empty segments;
 *   - no encrypted entries, methods only stored (0) and deflate (8);
 *   - limits: TAMGA__ZIP_MAX_ENTRIES entries, TAMGA__ZIP_MAX_ENTRY
 *     bytes per uncompressed entry, TAMGA__ZIP_MAX_TOTAL in all, a
 *     compression ratio of at most TAMGA__ZIP_MAX_RATIO for entries over
 *     1 MiB (TAMGA_ELIMIT for these);
 *   - when an entry is read: the declared size and CRC-32 match what
 *     inflating gives.
 *
 * Editing copies every entry that is not replaced or removed byte for byte
 * (local header, data, data descriptor and central entry), in the original
 * order; replaced entries keep their place, added ones go at the end (in
 * the order added).  New entries are written without data descriptors,
 * with DOS time from the edit's time, deflated unless stored is asked for
 * (the ODF "mimetype" entry must be first and stored: editing keeps it).
 */
#ifndef TAMGA_FORMATS_ZIP_ZIP_H
#define TAMGA_FORMATS_ZIP_ZIP_H

#include <stddef.h>

#include <tamga/common.h>

#define TAMGA__ZIP_MAX_ENTRIES 10000
#define TAMGA__ZIP_MAX_ENTRY ((size_t)256 << 20)
#define TAMGA__ZIP_MAX_TOTAL ((size_t)1024 << 20)
#define TAMGA__ZIP_MAX_RATIO 200

struct tamga__zip;

/*
 * Open the package held in data (borrowed: it must outlive *out) and check
 * its structure as above.  Errors: TAMGA_EFORMAT (not a ZIP, or one of the
 * rules above), TAMGA_ELIMIT, TAMGA_EUNSUPPORTED (encrypted entries,
 * compression methods other than stored and deflate), TAMGA_ENOMEM.
 */
int tamga__zip_open(struct tamga__zip **out, const unsigned char *data, size_t len);
void tamga__zip_close(struct tamga__zip *zip);

/* Entries in central directory order (directories included, names end in '/'). */
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

/* Start an edit of zip (borrowed until the edit is freed).  dos_time is
 * the modification time written into new entries (0: 1980-01-01). */
int tamga__zip_edit_new(struct tamga__zip_edit **out, const struct tamga__zip *zip, tamga_time mtime);
void tamga__zip_edit_free(struct tamga__zip_edit *edit);

#define TAMGA__ZIP_STORE 1 /* write the entry uncompressed */

/* Replace the entry named name, or add it at the end when absent; data is
 * copied.  flags: 0 or TAMGA__ZIP_STORE.  TAMGA_EINVAL for a name the
 * reader would refuse. */
int tamga__zip_edit_put(struct tamga__zip_edit *edit, const char *name, const void *data, size_t len, int flags);
/* Remove the entry named name: TAMGA_ENOTFOUND when absent. */
int tamga__zip_edit_remove(struct tamga__zip_edit *edit, const char *name);
/* Write the edited package, appended to out.  The result opens with
 * tamga__zip_open. */
int tamga__zip_edit_finish(struct tamga__zip_edit *edit, tamga_buf *out);

#endif
