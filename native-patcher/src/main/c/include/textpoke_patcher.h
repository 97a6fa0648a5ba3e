/*
 * textpoke native patcher: patches code in a live process while other threads execute it,
 * under one of several cross-modification protocols, and measures what goes wrong and what
 * it costs.
 *
 * Interface conventions (as libipt's): configuration and result structs are sized (their
 * first field is their size in bytes, which the caller sets with the *_init function);
 * functions return 0 or a negative enum tp_error_code; tp_errstr() names a code. Results also
 * carry a one-line detail text, because "membarrier failed" alone does not say why.
 *
 * Layout rules: every struct below holds only 8-, 4- and 1-byte fields in an order that needs
 * no padding on LP64, so that x86-64 and aarch64 builds share one layout (the Java side maps
 * it once, and reads results written by either architecture's driver).
 */
#ifndef TEXTPOKE_PATCHER_H
#define TEXTPOKE_PATCHER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library exports these functions only (it is built with -fvisibility=hidden). */
#define TP_EXPORT __attribute__((visibility("default")))

/* Bumped whenever a struct below changes; tp_abi_version() reports it. */
#define TP_ABI_VERSION 3

#define TP_MAX_SITES 64
#define TP_MAX_COST_POINTS 16
#define TP_DETAIL_SIZE 256

/** Error codes; functions return their negation. */
enum tp_error_code {
	tp_ok = 0,
	/* A bug in the patcher itself. */
	tp_internal = 1,
	/* A bad argument: NULL pointer, a struct of the wrong size, a value out of range. */
	tp_invalid = 2,
	/* The protocol is unknown, or does not exist on this architecture. */
	tp_bad_protocol = 3,
	/* The protocol cannot patch sites placed like this (one aligned store cannot cover a
	 * site that straddles an 8-byte boundary). */
	tp_bad_placement = 4,
	/* Memory for the code region or the logs could not be had. */
	tp_nomem = 5,
	/* Fewer than two CPUs are usable: the patcher and its executors need their own. */
	tp_few_cpus = 6,
	/* sched_setaffinity refused to pin a thread. */
	tp_affinity = 7,
	/* membarrier(2) returns ENOSYS: the kernel is built without CONFIG_MEMBARRIER. */
	tp_no_membarrier = 8,
	/* The kernel offers no MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE (QUERY lacks it, or
	 * REGISTER returns EINVAL): the architecture has no core-serialising membarrier. */
	tp_no_sync_core = 9,
	/* membarrier returns EPERM: the process is not registered for the command. */
	tp_membarrier_perm = 10,
	/* membarrier fails, and a seccomp filter is active: the filter denies it. */
	tp_seccomp = 11,
	/* membarrier fails with an errno not listed above. */
	tp_membarrier_failed = 12,
	/* mmap or mprotect of the code region failed. */
	tp_mapping = 13,
	/* sigaction failed. */
	tp_signal = 14,
	/* pthread_create failed. */
	tp_thread = 15,
	/* Another race runs in this process (signal handlers are process-wide). */
	tp_busy = 16,
	/* The requested run needs more log memory than the patcher allows itself. */
	tp_too_big = 17,
	/* SCHED_RR was refused (needs CAP_SYS_NICE or an RLIMIT_RTPRIO). */
	tp_sched = 18,
};

/** A constant string naming an error code (positive or negative). */
TP_EXPORT const char *tp_errstr(int code);

/** TP_ABI_VERSION of the library. */
TP_EXPORT uint32_t tp_abi_version(void);

enum tp_arch {
	tp_arch_x86_64 = 0,
	tp_arch_aarch64 = 1,
};

/** The architecture this library was built for. */
TP_EXPORT uint32_t tp_host_arch(void);

/** "x86-64", "aarch64", or NULL. */
TP_EXPORT const char *tp_arch_name(uint32_t arch);

