/*
 * verifier/report.h - the verification report model (internal).
 *
 * One report per document: what was checked, the verdict, and for every
 * signature its indication, the evidence behind it and the reasons.  The
 * renderers (report.c) write it as JSON (DESIGN.md §4) and as text.
 */
#ifndef TAMGA_VERIFIER_REPORT_H
#define TAMGA_VERIFIER_REPORT_H

#include <tamga/verify.h>

#include "formats/evidence.h"

struct strlist {
	char **items;
	size_t len;
};

struct rep_cert {
	char *subject;
	char *issuer;
	char *serial;
	char sha256[65];
};

struct rep_timestamp {
	tamga_time time;
	char *tsa;                      /* the TSA certificate's subject, or NULL */
	int kind;                       /* 0 signature time-stamp, 1 document time-stamp */
	tamga_verdict indication;
	char *message;                  /* why not TOTAL-PASSED, or NULL */
	tamga_time validated_at;        /* when the TSA's path was validated; 0: not validated */
	int past;                       /* 1: at a proof of existence from a later document time-stamp */
};

struct rep_sig {
	char *id;
	char *subfilter;
	tamga_verdict indication;
	tamga_subindication sub;
	int integrity;                  /* -1 not checked (format failure) */
	const char *level;              /* static string */
	int has_signer;
	struct rep_cert signer;
	tamga_time signing_time;
	int signing_time_trusted;       /* from a verified time-stamp, else claimed (/M) */
	struct rep_timestamp *ts;
	size_t ts_len;
	int covers_whole_document;
	int revision;
	int certification;
	struct tamga__modification *mods; /* copies */
	size_t mod_len;
	const char *rev_status;         /* "good", "revoked", "unknown" */
	const char *rev_source;         /* "crl", "ocsp", "embedded", "none" */
	struct rep_cert *chain;
	size_t chain_len;
	struct strlist errors, warnings;
};

struct tamga_report {
	char *file;
	const char *format;             /* static, or NULL */
	char sha256[65];
	tamga_time validation_time;
	tamga_verdict verdict;
	tamga_subindication sub;        /* for an unreadable document */
	char *document_code;
	struct rep_sig *sigs;
	size_t sig_len;
	struct strlist errors, warnings;
	/* registry cross-check (tamga_verify_options.registry_url) */
	char *reg_url;                  /* NULL: not asked */
	const char *reg_status;         /* valid|revoked|superseded|unknown|unavailable */
	tamga_document reg;             /* when found */
	int reg_found;
	int reg_matches;                /* the document is byte for byte the registered copy */
};

int tamga__report_new(tamga_report **out, const char *name);
/* A new zeroed signature at the end; valid until the next call. */
int tamga__report_add_sig(tamga_report *r, struct rep_sig **out);
int tamga__strlist_add(struct strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tamga__strlist_free(struct strlist *l);
void tamga__rep_cert_free(struct rep_cert *c);

#endif
