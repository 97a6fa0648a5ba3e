/*
 * What a barrier costs the patcher: membarrier(PRIVATE_EXPEDITED_SYNC_CORE) against plain
 * membarrier(PRIVATE_EXPEDITED), against the mprotect downgrade trick, and against a syscall
 * that synchronises nothing, with 0..N other threads of the process spinning in user space on
 * other CPUs. The kernel IPIs only the CPUs currently running a thread of the mm
 * (membarrier_private_expedited() builds its mask from rq->curr->mm), so the cost should grow
 * with the number of spinning threads, not with the number of CPUs.
 */
#include "tp_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define TP_MAX_COST_CALLS 10000000u
#define TP_MAX_SPINNERS 64u

struct spinner {
	pthread_t thread;
	int cpu;
	uint64_t cpu_ns;
	uint64_t wall_ns;
	_Atomic uint32_t *stop;
	_Atomic uint32_t *ready;
};

static int set_realtime(int priority)
{
	struct sched_param param = {.sched_priority = priority};
	return pthread_setschedparam(pthread_self(), SCHED_RR, &param);
}

static void *spinner_main(void *arg)
{
	struct spinner *sp = arg;
	volatile uint64_t n = 0;

	atomic_fetch_add(sp->ready, 1);
	uint64_t cpu0 = tp_thread_cpu_ns(), wall0 = tp_now_ns();
	while (!atomic_load_explicit(sp->stop, memory_order_relaxed))
		n++;
	sp->cpu_ns = tp_thread_cpu_ns() - cpu0;
	sp->wall_ns = tp_now_ns() - wall0;
	return NULL;
}

static const uint32_t method_barrier[tp_cost_methods] = {
	[tp_cost_sync_core] = tp_barrier_sync_core,
	[tp_cost_expedited] = tp_barrier_expedited,
	[tp_cost_mprotect] = tp_barrier_mprotect,
	[tp_cost_syscall] = tp_barrier_syscall,
};

static int measure(uint32_t barrier, void *page, uint32_t calls, uint32_t warmup,
		   uint32_t *samples, struct tp_stat *stat)
{
	int err;

	if (warmup == 0)
		warmup = calls / 10 < 1000 ? calls / 10 : 1000;

	for (uint32_t i = 0; i < warmup; i++) {
		if ((err = tp_barrier_run(barrier, page, TP_PAGE)))
			return err;
	}
	for (uint32_t i = 0; i < calls; i++) {
		uint64_t t0 = tp_now_ns();
		if ((err = tp_barrier_run(barrier, page, TP_PAGE)))
			return err;
		uint64_t t1 = tp_now_ns();
		samples[i] = t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
	}
	tp_stat_of(samples, calls, stat);
	return 0;
}

static int run_point(const struct tp_cost_config *cfg, struct tp_cost_result *res, uint32_t p,
		     const int *cpus, int ncpus, void *page, uint32_t *samples)
{
	uint32_t n = cfg->threads[p];
	struct spinner spinners[TP_MAX_SPINNERS];
	_Atomic uint32_t stop = 0, ready = 0;
	uint32_t started = 0;
	int err = 0;

	for (; started < n; started++) {
		struct spinner *sp = &spinners[started];
		sp->cpu = cpus[1 + started % (uint32_t)(ncpus - 1)];
		sp->cpu_ns = sp->wall_ns = 0;
		sp->stop = &stop;
		sp->ready = &ready;
		int e, r = tp_thread_start(&sp->thread, sp->cpu, (int)cfg->rt_priority, spinner_main,
					   sp, &e);
		if (r == -tp_sched) {
			err = TP_FAIL(res, r, e, "cannot start a SCHED_RR spinner: %s (needs"
					" CAP_SYS_NICE or RLIMIT_RTPRIO)", strerror(e));
			break;
		}
		if (r) {
			err = TP_FAIL(res, r, e, "cannot start a spinner on CPU %d: %s", sp->cpu,
					strerror(e));
			break;
		}
	}
	while (!err && atomic_load(&ready) < n)
		tp_cpu_relax();
	for (uint32_t m = 0; !err && m < tp_cost_methods; m++) {
		if (res->unavailable & (1u << m))
			continue;
		err = measure(method_barrier[m], page, cfg->calls, cfg->warmup_calls, samples,
			      &res->stat[p * tp_cost_methods + m]);
		if (err)
			TP_FAIL(res, err, errno, "%s failed during the measurement: %s",
				  tp_barrier_name(method_barrier[m]), strerror(errno));
	}
	atomic_store(&stop, 1);
	uint64_t cpu = 0, wall = 0;
	for (uint32_t i = 0; i < started; i++) {
		pthread_join(spinners[i].thread, NULL);
		cpu += spinners[i].cpu_ns;
		wall += spinners[i].wall_ns;
	}
	res->spinner_share_ppm[p] = tp_share_ppm(cpu, wall);
	return err;
}

