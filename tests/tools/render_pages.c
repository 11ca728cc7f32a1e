/*
 * tests/tools/render_pages.c - render the verify role's HTML pages
 * (server/pages.c) to files, for tests/cli/pages.sh to judge.
 *
 * The server's objects are not in libtamga, so this tool compiles them in.
 *
 * Usage:
 *   render_pages home LANG OUT
 *   render_pages document-valid|document-revoked|document-superseded LANG OUT [TITLE [AGENCY [SIGNER]]]
 *   render_pages document-unknown|document-malformed LANG OUT TYPED
 *   render_pages error LANG OUT STATUS [WHAT]
 *   render_pages report PDF TRUST LANG OUT [valid|revoked|superseded [same|different]]
 *   render_pages lang QUERY ACCEPT      prints mn or en ("-" for NULL)
 *   render_pages subs                   prints NAME<TAB>mn<TAB>en for every sub-indication
 *
 * LANG is mn or en.  The base URL is $PAGES_BASE when set (may be empty),
 * else https://verify.example.mn.  report verifies PDF offline at the
 * current time; TRUST is a PEM file of anchors or a CA directory (anchor,
 * intermediates and its CRLs, tamga_trust_add_ca_dir) and, with
 * $PAGES_REGISTRY_URL, asks that verify role for the code's status; with a registry status
 * it also passes a made-up registered document.  Exit 0, 1 on an error,
 * 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../server/sbuf.c"
#include "../../server/pages.c"

static void usage(void)
{
	fputs("usage: render_pages home|document-*|error|report|lang|subs ... (see the source)\n", stderr);
	exit(2);
}

static page_lang arg_lang(const char *s)
{
	if (strcmp(s, "mn") == 0)
		return LANG_MN;
	if (strcmp(s, "en") == 0)
		return LANG_EN;
	usage();
	return LANG_MN;
}

static int write_out(struct sbuf *sb, const char *path)
{
	size_t len = 0;
	char *s = sb_take(sb, &len);
	FILE *f;
	int rc = 1;

	if (s == NULL) {
		fprintf(stderr, "render_pages: out of memory\n");
		return 1;
	}
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
	} else {
		if (fwrite(s, 1, len, f) == len && fclose(f) == 0)
			rc = 0;
		else
			perror(path);
	}
	free(s);
	return rc;
}

/* A valid code from 16 symbols: the check symbol that tamga_code_normalize accepts. */
static void make_code(char out[TAMGA_CODE_BUFSIZE], const char *value)
{
	static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char try[TAMGA_CODE_BUFSIZE];

	for (const char *c = symbols; *c; c++) {
		snprintf(try, sizeof(try), "%.16s%c", value, *c);
		if (tamga_code_normalize(out, try) == 0)
			return;
	}
	snprintf(out, TAMGA_CODE_BUFSIZE, "%s", value);
}

