/*
 * pki/tsa.c - RFC 3161 time-stamp authority: TimeStampReq in,
 * TimeStampResp out, with OpenSSL's TS_RESP_CTX doing the encoding and
 * signing.
 *
 *   TimeStampReq  ::= SEQUENCE { version 1, messageImprint { hashAlgorithm,
 *                     hashedMessage }, reqPolicy OPTIONAL, nonce OPTIONAL,
 *                     certReq DEFAULT FALSE, extensions [0] OPTIONAL }
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }
 *   token: SignedData { eContent TSTInfo { version 1, policy, messageImprint,
 *                     serialNumber, genTime, accuracy, ordering FALSE, nonce,
 *                     tsa }, signed attributes incl. signingCertificateV2 }
 *
 * What is ours rather than OpenSSL's: the request is bounded and must be
 * one whole DER object (trailing bytes are a different request to some
 * other parser); the certificate must be a time-stamping one (§2.3) and say
 * so clearly at open; serials come from a counter file under an exclusive
 * lock, fsynced before the token is signed, so they never repeat across
 * restarts or processes (the header gives the scheme); and the TSA's own
 * failures are told apart from the request's (a request rejection always
 * carries a failure bit, an internal one does not) so the caller can log
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <tamga/tsa.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "pki/pki.h"

#define PEM_MAX (1u << 20)
#define SERIAL_LEN 21   /* 20 decimal digits of a uint64 and '\n' */

struct tamga_tsa {
	TS_RESP_CTX *ctx;
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *chain;
	char *serial_path;
	int serial_fd;
	int serial_error;     /* set by the serial callback for the current request */
};

/* ------------------------------------------------------------ serials */