/** The protocols; their names are fixed (tp_protocol_name). */
enum tp_protocol {
	/* Byte-wise plain stores of the new instruction. */
	tp_proto_naive = 0,
	/* One aligned store covering the whole site (x86: 8- or 2-byte; arm64: 32-bit, then
	 * the local cache maintenance of aarch64_insn_patch_text_nosync). No barrier. */
	tp_proto_atomic = 1,
	/* x86 INT3 three-phase protocol without any cross-CPU synchronisation. */
	tp_proto_int3 = 2,
	/* x86 INT3 protocol with membarrier(PRIVATE_EXPEDITED_SYNC_CORE) after each phase,
	 * as the kernel's text_poke_bp IPIs every CPU to sync_core(). */
	tp_proto_int3_sync = 3,
	/* Executors fault on the code page while it is made writable and not executable; the
	 * permission downgrade's TLB-shootdown IPIs serialise the other CPUs. */
	tp_proto_mprotect = 4,
	/* int3-sync over every site at once: three barriers per batch, as text_poke_finish. */
	tp_proto_batch = 5,
	/* arm64 BRK two-phase protocol without membarrier. */
	tp_proto_brk = 6,
	/* arm64 BRK protocol with membarrier(PRIVATE_EXPEDITED_SYNC_CORE) after each phase. */
	tp_proto_brk_sync = 7,
	tp_proto_count = 8,
};

/** "naive", "atomic", "int3", "int3-sync", "mprotect", "batch", "brk", "brk-sync", or NULL. */
TP_EXPORT const char *tp_protocol_name(uint32_t protocol);

/** 1 if the protocol exists on the architecture, else 0. */
TP_EXPORT int tp_protocol_supported(uint32_t protocol, uint32_t arch);

/** What a protocol promises, architecturally, to executors. */
enum tp_guarantee {
	/* Nothing: torn executions are possible. */
	tp_guarantee_none = 0,
	/* Never a torn instruction; old code may still run after the patch returned. */
	tp_guarantee_untorn = 1,
	/* Never torn, and no thread runs the old code after the patch (and barrier) returned. */
	tp_guarantee_untorn_fresh = 2,
};

/** enum tp_guarantee of a protocol on an architecture, or a negative error code. */
TP_EXPORT int tp_protocol_guarantee(uint32_t protocol, uint32_t arch);

/** Where sites sit relative to cache lines and 8-byte words. */
enum tp_placement {
	/* Straddling and safely placed sites alternate (experiment and control in one run). */
	tp_place_mixed = 0,
	/* x86: 5-byte sites across a 64-byte line and an 8-byte boundary, 2-byte sites across
	 * a line. Not possible on arm64 (instructions are 4-byte aligned). */
	tp_place_straddle = 1,
	/* Every site inside one aligned 8-byte word and one cache line (the control). */
	tp_place_aligned = 2,
	tp_place_count = 3,
};

/** "mixed", "straddle", "aligned", or NULL. */
TP_EXPORT const char *tp_placement_name(uint32_t placement);

/** The kinds of patch site. */
enum tp_site_kind {
	/* x86 5-byte nop (0f 1f 44 00 00) <-> jmp rel32, crossing a line and a qword. */
	tp_kind_jmp32_straddle = 0,
	/* x86 2-byte nop (66 90) <-> jmp rel8, crossing a line. */
	tp_kind_jmp8_straddle = 1,
	/* x86 5-byte nop <-> jmp rel32 inside one aligned qword. */
	tp_kind_jmp32_aligned = 2,
	/* x86 2-byte nop <-> jmp rel8 inside one aligned 2-byte word. */
	tp_kind_jmp8_aligned = 3,
	/* arm64 nop (d503201f) <-> b, one aligned word. */
	tp_kind_b_aligned = 4,
	tp_kind_count = 5,
};

/** "jmp32-straddle", ..., "b-aligned", or NULL. */
TP_EXPORT const char *tp_site_kind_name(uint32_t kind);

/** Faults planted on purpose, so that tests can show the harness sees them. */
enum tp_plant {
	tp_plant_none = 0,
	/* Midway, patch the first site with a half-written instruction (x86: the new first byte
	 * with the old tail; arm64: an undefined word) and hold it: executions fault. */
	tp_plant_torn_fault = 1,
	/* Midway, make the first site jump into the second site's code: executions return a
	 * tag that belongs to neither version. Needs two sites. */
	tp_plant_torn_tag = 2,
	/* Midway, publish a patch as complete before writing it: executions see old code after
	 * completion. */
	tp_plant_stale = 3,
	/* Midway, the patcher thread itself runs a half-written site: the process dies of
	 * SIGSEGV, as a harness bug would kill it. Shows that the caller survives that. */
	tp_plant_crash = 4,
	/* Midway, the INT3/BRK protocols hold the trap instruction in place (after its
	 * barrier) until the executors have run the site: every one of those executions goes
	 * through the handler, whose emulation the check then verifies. */
	tp_plant_trap_hold = 5,
	tp_plant_count = 6,
};

