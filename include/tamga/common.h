/*
 * tamga/common.h - export macro, version, error model and time values shared
 * by every part of libtamga.
 *
 * Errors: a fallible function returns 0 or a negative TAMGA_E* code; the
 * values below never change.  tamga_error_last() returns the calling thread's
 * detail for the most recent failure, including what OpenSSL reported when an
 * OpenSSL call was the cause.  A verdict (a path that does not validate, a
 * signature that does not verify) is not an error: such functions return 0
 * and describe the verdict in their result object.
 */
#ifndef TAMGA_COMMON_H
#define TAMGA_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(TAMGA_BUILDING) && defined(__GNUC__)
#define TAMGA_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define TAMGA_EXTERN(type) extern type
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes.  Explicit values: never renumber, only append. */
typedef enum {
	TAMGA_OK = 0,
	TAMGA_ERROR = -1,        /**< failure without a more specific code */
	TAMGA_ENOMEM = -2,       /**< out of memory */
	TAMGA_EINVAL = -3,       /**< invalid argument or option value */
	TAMGA_EIO = -4,          /**< file system or other I/O failure */
	TAMGA_ENOTFOUND = -5,    /**< the named object does not exist */
	TAMGA_EEXISTS = -6,      /**< the object exists and would be overwritten */
	TAMGA_ECRYPTO = -7,      /**< a cryptographic operation failed */
	TAMGA_EFORMAT = -8,      /**< input is malformed */
	TAMGA_EPASSPHRASE = -9,  /**< passphrase missing or wrong */
	TAMGA_EDB = -10,         /**< database failure */
	TAMGA_ELIMIT = -11,      /**< input exceeds a size, depth or count limit */
	TAMGA_EUNSUPPORTED = -12, /**< valid input that tamga does not support */
	TAMGA_ESTATE = -13       /**< not allowed in the object's current state */
} tamga_error_code;

/** Error detail of the calling thread. */
typedef struct {
	int code;             /**< a tamga_error_code */
	const char *message;  /**< never NULL */
} tamga_error;

/**
 * The calling thread's last error.  Never NULL; when no error was recorded
 * the code is TAMGA_OK and the message empty.  Valid until the next libtamga
 * call on this thread.
 */
TAMGA_EXTERN(const tamga_error *) tamga_error_last(void);

/** Forget the calling thread's last error. */
TAMGA_EXTERN(void) tamga_error_clear(void);

/** Symbolic name of an error code ("TAMGA_EIO"); "TAMGA_E?" when unknown. */
TAMGA_EXTERN(const char *) tamga_error_name(int code);

/** Library version, e.g. "0.1.0". */
TAMGA_EXTERN(const char *) tamga_version(void);

/**
 * A point in time: seconds since 1970-01-01T00:00:00Z, UTC, no leap seconds.
 * 0 in an options struct means "now".
 */
typedef int64_t tamga_time;

/** Bytes needed by tamga_time_format(), terminator included. */
#define TAMGA_TIME_BUFSIZE 32

/**
 * Parse an RFC 3339 date-time ("2022-05-01T00:00:00Z", "...+08:00",
 * fractional seconds are accepted and dropped).  Returns 0, or TAMGA_EFORMAT
 * with a message naming the position of the first bad character.
 */
TAMGA_EXTERN(int) tamga_time_parse(tamga_time *out, const char *text);

/** Write t as "YYYY-MM-DDThh:mm:ssZ" into buf; returns buf. */
TAMGA_EXTERN(char *) tamga_time_format(char buf[TAMGA_TIME_BUFSIZE], tamga_time t);

/** The current time. */
TAMGA_EXTERN(tamga_time) tamga_time_now(void);

/** A byte buffer owned by the caller; release with tamga_buf_dispose(). */
typedef struct {
	unsigned char *ptr;   /**< contents, followed by a NUL byte not counted in size */
	size_t size;          /**< bytes of contents */
	size_t asize;         /**< bytes allocated (internal) */
} tamga_buf;

#define TAMGA_BUF_INIT { NULL, 0, 0 }

/** Free the buffer's bytes (cleansed first) and reset it; NULL is a no-op. */
TAMGA_EXTERN(void) tamga_buf_dispose(tamga_buf *buf);

/** Append the PEM (RFC 7468) encoding of der under label ("X509 CRL") to out. */
TAMGA_EXTERN(int) tamga_pem_encode(tamga_buf *out, const char *label, const void *der, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_COMMON_H */