/* The counter in the file (0 when empty); fd is locked by the caller. */
static int serial_read(uint64_t *out, int fd, const char *path)
{
	char text[SERIAL_LEN + 1];
	ssize_t n;
	uint64_t v = 0;
	int i;

	n = pread(fd, text, sizeof(text), 0);
	if (n < 0)
		return tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
	if (n == 0) {
		*out = 0;
		return 0;
	}
	if (n != SERIAL_LEN || text[SERIAL_LEN - 1] != '\n')
		goto corrupt;
	for (i = 0; i < SERIAL_LEN - 1; i++) {
		unsigned d = (unsigned)(text[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			goto corrupt;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
corrupt:
	return tamga__error_set(TAMGA_EFORMAT,
	                        "serial file %s is corrupt (not 20 digits and a newline); refusing to "
	                        "issue serials that might repeat", path);
}

/* Take the next serial: lock, read, add one, write, fsync, unlock. */
static int serial_next(uint64_t *out, struct tamga_tsa *t)
{
	char text[SERIAL_LEN + 1];
	uint64_t v = 0;
	int error = 0;

	while (flock(t->serial_fd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return tamga__error_set(TAMGA_EIO, "locking %s: %s", t->serial_path, strerror(errno));
	}
	if ((error = serial_read(&v, t->serial_fd, t->serial_path)) < 0)
		goto done;
	if (v == UINT64_MAX) {
		error = tamga__error_set(TAMGA_ELIMIT, "serial file %s: the counter is exhausted", t->serial_path);
		goto done;
	}
	v++;
	snprintf(text, sizeof(text), "%020" PRIu64 "\n", v);
	/* One write of 21 bytes at offset 0: within one sector, so a crash
	 * leaves the old value or the new one. */
	if (pwrite(t->serial_fd, text, SERIAL_LEN, 0) != SERIAL_LEN || fsync(t->serial_fd) != 0) {
		error = tamga__error_set(TAMGA_EIO, "writing %s: %s", t->serial_path, strerror(errno));
		goto done;
	}
	*out = v;
done:
	flock(t->serial_fd, LOCK_UN);
	return error;
}

static ASN1_INTEGER *serial_cb(TS_RESP_CTX *ctx, void *payload)
{
	struct tamga_tsa *t = payload;
	ASN1_INTEGER *serial = NULL;
	uint64_t v = 0;
	int error;

	if ((error = serial_next(&v, t)) == 0) {
		if ((serial = ASN1_INTEGER_new()) == NULL || !ASN1_INTEGER_set_uint64(serial, v)) {
			ASN1_INTEGER_free(serial);
			serial = NULL;
			error = tamga__error_oom();
		}
	}
	if (serial == NULL) {
		t->serial_error = error;
		TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "Error during serial number generation.");
		TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
	}
	return serial;
}

/* ------------------------------------------------------------ opening */

/* RFC 3161 §2.3: the EKU is present, critical, and timeStamping alone. */
static int check_tsa_cert(X509 *cert, const char *path)
{
	EXTENDED_KEY_USAGE *eku = NULL;
	X509_EXTENSION *ext;
	int idx, error = 0;

	idx = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1);
	if (idx < 0)
		return tamga__error_set(TAMGA_EINVAL, "%s: the certificate has no extended key usage; a TSA "
		                        "certificate needs timeStamping alone, critical (RFC 3161 2.3)", path);
	if (X509_get_ext_by_NID(cert, NID_ext_key_usage, idx) >= 0)
		return tamga__error_set(TAMGA_EINVAL, "%s: the certificate has two extended key usage extensions", path);
	ext = X509_get_ext(cert, idx);
	if ((eku = X509V3_EXT_d2i(ext)) == NULL)
		return tamga__error_openssl(TAMGA_EINVAL, "%s: the extended key usage is malformed", path);
	if (sk_ASN1_OBJECT_num(eku) != 1 || OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) != NID_time_stamp) {
		error = tamga__error_set(TAMGA_EINVAL, "%s: the extended key usage must be timeStamping alone "
		                         "(RFC 3161 2.3); this certificate is not a TSA certificate", path);
		goto done;
	}
	if (!X509_EXTENSION_get_critical(ext)) {
		error = tamga__error_set(TAMGA_EINVAL, "%s: the timeStamping extended key usage must be marked "
		                         "critical (RFC 3161 2.3)", path);
		goto done;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0 ||
	    X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
		error = tamga__error_set(TAMGA_EINVAL, "%s: the TSA certificate is not valid now", path);
		goto done;
	}
done:
	EXTENDED_KEY_USAGE_free(eku);
	return error;
}

static int load_pem_certs(STACK_OF(X509) **out, const char *path)
{
	tamga_buf data = TAMGA_BUF_INIT;
	int error;

	if ((error = tamga__file_read(&data, path, PEM_MAX)) == 0)
		error = tamga__load_certs(out, data.ptr, data.size, path);
	tamga_buf_dispose(&data);
	return error;
}

/* Make the serial file's directory entry durable: a file that vanished in
 * a crash would restart the serials at 1. */
static int sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, error = 0;

	if (slash == NULL)
		dir = tamga__strdup(".");
	else if ((dir = tamga__strdup(path)) != NULL)
		dir[slash == path ? 1 : slash - path] = '\0';
	if (dir == NULL)
		return tamga__error_oom();
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) != 0)
		error = tamga__error_set(TAMGA_EIO, "syncing the directory of %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return error;
}

static int open_serial(struct tamga_tsa *t, const char *path)
{
	uint64_t v = 0;
	int error;

	if ((t->serial_path = tamga__strdup(path)) == NULL)
		return tamga__error_oom();
	t->serial_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (t->serial_fd < 0)
		return tamga__error_set(TAMGA_EIO, "serial file %s: %s", path, strerror(errno));
	if (fsync(t->serial_fd) != 0)
		return tamga__error_set(TAMGA_EIO, "serial file %s: %s", path, strerror(errno));
	if ((error = sync_parent(path)) < 0)
		return error;
	/* Refuse a corrupt file now rather than at the first request. */
	if (flock(t->serial_fd, LOCK_SH) != 0)
		return tamga__error_set(TAMGA_EIO, "locking %s: %s", path, strerror(errno));
	error = serial_read(&v, t->serial_fd, path);
	flock(t->serial_fd, LOCK_UN);
	return error;
}

