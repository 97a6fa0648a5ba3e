/*
 * One race: executor threads call the patch sites in a tight loop while the patcher thread
 * toggles them under a protocol. Every execution is logged with the patch sequence numbers
 * around it (completed before the call, started after it), so that tp_check can hold it
 * against the patcher's timeline afterwards.
 *
 * Faults are part of the experiment: a torn instruction raises SIGSEGV, SIGILL or SIGBUS in
 * an executor, whose handler abandons the call (tp_call_site returns TP_TAG_TORN). INT3/BRK
 * hits are handled the way the kernel's poke_int3_handler does: the handler emulates the
 * instruction being installed, read from the site's descriptor, instead of waiting.
 */
#include "tp_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Largest run: sequence numbers are logged as 32-bit values. */
#define TP_MAX_PATCHES (1ull << 31)
#define TP_MAX_THREADS 64u
/* Virtual memory the execution logs may reserve (MAP_NORESERVE: only what the executors
 * write is ever backed). */
#define TP_MAX_LOG_BYTES (16ull << 30)
#define TP_PROGRESS_NS 200000000ull

struct tp_log {
	struct tp_log_entry *e;
	uint64_t n;
	uint64_t cap;
};

struct tp_executor {
	struct tp_run *run;
	pthread_t thread;
	int cpu;
	uint32_t index;
	/* Written by tp_call_site, read by the signal handler of this thread. */
	uintptr_t saved_sp;
	/* Set by the signal handler of this thread. */
	volatile uint32_t trapped;
	volatile int fault_sig;
	/* Calls made so far; written by this executor only, read by the patcher (plants). */
	_Atomic uint64_t calls;
	int log_full;
	/* Thread CPU time and wall time of the executor's loop. */
	uint64_t cpu_ns;
	uint64_t wall_ns;
	uint64_t torn_signal[4];
	uint64_t torn_tag;
	struct tp_log_entry *log_mem;
	size_t log_mem_len;
	struct tp_log log[TP_MAX_SITES];
};

struct tp_run {
	const struct tp_config *cfg;
	uint32_t protocol;
	uint32_t barrier;
	uint32_t nsites;
	uint32_t nexec;
	uint64_t ops;
	struct tp_region region;
	int code_prot;
	struct tp_site sites[TP_MAX_SITES];
	struct tp_executor *exec;
	_Atomic uint32_t started;
	_Atomic uint32_t completed;
	_Atomic uint32_t stop;
	_Atomic uint32_t ready;
	/* mprotect protocol: the sequence number of the patch whose window is open, or 0. */
	_Atomic uint32_t window;
	uint64_t plant_seq;
	/* Patcher timeline and latencies. */
	uint64_t *op_masks;
	uint32_t *op_ns;
	uint32_t *barrier_ns;
	uint64_t barrier_n;
	uint64_t barrier_cap;
	/* tp_plant_crash's call. */
	uintptr_t crash_sp;
	/* tp_plant_trap_hold: hold the next trap phase. */
	int hold_trap;
	/* For the rare error inside the patch loop. */
	int sys_errno;
};

/* Signal handlers are process-wide: they find the running race here. One race at a time. */
static struct tp_run *_Atomic active_run;
static __thread struct tp_executor *tls_executor __attribute__((tls_model("initial-exec")));

static const int handled_signals[4] = {SIGSEGV, SIGILL, SIGBUS, SIGTRAP};

static int in_range(uintptr_t pc, const void *start, size_t len)
{
	return pc >= (uintptr_t)start && pc - (uintptr_t)start < len;
}

static struct tp_site *site_at(struct tp_run *run, uintptr_t addr)
{
	if (!in_range(addr, run->region.code, run->region.code_len))
		return NULL;
	uint64_t slot = (addr - (uintptr_t)run->region.code) / TP_SLOT;
	if (slot >= run->nsites || (uintptr_t)run->sites[slot].entry != addr)
		return NULL;
	return &run->sites[slot];
}

