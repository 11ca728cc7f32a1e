/*
 * common/error.h - setting the thread-local error detail (internal).
 *
 * Every setter returns the code it was given, so failures read
 *     return tamga__error_set(TAMGA_EINVAL, "--days must be positive");
 */
#ifndef TAMGA_COMMON_ERROR_H
#define TAMGA_COMMON_ERROR_H

#include <tamga/common.h>

#define TAMGA__PRINTF(f, a) __attribute__((format(printf, f, a)))

/** Record code and a message. */
int tamga__error_set(int code, const char *fmt, ...) TAMGA__PRINTF(2, 3);

/** Record code and a message followed by ": " and OpenSSL's queued errors
 *  (the queue is drained).  Without queued errors it is tamga__error_set. */
int tamga__error_openssl(int code, const char *fmt, ...) TAMGA__PRINTF(2, 3);

/** Record TAMGA_ENOMEM. */
int tamga__error_oom(void);

/** Prefix the current message with "context: " (keeps the code); returns the code. */
int tamga__error_prefix(const char *fmt, ...) TAMGA__PRINTF(1, 2);

#endif
