/*
 * tests/unit/test_font_cache.c - the process-wide font face cache in
 * formats/pdf/font.c: what it shares must not show in the output.
 *
 * Oracles: the embedded font program (/FontFile2, compared as written)
 * of the same text is the same from a fresh load, from the cached face
 * and from the preprocessed face HarfBuzz subsets from after the second
 * use; a font file replaced or rewritten at the same path is measured
 * with its new metrics (DejaVu Sans Bold is wider than DejaVu Sans); a
 * font object outlives its cache entry (evicted or replaced); threads
 * showing and emitting text at once get the single-threaded result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "common/fileio.h"
#include "formats/pdf/font.h"
#include "formats/pdf/pdf.h"

#define REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define TEXT "Цахим гарын үсэг / Digitally signed: Өө Үү office"
#define MAX_OBJECTS 16
#define THREADS 4
#define ROUNDS 25

/* ------------------------------------------------------------ helpers (no cmocka asserts: threads use them) */

struct collect {
	pdf_obj *objs[MAX_OBJECTS];
	uint32_t next;
	struct pdf_sink sink;
};

static int collect_alloc(void *ctx, uint32_t *num)
{
	struct collect *c = ctx;

	if (c->next >= MAX_OBJECTS)
		return TAMGA_ELIMIT;
	*num = c->next++;
	return 0;
}

static int collect_put(void *ctx, uint32_t num, pdf_obj *obj)
{
	struct collect *c = ctx;

	if (num == 0 || num >= c->next || c->objs[num] != NULL)
		return TAMGA_ESTATE;
	c->objs[num] = obj;
	return 0;
}

/* Show text in f and emit it; *out gets the /FontFile2 stream's bytes. */
static int program_of(struct tamga__pdf_font *f, const char *text, tamga_buf *out)
{
	struct collect c;
	tamga_buf ops = TAMGA_BUF_INIT;
	uint32_t num, i;
	int error;

	memset(&c, 0, sizeof(c));
	c.next = 1;
	if ((c.sink.arena = tamga__pdf_arena_new(0)) == NULL)
		return TAMGA_ENOMEM;
	c.sink.ctx = &c;
	c.sink.alloc = collect_alloc;
	c.sink.put = collect_put;
	if ((error = tamga__pdf_font_show(f, &ops, "F1", text, 0, 0, 9)) < 0 ||
	    (error = tamga__pdf_font_emit(f, &c.sink, &num)) < 0)
		goto done;
	error = TAMGA_ERROR;
	for (i = 1; i < c.next; i++)
		if (c.objs[i] != NULL && c.objs[i]->type == PDF_STREAM &&
		    tamga__pdf_dict_get(c.objs[i], "Length1") != NULL) {
			error = tamga__buf_append(out, c.objs[i]->u.stream.data, c.objs[i]->u.stream.len);
			break;
		}
done:
	tamga_buf_dispose(&ops);
	tamga__pdf_arena_free(c.sink.arena);
	return error;
}

/* Open path, show text, emit: the font program. */
static int program(const char *path, const char *text, tamga_buf *out)
{
	struct tamga__pdf_font *f = NULL;
	int error;

	if ((error = tamga__pdf_font_open(&f, path)) == 0)
		error = program_of(f, text, out);
	tamga__pdf_font_free(f);
	return error;
}

static int same(const tamga_buf *a, const tamga_buf *b)
{
	return a->size == b->size && a->size > 0 && memcmp(a->ptr, b->ptr, a->size) == 0;
}

static double width(const char *path)
{
	struct tamga__pdf_font *f = NULL;
	double w = -1;

	assert_int_equal(tamga__pdf_font_open(&f, path), 0);
	assert_int_equal(tamga__pdf_font_measure(f, "Office", 10, &w), 0);
	tamga__pdf_font_free(f);
	return w;
}

/* Copy a font to path: replace (a new file renamed over it) or rewrite
 * in place (same inode). */