static void crash(int sig)
{
	/* A fault outside the experiment: a bug. Let it kill the process with its signal. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	struct tp_executor *ex = tls_executor;
	struct tp_run *run = atomic_load_explicit(&active_run, memory_order_acquire);
	uintptr_t pc = tp_arch_pc(uc);

	if (!ex || !run || !in_range(pc, run->region.reservation, run->region.reservation_len)) {
		crash(sig);
		return;
	}
	if (sig == SIGTRAP) {
		struct tp_site *site = site_at(run, tp_arch_trap_address(pc));
		if (site) {
			uint64_t desc = atomic_load_explicit(&site->desc, memory_order_acquire);
			ex->trapped = 1;
			if (desc & TP_DESC_ACTIVE) {
				/* Emulate the instruction being installed: continue where it goes. */
				tp_arch_set_pc(uc, site->path[desc & 1]);
			} else {
				/* The patch completed between the trap and now: the installed
				 * instruction is in place, so run it. */
				tp_arch_set_pc(uc, (uintptr_t)site->entry);
			}
			return;
		}
	}
	if (sig == SIGSEGV && run->protocol == tp_proto_mprotect && si->si_code == SEGV_ACCERR &&
	    (uintptr_t)si->si_addr == pc && in_range(pc, run->region.code, run->region.code_len)) {
		/* The code page is not executable while a patch writes it: wait for that window
		 * to close, then fetch the instruction again. */
		uint32_t open = atomic_load_explicit(&run->window, memory_order_acquire);
		ex->trapped = 1;
		while (open && atomic_load_explicit(&run->window, memory_order_acquire) == open)
			tp_cpu_relax();
		return;
	}
	ex->fault_sig = sig;
	tp_arch_abandon_call(uc, ex->saved_sp);
}

static int log_add(struct tp_log *log, uint32_t site, uint32_t done, uint32_t started,
		   uint32_t outcome)
{
	struct tp_log_entry *e = log->n ? &log->e[log->n - 1] : NULL;

	if (!e || e->done != done || e->started != started || e->count[outcome] == UINT32_MAX) {
		if (log->n == log->cap)
			return 0;
		e = &log->e[log->n++];
		e->done = done;
		e->started = started;
		e->site = site;
	}
	e->count[outcome]++;
	return 1;
}

static int signal_index(int sig)
{
	for (int i = 0; i < 4; i++) {
		if (handled_signals[i] == sig)
			return i;
	}
	return 0;
}

