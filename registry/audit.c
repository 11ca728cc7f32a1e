/*
 * registry/audit.c - the append-only audit log, chained by hash.
 *
 * Entry n (seq 1, 2, 3, ...) stores
 *
 *     hash(n) = SHA-256( hex(hash(n-1)) || "\n" || text(n) )     hex(hash(0)) = 64 zeros
 *     text(n) = seq "|" time "|" event "|" code "|" agency "|" detail
 *
 * seq and time in decimal, time in seconds since the epoch.  In the text
 * fields a backslash, "|" and a line feed are written "\\", "\|" and "\n",
 * so no field's content can pass for a field boundary: moving a "|" from
 * the agency into the detail changes the text, and with it the hash.
 *
 * What the chain detects: an entry edited in place (its hash no longer
 * matches), an entry deleted or inserted in the middle (the next entry's
 * prev_hash, and the gap or repeat in seq), entries reordered.  What it
 * cannot detect alone: the newest entries cut off together, or the whole
 * log rewritten by someone who recomputes every hash; anchoring the
 * newest hash outside the database (a log line, a periodic publication)
 * closes that, and is the operator's to do.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/error.h"
#include "registry/internal.h"

static const char zero_hash[65] = "0000000000000000000000000000000000000000000000000000000000000000";

static int put_field(tamga_buf *b, const char *s)
{
	int error = 0;

	if ((error = tamga__buf_puts(b, "|")) < 0)
		return error;
	for (; s && *s && error == 0; s++) {
		if (*s == '\\')
			error = tamga__buf_puts(b, "\\\\");
		else if (*s == '|')
			error = tamga__buf_puts(b, "\\|");
		else if (*s == '\n')
			error = tamga__buf_puts(b, "\\n");
		else
			error = tamga__buf_append(b, s, 1);
	}
	return error;
}

/* hash = SHA-256(prev_hash "\n" canonical text), lowercase hex. */
static int entry_hash(const struct tamga__audit_entry *e, const char *prev_hash, char out[65])
{
	tamga_buf b = TAMGA_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int error;

	if ((error = tamga__buf_printf(&b, "%s\n%" PRIu64 "|%" PRId64, prev_hash, e->seq, (int64_t)e->time)) < 0 ||
	    (error = put_field(&b, e->event)) < 0 || (error = put_field(&b, e->code)) < 0 ||
	    (error = put_field(&b, e->agency)) < 0 || (error = put_field(&b, e->detail)) < 0)
		goto done;
	if (!EVP_Digest(b.ptr, b.size, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "hashing an audit entry");
		goto done;
	}
	tamga__hex(out, md, 32);
done:
	tamga_buf_dispose(&b);
	return error;
}

int tamga__audit_append(struct tamga__store *s, tamga_time when, const char *event, const char *code,
                        const char *agency, const char *detail)
{
	struct tamga__audit_entry e;
	char prev[65], hash[65];
	uint64_t last = 0;
	int error;

	if ((error = s->ops->audit_last(s, &last, prev)) < 0)
		return error;
	memset(&e, 0, sizeof(e));
	e.seq = last + 1;
	e.time = when;
	e.event = event;
	e.code = code ? code : "";
	e.agency = agency ? agency : "";
	e.detail = detail ? detail : "";
	e.prev_hash = prev;
	if ((error = entry_hash(&e, prev, hash)) < 0)
		return error;
	e.hash = hash;
	return s->ops->audit_insert(s, &e);
}

struct verify_state {
	uint64_t expect_seq;
	char prev[65];
	uint64_t good;
	int error;
	uint64_t witness_seq;           /* 0: none */
	const char *witness_hash;
	int witness_seen;
};

static int verify_one(void *ctx, const struct tamga__audit_entry *e)
{
	struct verify_state *v = ctx;
	char hash[65];
	int error;

	if (e->seq != v->expect_seq) {
		v->error = tamga__error_set(TAMGA_EFORMAT, "audit entry %" PRIu64 ": expected entry %" PRIu64
		                            " here: entries are missing or were inserted", e->seq, v->expect_seq);
		return 1;
	}
	if (e->prev_hash == NULL || strlen(e->prev_hash) != 64 ||
	    CRYPTO_memcmp(e->prev_hash, v->prev, 64) != 0) {
		v->error = tamga__error_set(TAMGA_EFORMAT, "audit entry %" PRIu64 ": its previous hash does not "
		                            "match entry %" PRIu64 "'s hash", e->seq, e->seq - 1);
		return 1;
	}
	if ((error = entry_hash(e, v->prev, hash)) < 0) {
		v->error = error;
		return 1;
	}
	if (e->hash == NULL || strlen(e->hash) != 64 || CRYPTO_memcmp(e->hash, hash, 64) != 0) {
		v->error = tamga__error_set(TAMGA_EFORMAT, "audit entry %" PRIu64 ": its hash does not match its "
		                            "contents: the entry was changed", e->seq);
		return 1;
	}
	if (e->seq == v->witness_seq) {
		if (CRYPTO_memcmp(hash, v->witness_hash, 64) != 0) {
			v->error = tamga__error_set(TAMGA_EFORMAT, "audit entry %" PRIu64 ": its hash is not the "
			                            "witness's: the log was rewritten from here on", e->seq);
			return 1;
		}
		v->witness_seen = 1;
	}
	memcpy(v->prev, hash, 65);
	v->expect_seq++;
	v->good++;
	return 0;
}

int tamga__audit_verify(struct tamga__store *s, uint64_t *entries, char head[65], uint64_t witness_seq,
                        const char *witness_hash)
{
	struct verify_state v;
	size_t i;
	int error;

	memset(&v, 0, sizeof(v));
	if (head)
		head[0] = '\0';
	if (witness_seq > 0) {
		if (witness_hash == NULL || strlen(witness_hash) != 64)
			return tamga__error_set(TAMGA_EINVAL, "a witness hash is 64 hexadecimal digits");
		for (i = 0; i < 64; i++)
			if (!strchr("0123456789abcdef", witness_hash[i]))
				return tamga__error_set(TAMGA_EINVAL, "a witness hash is 64 lowercase hexadecimal digits");
	}
	v.expect_seq = 1;
	v.witness_seq = witness_seq;
	v.witness_hash = witness_hash;
	memcpy(v.prev, zero_hash, sizeof(zero_hash));
	error = s->ops->audit_each(s, verify_one, &v);
	if (entries)
		*entries = v.good;
	if (head && v.good > 0)
		memcpy(head, v.prev, 65);
	if (v.error < 0)
		return v.error;
	if (error < 0)
		return error;
	if (witness_seq > 0 && !v.witness_seen)
		return tamga__error_set(TAMGA_EFORMAT, "audit entry %" PRIu64 " is missing (the log ends at entry %"
		                        PRIu64 "): the log was truncated since the witness was taken",
		                        witness_seq, v.good);
	return 0;
}
