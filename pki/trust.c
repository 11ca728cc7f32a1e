/*
 * pki/trust.c - the trust store: anchors, untrusted intermediates, CRLs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "pki/cadb.h"
#include "pki/trust_internal.h"

int tamga_trust_new(tamga_trust **out)
{
	tamga_trust *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (t == NULL)
		return tamga__error_oom();
	t->anchors = sk_X509_new_null();
	t->intermediates = sk_X509_new_null();
	t->crls = sk_X509_CRL_new_null();
	if (t->anchors == NULL || t->intermediates == NULL || t->crls == NULL) {
		tamga_trust_free(t);
		return tamga__error_oom();
	}
	*out = t;
	return 0;
}

void tamga_trust_free(tamga_trust *t)
{
	if (t == NULL)
		return;
	sk_X509_pop_free(t->anchors, X509_free);
	sk_X509_pop_free(t->intermediates, X509_free);
	sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
	free(t);
}

/* Move every certificate of src onto dst (src is emptied). */
static int move_certs(STACK_OF(X509) *dst, STACK_OF(X509) *src)
{
	X509 *x;

	while ((x = sk_X509_shift(src)) != NULL)
		if (!sk_X509_push(dst, x)) {
			X509_free(x);
			return tamga__error_oom();
		}
	return 0;
}

static int add_certs_mem(STACK_OF(X509) *dst, const void *data, size_t len, const char *what)
{
	STACK_OF(X509) *certs = NULL;
	int error;

	if ((error = tamga__load_certs(&certs, data, len, what)) == 0)
		error = move_certs(dst, certs);
	sk_X509_pop_free(certs, X509_free);
	return error;
}

static int add_crls_mem(STACK_OF(X509_CRL) *dst, const void *data, size_t len, const char *what)
{
	STACK_OF(X509_CRL) *crls = NULL;
	X509_CRL *c;
	int error;

	if ((error = tamga__load_crls(&crls, data, len, what)) < 0)
		return error;
	while ((c = sk_X509_CRL_shift(crls)) != NULL)
		if (!sk_X509_CRL_push(dst, c)) {
			X509_CRL_free(c);
			error = tamga__error_oom();
			break;
		}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return error;
}

enum kind { ANCHORS, INTERMEDIATES, CRLS };

static int add_mem(tamga_trust *t, enum kind kind, const void *data, size_t len, const char *what)
{
	if (t == NULL || (data == NULL && len > 0))
		return tamga__error_set(TAMGA_EINVAL, "trust store: bad arguments");
	switch (kind) {
	case ANCHORS: return add_certs_mem(t->anchors, data, len, what);
	case INTERMEDIATES: return add_certs_mem(t->intermediates, data, len, what);
	case CRLS: return add_crls_mem(t->crls, data, len, what);
	}
	return TAMGA_EINVAL;
}

static int add_file(tamga_trust *t, enum kind kind, const char *path)
{
	tamga_buf data = TAMGA_BUF_INIT;
	int error;

	if (path == NULL)
		return tamga__error_set(TAMGA_EINVAL, "trust store: no file given");
	if ((error = tamga__file_read(&data, path, TAMGA_CERT_FILE_MAX)) == 0)
		error = add_mem(t, kind, data.ptr, data.size, path);
	tamga_buf_dispose(&data);
	return error;
}

int tamga_trust_add_anchors_file(tamga_trust *t, const char *path) { return add_file(t, ANCHORS, path); }
int tamga_trust_add_intermediates_file(tamga_trust *t, const char *path) { return add_file(t, INTERMEDIATES, path); }
int tamga_trust_add_crls_file(tamga_trust *t, const char *path) { return add_file(t, CRLS, path); }

int tamga_trust_add_anchors_mem(tamga_trust *t, const void *data, size_t len)
{
	return add_mem(t, ANCHORS, data, len, "trust anchors");
}

int tamga_trust_add_intermediates_mem(tamga_trust *t, const void *data, size_t len)
{
	return add_mem(t, INTERMEDIATES, data, len, "intermediate certificates");
}

int tamga_trust_add_crls_mem(tamga_trust *t, const void *data, size_t len)
{
	return add_mem(t, CRLS, data, len, "CRLs");
}

static int push_cert(STACK_OF(X509) *sk, const tamga_cert *cert)
{
	X509 *x = tamga__cert_x509(cert);

	if (!X509_up_ref(x))
		return tamga__error_openssl(TAMGA_ECRYPTO, "X509_up_ref");
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return tamga__error_oom();
	}
	return 0;
}

int tamga_trust_add_anchor(tamga_trust *t, const tamga_cert *cert)
{
	if (t == NULL || cert == NULL)
		return tamga__error_set(TAMGA_EINVAL, "trust store: bad arguments");
	return push_cert(t->anchors, cert);
}

int tamga_trust_add_intermediate(tamga_trust *t, const tamga_cert *cert)
{
	if (t == NULL || cert == NULL)
		return tamga__error_set(TAMGA_EINVAL, "trust store: bad arguments");
	return push_cert(t->intermediates, cert);
}

struct ca_dir_ctx {
	tamga_trust *trust;
};

static int take_ca_cert(const struct tamga__cadb_cert *row, void *payload)
{
	struct ca_dir_ctx *ctx = payload;
	STACK_OF(X509) *dst;

	if (strcmp(row->role, "root") == 0)
		dst = ctx->trust->anchors;
	else if (strcmp(row->role, "signer") != 0)
		dst = ctx->trust->intermediates;
	else
		return 0;
	return add_certs_mem(dst, row->der, row->der_len, "CA database");
}

int tamga_trust_add_ca_dir(tamga_trust *t, const char *dir)
{
	struct ca_dir_ctx ctx = { t };
	sqlite3 *db = NULL;
	tamga_buf crl = TAMGA_BUF_INIT;
	char *path;
	int error, i;
	static const char *const issuers[] = { "root", "issuing" };

	if (t == NULL || dir == NULL)
		return tamga__error_set(TAMGA_EINVAL, "trust store: bad arguments");
	if ((path = tamga__path_join(dir, "ca.db")) == NULL)
		return TAMGA_ENOMEM;
	if (access(path, F_OK) != 0) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "%s holds no CA (no ca.db)", dir);
		goto done;
	}
	if ((error = tamga__cadb_open(&db, path, 0)) < 0 ||
	    (error = tamga__cadb_foreach_cert(db, NULL, NULL, take_ca_cert, &ctx)) < 0)
		goto done;
	for (i = 0; i < 2; i++) {
		crl.size = 0;
		if ((error = tamga__cadb_latest_crl(db, issuers[i], &crl)) < 0 ||
		    (error = add_crls_mem(t->crls, crl.ptr, crl.size, "CA database")) < 0)
			goto done;
	}
done:
	tamga_buf_dispose(&crl);
	tamga__cadb_close(db);
	free(path);
	return error;
}

size_t tamga_trust_anchor_count(const tamga_trust *t)
{
	return t ? (size_t)sk_X509_num(t->anchors) : 0;
}

size_t tamga_trust_crl_count(const tamga_trust *t)
{
	return t ? (size_t)sk_X509_CRL_num(t->crls) : 0;
}
