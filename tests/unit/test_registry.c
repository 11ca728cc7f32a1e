/*
 * tests/unit/test_registry.c - the document registry (tamga/registry.h).
 *
 * Each test gets a fresh data directory.  Expected values come from the
 * test's inputs and from independent readers: SQLite's own API reading the
 * database file (the stored token is a hash, the journal is WAL, the audit
 * rows), OpenSSL recomputing SHA-256 and HMAC-SHA-256 over what the header
 * documents.  Tampering is done the way an intruder would: with SQL
 * against the file, bypassing libtamga.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <tamga/tamga.h>

struct fixture {
	char dir[256];        /* mkdtemp directory */
	char data[300];       /* dir/data: the registry */
	tamga_registry *reg;
	int64_t a, b;         /* two agencies */
	char token_a[TAMGA_TOKEN_BUFSIZE], token_b[TAMGA_TOKEN_BUFSIZE];
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	size_t i;

	assert_int_equal(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void agency_init(tamga_agency *a, const char *name, const char *key)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->key_path, sizeof(a->key_path), "%s", key);
	snprintf(a->cert_path, sizeof(a->cert_path), "/keys/%s.crt", key + 6);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	tamga_agency a;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/tamga-registry-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
	assert_int_equal(tamga_registry_open(&f->reg, f->data, 1), 0);
	agency_init(&a, "Улсын бүртгэлийн ерөнхий газар", "/keys/a.key");
	assert_int_equal(tamga_registry_token_add(f->reg, &a, f->token_a), 0);
	agency_init(&a, "Нийгмийн даатгалын газар", "/keys/b.key");
	assert_int_equal(tamga_registry_token_add(f->reg, &a, f->token_b), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, f->token_a, &a), 0);
	f->a = a.id;
	assert_int_equal(tamga_registry_token_check(f->reg, f->token_b, &a), 0);
	f->b = a.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tamga_registry_close(f->reg);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A random "signed document" of len bytes registered for agency under a
 * new code (into code), issued at issued (0 = now).  Returns register's
 * result; data (malloc'd) into *data_out when not NULL. */
static int add_doc(struct fixture *f, int64_t agency, size_t len, tamga_time issued, char code[TAMGA_CODE_BUFSIZE],
                   unsigned char **data_out)
{
	tamga_document *d = calloc(1, sizeof(*d));
	unsigned char *data = malloc(len);
	int rc;

	assert_non_null(d);
	assert_non_null(data);
	assert_int_equal(RAND_bytes(data, (int)len), 1);
	assert_int_equal(tamga_code_generate(code), 0);
	memcpy(d->code, code, TAMGA_CODE_BUFSIZE);
	d->agency_id = agency;
	strcpy(d->doc_type, "reference");
	strcpy(d->title, "Лавлагаа");
	strcpy(d->format, "pdf");
	sha256_hex(data, len, d->sha256);
	d->size = len;
	d->issued_at = issued;
	rc = tamga_registry_register(f->reg, d, data, len);
	free(d);
	if (data_out)
		*data_out = data;
	else
		free(data);
	return rc;
}

static sqlite3 *db_open(struct fixture *f)
{
	char path[400];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/registry.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
}

/* First column of the first row of sql, as text, into out. */
static void db_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* ------------------------------------------------------------ open */

static void test_open_create_reopen(void **state)
{
	struct fixture *f = *state;
	tamga_registry *reg = NULL;
	char path[400], text[128];
	struct stat st;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(tamga_registry_open(&reg, path, 0), TAMGA_ENOTFOUND);
	assert_null(reg);
	assert_int_equal(stat(path, &st), -1);          /* !create made nothing */

	/* The fixture's registry, reopened by a second handle while open. */
	assert_int_equal(tamga_registry_open(&reg, f->data, 0), 0);
	tamga_registry_close(reg);
	tamga_registry_close(NULL);

	assert_int_equal(stat(f->data, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/registry.db", f->data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	db = db_open(f);
	db_text(db, "PRAGMA journal_mode", text, sizeof(text));
	assert_string_equal(text, "wal");
	db_text(db, "PRAGMA user_version", text, sizeof(text));
	assert_string_equal(text, "2");
	db_text(db, "SELECT group_concat(version) FROM (SELECT version FROM schema_history ORDER BY version)", text,
	        sizeof(text));
	assert_string_equal(text, "1,2");
	db_text(db, "SELECT length(value) FROM settings WHERE key = 'subject_hmac_key'", text, sizeof(text));
	assert_string_equal(text, "32");
	/* A newer schema than this tamga knows is refused, not misread. */
	db_exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db);
	assert_int_equal(tamga_registry_open(&reg, f->data, 1), TAMGA_EUNSUPPORTED);
	assert_null(reg);
}

/* ------------------------------------------------------------ schema v1 -> v2 */

/* Version 1 of the registry's schema as tamga 0.1 wrote it, frozen here
 * (not taken from the library) so that a change to the migrations cannot
 * change what an old database looks like. */
static const char schema_v1_frozen[] =
	"CREATE TABLE schema_history (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT;"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;"
	"CREATE TABLE agencies (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, key_path TEXT NOT NULL,"
	"  cert_path TEXT NOT NULL DEFAULT '', chain_path TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL) STRICT;"
	"CREATE TABLE tokens (id INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agencies (id),"
	"  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64), created INTEGER NOT NULL, revoked_at INTEGER) STRICT;"
	"CREATE TABLE documents (code TEXT PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agencies (id),"
	"  doc_type TEXT NOT NULL, title TEXT NOT NULL, subject_hash TEXT NOT NULL, issued_at INTEGER NOT NULL,"
	"  format TEXT NOT NULL, sha256 TEXT NOT NULL CHECK (length(sha256) = 64), original_sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL CHECK (size >= 0), signer_subject TEXT NOT NULL, signer_sha256 TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'superseded')),"
	"  status_time INTEGER, status_reason TEXT NOT NULL DEFAULT '',"
	"  replaced_by TEXT REFERENCES documents (code)) STRICT;"
	"CREATE INDEX documents_issued ON documents (issued_at);"
	"CREATE INDEX documents_agency ON documents (agency_id);"
	"CREATE INDEX documents_sha256 ON documents (sha256);"
	"CREATE TABLE audit (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	"  event TEXT NOT NULL CHECK (event IN ('issue', 'revoke', 'supersede', 'token-add', 'token-revoke')),"
	"  code TEXT NOT NULL DEFAULT '', agency TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
	"  prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"INSERT INTO settings VALUES ('subject_hmac_key', randomblob(32));"
	"INSERT INTO schema_history VALUES (1, 1700000000);"
	"INSERT INTO agencies (name, key_path, cert_path, chain_path, created) "
	"  VALUES ('Old agency', '/keys/old.key', '/keys/old.crt', '/keys/old-chain.pem', 1700000000);"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA user_version = 1;";

static void test_migrate_v1(void **state)
{
	struct fixture *f = *state;
	char dir[400], path[450], sql[256], hash[65], text[128], token[TAMGA_TOKEN_BUFSIZE];
	const char *old_token = "tmg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	tamga_registry *reg = NULL;
	tamga_agency a;
	sqlite3 *db = NULL;
	uint64_t n = 0;

	/* A version-1 registry with one agency and its token, made with
	 * SQLite alone. */
	snprintf(dir, sizeof(dir), "%s/v1", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/registry.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	db_exec(db, schema_v1_frozen);
	sha256_hex(old_token, strlen(old_token), hash);
	snprintf(sql, sizeof(sql), "INSERT INTO tokens (agency_id, sha256, created) VALUES (1, '%s', 1700000000)", hash);
	db_exec(db, sql);
	sqlite3_close(db);

	/* Opened in place (no create) by this tamga: migrated to version 2. */
	assert_int_equal(tamga_registry_open(&reg, dir, 0), 0);
	assert_int_equal(tamga_registry_token_check(reg, old_token, &a), 0);
	assert_string_equal(a.name, "Old agency");
	assert_string_equal(a.key_path, "/keys/old.key");
	assert_string_equal(a.chain_path, "/keys/old-chain.pem");
	assert_int_equal(a.caption_count, 0);
	assert_string_equal(a.caption[0], "");
	assert_int_equal(a.placement, TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(a.no_stamp, 0);
	assert_int_equal(a.stamp_update, 0);

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	db_text(db, "PRAGMA user_version", text, sizeof(text));
	assert_string_equal(text, "2");
	db_text(db, "SELECT group_concat(version) FROM (SELECT version FROM schema_history ORDER BY version)", text,
	        sizeof(text));
	assert_string_equal(text, "1,2");
	db_text(db, "SELECT applied_at >= 1700000001 FROM schema_history WHERE version = 2", text, sizeof(text));
	assert_string_equal(text, "1");
	db_text(db, "SELECT caption || '|' || placement || '|' || no_stamp FROM agencies", text, sizeof(text));
	assert_string_equal(text, "|first|0");
	sqlite3_close(db);

	/* The migrated agency takes stamp settings like a new one. */
	a.caption_count = 1;
	snprintf(a.caption[0], sizeof(a.caption[0]), "%s", "Хуучин газар");
	a.placement = TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT;
	a.stamp_update = 1;
	assert_int_equal(tamga_registry_token_add(reg, &a, token), 0);
	assert_int_equal(tamga_registry_token_check(reg, old_token, &a), 0);
	assert_string_equal(a.caption[0], "Хуучин газар");
	assert_int_equal(a.placement, TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(tamga_registry_audit_verify(reg, &n), 0);
	assert_int_equal(n, 1);
	tamga_registry_close(reg);

	/* Reopening migrates nothing more. */
	assert_int_equal(tamga_registry_open(&reg, dir, 0), 0);
	tamga_registry_close(reg);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	db_text(db, "SELECT count(*) FROM schema_history", text, sizeof(text));
	assert_string_equal(text, "2");
	sqlite3_close(db);
}

/* ------------------------------------------------------------ stamp settings */

static void test_agency_stamp(void **state)
{
	struct fixture *f = *state;
	char token[TAMGA_TOKEN_BUFSIZE], token2[TAMGA_TOKEN_BUFSIZE], text[600];
	tamga_agency a, got;
	sqlite3 *db;

	/* A new agency takes the settings given, with or without stamp_update. */
	agency_init(&a, "Тест газар", "/keys/t.key");
	a.caption_count = 2;
	snprintf(a.caption[0], sizeof(a.caption[0]), "%s", "Тест газар");
	snprintf(a.caption[1], sizeof(a.caption[1]), "%s", "Test Office");
	a.placement = TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT;
	assert_int_equal(tamga_registry_token_add(f->reg, &a, token), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &got), 0);
	assert_int_equal(got.caption_count, 2);
	assert_string_equal(got.caption[0], "Тест газар");
	assert_string_equal(got.caption[1], "Test Office");
	assert_string_equal(got.caption[2], "");
	assert_int_equal(got.placement, TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(got.no_stamp, 0);
	db = db_open(f);
	db_text(db, "SELECT caption || '|' || placement || '|' || no_stamp FROM agencies WHERE name = 'Тест газар'", text,
	        sizeof(text));
	assert_string_equal(text, "Тест газар\nTest Office|last|0");

	/* Another token without stamp_update keeps them, whatever it carries. */
	agency_init(&a, "Тест газар", "/keys/t2.key");
	a.no_stamp = 1;
	assert_int_equal(tamga_registry_token_add(f->reg, &a, token2), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token2, &got), 0);
	assert_string_equal(got.key_path, "/keys/t2.key");
	assert_int_equal(got.caption_count, 2);
	assert_int_equal(got.placement, TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(got.no_stamp, 0);

	/* With stamp_update, all three are replaced; both tokens see it. */
	a.stamp_update = 1;
	assert_int_equal(tamga_registry_token_add(f->reg, &a, token2), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &got), 0);
	assert_int_equal(got.caption_count, 0);
	assert_int_equal(got.placement, TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(got.no_stamp, 1);
	assert_int_equal(got.stamp_update, 0);
	db_text(db, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1", text, sizeof(text));
	assert_non_null(strstr(text, "; stamp settings set"));

	/* A full line of 200 bytes of Cyrillic (2 bytes each) and four lines. */
	agency_init(&a, "Тест газар", "/keys/t.key");
	a.stamp_update = 1;
	a.caption_count = 4;
	for (int i = 0; i < 100; i++)
		memcpy(a.caption[0] + 2 * i, "Ж", 2);
	a.caption[0][200] = '\0';
	snprintf(a.caption[1], sizeof(a.caption[1]), "%s", "Өө Үү");
	snprintf(a.caption[2], sizeof(a.caption[2]), "%s", "€ 𝄞");
	snprintf(a.caption[3], sizeof(a.caption[3]), "%s", "4");
	assert_int_equal(tamga_registry_token_add(f->reg, &a, token2), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &got), 0);
	assert_int_equal(got.caption_count, 4);
	assert_memory_equal(got.caption, a.caption, sizeof(a.caption));

	/* What is refused, and leaves the stored settings alone. */
	{
		static const char *const bad_lines[] = {
			"",                 /* empty */
			"a\nb",             /* a line feed would split the line */
			"tab\there",        /* control characters */
			"\x7f",
			"\xc2\x85",         /* C1 (NEL) */
			"\xff",             /* not UTF-8 */
			"\xc0\xaf",         /* overlong '/' */
			"\xe0\x80\xaf",     /* overlong, 3 bytes */
			"\xed\xa0\x80",     /* a surrogate */
			"\xf4\x90\x80\x80", /* above U+10FFFF */
			"\xd0",             /* truncated */
		};
		tamga_agency b;

		for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
			agency_init(&b, "Тест газар", "/keys/t.key");
			b.stamp_update = 1;
			b.caption_count = 1;
			snprintf(b.caption[0], sizeof(b.caption[0]), "%s", bad_lines[i]);
			if (tamga_registry_token_add(f->reg, &b, token2) != TAMGA_EINVAL)
				fail_msg("caption line %zu was accepted", i);
			assert_string_equal(token2, "");
		}
		agency_init(&b, "Тест газар", "/keys/t.key");
		b.stamp_update = 1;
		b.caption_count = 5;
		assert_int_equal(tamga_registry_token_add(f->reg, &b, token2), TAMGA_EINVAL);
		b.caption_count = 1;
		memset(b.caption[0], 'x', sizeof(b.caption[0]));   /* 201 bytes, no NUL */
		assert_int_equal(tamga_registry_token_add(f->reg, &b, token2), TAMGA_EINVAL);
		b.caption_count = 0;
		b.placement = TAMGA_PLACE_RECT;
		assert_int_equal(tamga_registry_token_add(f->reg, &b, token2), TAMGA_EINVAL);
		b.placement = TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT;
		b.no_stamp = 2;
		assert_int_equal(tamga_registry_token_add(f->reg, &b, token2), TAMGA_EINVAL);
	}
	assert_int_equal(tamga_registry_token_check(f->reg, token, &got), 0);
	assert_int_equal(got.caption_count, 4);
	assert_memory_equal(got.caption, a.caption, sizeof(a.caption));

	/* The fixture's agencies kept the defaults throughout. */
	assert_int_equal(tamga_registry_token_check(f->reg, f->token_a, &got), 0);
	assert_int_equal(got.caption_count, 0);
	assert_int_equal(got.placement, TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT);
	assert_int_equal(got.no_stamp, 0);
	sqlite3_close(db);
}

/* ------------------------------------------------------------ tokens */

struct token_list {
	int n;
	tamga_token_info t[8];
};

static int collect_token(void *ctx, const tamga_token_info *t)
{
	struct token_list *l = ctx;

	if (l->n < 8)
		l->t[l->n] = *t;
	l->n++;
	return 0;
}

static int count_agency(void *ctx, const tamga_agency *a)
{
	(void)a;
	++*(int *)ctx;
	return 0;
}

static void test_tokens(void **state)
{
	struct fixture *f = *state;
	char token[TAMGA_TOKEN_BUFSIZE], id[TAMGA_TOKEN_ID_BUFSIZE], hash[65], sql[256], text[128], bad[64];
	struct token_list l;
	tamga_agency a;
	sqlite3 *db;
	int n = 0;

	/* Shape: "tmg_" + 43 base64url characters. */
	assert_int_equal(strlen(f->token_a), 47);
	assert_memory_equal(f->token_a, "tmg_", 4);
	assert_int_equal(strspn(f->token_a + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(f->token_a, f->token_b);

	assert_int_equal(tamga_registry_token_check(f->reg, f->token_a, &a), 0);
	assert_string_equal(a.name, "Улсын бүртгэлийн ерөнхий газар");
	assert_string_equal(a.key_path, "/keys/a.key");
	assert_int_equal(a.id, f->a);
	assert_true(f->a != f->b);

	/* Wrong, truncated, malformed tokens: one answer. */
	snprintf(bad, sizeof(bad), "%s", f->token_a);
	bad[46] = bad[46] == 'A' ? 'B' : 'A';
	assert_int_equal(tamga_registry_token_check(f->reg, bad, &a), TAMGA_ENOTFOUND);
	bad[40] = '\0';
	assert_int_equal(tamga_registry_token_check(f->reg, bad, &a), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_token_check(f->reg, "", &a), TAMGA_ENOTFOUND);

	/* Only the SHA-256 is stored; the id is its first 12 digits. */
	sha256_hex(f->token_a, strlen(f->token_a), hash);
	assert_int_equal(tamga_registry_token_id(f->token_a, id), 0);
	assert_int_equal(strlen(id), 12);
	assert_memory_equal(id, hash, 12);
	assert_int_equal(tamga_registry_token_id("tmg_short", bad), TAMGA_EINVAL);
	assert_string_equal(bad, "");
	db = db_open(f);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tokens WHERE sha256 = '%s'", hash);
	db_text(db, sql, text, sizeof(text));
	assert_string_equal(text, "1");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tokens WHERE sha256 = '%s' OR instr(sha256, '%s') > 0",
	         f->token_a, f->token_a + 4);
	db_text(db, sql, text, sizeof(text));
	assert_string_equal(text, "0");
	sqlite3_close(db);

	/* A second token for the same agency name: same agency, new paths. */
	agency_init(&a, "Улсын бүртгэлийн ерөнхий газар", "/keys/a2.key");
	assert_int_equal(tamga_registry_token_add(f->reg, &a, token), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &a), 0);
	assert_int_equal(a.id, f->a);
	assert_string_equal(a.key_path, "/keys/a2.key");
	assert_int_equal(tamga_registry_agencies(f->reg, count_agency, &n), 0);
	assert_int_equal(n, 2);

	memset(&l, 0, sizeof(l));
	assert_int_equal(tamga_registry_tokens(f->reg, collect_token, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.t[0].id, id);
	assert_int_equal(l.t[0].agency_id, f->a);
	assert_int_equal(l.t[0].revoked_at, 0);

	/* Revoke by id: that token stops working, the others do not. */
	assert_int_equal(tamga_registry_token_revoke(f->reg, id), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, f->token_a, &a), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &a), 0);
	assert_int_equal(tamga_registry_token_revoke(f->reg, id), TAMGA_ESTATE);
	assert_int_equal(tamga_registry_token_revoke(f->reg, f->token_a), TAMGA_ESTATE);
	memset(&l, 0, sizeof(l));
	assert_int_equal(tamga_registry_tokens(f->reg, collect_token, &l), 0);
	assert_true(l.t[0].revoked_at > 0);

	/* Revoke by the token itself; ids too short, not hex or unknown. */
	assert_int_equal(tamga_registry_token_revoke(f->reg, token), 0);
	assert_int_equal(tamga_registry_token_check(f->reg, token, &a), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_token_revoke(f->reg, "abcdef1"), TAMGA_EINVAL);
	assert_int_equal(tamga_registry_token_revoke(f->reg, "%%%%%%%%"), TAMGA_EINVAL);
	assert_int_equal(tamga_registry_token_id(f->token_b, id), 0);
	id[0] = id[0] == '0' ? '1' : '0';
	/* (a different first digit names no token with overwhelming odds) */
	assert_int_equal(tamga_registry_token_revoke(f->reg, id), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_token_check(f->reg, f->token_b, &a), 0);
}

/* ------------------------------------------------------------ register, get */

static void test_register(void **state)
{
	struct fixture *f = *state;
	tamga_document *d = calloc(1, sizeof(*d));
	unsigned char data[100];
	char code[TAMGA_CODE_BUFSIZE];
	tamga_document got;

	assert_non_null(d);
	memset(data, 'x', sizeof(data));
	assert_int_equal(tamga_code_generate(d->code), 0);
	d->agency_id = f->a;
	sha256_hex(data, sizeof(data), d->sha256);
	d->size = sizeof(data);
	strcpy(d->format, "pdf");

	/* Hash or size that do not match the bytes: refused, nothing stored. */
	d->sha256[0] = d->sha256[0] == '0' ? '1' : '0';
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), TAMGA_EINVAL);
	sha256_hex(data, sizeof(data), d->sha256);
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data) - 1), TAMGA_EINVAL);
	strcpy(d->sha256, "not hex");
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), TAMGA_EINVAL);
	sha256_hex(data, sizeof(data), d->sha256);
	assert_int_equal(tamga_registry_get(f->reg, d->code, &got), TAMGA_ENOTFOUND);

	/* Not a code; unknown agency. */
	memcpy(code, d->code, sizeof(code));
	strcpy(d->code, "HELLO");
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), TAMGA_EFORMAT);
	memcpy(d->code, code, sizeof(code));
	d->agency_id = 999;
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), TAMGA_ENOTFOUND);
	d->agency_id = f->a;

	/* Registered (with the code in URL form, upper-case hash), then taken. */
	assert_int_equal(tamga_code_compact(d->code, code), 0);
	for (char *p = d->sha256; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	d->status = TAMGA_DOC_REVOKED;   /* ignored: a new document is valid */
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), 0);
	assert_int_equal(tamga_registry_register(f->reg, d, data, sizeof(data)), TAMGA_EEXISTS);
	assert_int_equal(tamga_registry_get(f->reg, code, &got), 0);
	assert_string_equal(got.code, code);
	assert_int_equal(got.status, TAMGA_DOC_VALID);
	assert_string_equal(got.agency, "Улсын бүртгэлийн ерөнхий газар");
	sha256_hex(data, sizeof(data), d->sha256);
	assert_string_equal(got.sha256, d->sha256);
	assert_int_equal(got.size, sizeof(data));
	assert_true(got.issued_at > 0);
	assert_string_equal(tamga_doc_status_name(TAMGA_DOC_SUPERSEDED), "superseded");
	free(d);
}

