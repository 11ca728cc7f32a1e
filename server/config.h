/*
 * server/config.h - tamgad's settings: a file of "key = value" lines and
 * the command-line flags of the same names, which override it.
 *
 *     role = sign | verify          listen = HOST:PORT (default 127.0.0.1:8080)
 *     data = DIR                    trust = PEM (repeatable)    crl = FILE (repeatable)
 *     offline = yes|no              verify_url = https://verify.example.mn
 *     pass_file = FILE              threads = N       max_body = BYTES[K|M|G]
 *     timeout = SECONDS             max_connections = N         max_header = BYTES[K|M]
 *     shutdown_grace = SECONDS
 *     ca_dir = DIR                  ca_pass_file = FILE          (ocsp role)
 *     crl_margin = SECONDS          ocsp_next_update = SECONDS   (ocsp role)
 *     tsa_key, tsa_cert, tsa_chain = FILE, tsa_policy = OID       (tsa role)
 */
#ifndef TAMGAD_CONFIG_H
#define TAMGAD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum role { ROLE_NONE = 0, ROLE_SIGN, ROLE_VERIFY, ROLE_OCSP, ROLE_TSA };

#define CONFIG_PATH_MAX 1024
#define CONFIG_LIST_MAX 16

struct config {
	enum role role;
	char listen[256];
	char data[CONFIG_PATH_MAX];
	char trust[CONFIG_LIST_MAX][CONFIG_PATH_MAX];
	size_t ntrust;
	char crl[CONFIG_LIST_MAX][CONFIG_PATH_MAX];
	size_t ncrl;
	int offline;
	char verify_url[512];           /* no trailing slash */
	char pass_file[CONFIG_PATH_MAX];
	unsigned threads;
	uint64_t max_body;
	unsigned timeout;               /* idle connection timeout, seconds */
	unsigned max_connections;
	size_t max_header;              /* per-connection memory: request line + headers */
	unsigned shutdown_grace;        /* seconds to let in-flight requests finish */
	char ca_dir[CONFIG_PATH_MAX];   /* ocsp role: the CA directory */
	char ca_pass_file[CONFIG_PATH_MAX];
	unsigned crl_margin;            /* re-sign a CRL this long before its nextUpdate */
	unsigned ocsp_next_update;      /* seconds from thisUpdate to nextUpdate */
	char tsa_key[CONFIG_PATH_MAX];  /* tsa role (else the TSA of ca_dir) */
	char tsa_cert[CONFIG_PATH_MAX];
	char tsa_chain[CONFIG_PATH_MAX];
	char tsa_policy[128];
};

enum config_result { CONFIG_OK = 0, CONFIG_EXIT_OK = 1, CONFIG_ERROR = 2 };

/*
 * Defaults, then --config FILE, then the other flags.  Prints what is
 * wrong (or --help / --version) on stderr / stdout and says whether to
 * run, to exit 0, or to exit with an error.
 */
enum config_result config_from_args(struct config *cfg, int argc, char **argv);

const char *role_name(enum role r);

#endif
