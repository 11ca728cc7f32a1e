/*
 * common/timeutil.h - calendar conversion without the process time zone (internal).
 */
#ifndef TAMGA_COMMON_TIMEUTIL_H
#define TAMGA_COMMON_TIMEUTIL_H

#include <time.h>

#include <tamga/common.h>

/** Seconds since the epoch of a broken-down UTC time (tm_year since 1900, tm_mon 0-11). */
tamga_time tamga__time_from_tm(const struct tm *tm);

#endif
