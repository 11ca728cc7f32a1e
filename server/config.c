/*
 * server/config.c - reading tamgad.conf and the command line (config.h).
 * One table of settings serves both, so a flag and a key can never mean
 * different things: --max-body is max_body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <tamga/tamga.h>

#include "config.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_BODY (32u * 1024u * 1024u)

static const char usage[] =
	"usage: tamgad --role sign|verify|ocsp|tsa [options]\n"
	"       tamgad --config FILE [options]\n"
	"\n"
	"  --config FILE        settings as 'key = value' lines (keys: the flags' names, '-' as '_')\n"
	"  --role ROLE          sign: internal signing API; verify: public verification pages and API;\n"
	"                       ocsp: OCSP responder and CRLs of a CA directory;\n"
	"                       tsa: RFC 3161 time-stamps (POST /tsa)\n"
	"  --listen HOST:PORT   address to listen on (default " DEFAULT_LISTEN "; port 0 picks one)\n"
	"  --data DIR           registry and signed copies\n"
	"  --trust PEM          trust anchors for verification (repeatable)\n"
	"  --crl FILE           CRLs for verification (repeatable)\n"
	"  --offline            never fetch CRLs or OCSP responses\n"
	"  --verify-url URL     public base URL of the verify role (QR codes hold URL/v/CODE)\n"
	"  --pass-file FILE     the agencies' key passphrase (sign role; else $TAMGA_PASS)\n"
	"  --threads N          worker threads (default 4)\n"
	"  --max-body BYTES     largest request body (default 32M; K, M, G suffixes)\n"
	"  --max-header BYTES   per-connection memory for request line and headers (default 32K)\n"
	"  --max-connections N  concurrent connections (default 256)\n"
	"  --timeout SECONDS    idle connection timeout (default 30)\n"
	"  --shutdown-grace S   on SIGTERM, wait this long for requests in flight (default 30)\n"
	"  --ca-dir DIR         the CA directory (ocsp role)\n"
	"  --ca-pass-file FILE  the CA keys' passphrase (ocsp role; else $TAMGA_CA_PASS)\n"
	"  --crl-margin S       sign a new CRL when the newest has less than S seconds left (default 3600)\n"
	"  --ocsp-next-update S OCSP answers are valid S seconds (default 3600)\n"
	"  --tsa-key, --tsa-cert, --tsa-chain FILE, --tsa-policy OID   tsa role: its key (passphrase\n"
	"                       from --pass-file or $TAMGA_PASS), certificate, chain and policy;\n"
	"                       without --tsa-key, the TSA of --ca-dir (passphrase: the CA's);\n"
	"                       serials in DATA/tsa.serial (--data, else --ca-dir)\n"
	"  --help, --version\n";

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_SIGN: return "sign";
	case ROLE_VERIFY: return "verify";
	case ROLE_OCSP: return "ocsp";
	case ROLE_TSA: return "tsa";
	default: return "none";
	}
}

static void defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->listen, sizeof(cfg->listen), "%s", DEFAULT_LISTEN);
	cfg->threads = 4;
	cfg->max_body = DEFAULT_MAX_BODY;
	cfg->timeout = 30;
	cfg->max_connections = 256;
	cfg->max_header = 32 * 1024;
	cfg->shutdown_grace = 30;
	cfg->crl_margin = 3600;
	cfg->ocsp_next_update = 3600;
}

/* "123", "32M", "64k": bytes; -1 when not a size. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end) {
		switch (*end == 0 ? 0 : (end[0] | 0x20)) {
		case 'k': mult = 1024; break;
		case 'm': mult = 1024 * 1024; break;
		case 'g': mult = 1024 * 1024 * 1024; break;
		default: return -1;
		}
		end++;
		if ((*end | 0x20) == 'i')
			end++;
		if ((*end | 0x20) == 'b')
			end++;
		if (*end)
			return -1;
	}
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	uint64_t v;

	if (parse_size(s, &v) < 0 || strpbrk(s, "kKmMgG") || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off") || !strcmp(s, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int copy(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/*
 * Apply one setting.  where is "FILE:LINE" or "--flag" for messages.
 * Returns 0, or -1 after printing why.
 */
