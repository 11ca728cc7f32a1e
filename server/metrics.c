/*
 * server/metrics.c - the counters of metrics.h behind one mutex: a request
 * costs milliseconds of crypto, a mutex nanoseconds.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "metrics.h"

#define SERIES_MAX 128
#define VERDICTS_MAX 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *role_label = "none";
static double start_time;
static long in_flight;
static unsigned long long signed_docs, sign_failures;
static struct { const char *cls; int status; unsigned long long n; } series[SERIES_MAX];
static size_t nseries;
static unsigned long long dropped;
static struct { const char *verdict; unsigned long long n; } verdicts[VERDICTS_MAX];
static size_t nverdicts;

void metrics_init(const char *role)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&lock);
	role_label = role;
	start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	pthread_mutex_unlock(&lock);
}

void metrics_request(const char *path_class, int status)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nseries; i++)
		if (series[i].status == status && strcmp(series[i].cls, path_class) == 0)
			break;
	if (i == nseries) {
		if (nseries == SERIES_MAX) {
			dropped++;
			pthread_mutex_unlock(&lock);
			return;
		}
		series[nseries].cls = path_class;
		series[nseries].status = status;
		series[nseries++].n = 0;
	}
	series[i].n++;
	pthread_mutex_unlock(&lock);
}

void metrics_inflight(int delta)
{
	pthread_mutex_lock(&lock);
	in_flight += delta;
	pthread_mutex_unlock(&lock);
}

void metrics_signed(void)
{
	pthread_mutex_lock(&lock);
	signed_docs++;
	pthread_mutex_unlock(&lock);
}

void metrics_sign_failed(void)
{
	pthread_mutex_lock(&lock);
	sign_failures++;
	pthread_mutex_unlock(&lock);
}

void metrics_verified(const char *verdict)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nverdicts; i++)
		if (strcmp(verdicts[i].verdict, verdict) == 0)
			break;
	if (i == nverdicts && nverdicts < VERDICTS_MAX) {
		verdicts[nverdicts].verdict = verdict;
		verdicts[nverdicts++].n = 0;
	}
	if (i < nverdicts)
		verdicts[i].n++;
	pthread_mutex_unlock(&lock);
}

void metrics_render(struct sbuf *out)
{
	pthread_mutex_lock(&lock);
	sb_puts(out, "# HELP tamgad_requests_total HTTP requests answered, by role, path class and status.\n"
	             "# TYPE tamgad_requests_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		sb_printf(out, "tamgad_requests_total{role=\"%s\",path=\"%s\",status=\"%d\"} %llu\n", role_label,
		          series[i].cls, series[i].status, series[i].n);
	sb_puts(out, "# HELP tamgad_requests_in_flight Requests being processed.\n"
	             "# TYPE tamgad_requests_in_flight gauge\n");
	sb_printf(out, "tamgad_requests_in_flight{role=\"%s\"} %ld\n", role_label, in_flight);
	sb_puts(out, "# HELP tamgad_documents_signed_total Documents signed and registered.\n"
	             "# TYPE tamgad_documents_signed_total counter\n");
	sb_printf(out, "tamgad_documents_signed_total %llu\n", signed_docs);
	sb_puts(out, "# HELP tamgad_sign_failures_total Documents that could not be signed or registered.\n"
	             "# TYPE tamgad_sign_failures_total counter\n");
	sb_printf(out, "tamgad_sign_failures_total %llu\n", sign_failures);
	sb_puts(out, "# HELP tamgad_verifications_total Uploaded documents verified, by verdict.\n"
	             "# TYPE tamgad_verifications_total counter\n");
	for (size_t i = 0; i < nverdicts; i++)
		sb_printf(out, "tamgad_verifications_total{verdict=\"%s\"} %llu\n", verdicts[i].verdict, verdicts[i].n);
	sb_puts(out, "# HELP tamgad_metrics_series_dropped_total Request series not counted (table full).\n"
	             "# TYPE tamgad_metrics_series_dropped_total counter\n");
	sb_printf(out, "tamgad_metrics_series_dropped_total %llu\n", dropped);
	sb_puts(out, "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
	             "# TYPE process_start_time_seconds gauge\n");
	sb_printf(out, "process_start_time_seconds %.3f\n", start_time);
	pthread_mutex_unlock(&lock);
}
