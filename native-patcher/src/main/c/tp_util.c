/* Clocks, statistics, CPUs and messages for the native patcher. */
#include "tp_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t tp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t tp_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint32_t tp_share_ppm(uint64_t cpu, uint64_t wall)
{
	if (wall == 0)
		return 0;
	uint64_t ppm = (uint64_t)((double)cpu / (double)wall * 1e6);
	return ppm > 1000000 ? 1000000 : (uint32_t)ppm;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

void tp_stat_of(uint32_t *samples, uint64_t n, struct tp_stat *stat)
{
	uint64_t sum = 0;

	*stat = (struct tp_stat){0};
	if (n == 0)
		return;
	qsort(samples, n, sizeof(*samples), cmp_u32);
	for (uint64_t i = 0; i < n; i++)
		sum += samples[i];
	stat->count = n;
	stat->min = samples[0];
	stat->median = samples[n / 2];
	stat->p90 = samples[(n * 9) / 10];
	stat->p99 = samples[(n * 99) / 100];
	stat->max = samples[n - 1];
	stat->mean = sum / n;
}

int tp_usable_cpus(uint64_t mask, int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -tp_affinity;
	for (int cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (mask && (cpu >= 64 || !(mask & (1ull << cpu))))
			continue;
		cpus[n++] = cpu;
	}
	return n;
}

int tp_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : -tp_affinity;
}

int tp_thread_start(pthread_t *thread, int cpu, int rt_priority, void *(*fn)(void *), void *arg,
		    int *sys_errno)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int e;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if ((e = pthread_attr_init(&attr)) != 0) {
		*sys_errno = e;
		return -tp_thread;
	}
	e = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!e)
		e = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	if (!e) {
		struct sched_param param = {.sched_priority = rt_priority};
		e = pthread_attr_setschedpolicy(&attr, rt_priority ? SCHED_RR : SCHED_OTHER);
		if (!e)
			e = pthread_attr_setschedparam(&attr, &param);
	}
	if (!e)
		e = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	*sys_errno = e;
	if (e == EPERM)
		return -tp_sched;
	return e ? -tp_thread : 0;
}

void tp_detail(char *detail, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, len, fmt, ap);
	va_end(ap);
}

int tp_fail(int32_t *error, int32_t *sys_errno_field, char *detail, size_t detail_len, int err,
	    int sys_errno, const char *fmt, ...)
{
	va_list ap;

	*error = err;
	*sys_errno_field = sys_errno;
	va_start(ap, fmt);
	vsnprintf(detail, detail_len, fmt, ap);
	va_end(ap);
	return err;
}
