/*
 * tests/fuzz/replay.c - run a libFuzzer target over files without libFuzzer,
 * so `make check` replays every seed under gcc (and the sanitizers when
 * built with SANITIZE=...).
 *
 * Usage: fuzz_NAME-replay FILE_OR_DIR...   (TAP output, one line per input)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (16u * 1024u * 1024u)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (f == NULL) {
		printf("not ok - %s: cannot open\n", path);
		return 1;
	}
	buf = malloc(REPLAY_MAX_INPUT);
	if (buf == NULL) {
		fclose(f);
		printf("not ok - %s: out of memory\n", path);
		return 1;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	/* Exact-size copy so that reads past the end are caught by ASan. */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (exact == NULL) {
			free(buf);
			printf("not ok - %s: out of memory\n", path);
			return 1;
		}
		memcpy(exact, buf, n);
		free(buf);
		/* Named before running, so a crash log says which input it was. */
		printf("# %s\n", path);
		fflush(stdout);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	printf("ok - %s\n", path);
	return 0;
}

static int replay(const char *path)
{
	struct stat st;
	struct dirent **names;
	int i, n, failed = 0;

	if (stat(path, &st) != 0) {
		printf("not ok - %s: no such file or directory\n", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		printf("not ok - %s: cannot list\n", path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char *p = malloc(strlen(path) + strlen(names[i]->d_name) + 2);

			if (p != NULL) {
				sprintf(p, "%s/%s", path, names[i]->d_name);
				failed |= replay(p);
				free(p);
			}
		}
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++)
		failed |= replay(argv[i]);
	return failed;
}