static void test_get_forms(void **state)
{
	struct fixture *f = *state;
	char code[TAMGA_CODE_BUFSIZE], form[64], other[TAMGA_CODE_BUFSIZE];
	tamga_document got;
	size_t i;

	assert_int_equal(add_doc(f, f->a, 500, 0, code, NULL), 0);
	assert_int_equal(tamga_registry_get(f->reg, code, &got), 0);
	assert_string_equal(got.code, code);
	assert_int_equal(tamga_code_compact(form, code), 0);
	assert_int_equal(tamga_registry_get(f->reg, form, &got), 0);
	assert_string_equal(got.code, code);
	for (i = 0; code[i]; i++)
		form[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	form[i] = '\0';
	assert_int_equal(tamga_registry_get(f->reg, form, &got), 0);
	assert_string_equal(got.code, code);

	assert_int_equal(tamga_registry_get(f->reg, "not a code", &got), TAMGA_EFORMAT);
	assert_int_equal(tamga_registry_get(f->reg, "'; DROP TABLE documents; --", &got), TAMGA_EFORMAT);
	assert_int_equal(tamga_code_generate(other), 0);
	assert_int_equal(tamga_registry_get(f->reg, other, &got), TAMGA_ENOTFOUND);
}

/* ------------------------------------------------------------ copies */

static void test_copy(void **state)
{
	struct fixture *f = *state;
	char code[TAMGA_CODE_BUFSIZE], path[512];
	tamga_buf out = TAMGA_BUF_INIT;
	tamga_document got, forged;
	unsigned char *data;
	struct stat st;
	FILE *fp;

	assert_int_equal(add_doc(f, f->a, 70000, 0, code, &data), 0);
	assert_int_equal(tamga_registry_get(f->reg, code, &got), 0);
	assert_int_equal(tamga_registry_copy(f->reg, &got, &out), 0);
	assert_int_equal(out.size, 70000);
	assert_memory_equal(out.ptr, data, 70000);
	tamga_buf_dispose(&out);

	snprintf(path, sizeof(path), "%.300s/copies/%.2s/%.62s", f->data, got.sha256, got.sha256 + 2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* A path cannot be smuggled in through the hash. */
	forged = got;
	snprintf(forged.sha256, sizeof(forged.sha256), "../../../../../../../../etc/passwd");
	assert_int_equal(tamga_registry_copy(f->reg, &forged, &out), TAMGA_EINVAL);

	/* One flipped byte on disk: reported, not served. */
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, 12345, SEEK_SET);
	fputc(data[12345] ^ 0x01, fp);
	fclose(fp);
	assert_int_equal(tamga_registry_copy(f->reg, &got, &out), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "stored copy is corrupt"));
	assert_int_equal(out.size, 0);
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(tamga_registry_copy(f->reg, &got, &out), TAMGA_EFORMAT);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(tamga_registry_copy(f->reg, &got, &out), TAMGA_ENOTFOUND);
	free(data);
}

