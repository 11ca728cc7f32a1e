/*
 * tamga/format.h - what kind of document some bytes are.
 *
 * tamga recognises documents by their bytes, never by a file name: PDF,
 * OOXML (DOCX, XLSX, PPTX) and ODF (ODT, ODS, ...).  Services use this to
 * label what they return (Content-Type, a download's file name).
 */
#ifndef TAMGA_FORMAT_H
#define TAMGA_FORMAT_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *format;      /**< handler: "pdf", "ooxml", "odf" */
	const char *media_type;  /**< "application/pdf",
	                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ... */
	const char *extension;   /**< usual file name extension without the dot: "pdf", "docx", "odt", ... */
} tamga_document_type;

/**
 * Describe the document in data (len bytes).  The strings are static.
 * A package whose kind cannot be told more precisely gets its handler's
 * generic type ("application/zip"-like types are never guessed: an OOXML
 * package without a known main part is "application/octet-stream", "bin").
 * Errors: TAMGA_EUNSUPPORTED when no handler recognises the bytes,
 * TAMGA_EINVAL for NULL arguments.
 */
TAMGA_EXTERN(int) tamga_document_type_of(tamga_document_type *out, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_FORMAT_H */