static int setup_ctx(struct tamga_tsa *t, const tamga_tsa_options *o)
{
	const char *policy_text = o->policy ? o->policy : TAMGA_TSA_DEFAULT_POLICY;
	unsigned int accuracy = o->accuracy_seconds ? o->accuracy_seconds : 1;
	ASN1_OBJECT *policy = NULL;
	int error = 0;

	if ((policy = OBJ_txt2obj(policy_text, 1)) == NULL) {
		ERR_clear_error();
		return tamga__error_set(TAMGA_EINVAL, "TSA policy '%s' is not a dotted OID", policy_text);
	}
	if ((t->ctx = TS_RESP_CTX_new()) == NULL ||
	    !TS_RESP_CTX_set_signer_cert(t->ctx, t->cert) ||
	    !TS_RESP_CTX_set_signer_key(t->ctx, t->key) ||
	    !TS_RESP_CTX_set_signer_digest(t->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(t->ctx, EVP_sha256()) ||
	    (t->chain != NULL && !TS_RESP_CTX_set_certs(t->ctx, t->chain)) ||
	    !TS_RESP_CTX_set_def_policy(t->ctx, policy) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha384()) ||
	    !TS_RESP_CTX_add_md(t->ctx, EVP_sha512()) ||
	    !TS_RESP_CTX_set_accuracy(t->ctx, (int)accuracy, 0, 0) ||
	    !TS_RESP_CTX_set_clock_precision_digits(t->ctx, 0)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "setting up the time-stamp responder");
		goto done;
	}
	TS_RESP_CTX_add_flags(t->ctx, TS_TSA_NAME);
	TS_RESP_CTX_set_serial_cb(t->ctx, serial_cb, t);
done:
	ASN1_OBJECT_free(policy);
	return error;
}