static int set(struct config *cfg, const char *key, const char *value, const char *where)
{
	uint64_t size;
	unsigned n;

	if (!strcmp(key, "role")) {
		if (!strcmp(value, "sign"))
			cfg->role = ROLE_SIGN;
		else if (!strcmp(value, "verify"))
			cfg->role = ROLE_VERIFY;
		else if (!strcmp(value, "ocsp"))
			cfg->role = ROLE_OCSP;
		else if (!strcmp(value, "tsa"))
			cfg->role = ROLE_TSA;
		else
			goto bad;
	} else if (!strcmp(key, "listen")) {
		if (copy(cfg->listen, sizeof(cfg->listen), value) < 0 || strchr(value, ':') == NULL)
			goto bad;
	} else if (!strcmp(key, "data")) {
		if (copy(cfg->data, sizeof(cfg->data), value) < 0 || !*value)
			goto bad;
	} else if (!strcmp(key, "trust") || !strcmp(key, "crl")) {
		int trust = key[0] == 't';
		size_t *count = trust ? &cfg->ntrust : &cfg->ncrl;
		char (*list)[CONFIG_PATH_MAX] = trust ? cfg->trust : cfg->crl;

		if (*count >= CONFIG_LIST_MAX) {
			fprintf(stderr, "tamgad: %s: more than %d %s files\n", where, CONFIG_LIST_MAX, key);
			return -1;
		}
		if (copy(list[*count], CONFIG_PATH_MAX, value) < 0 || !*value)
			goto bad;
		(*count)++;
	} else if (!strcmp(key, "offline")) {
		if (parse_bool(value, &cfg->offline) < 0)
			goto bad;
	} else if (!strcmp(key, "verify_url")) {
		size_t len = strlen(value);

		if ((strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) ||
		    copy(cfg->verify_url, sizeof(cfg->verify_url) - 64, value) < 0 || strpbrk(value, " \t\"<>{}"))
			goto bad;
		while (len > 0 && cfg->verify_url[len - 1] == '/')
			cfg->verify_url[--len] = '\0';
	} else if (!strcmp(key, "pass_file")) {
		if (copy(cfg->pass_file, sizeof(cfg->pass_file), value) < 0 || !*value)
			goto bad;
	} else if (!strcmp(key, "ca_dir") || !strcmp(key, "ca_pass_file") || !strcmp(key, "tsa_key") ||
	           !strcmp(key, "tsa_cert") || !strcmp(key, "tsa_chain")) {
		char *dst = !strcmp(key, "ca_dir") ? cfg->ca_dir : !strcmp(key, "ca_pass_file") ? cfg->ca_pass_file :
		            !strcmp(key, "tsa_key") ? cfg->tsa_key : !strcmp(key, "tsa_cert") ? cfg->tsa_cert :
		            cfg->tsa_chain;

		if (copy(dst, CONFIG_PATH_MAX, value) < 0 || !*value)
			goto bad;
	} else if (!strcmp(key, "tsa_policy")) {
		if (copy(cfg->tsa_policy, sizeof(cfg->tsa_policy), value) < 0 || !*value ||
		    strspn(value, "0123456789.") != strlen(value))
			goto bad;
	} else if (!strcmp(key, "crl_margin")) {
		if (parse_uint(value, 0, 366u * 86400, &cfg->crl_margin) < 0)
			goto bad;
	} else if (!strcmp(key, "ocsp_next_update")) {
		if (parse_uint(value, 60, 7u * 86400, &cfg->ocsp_next_update) < 0)
			goto bad;
	} else if (!strcmp(key, "threads")) {
		if (parse_uint(value, 1, 256, &cfg->threads) < 0)
			goto bad;
	} else if (!strcmp(key, "max_body")) {
		if (parse_size(value, &size) < 0 || size < 1024 || size > (uint64_t)1 << 32)
			goto bad;
		cfg->max_body = size;
	} else if (!strcmp(key, "max_header")) {
		if (parse_size(value, &size) < 0 || size < 4096 || size > 1024 * 1024)
			goto bad;
		cfg->max_header = (size_t)size;
	} else if (!strcmp(key, "timeout")) {
		if (parse_uint(value, 1, 3600, &cfg->timeout) < 0)
			goto bad;
	} else if (!strcmp(key, "max_connections")) {
		if (parse_uint(value, 1, 65536, &n) < 0)
			goto bad;
		cfg->max_connections = n;
	} else if (!strcmp(key, "shutdown_grace")) {
		if (parse_uint(value, 0, 3600, &cfg->shutdown_grace) < 0)
			goto bad;
	} else {
		fprintf(stderr, "tamgad: %s: unknown setting '%s'\n", where, key);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "tamgad: %s: bad value for %s: '%s'\n", where, key, value);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int load_file(struct config *cfg, const char *path)
{
	char line[4096], where[CONFIG_PATH_MAX + 32];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");
	int error = 0;

	if (f == NULL) {
		fprintf(stderr, "tamgad: cannot read the configuration %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *key, *value;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "tamgad: %s: line too long\n", where);
			error = -1;
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			fprintf(stderr, "tamgad: %s: expected 'key = value'\n", where);
			error = -1;
			break;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		/* a value may be quoted to keep spaces or '#' */
		if (value[0] == '"' && strlen(value) >= 2 && value[strlen(value) - 1] == '"') {
			value[strlen(value) - 1] = '\0';
			value++;
		}
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (set(cfg, key, value, where) < 0) {
			error = -1;
			break;
		}
	}
	fclose(f);
	return error;
}

enum config_result config_from_args(struct config *cfg, int argc, char **argv)
{
	int cli_trust = 0, cli_crl = 0;

	defaults(cfg);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return CONFIG_EXIT_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("tamgad %s\n", tamga_version());
			return CONFIG_EXIT_OK;
		}
	}
	/* the file first, whatever the position of --config */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tamgad: --config needs a value\n%s", usage);
				return CONFIG_ERROR;
			}
			if (load_file(cfg, argv[i + 1]) < 0)
				return CONFIG_ERROR;
			i++;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			if (load_file(cfg, argv[i] + 9) < 0)
				return CONFIG_ERROR;
		}
	}
	for (int i = 1; i < argc; i++) {
		char key[64], flag[80];
		const char *arg = argv[i], *value, *eq;

		if (strncmp(arg, "--", 2) != 0) {
			fprintf(stderr, "tamgad: unexpected argument '%s'\nTry 'tamgad --help'.\n", arg);
			return CONFIG_ERROR;
		}
		eq = strchr(arg, '=');
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - arg - 2) : (int)strlen(arg + 2), arg + 2);
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		snprintf(flag, sizeof(flag), "--%s", arg + 2);
		if (eq)
			flag[eq - arg] = '\0';
		if (!strcmp(key, "offline") && !eq) {
			cfg->offline = 1;
			continue;
		}
		if (eq) {
			value = eq + 1;
		} else {
			if (i + 1 >= argc) {
				fprintf(stderr, "tamgad: %s needs a value\nTry 'tamgad --help'.\n", flag);
				return CONFIG_ERROR;
			}
			value = argv[++i];
		}
		if (!strcmp(key, "config"))
			continue;
		/* a list on the command line replaces the file's */
		if (!strcmp(key, "trust") && !cli_trust++)
			cfg->ntrust = 0;
		if (!strcmp(key, "crl") && !cli_crl++)
			cfg->ncrl = 0;
		if (set(cfg, key, value, flag) < 0)
			return CONFIG_ERROR;
	}
	if (cfg->role == ROLE_NONE) {
		fprintf(stderr, "tamgad: no role: give --role sign|verify|ocsp|tsa (or role = ... in the configuration)\n");
		return CONFIG_ERROR;
	}
	if (cfg->role == ROLE_OCSP && cfg->ca_dir[0] == '\0') {
		fprintf(stderr, "tamgad: the ocsp role needs the CA directory: give --ca-dir DIR (or ca_dir = ...)\n");
		return CONFIG_ERROR;
	}
	if ((cfg->role == ROLE_SIGN || cfg->role == ROLE_VERIFY) && cfg->data[0] == '\0') {
		fprintf(stderr, "tamgad: no data directory: give --data DIR (or data = ... in the configuration)\n");
		return CONFIG_ERROR;
	}
	if (cfg->role == ROLE_VERIFY && cfg->ntrust == 0) {
		fprintf(stderr, "tamgad: the verify role needs at least one --trust PEM (trust anchors)\n");
		return CONFIG_ERROR;
	}
	if (cfg->role == ROLE_VERIFY && cfg->pass_file[0]) {
		fprintf(stderr, "tamgad: the verify role holds no signing key: pass_file is not allowed\n");
		return CONFIG_ERROR;
	}
	return CONFIG_OK;
}
