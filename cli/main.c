/*
 * cli/main.c - the tamga tool: a table of commands, one file per command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("tamga %s\n", tamga_version());
	return 0;
}

static const struct cli_command commands[] = {
	{ "sign", cmd_sign, "stamp a document with its QR code and sign it (PAdES)" },
	{ "extend", cmd_extend, "raise signatures in a PDF to B-LT/B-LTA; re-time-stamp archives" },
	{ "check", cmd_check, "ask a tamga verification server for documents' registry status" },
	{ "verify", cmd_verify, "verify signed documents: integrity, trust, revocation, changes" },
	{ "registry", cmd_registry, "document registry: agencies' tokens, documents, revocation, audit log" },
	{ "pki", cmd_pki, "certificate authority: init, issue, revoke, release, crl, list, validate" },
	{ "version", cmd_version, "print the version" },
	{ NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--version") == 0)
		return cmd_version(argc, argv);
	return cli_dispatch(NULL, commands, argc, argv);
}