/** What one race does. tp_config_init fills the defaults. */
struct tp_config {
	/* sizeof(struct tp_config). */
	uint64_t size;
	/* Site toggles to perform (1 .. 2^31). */
	uint64_t patches;
	/* Stop early after this much wall time, but never before the planted operation; 0: no
	 * limit. */
	uint64_t max_ns;
	/* CPUs to use, as a bit mask of CPU numbers below 64; 0: the whole affinity mask. The
	 * patcher runs on the lowest, executors on the others in turn. */
	uint64_t cpus;
	/* How long a planted fault is held at least, in ns; it is also held until every
	 * executor has called each site 64 times meanwhile (at most 5 s). */
	uint64_t plant_hold_ns;
	/* enum tp_protocol. */
	uint32_t protocol;
	/* enum tp_placement. */
	uint32_t placement;
	/* Executor threads (1 .. 64); 0: one per usable CPU other than the patcher's. */
	uint32_t threads;
	/* Patch sites (1 .. TP_MAX_SITES). */
	uint32_t sites;
	/* enum tp_plant. */
	uint32_t plant;
	/* File descriptor to write "progress DONE TOTAL" lines to, or -1. */
	int32_t progress_fd;
};

/** Fills *config with the defaults (naive, mixed, 100000 patches, 4 sites). */
TP_EXPORT void tp_config_init(struct tp_config *config);

/** A distribution of latencies, in nanoseconds. count == 0: nothing was measured. */
struct tp_stat {
	uint64_t count;
	uint64_t min;
	uint64_t median;
	uint64_t p90;
	uint64_t p99;
	uint64_t max;
	uint64_t mean;
};

/** Outcomes at the sites of one kind. */
struct tp_kind_counts {
	uint64_t sites;
	uint64_t executions;
	uint64_t torn;
	uint64_t stale;
	uint64_t trap_hits;
};

/** Which primitive a protocol synchronises executors with. */
enum tp_barrier {
	tp_barrier_none = 0,
	/* membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE). */
	tp_barrier_sync_core = 1,
	/* membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): a memory barrier, not core-serialising. */
	tp_barrier_expedited = 2,
	/* mprotect of the code page (a permission downgrade flushes remote TLBs by IPI). */
	tp_barrier_mprotect = 3,
	/* getppid(): a syscall that synchronises nothing, as the cost baseline. */
	tp_barrier_syscall = 4,
	tp_barrier_count = 5,
};

/** "none", "membarrier-sync-core", "membarrier-expedited", "mprotect", "syscall", or NULL. */
TP_EXPORT const char *tp_barrier_name(uint32_t barrier);

/** The barrier a protocol uses on an architecture. */
TP_EXPORT uint32_t tp_protocol_barrier(uint32_t protocol, uint32_t arch);