int tp_cost(const struct tp_cost_config *cfg, struct tp_cost_result *res)
{
	int cpus[TP_MAX_SPINNERS + 1];
	uint32_t most = 0;
	int ncpus, err = 0;

	if (!cfg || !res)
		return -tp_invalid;
	tp_cost_result_init(res);
	res->arch = TP_HOST_ARCH;
	if (cfg->size != sizeof(*cfg))
		return TP_FAIL(res, -tp_invalid, 0, "tp_cost_config has size %llu, the library's"
				 " has %zu", (unsigned long long)cfg->size, sizeof(*cfg));
	if (cfg->calls == 0 || cfg->calls > TP_MAX_COST_CALLS)
		return TP_FAIL(res, -tp_invalid, 0, "calls must be 1 to %u, not %u",
				 TP_MAX_COST_CALLS, cfg->calls);
	if (cfg->points == 0 || cfg->points > TP_MAX_COST_POINTS)
		return TP_FAIL(res, -tp_invalid, 0, "1 to %d thread counts, not %u",
				 TP_MAX_COST_POINTS, cfg->points);
	for (uint32_t p = 0; p < cfg->points; p++) {
		if (cfg->threads[p] > TP_MAX_SPINNERS)
			return TP_FAIL(res, -tp_invalid, 0, "at most %u threads, not %u",
					 TP_MAX_SPINNERS, cfg->threads[p]);
		most = cfg->threads[p] > most ? cfg->threads[p] : most;
	}
	if (cfg->rt_priority > 99)
		return TP_FAIL(res, -tp_invalid, 0, "rt_priority must be 0 to 99, not %u",
				 cfg->rt_priority);
	if (cfg->warmup_calls > TP_MAX_COST_CALLS)
		return TP_FAIL(res, -tp_invalid, 0, "warmup_calls must be at most %u",
				 TP_MAX_COST_CALLS);
	res->points = cfg->points;
	memcpy(res->threads, cfg->threads, sizeof(res->threads));

	ncpus = tp_usable_cpus(cfg->cpus, cpus, TP_MAX_SPINNERS + 1);
	if (ncpus < 0)
		return TP_FAIL(res, ncpus, errno, "sched_getaffinity: %s", strerror(errno));
	res->cpus_used = (uint32_t)ncpus;
	if (most > 0 && ncpus < 2)
		return TP_FAIL(res, -tp_few_cpus, 0,
				 "%d usable CPU: spinning threads need CPUs other than the"
				 " measuring one",
				 ncpus);
	if ((err = tp_pin(cpus[0])))
		return TP_FAIL(res, err, errno, "cannot pin to CPU %d", cpus[0]);
	if (cfg->rt_priority) {
		int e = set_realtime((int)cfg->rt_priority);
		if (e != 0)
			return TP_FAIL(res, -tp_sched, e,
					 "cannot run SCHED_RR: %s (needs CAP_SYS_NICE or RLIMIT_RTPRIO)",
					 strerror(e));
	}

	/* A method the kernel (or a filter) refuses is reported unavailable, with the reason of
	 * the first refusal; the others are still measured. */
	for (uint32_t m = 0; m < tp_cost_methods; m++) {
		char detail[TP_DETAIL_SIZE];
		int sys_errno = 0;
		int e = tp_barrier_prepare(method_barrier[m], &res->membarrier_query, &sys_errno,
					   detail, sizeof(detail));
		if (e) {
			res->unavailable |= 1u << m;
			if (!res->detail[0]) {
				memcpy(res->detail, detail, sizeof(detail));
				res->sys_errno = sys_errno;
			}
		}
	}

	void *page = mmap(NULL, TP_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *samples = malloc((size_t)cfg->calls * sizeof(uint32_t));
	if (page == MAP_FAILED || !samples) {
		err = TP_FAIL(res, -tp_nomem, errno, "cannot allocate the sample buffer");
		goto out;
	}
	for (uint32_t p = 0; p < cfg->points && !err; p++)
		err = run_point(cfg, res, p, cpus, ncpus, page, samples);
out:
	if (page != MAP_FAILED)
		munmap(page, TP_PAGE);
	free(samples);
	return err;
}
