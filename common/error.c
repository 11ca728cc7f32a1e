/*
 * common/error.c - the thread-local error detail behind tamga_error_last().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "common/error.h"

#define MSG_MAX 1024

static _Thread_local char message[MSG_MAX];
static _Thread_local tamga_error last = { TAMGA_OK, "" };

static void vset(int code, const char *fmt, va_list ap)
{
	vsnprintf(message, sizeof(message), fmt, ap);
	last.code = code;
	last.message = message;
}

int tamga__error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(code, fmt, ap);
	va_end(ap);
	ERR_clear_error();
	return code;
}

int tamga__error_openssl(int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	size_t used;
	const char *sep = ": ";

	va_start(ap, fmt);
	vset(code, fmt, ap);
	va_end(ap);

	/* Oldest first: the first error is usually the cause. */
	while ((e = ERR_get_error()) != 0) {
		char one[256];

		ERR_error_string_n(e, one, sizeof(one));
		used = strlen(message);
		if (used + strlen(sep) + strlen(one) + 1 < sizeof(message))
			snprintf(message + used, sizeof(message) - used, "%s%s", sep, one);
		sep = "; ";
	}
	return code;
}

int tamga__error_oom(void)
{
	return tamga__error_set(TAMGA_ENOMEM, "out of memory");
}

int tamga__error_prefix(const char *fmt, ...)
{
	char old[MSG_MAX];
	size_t used;
	va_list ap;

	memcpy(old, message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	used = strlen(message);
	if (used + 2 < sizeof(message)) {
		memcpy(message + used, ": ", 2);
		used += 2;
		/* Truncates silently: the message is for people, the code for programs. */
		memcpy(message + used, old, sizeof(message) - used - 1);
		message[sizeof(message) - 1] = '\0';
	}
	last.message = message;
	return last.code;
}

const tamga_error *tamga_error_last(void)
{
	return &last;
}

void tamga_error_clear(void)
{
	message[0] = '\0';
	last.code = TAMGA_OK;
	last.message = message;
}

const char *tamga_error_name(int code)
{
	switch (code) {
	case TAMGA_OK: return "TAMGA_OK";
	case TAMGA_ERROR: return "TAMGA_ERROR";
	case TAMGA_ENOMEM: return "TAMGA_ENOMEM";
	case TAMGA_EINVAL: return "TAMGA_EINVAL";
	case TAMGA_EIO: return "TAMGA_EIO";
	case TAMGA_ENOTFOUND: return "TAMGA_ENOTFOUND";
	case TAMGA_EEXISTS: return "TAMGA_EEXISTS";
	case TAMGA_ECRYPTO: return "TAMGA_ECRYPTO";
	case TAMGA_EFORMAT: return "TAMGA_EFORMAT";
	case TAMGA_EPASSPHRASE: return "TAMGA_EPASSPHRASE";
	case TAMGA_EDB: return "TAMGA_EDB";
	case TAMGA_ELIMIT: return "TAMGA_ELIMIT";
	case TAMGA_EUNSUPPORTED: return "TAMGA_EUNSUPPORTED";
	case TAMGA_ESTATE: return "TAMGA_ESTATE";
	}
	return "TAMGA_E?";
}

const char *tamga_version(void)
{
	return TAMGA_VERSION;
}