/* ------------------------------------------------------------ status */

static void test_revoke_supersede(void **state)
{
	struct fixture *f = *state;
	char c1[TAMGA_CODE_BUFSIZE], c2[TAMGA_CODE_BUFSIZE], c3[TAMGA_CODE_BUFSIZE], other[TAMGA_CODE_BUFSIZE];
	char compact[TAMGA_CODE_BUFSIZE];
	tamga_document got;

	assert_int_equal(add_doc(f, f->a, 100, 0, c1, NULL), 0);
	assert_int_equal(add_doc(f, f->a, 100, 0, c2, NULL), 0);
	assert_int_equal(add_doc(f, f->a, 100, 0, c3, NULL), 0);
	assert_int_equal(tamga_code_generate(other), 0);

	/* revoke: valid -> revoked, once; by the compact form. */
	assert_int_equal(tamga_code_compact(compact, c1), 0);
	assert_int_equal(tamga_registry_revoke(f->reg, compact, f->a, "issued in error"), 0);
	assert_int_equal(tamga_registry_get(f->reg, c1, &got), 0);
	assert_int_equal(got.status, TAMGA_DOC_REVOKED);
	assert_string_equal(got.status_reason, "issued in error");
	assert_true(got.status_time > 0);
	assert_string_equal(got.replaced_by, "");
	assert_int_equal(tamga_registry_revoke(f->reg, c1, f->a, "again"), TAMGA_ESTATE);
	assert_int_equal(tamga_registry_supersede(f->reg, c1, f->a, c2, NULL), TAMGA_ESTATE);
	assert_int_equal(tamga_registry_revoke(f->reg, other, f->a, "x"), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_revoke(f->reg, "nonsense", f->a, "x"), TAMGA_EFORMAT);

	/* supersede: needs a different, registered, valid replacement. */
	assert_int_equal(tamga_registry_supersede(f->reg, c2, f->a, c2, NULL), TAMGA_EINVAL);
	assert_int_equal(tamga_registry_supersede(f->reg, c2, f->a, other, NULL), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_supersede(f->reg, c2, f->a, "nonsense", NULL), TAMGA_EFORMAT);
	assert_int_equal(tamga_registry_supersede(f->reg, c2, f->a, c1, NULL), TAMGA_ESTATE);  /* c1 revoked */
	assert_int_equal(tamga_registry_supersede(f->reg, c2, f->a, c3, "corrected name"), 0);
	assert_int_equal(tamga_registry_get(f->reg, c2, &got), 0);
	assert_int_equal(got.status, TAMGA_DOC_SUPERSEDED);
	assert_string_equal(got.replaced_by, c3);
	assert_string_equal(got.status_reason, "corrected name");
	assert_int_equal(tamga_registry_revoke(f->reg, c2, f->a, "x"), TAMGA_ESTATE);
	/* The replacement itself stays valid; a superseded one cannot replace. */
	assert_int_equal(tamga_registry_get(f->reg, c3, &got), 0);
	assert_int_equal(got.status, TAMGA_DOC_VALID);
	assert_int_equal(tamga_registry_supersede(f->reg, c3, f->a, c2, NULL), TAMGA_ESTATE);
}

