/*
 * tests/tools/cms_check.c - run tamga__cms_verify (formats/cms/verify.c)
 * on a container and the file it covers, for the shell tests.
 *
 * Usage: cms_check detached|sha1|doc CONTAINER.der CONTENT
 *
 * Prints "status NAME", then "message ..." when not OK, "digest",
 * "signature_alg", "key_bits", "timestamp I STATUS [message]" and
 * "warning ..." lines.  The whole CONTENT is the covered bytes.  Exit 0
 * when the check ran (whatever the verdict), 1 on a library error, 2 on a
 * usage error.
 */
#include <stdio.h>
#include <string.h>

#include <tamga/common.h>

#include "common/fileio.h"
#include "formats/cms/cms_verify.h"

#define FILE_MAX ((size_t)64 << 20)

int main(int argc, char **argv)
{
	tamga_buf der = TAMGA_BUF_INIT, content = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	struct tamga__range range;
	tamga__sig_kind kind;
	size_t i;
	int rc = 1;

	memset(&r, 0, sizeof(r));
	if (argc != 4)
		goto usage;
	if (strcmp(argv[1], "detached") == 0)
		kind = TAMGA__SIG_CMS_DETACHED;
	else if (strcmp(argv[1], "sha1") == 0)
		kind = TAMGA__SIG_CMS_SHA1;
	else if (strcmp(argv[1], "doc") == 0)
		kind = TAMGA__SIG_DOC_TIMESTAMP;
	else
		goto usage;
	if (tamga__file_read(&der, argv[2], FILE_MAX) < 0 || tamga__file_read(&content, argv[3], FILE_MAX) < 0)
		goto fail;
	range.offset = 0;
	range.len = content.size;
	if (tamga__cms_verify(&r, der.ptr, der.size, kind, content.ptr, content.size, &range, 1, NULL) < 0)
		goto fail;
	printf("status %s\n", tamga__cms_status_name(r.status));
	if (r.message != NULL)
		printf("message %s\n", r.message);
	printf("digest %s\n", r.digest ? r.digest : "-");
	printf("signature_alg %s\n", r.signature_alg ? r.signature_alg : "-");
	printf("key_bits %d\n", r.key_bits);
	for (i = 0; i < r.timestamp_count; i++)
		printf("timestamp %zu %s %s\n", i, tamga__cms_status_name(r.timestamps[i].status),
		       r.timestamps[i].message ? r.timestamps[i].message : "");
	for (i = 0; i < r.warning_count; i++)
		printf("warning %s\n", r.warnings[i]);
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "cms_check: %s: %s\n", tamga_error_name(tamga_error_last()->code), tamga_error_last()->message);
	goto done;
usage:
	fprintf(stderr, "Usage: cms_check detached|sha1|doc CONTAINER.der CONTENT\n");
	rc = 2;
done:
	tamga__cms_result_free(&r);
	tamga_buf_dispose(&der);
	tamga_buf_dispose(&content);
	return rc;
}
