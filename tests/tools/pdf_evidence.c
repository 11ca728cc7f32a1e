/*
 * tests/tools/pdf_evidence.c - print what the PDF handler's verify
 * operation (tamga__pdf_verify) finds in a file, one fact a line, for the
 * shell tests.
 *
 *   pdf_evidence FILE
 *
 *   doc-error MESSAGE
 *   doc-warning MESSAGE
 *   sig ID kind=K subfilter=S revision=R whole=0|1 cert=P ranges=0+B,C+D value=N time=T error=MESSAGE|-
 *   sig-warning ID MESSAGE
 *   mod ID KIND allowed|disallowed DETAIL
 *   dss certs=N crls=N ocsps=N
 *
 * IDs have their spaces replaced by '_'.  Exit 0 unless the verifier
 * could not run (then 3, the error on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/evidence.h"
#include "formats/pdf/pdf.h"

static int read_file(const char *path, tamga_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int error = 0;

	if (f == NULL)
		return -1;
	while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		error = tamga__buf_append(b, chunk, n);
	if (ferror(f))
		error = -1;
	fclose(f);
	return error;
}

static void print_id(const char *id)
{
	for (; id != NULL && *id; id++)
		putchar(*id == ' ' ? '_' : *id);
}

static const char *kind_name(tamga__sig_kind k)
{
	switch (k) {
	case TAMGA__SIG_CMS_DETACHED: return "cms-detached";
	case TAMGA__SIG_CMS_SHA1: return "cms-sha1";
	case TAMGA__SIG_DOC_TIMESTAMP: return "doc-timestamp";
	case TAMGA__SIG_XMLDSIG: return "xmldsig";
	}
	return "?";
}

static void print_sig(const struct tamga__sig_evidence *s)
{
	char t[TAMGA_TIME_BUFSIZE];
	size_t i;

	printf("sig ");
	print_id(s->id);
	printf(" kind=%s subfilter=%s revision=%d whole=%d cert=%d ranges=", kind_name(s->kind),
	       s->subfilter ? s->subfilter : "-", s->revision, s->covers_whole_document, s->certification);
	for (i = 0; i < s->range_count; i++)
		printf("%s%zu+%zu", i ? "," : "", s->ranges[i].offset, s->ranges[i].len);
	if (s->range_count == 0)
		printf("-");
	printf(" value=%zu time=%s error=%s\n", s->value_len, s->claimed_time ? tamga_time_format(t, s->claimed_time) : "-",
	       s->format_error ? s->format_error : "-");
	if (s->reason || s->location || s->contact) {
		printf("sig-text ");
		print_id(s->id);
		printf(" reason=%s location=%s contact=%s\n", s->reason ? s->reason : "-", s->location ? s->location : "-",
		       s->contact ? s->contact : "-");
	}
	for (i = 0; i < s->warning_count; i++) {
		printf("sig-warning ");
		print_id(s->id);
		printf(" %s\n", s->warnings[i]);
	}
	for (i = 0; i < s->mod_count; i++) {
		printf("mod ");
		print_id(s->id);
		printf(" %s %s %s\n", s->mods[i].kind, s->mods[i].allowed ? "allowed" : "disallowed", s->mods[i].detail);
	}
}

int main(int argc, char **argv)
{
	struct tamga__evidence ev;
	tamga_buf b = TAMGA_BUF_INIT;
	size_t i;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: pdf_evidence FILE\n");
		return 3;
	}
	if (read_file(argv[1], &b) < 0) {
		fprintf(stderr, "pdf_evidence: cannot read %s\n", argv[1]);
		return 3;
	}
	memset(&ev, 0, sizeof(ev));
	if (tamga__pdf_verify(b.ptr ? b.ptr : (const unsigned char *)"", b.size, &ev) < 0) {
		fprintf(stderr, "pdf_evidence: %s\n", tamga_error_last()->message);
		rc = 3;
		goto done;
	}
	if (ev.error)
		printf("doc-error %s\n", ev.error);
	for (i = 0; i < ev.warning_count; i++)
		printf("doc-warning %s\n", ev.warnings[i]);
	for (i = 0; i < ev.sig_count; i++)
		print_sig(&ev.sigs[i]);
	printf("dss certs=%zu crls=%zu ocsps=%zu\n", ev.cert_count, ev.crl_count, ev.ocsp_count);
done:
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
	return rc;
}