/** What one race measured. */
struct tp_result {
	/* sizeof(struct tp_result). */
	uint64_t size;
	/* Patch operations done (a batch patches every site in one operation). */
	uint64_t ops;
	/* Site toggles done. */
	uint64_t patches;
	/* Calls of a patch site by executors. */
	uint64_t executions;
	/* Executions that ran the version the timeline allows, old or new, without a trap. */
	uint64_t old_runs;
	uint64_t new_runs;
	/* Executions that went through the mediating trap (INT3/BRK handler, mprotect fault)
	 * while a patch of their site (for mprotect: of any site on the page) was in flight. */
	uint64_t trap_hits;
	/* Executions that faulted, returned a tag of neither version, or trapped into a handler
	 * that emulated a version no in-flight patch installs. */
	uint64_t torn;
	/* Executions that ran a replaced version (or hit a breakpoint) although every patch of
	 * their site had completed, barrier included, before the execution began. */
	uint64_t stale;
	/* torn, by cause. */
	uint64_t torn_sigsegv;
	uint64_t torn_sigill;
	uint64_t torn_sigbus;
	uint64_t torn_sigtrap;
	uint64_t torn_tag;
	uint64_t torn_trap_mismatch;
	/* Torn executions with no patch of their site in flight: its bytes were at rest, so a
	 * tear there is a fault of the harness or a stale fetch (0 in every run so far). */
	uint64_t torn_idle;
	/* Patch sequence numbers bracketing the torn and stale executions (0 if none). */
	uint64_t first_torn_seq;
	uint64_t last_torn_seq;
	uint64_t first_stale_seq;
	uint64_t last_stale_seq;
	/* Sequence number of the planted patch (0 if none). */
	uint64_t plant_seq;
	/* Wall time from the first patch's start to the last one's completion. */
	uint64_t elapsed_ns;
	/* Per patch operation, start to completion (barriers included). */
	struct tp_stat op_ns;
	/* Per barrier call (membarrier or mprotect) made by the protocol. */
	struct tp_stat barrier_ns;
	/* membarrier QUERY mask (0 if not queried). */
	uint64_t membarrier_query;
	/* (done, started) entries the executors logged. */
	uint64_t log_entries;
	struct tp_kind_counts kind[tp_kind_count];
	/* 0, or the negative error code tp_race returned. */
	int32_t error;
	/* errno behind the error, if any. */
	int32_t sys_errno;
	uint32_t protocol;
	uint32_t arch;
	uint32_t placement;
	uint32_t barrier;
	uint32_t threads;
	uint32_t sites;
	uint32_t cpus_used;
	uint32_t patcher_cpu;
	uint32_t stopped_early;
	uint32_t guarantee;
	/* Share of the wall time the executors and the patcher were on a CPU, in parts per
	 * million (thread CPU time / wall time): on a shared machine, how much racing there was. */
	uint32_t executor_share_ppm;
	uint32_t patcher_share_ppm;
	/* Why it failed, or notes; NUL-terminated. */
	char detail[TP_DETAIL_SIZE];
};

/** Fills *result with zeros and its size. */
TP_EXPORT void tp_result_init(struct tp_result *result);

/**
 * Runs one race in this process: maps a code region, starts executor threads pinned to the
 * other CPUs, patches the sites config->patches times with config->protocol, checks every
 * logged execution against the patch timeline, and fills *result.
 *
 * It installs process-wide handlers for SIGSEGV, SIGILL, SIGBUS and SIGTRAP for the duration,
 * and naive protocols execute torn instructions: run it in a process of its own (the
 * textpoke-patcher driver does).
 *
 * Returns 0, or a negative error code (also stored in result->error, with result->detail):
 * tp_invalid, tp_bad_protocol, tp_bad_placement, tp_nomem, tp_few_cpus, tp_affinity,
 * tp_no_membarrier, tp_no_sync_core, tp_membarrier_perm, tp_seccomp, tp_membarrier_failed,
 * tp_mapping, tp_signal, tp_thread, tp_busy, tp_too_big, tp_internal.
 */
TP_EXPORT int tp_race(const struct tp_config *config, struct tp_result *result);

/** What one cost measurement does. */
struct tp_cost_config {
	/* sizeof(struct tp_cost_config). */
	uint64_t size;
	/* CPUs to use (as tp_config.cpus). */
	uint64_t cpus;
	/* Timed calls per method and thread count. */
	uint32_t calls;
	/* Number of entries in threads[]. */
	uint32_t points;
	/* Other threads spinning in user space on other CPUs, per measurement point. */
	uint32_t threads[TP_MAX_COST_POINTS];
	/* 0: normal scheduling. 1..99: the measuring thread and the spinners run SCHED_RR at
	 * this priority, so that other load cannot deschedule the spinners membarrier must
	 * interrupt (the kernel's RT throttling still leaves others 5% of each CPU). Round
	 * robin, not FIFO: spinners sharing a CPU must take turns, or the second never starts. */
	uint32_t rt_priority;
	/* Untimed calls per method and point before the timed ones; 0: calls / 10, at most 1000. */
	uint32_t warmup_calls;
};

TP_EXPORT void tp_cost_config_init(struct tp_cost_config *config);

/** The methods a cost measurement times, in stat[] order. */
enum tp_cost_method {
	tp_cost_sync_core = 0,
	tp_cost_expedited = 1,
	tp_cost_mprotect = 2,
	tp_cost_syscall = 3,
	tp_cost_methods = 4,
};