int tamga_tsa_open(tamga_tsa **out, const tamga_tsa_options *o)
{
	struct tamga_tsa *t = NULL;
	STACK_OF(X509) *certs = NULL;
	tamga_buf pem = TAMGA_BUF_INIT;
	int error = 0;

	if (out == NULL || o == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_tsa_open: out and options are required");
	*out = NULL;
	if (o->version != TAMGA_TSA_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_tsa_options: unknown version %u", o->version);
	if (o->key_path == NULL || o->cert_path == NULL || o->serial_file == NULL)
		return tamga__error_set(TAMGA_EINVAL, "a TSA needs a key, a certificate and a serial file");
	if (o->accuracy_seconds > 3600)
		return tamga__error_set(TAMGA_EINVAL, "TSA accuracy of %u seconds is more than an hour",
		                        o->accuracy_seconds);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return tamga__error_oom();
	t->serial_fd = -1;

	if ((error = load_pem_certs(&certs, o->cert_path)) < 0)
		goto done;
	t->cert = sk_X509_shift(certs);
	if ((error = check_tsa_cert(t->cert, o->cert_path)) < 0)
		goto done;
	if ((error = tamga__file_read(&pem, o->key_path, PEM_MAX)) < 0 ||
	    (error = tamga__key_from_pem(&t->key, pem.ptr, pem.size, o->passphrase, o->passphrase_len,
	                                 o->key_path)) < 0)
		goto done;
	if (X509_check_private_key(t->cert, t->key) != 1) {
		error = tamga__error_openssl(TAMGA_EINVAL, "%s does not belong to the certificate %s", o->key_path,
		                             o->cert_path);
		goto done;
	}
	if (o->chain_path != NULL && (error = load_pem_certs(&t->chain, o->chain_path)) < 0)
		goto done;
	if ((error = setup_ctx(t, o)) < 0 || (error = open_serial(t, o->serial_file)) < 0)
		goto done;
	*out = t;
	t = NULL;
done:
	sk_X509_pop_free(certs, X509_free);
	tamga_buf_dispose(&pem);
	tamga_tsa_free(t);
	return error;
}

void tamga_tsa_free(tamga_tsa *t)
{
	if (t == NULL)
		return;
	TS_RESP_CTX_free(t->ctx);
	EVP_PKEY_free(t->key);
	X509_free(t->cert);
	sk_X509_pop_free(t->chain, X509_free);
	if (t->serial_fd >= 0)
		close(t->serial_fd);
	free(t->serial_path);
	free(t);
}

/* ------------------------------------------------------------ answering */

static int encode(tamga_buf *out, TS_RESP *resp)
{
	unsigned char *der = NULL;
	int n, error;

	if ((n = i2d_TS_RESP(resp, &der)) <= 0)
		return tamga__error_openssl(TAMGA_ECRYPTO, "encoding a TimeStampResp");
	error = tamga__buf_append(out, der, (size_t)n);
	OPENSSL_free(der);
	return error;
}

/*
 * A rejection made without the responder (the request never reaches it, or
 * the responder failed), encoded by hand: OpenSSL keeps PKIStatusInfo
 * opaque.  text is short ASCII (< 100 bytes), failure a PKIFailureInfo bit.
 *   SEQUENCE { SEQUENCE { INTEGER 2, SEQUENCE { UTF8String text },
 *                         BIT STRING failInfo } }
 */
static int reject(tamga_buf *out, int failure, const char *text)
{
	unsigned char der[160];
	size_t tlen = strlen(text), nbits = (size_t)failure / 8 + 1, n = 0, i;
	size_t info_len = 3 + (2 + 2 + tlen) + (2 + 1 + nbits);

	if (tlen > 100 || failure < 0 || failure > 31)
		return tamga__error_set(TAMGA_EINVAL, "reject: bad arguments");
	der[n++] = 0x30;
	der[n++] = (unsigned char)(2 + info_len);
	der[n++] = 0x30;
	der[n++] = (unsigned char)info_len;
	der[n++] = 0x02; der[n++] = 0x01; der[n++] = TS_STATUS_REJECTION;
	der[n++] = 0x30; der[n++] = (unsigned char)(2 + tlen);
	der[n++] = 0x0c; der[n++] = (unsigned char)tlen;
	memcpy(der + n, text, tlen);
	n += tlen;
	der[n++] = 0x03; der[n++] = (unsigned char)(1 + nbits);
	der[n++] = (unsigned char)(7 - failure % 8);   /* unused bits: DER drops trailing zeros */
	for (i = 0; i < nbits; i++)
		der[n++] = i + 1 == nbits ? (unsigned char)(0x80u >> (failure % 8)) : 0;
	return tamga__buf_append(out, der, n);
}

static int has_failure_bit(const TS_STATUS_INFO *si)
{
	const ASN1_BIT_STRING *bits = TS_STATUS_INFO_get0_failure_info(si);
	const unsigned char *data;
	int i, n;

	if (bits == NULL)
		return 0;
	data = ASN1_STRING_get0_data(bits);
	n = ASN1_STRING_length(bits);
	for (i = 0; i < n; i++)
		if (data[i] != 0)
			return 1;
	return 0;
}

int tamga_tsa_respond(tamga_tsa *t, const void *req, size_t len, tamga_buf *out)
{
	const unsigned char *p = req;
	TS_REQ *parsed = NULL;
	TS_RESP *resp = NULL;
	TS_STATUS_INFO *si;
	BIO *bio = NULL;
	long status;
	int error = 0;

	if (t == NULL || out == NULL || (req == NULL && len != 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_tsa_respond: a handle and an output are required");
	if (len > TAMGA_TSA_MAX_REQUEST)
		return reject(out, TS_INFO_BAD_REQUEST, "The request is too large.");
	/* One whole DER TimeStampReq: OpenSSL's BIO reader would ignore what
	 * follows it. */
	parsed = len > 0 ? d2i_TS_REQ(NULL, &p, (long)len) : NULL;
	if (parsed == NULL || p != (const unsigned char *)req + len) {
		ERR_clear_error();
		error = reject(out, TS_INFO_BAD_DATA_FORMAT, "Bad request format.");
		goto done;
	}
	if ((bio = BIO_new_mem_buf(req, (int)len)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	t->serial_error = 0;
	resp = TS_RESP_create_response(t->ctx, bio);
	if (resp == NULL) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "making a TimeStampResp");
		(void)reject(out, TS_INFO_SYSTEM_FAILURE, "The TSA failed; try later.");
		goto done;
	}
	si = TS_RESP_get_status_info(resp);
	status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
	if (status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS) {
		error = encode(out, resp);
	} else if (t->serial_error < 0) {
		/* The callback's detail is the error; the answer says so. */
		ERR_clear_error();
		error = t->serial_error;
		(void)encode(out, resp);
	} else if (has_failure_bit(si)) {
		/* The request's fault: a verdict, not an error. */
		ERR_clear_error();
		error = encode(out, resp);
	} else {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "time-stamping");
		(void)reject(out, TS_INFO_SYSTEM_FAILURE, "The TSA failed; try later.");
	}
done:
	BIO_free(bio);
	TS_REQ_free(parsed);
	TS_RESP_free(resp);
	return error;
}
