/*
 * server/metrics.h - counters for GET /metrics, in the Prometheus text
 * exposition format (version 0.0.4).  Thread-safe; every label value is
 * one of tamgad's own constants, never request data, so the set of series
 * stays small however hostile the traffic.
 */
#ifndef TAMGAD_METRICS_H
#define TAMGAD_METRICS_H

#include "sbuf.h"

void metrics_init(const char *role);
/* One finished request; path_class is a static string ("sign", "page", ...). */
void metrics_request(const char *path_class, int status);
void metrics_inflight(int delta);
void metrics_signed(void);
void metrics_sign_failed(void);
/* verdict: "TOTAL-PASSED", ... */
void metrics_verified(const char *verdict);
void metrics_render(struct sbuf *out);

#endif