static void test_agency_isolation(void **state)
{
	struct fixture *f = *state;
	char ca[TAMGA_CODE_BUFSIZE], ca2[TAMGA_CODE_BUFSIZE], cb[TAMGA_CODE_BUFSIZE];
	tamga_document got;

	assert_int_equal(add_doc(f, f->a, 100, 0, ca, NULL), 0);
	assert_int_equal(add_doc(f, f->a, 100, 0, ca2, NULL), 0);
	assert_int_equal(add_doc(f, f->b, 100, 0, cb, NULL), 0);

	/* B learns nothing about A's documents: the answer for "not yours" is
	 * the answer for "does not exist". */
	assert_int_equal(tamga_registry_revoke(f->reg, ca, f->b, "not mine"), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_supersede(f->reg, ca, f->b, cb, NULL), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_supersede(f->reg, cb, f->b, ca, NULL), TAMGA_ENOTFOUND);
	assert_int_equal(tamga_registry_get(f->reg, ca, &got), 0);
	assert_int_equal(got.status, TAMGA_DOC_VALID);

	/* A may; the operator (0) may for anyone. */
	assert_int_equal(tamga_registry_supersede(f->reg, ca, f->a, ca2, NULL), 0);
	assert_int_equal(tamga_registry_revoke(f->reg, cb, 0, "operator"), 0);
	assert_int_equal(tamga_registry_get(f->reg, cb, &got), 0);
	assert_int_equal(got.status, TAMGA_DOC_REVOKED);
	assert_string_equal(got.agency, "Нийгмийн даатгалын газар");
}

