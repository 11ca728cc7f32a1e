/*
 * registry/registry.c - the document registry's rules (tamga/registry.h)
 * over a storage backend (registry/store.h).
 *
 * Every change is one write transaction holding the row change and its
 * audit entry, so the log never misses a change and never records one that
 * did not happen.  Codes are normalised (tamga_code_normalize) before any
 * lookup and stored in printed form only, so every way of typing a code
 * finds the same row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/buf.h"
#include "common/error.h"
#include "registry/internal.h"

const char *tamga_doc_status_name(tamga_doc_status s)
{
	switch (s) {
	case TAMGA_DOC_VALID: return "valid";
	case TAMGA_DOC_REVOKED: return "revoked";
	case TAMGA_DOC_SUPERSEDED: return "superseded";
	}
	return "unknown";
}

/* ------------------------------------------------------------ open, close */

int tamga_registry_open(tamga_registry **out, const char *dir, int create)
{
	tamga_registry *reg = NULL;
	int error;

	if (out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_open: out is NULL");
	*out = NULL;
	if (dir == NULL || *dir == '\0')
		return tamga__error_set(TAMGA_EINVAL, "the registry needs a data directory");
	if ((reg = calloc(1, sizeof(*reg))) == NULL)
		return tamga__error_oom();
	if ((reg->dir = tamga__strdup(dir)) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if ((error = tamga__store_sqlite.open(&reg->store, dir, create)) < 0 ||
	    (error = reg->store->ops->secret(reg->store, reg->secret)) < 0)
		goto done;
	*out = reg;
	reg = NULL;
done:
	tamga_registry_close(reg);
	return error;
}

void tamga_registry_close(tamga_registry *reg)
{
	if (reg == NULL)
		return;
	if (reg->store)
		reg->store->ops->close(reg->store);
	OPENSSL_cleanse(reg->secret, sizeof(reg->secret));
	free(reg->dir);
	free(reg);
}

/* ------------------------------------------------------------ helpers */

/* 1 when s is a NUL-terminated string within size bytes. */
static int fits(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int text_arg(const char *what, const char *s)
{
	if (s != NULL && strlen(s) >= TAMGA_REGISTRY_TEXT_MAX)
		return tamga__error_set(TAMGA_EINVAL, "%s is longer than %d bytes", what, TAMGA_REGISTRY_TEXT_MAX - 1);
	return 0;
}

/* "" or 64 hex digits, made lowercase in place. */
static int hash_field(const char *what, char *s, int required)
{
	size_t i;

	if (*s == '\0' && !required)
		return 0;
	if (!tamga__is_sha256_hex(s))
		return tamga__error_set(TAMGA_EINVAL, "%s is not a SHA-256 in hex", what);
	for (i = 0; s[i]; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
	return 0;
}

static int normalize_code(char out[TAMGA_CODE_BUFSIZE], const char *code)
{
	if (code == NULL)
		return tamga__error_set(TAMGA_EINVAL, "no document code given");
	int error = tamga_code_normalize(out, code);

	/* Its message names the input and what is wrong with it. */
	if (error < 0 && error != TAMGA_EFORMAT)
		error = tamga__error_set(TAMGA_EFORMAT, "'%.64s' is not a document code", code);
	return error;
}

/* End a transaction: commit on success, else roll back and keep the error. */
static int finish(struct tamga__store *s, int error)
{
	if (error == 0 && (error = s->ops->commit(s)) == 0)
		return 0;
	s->ops->rollback(s);
	return error;
}

/* ------------------------------------------------------------ agencies */

/* 1 when s is well-formed UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF) without control characters (C0, DEL, C1).  A caption is
 * drawn on every document the agency signs, and stored one line per
 * line feed, so a line feed or a stray byte must not get in. */
static int caption_text_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned int c = *s, n, i;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, c &= 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff) || (c >= 0x80 && c < 0xa0))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* The stamp settings of an agency to be stored: within their limits. */
static int stamp_settings_ok(const tamga_agency *a)
{
	unsigned int i;

	if (a->caption_count > TAMGA_AGENCY_CAPTION_LINES)
		return tamga__error_set(TAMGA_EINVAL, "an agency has at most %d caption lines", TAMGA_AGENCY_CAPTION_LINES);
	for (i = 0; i < a->caption_count; i++) {
		if (!fits(a->caption[i], sizeof(a->caption[i])))
			return tamga__error_set(TAMGA_EINVAL, "caption line %u is longer than %d bytes", i + 1,
			                        TAMGA_AGENCY_CAPTION_MAX);
		if (a->caption[i][0] == '\0')
			return tamga__error_set(TAMGA_EINVAL, "caption line %u is empty", i + 1);
		if (!caption_text_ok(a->caption[i]))
			return tamga__error_set(TAMGA_EINVAL, "caption line %u is not UTF-8 text without control characters",
			                        i + 1);
	}
	if (a->placement != TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT && a->placement != TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT)
		return tamga__error_set(TAMGA_EINVAL, "an agency's stamp goes on the first or the last page");
	if (a->no_stamp != 0 && a->no_stamp != 1)
		return tamga__error_set(TAMGA_EINVAL, "no_stamp is 0 or 1");
	return 0;
}

/* ------------------------------------------------------------ tokens */

int tamga_registry_token_add(tamga_registry *reg, const tamga_agency *agency, char token_out[TAMGA_TOKEN_BUFSIZE])
{
	struct tamga__store *s;
	char hash[65], detail[64];
	int64_t id = 0;
	int error;

	if (token_out)
		token_out[0] = '\0';
	if (reg == NULL || agency == NULL || token_out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_token_add: a required argument is NULL");
	if (!fits(agency->name, sizeof(agency->name)) || !fits(agency->key_path, sizeof(agency->key_path)) ||
	    !fits(agency->cert_path, sizeof(agency->cert_path)) || !fits(agency->chain_path, sizeof(agency->chain_path)))
		return tamga__error_set(TAMGA_EINVAL, "an agency field is not a terminated string");
	if (agency->name[0] == '\0' || agency->key_path[0] == '\0')
		return tamga__error_set(TAMGA_EINVAL, "an agency needs a name and a key");
	if ((error = stamp_settings_ok(agency)) < 0)
		return error;
	s = reg->store;
	if ((error = tamga__token_new(token_out, hash)) < 0)
		return error;
	snprintf(detail, sizeof(detail), "token %.*s%s", TAMGA_TOKEN_ID_LEN, hash,
	         agency->stamp_update ? "; stamp settings set" : "");
	if ((error = s->ops->begin(s)) < 0)
		goto done;
	error = s->ops->agency_upsert(s, agency, tamga_time_now(), &id);
	if (error == 0)
		error = s->ops->token_insert(s, id, hash, tamga_time_now());
	if (error == 0)
		error = tamga__audit_append(s, tamga_time_now(), "token-add", "", agency->name, detail);
	error = finish(s, error);
done:
	if (error < 0)
		OPENSSL_cleanse(token_out, TAMGA_TOKEN_BUFSIZE);
	return error;
}

/* The token named by the token itself or by a hash prefix (8+ hex digits). */
static int find_token(struct tamga__store *s, const char *token, struct tamga__store_token *out)
{
	char hash[65];
	size_t i, n;
	int error;

	if (strncmp(token, "tmg_", 4) == 0) {
		if (!tamga__token_well_formed(token))
			return tamga__error_set(TAMGA_ENOTFOUND, "unknown token");
		if ((error = tamga__token_hash(token, hash)) < 0)
			return error;
		return s->ops->token_get(s, hash, out);
	}
	n = strlen(token);
	if (n < 8 || n > 64)
		return tamga__error_set(TAMGA_EINVAL, "a token id is 8 to 64 hex digits (or give the token itself)");
	for (i = 0; i < n; i++) {
		char c = token[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return tamga__error_set(TAMGA_EINVAL, "'%.64s' is not a token id (hex digits)", token);
		hash[i] = c;
	}
	hash[n] = '\0';
	return s->ops->token_match(s, hash, out);
}

int tamga_registry_token_revoke(tamga_registry *reg, const char *token)
{
	struct tamga__store_token t;
	struct tamga__store *s;
	char detail[64];
	int error;

	if (reg == NULL || token == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_token_revoke: a required argument is NULL");
	s = reg->store;
	if ((error = s->ops->begin(s)) < 0)
		return error;
	error = find_token(s, token, &t);
	if (error == 0)
		error = s->ops->token_revoke(s, t.hash, tamga_time_now());
	if (error == 0) {
		snprintf(detail, sizeof(detail), "token %.*s", TAMGA_TOKEN_ID_LEN, t.hash);
		error = tamga__audit_append(s, tamga_time_now(), "token-revoke", "", t.agency, detail);
	}
	return finish(s, error);
}

int tamga_registry_token_check(tamga_registry *reg, const char *token, tamga_agency *out)
{
	struct tamga__store_token t;
	char hash[65];
	int error;

	if (out)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || token == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_token_check: a required argument is NULL");
	/* One message for every refusal: a caller learns nothing about why. */
	if (!tamga__token_well_formed(token))
		return tamga__error_set(TAMGA_ENOTFOUND, "unknown or revoked token");
	if ((error = tamga__token_hash(token, hash)) < 0)
		return error;
	if ((error = reg->store->ops->token_get(reg->store, hash, &t)) < 0)
		return error == TAMGA_ENOTFOUND ? tamga__error_set(TAMGA_ENOTFOUND, "unknown or revoked token") : error;
	/* The lookup was by hash already; compare once more in constant time
	 * so that no backend's index behaviour decides the answer. */
	if (CRYPTO_memcmp(t.hash, hash, 64) != 0 || t.revoked_at != 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "unknown or revoked token");
	return reg->store->ops->agency_get(reg->store, t.agency_id, out);
}

int tamga_registry_agencies(tamga_registry *reg, int (*fn)(void *ctx, const tamga_agency *a), void *ctx)
{
	if (reg == NULL || fn == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_agencies: a required argument is NULL");
	return reg->store->ops->agencies(reg->store, fn, ctx);
}

struct token_adapter {
	int (*fn)(void *ctx, const tamga_token_info *t);
	void *ctx;
};

static int token_info(void *ctx, const struct tamga__store_token *t)
{
	struct token_adapter *a = ctx;
	tamga_token_info info;

	memset(&info, 0, sizeof(info));
	memcpy(info.id, t->hash, TAMGA_TOKEN_ID_LEN);
	info.agency_id = t->agency_id;
	memcpy(info.agency, t->agency, sizeof(info.agency));
	info.created = t->created;
	info.revoked_at = t->revoked_at;
	return a->fn(a->ctx, &info);
}

int tamga_registry_tokens(tamga_registry *reg, int (*fn)(void *ctx, const tamga_token_info *t), void *ctx)
{
	struct token_adapter a = { fn, ctx };

	if (reg == NULL || fn == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_tokens: a required argument is NULL");
	return reg->store->ops->tokens(reg->store, token_info, &a);
}

/* ------------------------------------------------------------ subject hash */

/* Upper case for what register numbers are written in: ASCII and Cyrillic
 * (U+0400..U+04FF, which holds Mongolian Ө and Ү).  Other bytes pass. */
static size_t upper_utf8(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0, n = strlen(s);

	while (i < n) {
		unsigned int cp;

		if (p[i] >= 'a' && p[i] <= 'z') {
			p[i] = (unsigned char)(p[i] - 'a' + 'A');
			i++;
			continue;
		}
		if (p[i] < 0xD0 || p[i] > 0xD3 || i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) {
			i++;
			continue;
		}
		cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
		if (cp >= 0x430 && cp <= 0x44F)
			cp -= 0x20;
		else if (cp >= 0x450 && cp <= 0x45F)
			cp -= 0x50;
		else if (((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || cp >= 0x4D0) && (cp & 1))
			cp -= 1;
		else if (cp >= 0x4C1 && cp <= 0x4CE && !(cp & 1))
			cp -= 1;
		else if (cp == 0x4CF)
			cp = 0x4C0;
		p[i] = (unsigned char)(0xC0 | (cp >> 6));
		p[i + 1] = (unsigned char)(0x80 | (cp & 0x3F));
		i += 2;
	}
	return n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int tamga_registry_subject_hash(tamga_registry *reg, const char *reference, char out[65])
{
	char norm[TAMGA_REGISTRY_TEXT_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n;
	int error = 0;

	if (out)
		out[0] = '\0';
	if (reg == NULL || reference == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_subject_hash: a required argument is NULL");
	while (is_space(*reference))
		reference++;
	n = strlen(reference);
	while (n > 0 && is_space(reference[n - 1]))
		n--;
	if (n == 0)
		return tamga__error_set(TAMGA_EINVAL, "the subject reference is empty");
	if (n >= sizeof(norm))
		return tamga__error_set(TAMGA_EINVAL, "the subject reference is longer than %zu bytes", sizeof(norm) - 1);
	memcpy(norm, reference, n);
	norm[n] = '\0';
	n = upper_utf8(norm);
	if (HMAC(EVP_sha256(), reg->secret, sizeof(reg->secret), (const unsigned char *)norm, n, md, &mdlen) == NULL ||
	    mdlen != 32)
		error = tamga__error_openssl(TAMGA_ECRYPTO, "HMAC-SHA-256 of the subject reference");
	else
		tamga__hex(out, md, 32);
	OPENSSL_cleanse(norm, sizeof(norm));
	OPENSSL_cleanse(md, sizeof(md));
	return error;
}

/* ------------------------------------------------------------ documents */

/* doc checked and copied into d, normalised: code printed, hashes lowercase. */
static int check_document(tamga_document *d, const tamga_document *doc, size_t len)
{
	int error;

	if (!fits(doc->code, sizeof(doc->code)) || !fits(doc->agency, sizeof(doc->agency)) ||
	    !fits(doc->doc_type, sizeof(doc->doc_type)) || !fits(doc->title, sizeof(doc->title)) ||
	    !fits(doc->subject_hash, sizeof(doc->subject_hash)) || !fits(doc->format, sizeof(doc->format)) ||
	    !fits(doc->sha256, sizeof(doc->sha256)) || !fits(doc->original_sha256, sizeof(doc->original_sha256)) ||
	    !fits(doc->signer_subject, sizeof(doc->signer_subject)) ||
	    !fits(doc->signer_sha256, sizeof(doc->signer_sha256)))
		return tamga__error_set(TAMGA_EINVAL, "a document field is not a terminated string");
	*d = *doc;
	if ((error = normalize_code(d->code, doc->code)) < 0)
		return error;
	if (d->agency_id <= 0)
		return tamga__error_set(TAMGA_EINVAL, "a registered document needs its agency");
	if ((error = hash_field("the document's sha256", d->sha256, 1)) < 0 ||
	    (error = hash_field("the original's sha256", d->original_sha256, 0)) < 0 ||
	    (error = hash_field("the signer certificate's sha256", d->signer_sha256, 0)) < 0 ||
	    (error = hash_field("the subject hash", d->subject_hash, 0)) < 0)
		return error;
	if (len == 0 || d->size != (uint64_t)len)
		return tamga__error_set(TAMGA_EINVAL, "the document is %zu bytes, not %llu as registered", len,
		                        (unsigned long long)d->size);
	if (d->issued_at == 0)
		d->issued_at = tamga_time_now();
	d->status = TAMGA_DOC_VALID;
	d->status_time = 0;
	d->status_reason[0] = '\0';
	d->replaced_by[0] = '\0';
	return 0;
}

int tamga_registry_register(tamga_registry *reg, const tamga_document *doc, const void *data, size_t len)
{
	tamga_document d, existing;
	tamga_agency agency;
	struct tamga__store *s;
	char detail[160];
	int error;

	if (reg == NULL || doc == NULL || (data == NULL && len > 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_register: a required argument is NULL");
	if ((error = check_document(&d, doc, len)) < 0)
		return error;
	s = reg->store;
	/* Cheap refusals before the copy is written; the insert below still
	 * decides a race between two registrations of one code. */
	if ((error = s->ops->agency_get(s, d.agency_id, &agency)) < 0)
		return error;
	if ((error = s->ops->doc_get(s, d.code, &existing)) == 0)
		return tamga__error_set(TAMGA_EEXISTS, "document %s is registered already", d.code);
	if (error != TAMGA_ENOTFOUND)
		return error;
	tamga_error_clear();
	/* Durability: the copy is on disk before the row can be committed. */
	if ((error = tamga__copy_store(reg->dir, d.sha256, data, len)) < 0)
		return error;
	snprintf(detail, sizeof(detail), "sha256 %s size %llu format %.15s", d.sha256, (unsigned long long)d.size,
	         d.format);
	if ((error = s->ops->begin(s)) < 0)
		return error;
	error = s->ops->doc_insert(s, &d);
	if (error == 0)
		error = tamga__audit_append(s, tamga_time_now(), "issue", d.code, agency.name, detail);
	return finish(s, error);
}

int tamga_registry_get(tamga_registry *reg, const char *code, tamga_document *out)
{
	char printed[TAMGA_CODE_BUFSIZE];
	int error;

	if (out)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_get: a required argument is NULL");
	if ((error = normalize_code(printed, code)) < 0)
		return error;
	return reg->store->ops->doc_get(reg->store, printed, out);
}

int tamga_registry_copy(tamga_registry *reg, const tamga_document *doc, tamga_buf *out)
{
	if (reg == NULL || doc == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_copy: a required argument is NULL");
	if (!fits(doc->sha256, sizeof(doc->sha256)))
		return tamga__error_set(TAMGA_EINVAL, "the document's sha256 is not a terminated string");
	return tamga__copy_load(reg->dir, doc->sha256, doc->size, out);
}

/* The document for a status change, or TAMGA_ENOTFOUND when it is not
 * registered or not the acting agency's (the same answer for both). */
static int owned_document(struct tamga__store *s, const char *code, int64_t agency_id, tamga_document *out)
{
	int error = s->ops->doc_get(s, code, out);

	if (error == 0 && agency_id != 0 && out->agency_id != agency_id)
		error = tamga__error_set(TAMGA_ENOTFOUND, "no document %s is registered", code);
	return error;
}

static int change_status(tamga_registry *reg, const char *code, int64_t agency_id, tamga_doc_status status,
                         const char *replaced_by, const char *reason)
{
	char printed[TAMGA_CODE_BUFSIZE], by[TAMGA_CODE_BUFSIZE] = "";
	tamga_document d, other;
	struct tamga__store *s;
	tamga_buf detail = TAMGA_BUF_INIT;
	tamga_time now = tamga_time_now();
	int error;

	if (reg == NULL)
		return tamga__error_set(TAMGA_EINVAL, "the registry is NULL");
	if (reason == NULL)
		reason = "";
	if ((error = text_arg("the reason", reason)) < 0 || (error = normalize_code(printed, code)) < 0)
		return error;
	if (status == TAMGA_DOC_SUPERSEDED) {
		if ((error = normalize_code(by, replaced_by)) < 0)
			return error;
		if (strcmp(by, printed) == 0)
			return tamga__error_set(TAMGA_EINVAL, "a document cannot supersede itself");
	}
	s = reg->store;
	if ((error = s->ops->begin(s)) < 0)
		return error;
	if ((error = owned_document(s, printed, agency_id, &d)) < 0)
		goto done;
	if (d.status != TAMGA_DOC_VALID) {
		error = tamga__error_set(TAMGA_ESTATE, "document %s is %s already", printed, tamga_doc_status_name(d.status));
		goto done;
	}
	if (status == TAMGA_DOC_SUPERSEDED) {
		if ((error = owned_document(s, by, agency_id, &other)) < 0) {
			if (error == TAMGA_ENOTFOUND)
				error = tamga__error_set(TAMGA_ENOTFOUND, "the replacement %s is not registered", by);
			goto done;
		}
		if (other.status != TAMGA_DOC_VALID) {
			error = tamga__error_set(TAMGA_ESTATE, "the replacement %s is %s", by,
			                         tamga_doc_status_name(other.status));
			goto done;
		}
	}
	if ((error = s->ops->doc_set_status(s, printed, status, now, reason, by)) < 0)
		goto done;
	if (status == TAMGA_DOC_SUPERSEDED)
		error = tamga__buf_printf(&detail, "by %s; replaced by %s; reason: %s", agency_id ? "agency" : "operator",
		                          by, reason);
	else
		error = tamga__buf_printf(&detail, "by %s; reason: %s", agency_id ? "agency" : "operator", reason);
	if (error == 0)
		error = tamga__audit_append(s, now, status == TAMGA_DOC_SUPERSEDED ? "supersede" : "revoke", printed,
		                            d.agency, (const char *)detail.ptr);
done:
	tamga_buf_dispose(&detail);
	return finish(s, error);
}

int tamga_registry_revoke(tamga_registry *reg, const char *code, int64_t agency_id, const char *reason)
{
	return change_status(reg, code, agency_id, TAMGA_DOC_REVOKED, NULL, reason);
}

int tamga_registry_supersede(tamga_registry *reg, const char *code, int64_t agency_id, const char *replaced_by,
                             const char *reason)
{
	return change_status(reg, code, agency_id, TAMGA_DOC_SUPERSEDED, replaced_by, reason);
}

int tamga_registry_list(tamga_registry *reg, size_t limit, int (*fn)(void *ctx, const tamga_document *d), void *ctx)
{
	if (reg == NULL || fn == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_registry_list: a required argument is NULL");
	return reg->store->ops->docs(reg->store, limit, fn, ctx);
}

/* ------------------------------------------------------------ audit */

int tamga_registry_audit_verify(tamga_registry *reg, uint64_t *entries)
{
	return tamga_registry_audit_check(reg, entries, NULL, 0, NULL);
}

int tamga_registry_audit_check(tamga_registry *reg, uint64_t *entries, char head[65], uint64_t witness_seq,
                               const char *witness_hash)
{
	if (entries)
		*entries = 0;
	if (head)
		head[0] = '\0';
	if (reg == NULL)
		return tamga__error_set(TAMGA_EINVAL, "the registry is NULL");
	return tamga__audit_verify(reg->store, entries, head, witness_seq, witness_hash);
}