static void *executor_main(void *arg)
{
	struct tp_executor *ex = arg;
	struct tp_run *run = ex->run;
	uint32_t k = ex->index % run->nsites;

	tls_executor = ex;
	atomic_fetch_add(&run->ready, 1);
	uint64_t cpu0 = tp_thread_cpu_ns(), wall0 = tp_now_ns();
	while (!atomic_load_explicit(&run->stop, memory_order_relaxed)) {
		struct tp_site *site = &run->sites[k];
		uint32_t done = atomic_load_explicit(&run->completed, memory_order_acquire);
		uint32_t outcome;

		ex->trapped = 0;
		uint32_t tag = tp_call_site(site->entry, &ex->saved_sp);
		uint32_t started = atomic_load_explicit(&run->started, memory_order_acquire);
		if (tag == site->tag[0] || tag == site->tag[1]) {
			outcome = (tag == site->tag[1] ? 1u : 0u) + (ex->trapped ? 2u : 0u);
		} else {
			outcome = tp_outcome_torn;
			if (tag == TP_TAG_TORN)
				ex->torn_signal[signal_index(ex->fault_sig)]++;
			else
				ex->torn_tag++;
		}
		atomic_store_explicit(&ex->calls,
				      atomic_load_explicit(&ex->calls, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		if (!log_add(&ex->log[k], k, done, started, outcome)) {
			ex->log_full = 1;
			break;
		}
		if (++k == run->nsites)
			k = 0;
	}
	ex->cpu_ns = tp_thread_cpu_ns() - cpu0;
	ex->wall_ns = tp_now_ns() - wall0;
	return NULL;
}

/* Holds a planted state for plant_hold_ns, and until every executor has called each site
 * PLANT_CALLS times meanwhile (a preempted executor would otherwise miss a timed hold), but
 * no longer than PLANT_MAX_NS. */
#define PLANT_CALLS 64u
#define PLANT_MAX_NS 5000000000ull

static void hold(struct tp_run *run)
{
	uint64_t start = tp_now_ns();
	uint64_t want[TP_MAX_THREADS];

	for (uint32_t i = 0; i < run->nexec; i++)
		want[i] = atomic_load_explicit(&run->exec[i].calls, memory_order_relaxed) +
			  (uint64_t)PLANT_CALLS * run->nsites;
	for (;;) {
		uint64_t now = tp_now_ns();
		int all = 1;
		for (uint32_t i = 0; i < run->nexec && all; i++)
			all = atomic_load_explicit(&run->exec[i].calls, memory_order_relaxed) >= want[i];
		if ((all && now - start >= run->cfg->plant_hold_ns) || now - start >= PLANT_MAX_NS)
			return;
		tp_cpu_relax();
	}
}

/* --- writing code --- */

static void write_bytes(uint8_t *dst, const uint8_t *src, size_t len)
{
	volatile uint8_t *d = dst;
	for (size_t i = 0; i < len; i++)
		d[i] = src[i];
}

static void write_insn_bytewise(struct tp_site *site, const uint8_t *bytes)
{
	write_bytes(site->entry, bytes, site->len);
	tp_arch_sync_icache(site->entry, site->len);
}

/* One store covering the whole site; the placement guarantees the site fits in one aligned
 * word (checked before the run). */
static void write_insn_atomic(struct tp_site *site, const uint8_t *bytes)
{
	uintptr_t addr = (uintptr_t)site->entry;

	if (site->len == 4) {
		uint32_t w;
		memcpy(&w, bytes, 4);
		__atomic_store_n((uint32_t *)addr, w, __ATOMIC_RELEASE);
	} else if (site->len == 2) {
		uint16_t w;
		memcpy(&w, bytes, 2);
		__atomic_store_n((uint16_t *)addr, w, __ATOMIC_RELEASE);
	} else {
		uint64_t *word = (uint64_t *)(addr & ~(uintptr_t)7);
		uint64_t w = __atomic_load_n(word, __ATOMIC_RELAXED);
		memcpy((uint8_t *)&w + (addr & 7), bytes, site->len);
		__atomic_store_n(word, w, __ATOMIC_RELEASE);
	}
	tp_arch_sync_icache(site->entry, site->len);
}

static int barrier(struct tp_run *run)
{
	uint64_t t0 = tp_now_ns();
	int err = tp_barrier_run(run->barrier, NULL, 0);
	uint64_t t1 = tp_now_ns();

	if (err)
		run->sys_errno = errno;
	if (run->barrier_n < run->barrier_cap)
		run->barrier_ns[run->barrier_n++] =
			t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
	return err;
}

static int timed_mprotect(struct tp_run *run, int prot)
{
	uint64_t t0 = tp_now_ns();
	int r = mprotect(run->region.code, run->region.code_len, prot);
	uint64_t t1 = tp_now_ns();

	if (r != 0) {
		run->sys_errno = errno;
		return -tp_mapping;
	}
	if (run->barrier_n < run->barrier_cap)
		run->barrier_ns[run->barrier_n++] =
			t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
	return 0;
}

/*
 * The INT3/BRK protocol of text_poke_bp_batch (arch/x86/kernel/alternative.c) over the sites
 * in mask: publish descriptors; write the trap first byte; sync; write the tails; sync (if a
 * tail was written); write the new first byte; sync; retire the descriptors. On arm64 the
 * "first byte" is the whole word and there is no tail. Without `sync` the barriers are left
 * out (protocols int3 and brk).
 */
static int trap_op(struct tp_run *run, uint64_t mask, int sync)
{
	uint32_t trap_len;
	const uint8_t *trap = tp_arch_trap_insn(&trap_len);
	int tail = 0, err;

	for (uint32_t s = 0; s < run->nsites; s++) {
		if ((mask >> s) & 1)
			atomic_store_explicit(&run->sites[s].desc,
					      TP_DESC_ACTIVE | (run->sites[s].version ^ 1u),
					      memory_order_release);
	}
	for (uint32_t s = 0; s < run->nsites; s++) {
		if ((mask >> s) & 1) {
			struct tp_site *site = &run->sites[s];
			if (trap_len == 4) {
				uint32_t w;
				memcpy(&w, trap, 4);
				__atomic_store_n((uint32_t *)site->entry, w, __ATOMIC_RELEASE);
			} else {
				write_bytes(site->entry, trap, trap_len);
			}
			tp_arch_sync_icache(site->entry, site->len);
		}
	}
	if (sync && (err = barrier(run)))
		return err;
	if (run->hold_trap) {
		hold(run);
		run->hold_trap = 0;
	}
	for (uint32_t s = 0; s < run->nsites; s++) {
		struct tp_site *site = &run->sites[s];
		if (((mask >> s) & 1) && site->len > trap_len) {
			write_bytes(site->entry + trap_len, site->insn[site->version ^ 1] + trap_len,
				    site->len - trap_len);
			tail = 1;
		}
	}
	if (sync && tail && (err = barrier(run)))
		return err;
	for (uint32_t s = 0; s < run->nsites; s++) {
		if ((mask >> s) & 1) {
			struct tp_site *site = &run->sites[s];
			const uint8_t *insn = site->insn[site->version ^ 1];
			if (site->len == 4) {
				uint32_t w;
				memcpy(&w, insn, 4);
				__atomic_store_n((uint32_t *)site->entry, w, __ATOMIC_RELEASE);
			} else {
				write_bytes(site->entry, insn, trap_len);
			}
			tp_arch_sync_icache(site->entry, site->len);
		}
	}
	if (sync && (err = barrier(run)))
		return err;
	for (uint32_t s = 0; s < run->nsites; s++) {
		if ((mask >> s) & 1) {
			atomic_store_explicit(&run->sites[s].desc, 0, memory_order_release);
			run->sites[s].version ^= 1;
		}
	}
	return 0;
}

/* Executors fault on the page while it is writable and not executable (their handler waits
 * for the window to close); the downgrades flush the other CPUs' TLBs by IPI, and the
 * handler's return is an IRET, so every executor is serialised before it runs new code. */
static int mprotect_op(struct tp_run *run, uint64_t mask, uint32_t seq)
{
	int err;

	atomic_store_explicit(&run->window, seq, memory_order_seq_cst);
	if ((err = timed_mprotect(run, PROT_READ | PROT_WRITE)))
		return err;
	for (uint32_t s = 0; s < run->nsites; s++) {
		if ((mask >> s) & 1) {
			struct tp_site *site = &run->sites[s];
			write_bytes(site->entry, site->insn[site->version ^ 1], site->len);
			site->version ^= 1;
		}
	}
	if ((err = timed_mprotect(run, PROT_READ | PROT_EXEC)))
		return err;
	atomic_store_explicit(&run->window, 0, memory_order_release);
	return 0;
}

static int patch_op(struct tp_run *run, uint64_t mask, uint32_t seq)
{
	switch (run->protocol) {
	case tp_proto_naive:
	case tp_proto_atomic:
		for (uint32_t s = 0; s < run->nsites; s++) {
			if ((mask >> s) & 1) {
				struct tp_site *site = &run->sites[s];
				if (run->protocol == tp_proto_naive)
					write_insn_bytewise(site, site->insn[site->version ^ 1]);
				else
					write_insn_atomic(site, site->insn[site->version ^ 1]);
				site->version ^= 1;
			}
		}
		return 0;
	case tp_proto_int3:
	case tp_proto_brk:
		return trap_op(run, mask, 0);
	case tp_proto_int3_sync:
	case tp_proto_brk_sync:
	case tp_proto_batch:
		return trap_op(run, mask, 1);
	case tp_proto_mprotect:
		return mprotect_op(run, mask, seq);
	default:
		return -tp_internal;
	}
}

/* The planted fault of tp_plant_*, before the real patch operation `seq` runs. */
static void plant(struct tp_run *run, uint32_t seq)
{
	struct tp_site *site = &run->sites[0];
	uint8_t bytes[8];

	switch (run->cfg->plant) {
	case tp_plant_torn_fault:
		tp_arch_torn_bytes(site, bytes);
		break;
	case tp_plant_torn_tag:
		tp_arch_branch_to(site, run->sites[1].path[1], bytes);
		break;
	case tp_plant_crash:
		tp_arch_torn_bytes(site, bytes);
		write_insn_bytewise(site, bytes);
		/* Not an executor: on_signal lets the fault kill the process. */
		tp_call_site(site->entry, &run->crash_sp);
		return;
	case tp_plant_trap_hold:
		run->hold_trap = 1;
		return;
	case tp_plant_stale:
		/* Claim completion before writing anything. */
		atomic_store_explicit(&run->completed, seq, memory_order_release);
		hold(run);
		return;
	default:
		return;
	}
	write_insn_bytewise(site, bytes);
	hold(run);
}

/* --- set-up and tear-down --- */

static int validate(const struct tp_config *cfg, struct tp_result *res)
{
	uint32_t arch = TP_HOST_ARCH;

	if (cfg->size != sizeof(*cfg))
		return TP_FAIL(res, -tp_invalid, 0, "tp_config has size %llu, the library's has %zu",
			    (unsigned long long)cfg->size, sizeof(*cfg));
	if (!tp_protocol_supported(cfg->protocol, arch))
		return TP_FAIL(res, -tp_bad_protocol, 0, "protocol %s is not available on %s",
			    tp_protocol_name(cfg->protocol) ? tp_protocol_name(cfg->protocol)
							    : "(unknown)",
			    tp_arch_name(arch));
	if (cfg->placement >= tp_place_count)
		return TP_FAIL(res, -tp_invalid, 0, "unknown placement %u", cfg->placement);
	if (arch == tp_arch_aarch64 && cfg->placement == tp_place_straddle)
		return TP_FAIL(res, -tp_bad_placement, 0,
			    "aarch64 instructions are 4-byte aligned words: no site can straddle a"
			    " boundary (use placement aligned)");
	if (arch == tp_arch_x86_64 && cfg->protocol == tp_proto_atomic &&
	    cfg->placement != tp_place_aligned)
		return TP_FAIL(res, -tp_bad_placement, 0,
			    "atomic writes each site with one aligned store, which cannot cover a"
			    " site that straddles an 8-byte boundary (use placement aligned)");
	if (cfg->sites == 0 || cfg->sites > TP_MAX_SITES)
		return TP_FAIL(res, -tp_invalid, 0, "sites must be 1 to %d, not %u", TP_MAX_SITES,
			    cfg->sites);
	if (cfg->patches == 0 || cfg->patches >= TP_MAX_PATCHES)
		return TP_FAIL(res, -tp_invalid, 0, "patches must be 1 to %llu, not %llu",
			    TP_MAX_PATCHES - 1, (unsigned long long)cfg->patches);
	if (cfg->threads > TP_MAX_THREADS)
		return TP_FAIL(res, -tp_invalid, 0, "threads must be at most %u, not %u",
			    TP_MAX_THREADS, cfg->threads);
	if (cfg->plant >= tp_plant_count)
		return TP_FAIL(res, -tp_invalid, 0, "unknown plant %u", cfg->plant);
	if (cfg->plant == tp_plant_torn_tag && cfg->sites < 2)
		return TP_FAIL(res, -tp_invalid, 0, "the torn-tag plant needs two sites");
	if (cfg->plant != tp_plant_none && cfg->protocol == tp_proto_mprotect)
		return TP_FAIL(res, -tp_invalid, 0, "plants need a code page that stays writable");
	if (cfg->plant == tp_plant_trap_hold && cfg->protocol != tp_proto_int3 &&
	    cfg->protocol != tp_proto_int3_sync && cfg->protocol != tp_proto_batch &&
	    cfg->protocol != tp_proto_brk && cfg->protocol != tp_proto_brk_sync)
		return TP_FAIL(res, -tp_invalid, 0, "the trap-hold plant needs an INT3 or BRK protocol");
	return 0;
}

static int map_region(struct tp_run *run, struct tp_result *res)
{
	struct tp_region *r = &run->region;
	size_t code = ((size_t)run->nsites * TP_SLOT + TP_PAGE - 1) / TP_PAGE * TP_PAGE;

	r->reservation_len = TP_GUARD_LOW + code + TP_GUARD_HIGH;
	r->reservation = mmap(NULL, r->reservation_len, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->reservation == MAP_FAILED) {
		r->reservation = NULL;
		return TP_FAIL(res, -tp_mapping, errno, "mmap of the code region: %s", strerror(errno));
	}
	r->code = r->reservation + TP_GUARD_LOW;
	r->code_len = code;
	if (mprotect(r->code, code, PROT_READ | PROT_WRITE) != 0)
		return TP_FAIL(res, -tp_mapping, errno, "mprotect of the code region: %s",
			    strerror(errno));
	tp_arch_fill(r->code, code);
	for (uint32_t s = 0; s < run->nsites; s++) {
		tp_arch_layout(r->code + (size_t)s * TP_SLOT,
			       tp_arch_kind(run->cfg->placement, s), s, &run->sites[s]);
	}
	/* mprotect's executors run a read-only page; the others a writable one. */
	run->code_prot = PROT_READ | PROT_EXEC |
			 (run->protocol == tp_proto_mprotect ? 0 : PROT_WRITE);
	if (mprotect(r->code, code, run->code_prot) != 0)
		return TP_FAIL(res, -tp_mapping, errno,
			    "mprotect of the code region to %s: %s (is W^X enforced?)",
			    run->code_prot & PROT_WRITE ? "read-write-execute" : "read-execute",
			    strerror(errno));
	tp_arch_sync_icache(r->code, code);
	return 0;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int alloc_logs(struct tp_run *run, struct tp_result *res)
{
	/* done and started only grow, so one thread's log of one site has at most
	 * 2 * ops + 1 distinct pairs; the margin covers counts that overflow. */
	uint64_t cap = 2 * run->ops + 64;
	uint64_t per_exec = cap * run->nsites * sizeof(struct tp_log_entry);

	if (per_exec * run->nexec > TP_MAX_LOG_BYTES)
		return TP_FAIL(res, -tp_too_big, 0,
			    "%llu patches with %u sites and %u threads need %llu MiB of execution"
			    " log; the limit is %llu MiB: lower --patches, --sites or --threads",
			    (unsigned long long)run->cfg->patches, run->nsites, run->nexec,
			    (unsigned long long)((per_exec * run->nexec) >> 20),
			    TP_MAX_LOG_BYTES >> 20);
	for (uint32_t i = 0; i < run->nexec; i++) {
		struct tp_executor *ex = &run->exec[i];
		ex->log_mem_len = per_exec;
		ex->log_mem = map_anon(per_exec);
		if (!ex->log_mem)
			return TP_FAIL(res, -tp_nomem, errno, "cannot reserve %llu MiB of execution log",
				    (unsigned long long)(per_exec >> 20));
		for (uint32_t s = 0; s < run->nsites; s++) {
			ex->log[s].e = ex->log_mem + (size_t)s * cap;
			ex->log[s].cap = cap;
		}
	}
	run->op_masks = map_anon(run->ops * sizeof(uint64_t));
	run->op_ns = map_anon(run->ops * sizeof(uint32_t));
	run->barrier_cap = 3 * run->ops + 8;
	run->barrier_ns = map_anon(run->barrier_cap * sizeof(uint32_t));
	if (!run->op_masks || !run->op_ns || !run->barrier_ns)
		return TP_FAIL(res, -tp_nomem, errno, "cannot map the patch timeline");
	return 0;
}

static void free_run(struct tp_run *run)
{
	if (run->exec) {
		for (uint32_t i = 0; i < run->nexec; i++) {
			if (run->exec[i].log_mem)
				munmap(run->exec[i].log_mem, run->exec[i].log_mem_len);
		}
		munmap(run->exec, run->nexec * sizeof(*run->exec));
	}
	if (run->op_masks)
		munmap(run->op_masks, run->ops * sizeof(uint64_t));
	if (run->op_ns)
		munmap(run->op_ns, run->ops * sizeof(uint32_t));
	if (run->barrier_ns)
		munmap(run->barrier_ns, run->barrier_cap * sizeof(uint32_t));
	if (run->region.reservation)
		munmap(run->region.reservation, run->region.reservation_len);
}

static int install_handlers(struct sigaction *old, struct tp_result *res)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	/* NODEFER: a torn instruction may fault again right after an abandoned call. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++) {
		if (sigaction(handled_signals[i], &sa, &old[i]) != 0)
			return TP_FAIL(res, -tp_signal, errno, "sigaction: %s", strerror(errno));
	}
	return 0;
}

static void restore_handlers(const struct sigaction *old)
{
	for (int i = 0; i < 4; i++)
		sigaction(handled_signals[i], &old[i], NULL);
}

static void progress(struct tp_run *run, uint64_t done, uint64_t *last)
{
	if (run->cfg->progress_fd < 0)
		return;
	uint64_t now = tp_now_ns();
	if (now - *last < TP_PROGRESS_NS)
		return;
	*last = now;
	dprintf(run->cfg->progress_fd, "progress %llu %llu\n", (unsigned long long)done,
		(unsigned long long)run->ops);
}

/* The first operation at or after the middle that patches site 0. */
static uint64_t plant_seq(const struct tp_run *run)
{
	uint64_t j = run->ops / 2 + 1;

	if (run->protocol == tp_proto_batch)
		return j;
	while ((j - 1) % run->nsites != 0)
		j++;
	return j <= run->ops ? j : 1;
}

/* The patch loop, on the calling thread. Returns 0 or a negative error code. */
static int patch_loop(struct tp_run *run, struct tp_result *res)
{
	const struct tp_config *cfg = run->cfg;
	uint64_t all = run->nsites == 64 ? ~0ull : (1ull << run->nsites) - 1;
	uint64_t start = tp_now_ns(), last_progress = start, end = start;
	uint64_t cpu0 = tp_thread_cpu_ns();
	uint64_t j, completed = 0;
	int err = 0;

	for (j = 1; j <= run->ops; j++) {
		/* The time limit never cuts a race short before its planted fault: a slow or loaded
		 * machine must not turn a planted-fault check into a race without the fault. */
		if ((j & 63) == 0 && cfg->max_ns && j > run->plant_seq &&
		    tp_now_ns() - start > cfg->max_ns) {
			res->stopped_early = 1;
			break;
		}
		uint64_t mask = run->protocol == tp_proto_batch ? all : 1ull << ((j - 1) % run->nsites);
		run->op_masks[j - 1] = mask;
		uint64_t t0 = tp_now_ns();
		/* seq_cst: the store is ordered before every code write of the operation. */
		atomic_store_explicit(&run->started, (uint32_t)j, memory_order_seq_cst);
		if (j == run->plant_seq)
			plant(run, (uint32_t)j);
		err = patch_op(run, mask, (uint32_t)j);
		if (err) {
			TP_FAIL(res, err, run->sys_errno, "patch %llu failed: %s (%s)",
			     (unsigned long long)j, tp_errstr(err), strerror(run->sys_errno));
			break;
		}
		atomic_store_explicit(&run->completed, (uint32_t)j, memory_order_release);
		completed = j;
		end = tp_now_ns();
		run->op_ns[j - 1] = end - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(end - t0);
		if ((j & 1023) == 0) {
			progress(run, j, &last_progress);
			for (uint32_t i = 0; i < run->nexec; i++) {
				if (run->exec[i].log_full) {
					res->stopped_early = 1;
					goto out;
				}
			}
		}
	}
out:
	/* A final report, whatever the clock says: progress always ends at what was done. */
	if (cfg->progress_fd >= 0)
		dprintf(cfg->progress_fd, "progress %llu %llu\n", (unsigned long long)completed,
			(unsigned long long)run->ops);
	res->ops = completed;
	res->elapsed_ns = end - start;
	res->patcher_share_ppm = tp_share_ppm(tp_thread_cpu_ns() - cpu0, tp_now_ns() - start);
	return err;
}

static int start_executors(struct tp_run *run, const int *cpus, int ncpus, struct tp_result *res)
{
	for (uint32_t i = 0; i < run->nexec; i++) {
		struct tp_executor *ex = &run->exec[i];
		ex->run = run;
		ex->index = i;
		ex->cpu = cpus[1 + i % (uint32_t)(ncpus - 1)];
		int e, r = tp_thread_start(&ex->thread, ex->cpu, 0, executor_main, ex, &e);
		if (r != 0) {
			atomic_store(&run->stop, 1);
			for (uint32_t k = 0; k < i; k++)
				pthread_join(run->exec[k].thread, NULL);
			run->nexec = i;
			return TP_FAIL(res, r, e, "cannot start an executor on CPU %d: %s", ex->cpu,
				    strerror(e));
		}
	}
	while (atomic_load(&run->ready) < run->nexec)
		tp_cpu_relax();
	return 0;
}

static void stop_executors(struct tp_run *run)
{
	atomic_store(&run->stop, 1);
	for (uint32_t i = 0; i < run->nexec; i++)
		pthread_join(run->exec[i].thread, NULL);
}

static int check_logs(struct tp_run *run, struct tp_result *res)
{
	struct tp_site_check per_site[TP_MAX_SITES];
	uint64_t cpu = 0, wall = 0;
	uint32_t flags = run->protocol == tp_proto_mprotect ? TP_CHECK_TRAP_PAGE_WIDE
							     : TP_CHECK_TRAP_EMULATES;

	memset(per_site, 0, sizeof(per_site));
	for (uint32_t i = 0; i < run->nexec; i++) {
		struct tp_executor *ex = &run->exec[i];
		for (uint32_t s = 0; s < run->nsites; s++) {
			int err = tp_check(run->nsites, run->op_masks, res->ops, ex->log[s].e,
					   ex->log[s].n, flags, per_site);
			if (err)
				return TP_FAIL(res, -tp_internal, 0,
					    "the execution log does not fit the timeline (%s)",
					    tp_errstr(err));
			res->log_entries += ex->log[s].n;
		}
		res->torn_sigsegv += ex->torn_signal[0];
		res->torn_sigill += ex->torn_signal[1];
		res->torn_sigbus += ex->torn_signal[2];
		res->torn_sigtrap += ex->torn_signal[3];
		res->torn_tag += ex->torn_tag;
		cpu += ex->cpu_ns;
		wall += ex->wall_ns;
	}
	res->executor_share_ppm = tp_share_ppm(cpu, wall);
	for (uint32_t s = 0; s < run->nsites; s++) {
		const struct tp_site_check *c = &per_site[s];
		struct tp_kind_counts *k = &res->kind[run->sites[s].kind];
		k->sites++;
		k->executions += c->executions;
		k->torn += c->torn;
		k->stale += c->stale;
		k->trap_hits += c->trap_hits;
		res->executions += c->executions;
		res->old_runs += c->old_runs;
		res->new_runs += c->new_runs;
		res->trap_hits += c->trap_hits;
		res->torn += c->torn;
		res->stale += c->stale;
		res->torn_trap_mismatch += c->trap_mismatch;
		res->torn_idle += c->torn_idle;
		if (c->torn) {
			if (!res->first_torn_seq || c->first_torn_seq < res->first_torn_seq)
				res->first_torn_seq = c->first_torn_seq;
			if (c->last_torn_seq > res->last_torn_seq)
				res->last_torn_seq = c->last_torn_seq;
		}
		if (c->stale) {
			if (!res->first_stale_seq || c->first_stale_seq < res->first_stale_seq)
				res->first_stale_seq = c->first_stale_seq;
			if (c->last_stale_seq > res->last_stale_seq)
				res->last_stale_seq = c->last_stale_seq;
		}
	}
	return 0;
}

int tp_race(const struct tp_config *cfg, struct tp_result *res)
{
	struct tp_run run;
	struct sigaction old[4];
	int cpus[TP_MAX_THREADS + 1];
	int ncpus, err, handlers = 0, started = 0;
	struct tp_run *expected = NULL;

	if (!cfg || !res)
		return -tp_invalid;
	tp_result_init(res);
	res->arch = TP_HOST_ARCH;
	if ((err = validate(cfg, res)))
		return err;
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.protocol = cfg->protocol;
	run.barrier = tp_protocol_barrier(cfg->protocol, TP_HOST_ARCH);
	run.nsites = cfg->sites;
	run.ops = cfg->protocol == tp_proto_batch ? (cfg->patches + cfg->sites - 1) / cfg->sites
						  : cfg->patches;
	res->protocol = cfg->protocol;
	/* arm64 sites are all aligned words: mixed means aligned there. */
	res->placement = TP_HOST_ARCH == tp_arch_aarch64 ? tp_place_aligned : cfg->placement;
	res->barrier = run.barrier;
	res->sites = cfg->sites;
	res->guarantee = (uint32_t)tp_protocol_guarantee(cfg->protocol, TP_HOST_ARCH);

	ncpus = tp_usable_cpus(cfg->cpus, cpus, TP_MAX_THREADS + 1);
	if (ncpus < 0)
		return TP_FAIL(res, ncpus, errno, "sched_getaffinity: %s", strerror(errno));
	res->cpus_used = (uint32_t)ncpus;
	if (ncpus < 2)
		return TP_FAIL(res, -tp_few_cpus, 0,
			    "%d usable CPU%s%s: the patcher and its executors need a CPU each, so a"
			    " race needs at least 2",
			    ncpus, ncpus == 1 ? "" : "s",
			    cfg->cpus ? " in the requested CPU set and affinity mask"
				      : " in the affinity mask");
	run.nexec = cfg->threads ? cfg->threads : (uint32_t)(ncpus - 1);
	res->threads = run.nexec;
	res->patcher_cpu = (uint32_t)cpus[0];
	if ((err = tp_barrier_prepare(run.barrier, &res->membarrier_query, &res->sys_errno,
				      res->detail, sizeof(res->detail)))) {
		res->error = err;
		return err;
	}
	if (!atomic_compare_exchange_strong(&active_run, &expected, &run))
		return TP_FAIL(res, -tp_busy, 0, "another race is running in this process");

	run.exec = map_anon(run.nexec * sizeof(*run.exec));
	if (!run.exec) {
		err = TP_FAIL(res, -tp_nomem, errno, "cannot allocate executors");
		goto out;
	}
	if ((err = map_region(&run, res)) || (err = alloc_logs(&run, res)))
		goto out;
	if (cfg->plant != tp_plant_none)
		run.plant_seq = res->plant_seq = plant_seq(&run);
	if ((err = tp_pin(cpus[0])) != 0) {
		err = TP_FAIL(res, err, errno, "cannot pin the patcher to CPU %d", cpus[0]);
		goto out;
	}
	if ((err = install_handlers(old, res)))
		goto out;
	handlers = 1;
	started = 1;
	if ((err = start_executors(&run, cpus, ncpus, res)))
		goto out;
	err = patch_loop(&run, res);
out:
	if (started)
		stop_executors(&run);
	if (handlers)
		restore_handlers(old);
	atomic_store(&active_run, NULL);
	if (!err && (err = check_logs(&run, res)) == 0) {
		res->patches = run.protocol == tp_proto_batch ? res->ops * run.nsites : res->ops;
		tp_stat_of(run.op_ns, res->ops, &res->op_ns);
		tp_stat_of(run.barrier_ns, run.barrier_n, &res->barrier_ns);
	}
	free_run(&run);
	return err;
}