/* ------------------------------------------------------------ list */

struct doc_list {
	int n, stop_after;
	char codes[8][TAMGA_CODE_BUFSIZE];
};

static int collect_doc(void *ctx, const tamga_document *d)
{
	struct doc_list *l = ctx;

	if (l->n < 8)
		memcpy(l->codes[l->n], d->code, TAMGA_CODE_BUFSIZE);
	l->n++;
	return l->stop_after && l->n >= l->stop_after ? 7 : 0;
}

static void test_list_order(void **state)
{
	struct fixture *f = *state;
	char c[4][TAMGA_CODE_BUFSIZE];
	struct doc_list l;

	assert_int_equal(add_doc(f, f->a, 10, 1800000000, c[0], NULL), 0);
	assert_int_equal(add_doc(f, f->b, 10, 1800000300, c[1], NULL), 0);
	assert_int_equal(add_doc(f, f->a, 10, 1800000100, c[2], NULL), 0);
	assert_int_equal(add_doc(f, f->a, 10, 1800000300, c[3], NULL), 0);   /* same time as c[1], later row */

	memset(&l, 0, sizeof(l));
	assert_int_equal(tamga_registry_list(f->reg, 0, collect_doc, &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.codes[0], c[3]);
	assert_string_equal(l.codes[1], c[1]);
	assert_string_equal(l.codes[2], c[2]);
	assert_string_equal(l.codes[3], c[0]);

	memset(&l, 0, sizeof(l));
	assert_int_equal(tamga_registry_list(f->reg, 2, collect_doc, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.codes[1], c[1]);

	/* The callback's non-zero value stops the walk and is returned. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	assert_int_equal(tamga_registry_list(f->reg, 0, collect_doc, &l), 7);
	assert_int_equal(l.n, 3);
}

/* ------------------------------------------------------------ subject hash */

static void test_subject_hash(void **state)
{
	struct fixture *f = *state;
	char h1[65], h2[65], h3[65], h4[65], path[400], expect[65];
	const unsigned char *key;
	unsigned char md[32];
	unsigned int n = 0;
	tamga_registry *other = NULL;
	sqlite3_stmt *st;
	sqlite3 *db;
	size_t i;

	assert_int_equal(tamga_registry_subject_hash(f->reg, "УБ12345678", h1), 0);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(tamga_registry_subject_hash(f->reg, "  уб12345678\n", h2), 0);   /* trimmed, upper case */
	assert_string_equal(h1, h2);
	assert_int_equal(tamga_registry_subject_hash(f->reg, "УБ12345679", h3), 0);
	assert_string_not_equal(h1, h3);
	assert_int_equal(tamga_registry_subject_hash(f->reg, "   ", h3), TAMGA_EINVAL);
	/* Mongolian letters outside the basic Cyrillic block too. */
	assert_int_equal(tamga_registry_subject_hash(f->reg, "өү12345678", h3), 0);
	assert_int_equal(tamga_registry_subject_hash(f->reg, "ӨҮ12345678", h4), 0);
	assert_string_equal(h3, h4);

	/* Oracle: HMAC-SHA-256 with the key read from the file by SQLite. */
	db = db_open(f);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = 'subject_hmac_key'", -1, &st,
	                                    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	key = sqlite3_column_blob(st, 0);
	assert_non_null(HMAC(EVP_sha256(), key, sqlite3_column_bytes(st, 0), (const unsigned char *)"УБ12345678",
	                     strlen("УБ12345678"), md, &n));
	for (i = 0; i < 32; i++)
		sprintf(expect + 2 * i, "%02x", md[i]);
	assert_string_equal(h1, expect);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Keyed: another registry gives another hash for the same reference,
	 * and the same registry reopened gives the same one. */
	snprintf(path, sizeof(path), "%s/other", f->dir);
	assert_int_equal(tamga_registry_open(&other, path, 1), 0);
	assert_int_equal(tamga_registry_subject_hash(other, "УБ12345678", h2), 0);
	assert_string_not_equal(h1, h2);
	tamga_registry_close(other);
	assert_int_equal(tamga_registry_open(&other, f->data, 0), 0);
	assert_int_equal(tamga_registry_subject_hash(other, "уб12345678", h2), 0);
	assert_string_equal(h1, h2);
	tamga_registry_close(other);
}

/* ------------------------------------------------------------ audit */

static void test_audit_chain(void **state)
{
	struct fixture *f = *state;
	char c1[TAMGA_CODE_BUFSIZE], c2[TAMGA_CODE_BUFSIZE], text[256], line[512], hash[65], detail[64];
	tamga_agency a;
	uint64_t n = 99;
	sqlite3 *db;

	assert_int_equal(add_doc(f, f->a, 100, 0, c1, NULL), 0);
	assert_int_equal(add_doc(f, f->a, 100, 0, c2, NULL), 0);
	assert_int_equal(tamga_registry_supersede(f->reg, c1, f->a, c2, "typo"), 0);
	assert_int_equal(tamga_registry_revoke(f->reg, c2, 0, "withdrawn"), 0);
	/* 2 token-add, 2 issue, supersede, revoke */
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), 0);
	assert_int_equal(n, 6);

	/* Oracle: entry 1 recomputed from the documented formula. */
	db = db_open(f);
	db_text(db, "SELECT event || ' ' || agency || ' ' || detail FROM audit WHERE seq = 1", text, sizeof(text));
	assert_int_equal(tamga_registry_token_id(f->token_a, hash), 0);
	snprintf(detail, sizeof(detail), "token %.12s", hash);
	snprintf(line, sizeof(line), "token-add Улсын бүртгэлийн ерөнхий газар %s", detail);
	assert_string_equal(text, line);
	db_text(db, "SELECT time FROM audit WHERE seq = 1", text, sizeof(text));
	snprintf(line, sizeof(line), "%064d\n1|%s|token-add||Улсын бүртгэлийн ерөнхий газар|%s", 0, text, detail);
	sha256_hex(line, strlen(line), hash);
	db_text(db, "SELECT hash FROM audit WHERE seq = 1", text, sizeof(text));
	assert_string_equal(text, hash);
	db_text(db, "SELECT event || ' ' || code || ' ' || detail FROM audit WHERE seq = 5", text, sizeof(text));
	snprintf(line, sizeof(line), "supersede %s by agency; replaced by %s; reason: typo", c1, c2);
	assert_string_equal(text, line);

	/* Append-only by trigger against mistakes ... */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET detail = 'x' WHERE seq = 4", NULL, NULL, NULL),
	                     SQLITE_OK);
	/* ... and by the chain against someone who drops the triggers. */
	db_exec(db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
	db_exec(db, "UPDATE audit SET detail = 'by agency; reason: nothing to see' WHERE seq = 5");
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), TAMGA_EFORMAT);
	assert_int_equal(n, 4);
	assert_non_null(strstr(tamga_error_last()->message, "audit entry 5"));
	/* Moving a "|" between fields does not keep the hash. */
	db_exec(db, "UPDATE audit SET detail = 'by agency; replaced by ' || "
	            "(SELECT replaced_by FROM documents WHERE status = 'superseded') || '; reason: typo' WHERE seq = 5");
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), 0);
	assert_int_equal(n, 6);
	/* Same text as before if "|" were not escaped: "...|agency|by agency; replaced by ..." */
	db_exec(db, "UPDATE audit SET agency = agency || '|by agency; replaced', detail = ' by ' || "
	            "(SELECT replaced_by FROM documents WHERE status = 'superseded') || '; reason: typo' WHERE seq = 5");
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), TAMGA_EFORMAT);
	sqlite3_close(db);

	/* A fresh log; a middle entry deleted. */
	tamga_registry_close(f->reg);
	f->reg = NULL;
	nftw(f->data, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	assert_int_equal(tamga_registry_open(&f->reg, f->data, 1), 0);
	agency_init(&a, "A", "/keys/a.key");
	for (int i = 0; i < 4; i++)
		assert_int_equal(tamga_registry_token_add(f->reg, &a, f->token_a), 0);
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), 0);
	assert_int_equal(n, 4);
	db = db_open(f);
	db_exec(db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2");
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), TAMGA_EFORMAT);
	assert_int_equal(n, 1);
	assert_non_null(strstr(tamga_error_last()->message, "audit entry 3"));
	/* Renumbering to hide the gap still breaks the chain. */
	db_exec(db, "UPDATE audit SET seq = seq - 1 WHERE seq > 2");
	assert_int_equal(tamga_registry_audit_verify(f->reg, &n), TAMGA_EFORMAT);
	assert_int_equal(n, 1);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_create_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_supersede, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agency_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subject_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agency_stamp, setup, teardown),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