struct tp_cost_result {
	uint64_t size;
	uint64_t membarrier_query;
	/* stat[point * tp_cost_methods + method]; count == 0: not available. */
	struct tp_stat stat[TP_MAX_COST_POINTS * tp_cost_methods];
	int32_t error;
	int32_t sys_errno;
	uint32_t arch;
	uint32_t points;
	uint32_t threads[TP_MAX_COST_POINTS];
	uint32_t cpus_used;
	/* Bit per enum tp_cost_method that could not be measured (see detail). */
	uint32_t unavailable;
	/* Per point, the share of the wall time the spinning threads were on a CPU, in parts per
	 * million: membarrier only interrupts CPUs running a thread of the process, so a
	 * descheduled spinner costs nothing. */
	uint32_t spinner_share_ppm[TP_MAX_COST_POINTS];
	char detail[TP_DETAIL_SIZE];
};

TP_EXPORT void tp_cost_result_init(struct tp_cost_result *result);

/**
 * Times membarrier(PRIVATE_EXPEDITED_SYNC_CORE), membarrier(PRIVATE_EXPEDITED), the mprotect
 * downgrade trick and a plain syscall, with 0..N other threads spinning on other CPUs.
 * Returns 0 or a negative error code (tp_invalid, tp_few_cpus, tp_affinity, tp_sched,
 * tp_thread, tp_mapping, tp_nomem).
 */
TP_EXPORT int tp_cost(const struct tp_cost_config *config, struct tp_cost_result *result);

/**
 * membarrier(MEMBARRIER_CMD_QUERY): stores the mask of supported commands in *mask and
 * returns 0, or returns tp_no_membarrier, tp_seccomp or tp_membarrier_failed.
 */
TP_EXPORT int tp_membarrier_query(uint64_t *mask);

/** The seccomp mode of this process (0 none, 1 strict, 2 filter), or -1 if unknown. */
TP_EXPORT int tp_seccomp_mode(void);

/* --- The timeline check, exported so that it can be tested on logs built by hand. --- */

/** What one execution of a site did. */
enum tp_outcome {
	tp_outcome_old = 0,
	tp_outcome_new = 1,
	tp_outcome_trap_old = 2,
	tp_outcome_trap_new = 3,
	tp_outcome_torn = 4,
	tp_outcome_count = 5,
};

/**
 * Executions of one site by one thread that saw the same patch sequence numbers: done is
 * the number of patch operations completed when the call began, started the number started
 * when it returned. Consecutive executions share an entry, so a thread's log per site has at
 * most 2 * ops + 1 entries (both numbers only grow).
 */
struct tp_log_entry {
	uint32_t done;
	uint32_t started;
	uint32_t site;
	uint32_t count[tp_outcome_count];
};

/** Outcomes at one site after the check. */
struct tp_site_check {
	uint64_t executions;
	uint64_t old_runs;
	uint64_t new_runs;
	uint64_t trap_hits;
	uint64_t torn;
	uint64_t stale;
	uint64_t trap_mismatch;
	uint64_t torn_idle;
	uint64_t first_torn_seq;
	uint64_t last_torn_seq;
	uint64_t first_stale_seq;
	uint64_t last_stale_seq;
};

/* tp_check flag: a trap hit runs the version the in-flight patch installs (INT3/BRK handler
 * emulation), so with one patch in flight a trap hit of the other version is torn. */
#define TP_CHECK_TRAP_EMULATES 1u
/* tp_check flag: the trap covers a whole page, not one site (mprotect), so an execution of
 * a site no patch touches may still fault and wait; that is a trap hit when it then runs the
 * version the timeline allows. */
#define TP_CHECK_TRAP_PAGE_WIDE 2u

/**
 * Checks logged executions against a patch timeline. op_masks[j - 1] is the set of sites
 * (bit per site) patch operation j toggles; every site starts at version 0 (old). Adds each
 * entry's executions to per_site[entry->site]. Returns 0, or -tp_invalid (an entry names a
 * site >= sites, a sequence number > ops, or done > started).
 */
TP_EXPORT int tp_check(uint32_t sites, const uint64_t *op_masks, uint64_t ops,
	     const struct tp_log_entry *entries, uint64_t n, uint32_t flags,
	     struct tp_site_check *per_site);

/** sizeof of the structs above, by name ("tp_config", ...); 0 if unknown. For bindings. */
TP_EXPORT uint64_t tp_struct_size(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* TEXTPOKE_PATCHER_H */