static void put_font(const char *path, const char *from, int in_place)
{
	tamga_buf data = TAMGA_BUF_INIT;

	assert_int_equal(tamga__file_read(&data, from, (size_t)64 << 20), 0);
	if (in_place) {
		FILE *fp = fopen(path, "r+b");

		assert_non_null(fp);
		assert_int_equal(fwrite(data.ptr, 1, data.size, fp), data.size);
		assert_int_equal(ftruncate(fileno(fp), (off_t)data.size), 0);
		assert_int_equal(fclose(fp), 0);
	} else {
		assert_int_equal(tamga__file_write(path, data.ptr, data.size, 0644, 1), 0);
	}
	tamga_buf_dispose(&data);
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "./font-cache.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ tests */

static void test_cache_same_program(void **state)
{
	tamga_buf first = TAMGA_BUF_INIT, again = TAMGA_BUF_INIT, custom = TAMGA_BUF_INIT;
	char path[128];
	int i;

	(void)state;
	/* 1: loaded; 2: cached, preprocessed after; 3, 4: the preprocessed face. */
	assert_int_equal(program(NULL, TEXT, &first), 0);
	for (i = 0; i < 3; i++) {
		again.size = 0;
		assert_int_equal(program(NULL, TEXT, &again), 0);
		assert_true(same(&first, &again));
	}
	/* The same file under another path: an entry of its own, the same bytes. */
	snprintf(path, sizeof(path), "%s/same.ttf", dir);
	put_font(path, REGULAR, 0);
	for (i = 0; i < 3; i++) {
		custom.size = 0;
		assert_int_equal(program(path, TEXT, &custom), 0);
		assert_true(same(&first, &custom));
	}
	tamga_buf_dispose(&first);
	tamga_buf_dispose(&again);
	tamga_buf_dispose(&custom);
}

static void test_cache_reload_on_change(void **state)
{
	struct tamga__pdf_font *old = NULL;
	tamga_buf a = TAMGA_BUF_INIT, b = TAMGA_BUF_INIT;
	char path[128];
	double regular, bold, w;

	(void)state;
	snprintf(path, sizeof(path), "%s/changing.ttf", dir);
	put_font(path, REGULAR, 0);
	regular = width(path);
	assert_true(regular > 0);
	assert_true(fabs(width(path) - regular) < 1e-9); /* cached: the same */
	assert_int_equal(tamga__pdf_font_open(&old, path), 0);

	/* Replaced (rename over it): the bold face is wider. */
	put_font(path, BOLD, 0);
	bold = width(path);
	assert_true(bold > regular + 0.1);
	assert_true(fabs(width(path) - bold) < 1e-9);

	/* Rewritten in place (same inode, another size): regular again. */
	put_font(path, REGULAR, 1);
	assert_true(fabs(width(path) - regular) < 1e-9);

	/* A font opened before the change keeps its face. */
	assert_int_equal(tamga__pdf_font_measure(old, "Office", 10, &w), 0);
	assert_true(fabs(w - regular) < 1e-9);
	assert_int_equal(program_of(old, TEXT, &a), 0);
	assert_int_equal(program(REGULAR, TEXT, &b), 0);
	assert_true(same(&a, &b));
	tamga__pdf_font_free(old);

	/* Gone: the error names it, as without a cache. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(tamga__pdf_font_open(&old, path), TAMGA_EIO);
	assert_null(old);
	assert_non_null(strstr(tamga_error_last()->message, "changing.ttf"));
	tamga_buf_dispose(&a);
	tamga_buf_dispose(&b);
}

static void test_cache_eviction(void **state)
{
	struct tamga__pdf_font *held = NULL;
	tamga_buf ref = TAMGA_BUF_INIT, got = TAMGA_BUF_INIT;
	char path[128];
	int i, k;

	(void)state;
	assert_int_equal(program(REGULAR, TEXT, &ref), 0);
	snprintf(path, sizeof(path), "%s/evict-0.ttf", dir);
	assert_int_equal(symlink(REGULAR, path), 0);
	assert_int_equal(tamga__pdf_font_open(&held, path), 0);
	/* More paths than the cache holds, each used twice (preprocessed). */
	for (i = 1; i <= 12; i++) {
		snprintf(path, sizeof(path), "%s/evict-%d.ttf", dir, i);
		assert_int_equal(symlink(REGULAR, path), 0);
		for (k = 0; k < 2; k++)
			assert_true(width(path) > 0);
	}
	/* held's entry is long gone; held still works, and gives the same. */
	assert_int_equal(program_of(held, TEXT, &got), 0);
	assert_true(same(&ref, &got));
	tamga__pdf_font_free(held);
	snprintf(path, sizeof(path), "%s/evict-0.ttf", dir);
	got.size = 0;
	assert_int_equal(program(path, TEXT, &got), 0);
	assert_true(same(&ref, &got));
	tamga_buf_dispose(&ref);
	tamga_buf_dispose(&got);
}

struct worker {
	const char *paths[2];
	const tamga_buf *ref;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	tamga_buf got = TAMGA_BUF_INIT;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		got.size = 0;
		if (program(w->paths[i % 2], TEXT, &got) < 0 || !same(w->ref, &got))
			w->failures++;
	}
	tamga_buf_dispose(&got);
	return NULL;
}

static void test_cache_threads(void **state)
{
	pthread_t th[THREADS];
	struct worker w[THREADS];
	tamga_buf ref = TAMGA_BUF_INIT;
	char path[128];
	int i;

	(void)state;
	/* A fresh path: its load, caching and preprocessing race too. */
	snprintf(path, sizeof(path), "%s/threads.ttf", dir);
	put_font(path, REGULAR, 0);
	assert_int_equal(program(REGULAR, TEXT, &ref), 0);
	for (i = 0; i < THREADS; i++) {
		w[i].paths[0] = path;
		w[i].paths[1] = NULL;
		w[i].ref = &ref;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	tamga_buf_dispose(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_same_program),
		cmocka_unit_test(test_cache_reload_on_change),
		cmocka_unit_test(test_cache_eviction),
		cmocka_unit_test(test_cache_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