/* A made-up registered document; text fields are copied truncated. */
static void fake_document(tamga_document *d, tamga_doc_status status, const char *title, const char *agency)
{
	memset(d, 0, sizeof(*d));
	make_code(d->code, "7K3M9QX2HB4TZW8R");
	d->agency_id = 1;
	snprintf(d->agency, sizeof(d->agency), "%s", agency ? agency : "Үндэсний Өвийн газар");
	snprintf(d->doc_type, sizeof(d->doc_type), "%s", "reference");
	snprintf(d->title, sizeof(d->title), "%s", title ? title : "Оршин суугаа газрын тодорхойлолт — Үнэмлэх");
	d->issued_at = 1714560300; /* 2024-05-01T10:45:00Z */
	snprintf(d->format, sizeof(d->format), "%s", "pdf");
	snprintf(d->sha256, sizeof(d->sha256), "%s",
	         "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	d->size = 12345;
	snprintf(d->signer_subject, sizeof(d->signer_subject), "%s",
	         "CN=Үндэсний Өвийн газар\\, гарын үсэг,O=Монгол Улсын Засгийн газар,C=MN");
	d->status = status;
	if (status == TAMGA_DOC_REVOKED) {
		d->status_time = 1717243200; /* 2024-06-01T12:00:00Z */
		snprintf(d->status_reason, sizeof(d->status_reason), "%s",
		         title ? title : "Мэдээлэл буруу бүртгэгдсэн тул хүчингүй болгов");
	} else if (status == TAMGA_DOC_SUPERSEDED) {
		d->status_time = 1717243200;
		snprintf(d->status_reason, sizeof(d->status_reason), "%s", "Шинэчилсэн хувь гаргав");
		make_code(d->replaced_by, "ABCDEFGHJKMNPQRS");
	}
}

static int report(int argc, char **argv)
{
	tamga_trust *trust = NULL;
	tamga_verifier *v = NULL;
	tamga_report *r = NULL;
	tamga_verify_options o = TAMGA_VERIFY_OPTIONS_INIT;
	struct sbuf sb = SBUF_INIT;
	tamga_document reg, *regp = NULL;
	struct stat st;
	int same = 0, rc = 1;
	const char *base = getenv("PAGES_BASE") ? getenv("PAGES_BASE") : "https://verify.example.mn";

	if (argc < 6)
		usage();
	if (argc > 6) {
		tamga_doc_status ds = strcmp(argv[6], "revoked") == 0      ? TAMGA_DOC_REVOKED
		                      : strcmp(argv[6], "superseded") == 0 ? TAMGA_DOC_SUPERSEDED
		                                                           : TAMGA_DOC_VALID;

		fake_document(&reg, ds, NULL, NULL);
		regp = &reg;
		same = argc > 7 && strcmp(argv[7], "same") == 0;
	}
	if (tamga_trust_new(&trust) < 0 || (stat(argv[3], &st) == 0 && S_ISDIR(st.st_mode)
	                                        ? tamga_trust_add_ca_dir(trust, argv[3])
	                                        : tamga_trust_add_anchors_file(trust, argv[3])) < 0) {
		fprintf(stderr, "render_pages: trust %s: %s\n", argv[3], tamga_error_last()->message);
		goto done;
	}
	o.trust = trust;
	o.offline = 1;
	o.registry_url = getenv("PAGES_REGISTRY_URL"); /* tamga_verify_options' registry check */
	if (tamga_verifier_new(&v, &o) < 0 || tamga_verifier_verify_file(v, &r, argv[2]) < 0) {
		fprintf(stderr, "render_pages: verify %s: %s\n", argv[2], tamga_error_last()->message);
		goto done;
	}
	page_report(&sb, arg_lang(argv[4]), base, r, regp, same);
	rc = write_out(&sb, argv[5]);
	printf("%s\n", tamga_verdict_name(tamga_report_verdict(r)));
done:
	sb_free(&sb);
	tamga_report_free(r);
	tamga_verifier_free(v);
	tamga_trust_free(trust);
	return rc;
}

int main(int argc, char **argv)
{
	struct sbuf sb = SBUF_INIT;
	const char *base = getenv("PAGES_BASE") ? getenv("PAGES_BASE") : "https://verify.example.mn";
	const char *what;
	tamga_document d;

	if (argc < 2)
		usage();
	what = argv[1];
	if (strcmp(what, "lang") == 0) {
		if (argc != 4)
			usage();
		puts(page_lang_pick(strcmp(argv[2], "-") ? argv[2] : NULL, strcmp(argv[3], "-") ? argv[3] : NULL) ==
		             LANG_EN
		         ? "en"
		         : "mn");
		return 0;
	}
	if (strcmp(what, "subs") == 0) {
		for (int s = TAMGA_SUB_NONE; s <= TAMGA_SUB_TRY_LATER; s++) {
			const char *name = tamga_subindication_name((tamga_subindication)s);
			enum msg m = sub_msg((tamga_subindication)s);

			printf("%s\t%s\t%s\t%s\n", name ? name : "NONE", m == M_SUB_OTHER ? "other" : "own", text[m].mn,
			       text[m].en);
		}
		return 0;
	}
	if (strcmp(what, "report") == 0)
		return report(argc, argv);
	if (argc < 4)
		usage();
	if (strcmp(what, "home") == 0) {
		page_home(&sb, arg_lang(argv[2]), base);
	} else if (strcmp(what, "document-valid") == 0 || strcmp(what, "document-revoked") == 0 ||
	           strcmp(what, "document-superseded") == 0) {
		tamga_doc_status st = strcmp(what, "document-revoked") == 0      ? TAMGA_DOC_REVOKED
		                      : strcmp(what, "document-superseded") == 0 ? TAMGA_DOC_SUPERSEDED
		                                                                 : TAMGA_DOC_VALID;

		fake_document(&d, st, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL);
		if (argc > 6)
			snprintf(d.signer_subject, sizeof(d.signer_subject), "%s", argv[6]);
		page_document(&sb, arg_lang(argv[2]), base, d.code, &d, 0);
	} else if (strcmp(what, "document-unknown") == 0 || strcmp(what, "document-malformed") == 0) {
		if (argc < 5)
			usage();
		page_document(&sb, arg_lang(argv[2]), base, argv[4], NULL, strcmp(what, "document-malformed") == 0);
	} else if (strcmp(what, "error") == 0) {
		if (argc < 5)
			usage();
		page_error(&sb, arg_lang(argv[2]), base, atoi(argv[4]), argc > 5 ? argv[5] : NULL);
	} else {
		usage();
	}
	return write_out(&sb, argv[3]);
}
