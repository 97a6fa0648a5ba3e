/* Internal vocabulary of the native patcher: sites, the code region, the arch layer. */
#ifndef TP_INTERNAL_H
#define TP_INTERNAL_H

#include "textpoke_patcher.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#if defined(__x86_64__)
#define TP_HOST_ARCH tp_arch_x86_64
#elif defined(__aarch64__)
#define TP_HOST_ARCH tp_arch_aarch64
#else
#error "the native patcher supports x86-64 and aarch64"
#endif

#define TP_PAGE 4096u
/* Each site owns a slot of this many bytes; the rest of the slot is filler that faults. */
#define TP_SLOT 256u
/* PROT_NONE space around the code pages: wild jumps of torn instructions land there. The
 * farthest ones (x86 e9 1f 44 00 00: jmp +0x4424; arm64 14032003: b +0xc800c) must
 * stay inside the upper guard. */
#define TP_GUARD_LOW (64u * 1024u)
#define TP_GUARD_HIGH (1024u * 1024u)
/* The tag a site call returns when the handler abandoned a torn execution. */
#define TP_TAG_TORN 0xffffffffu
/* The return value of a site: its version's tag is TP_TAG_BASE + 2 * site + version. */
#define TP_TAG_BASE 0x1000u

/* Descriptor a trap handler reads to emulate the instruction being installed
 * (cf. the kernel's text_poke_array / bp_desc): bit 63 set while a patch of the site is in
 * flight, bit 0 the version it installs. */
#define TP_DESC_ACTIVE (1ull << 63)

struct tp_site {
	uint8_t *entry;
	/* Where execution continues when version 0 (the nop) or version 1 (the branch) runs. */
	uintptr_t path[2];
	/* The encodings of version 0 and 1. */
	uint8_t insn[2][8];
	uint32_t len;
	uint32_t kind;
	uint32_t tag[2];
	/* Installed version; only the patcher thread touches it. */
	uint32_t version;
	_Atomic uint64_t desc;
};

/* The code region: guard, code pages, guard. */
struct tp_region {
	uint8_t *reservation;
	size_t reservation_len;
	uint8_t *code;
	size_t code_len;
};

/* --- arch layer (tp_x86.c, tp_a64.c) --- */

/* Filler byte pattern: executing it faults (x86 0x06 is invalid in 64-bit mode; arm64 zero
 * words are UDF #0). */
void tp_arch_fill(uint8_t *code, size_t len);
/* Lays out site number `index` of `kind` in its slot and fills *site. */
void tp_arch_layout(uint8_t *slot, uint32_t kind, uint32_t index, struct tp_site *site);
/* The site kind a placement gives the index-th site. */
uint32_t tp_arch_kind(uint32_t placement, uint32_t index);
/* The trap instruction the INT3/BRK protocols write first, and its length in bytes. */
const uint8_t *tp_arch_trap_insn(uint32_t *len);
/* After code bytes changed: what this CPU must do so that it fetches them (arm64: the
 * clean/invalidate to PoU of aarch64_insn_patch_text_nosync; x86: nothing). */
void tp_arch_sync_icache(void *addr, size_t len);
/* The bytes a planted torn fault writes at a site (see enum tp_plant). */
void tp_arch_torn_bytes(const struct tp_site *site, uint8_t *bytes);
/* A branch at `site` into `target`'s version-1 path (tp_plant_torn_tag). */
void tp_arch_branch_to(const struct tp_site *site, uintptr_t target, uint8_t *bytes);

uintptr_t tp_arch_pc(const ucontext_t *uc);
void tp_arch_set_pc(ucontext_t *uc, uintptr_t pc);
/* The address of the trap instruction given the PC the trap reported (x86: pc - 1). */
uintptr_t tp_arch_trap_address(uintptr_t pc);
/* Makes the interrupted tp_call_site return TP_TAG_TORN to its caller. */
void tp_arch_abandon_call(ucontext_t *uc, uintptr_t saved_sp);

/* Calls a site with the scratch registers zeroed (so that a torn instruction that uses
 * one as an address faults instead of writing somewhere), storing the stack pointer in
 * *saved_sp first so that a signal handler can abandon the call. Returns the site's tag. */
uint32_t tp_call_site(const void *site, uintptr_t *saved_sp);
/* The instruction after the site call inside tp_call_site: where an abandoned call resumes. */
extern const char tp_call_site_resume[];

/* --- membarrier (tp_membarrier.c) --- */

/* Queries and registers for a barrier; on error fills detail. */
int tp_barrier_prepare(uint32_t barrier, uint64_t *query, int *sys_errno, char *detail,
		       size_t detail_len);
/* Runs one barrier: 0 or negative error. */
int tp_barrier_run(uint32_t barrier, void *page, size_t page_len);

/* --- helpers (tp_util.c) --- */

uint64_t tp_now_ns(void);
/* CPU time of the calling thread. */
uint64_t tp_thread_cpu_ns(void);
/* cpu / wall in parts per million, capped at one million. */
uint32_t tp_share_ppm(uint64_t cpu, uint64_t wall);
/* Fills *stat from n samples (sorts them in place). */
void tp_stat_of(uint32_t *samples, uint64_t n, struct tp_stat *stat);
/* Usable CPUs: the affinity mask, restricted to `mask` when it is not 0. */
int tp_usable_cpus(uint64_t mask, int *cpus, int max);
int tp_pin(int cpu);
/* Starts a thread born on `cpu` (affinity set before it runs, so it never competes for the
 * creator's CPU), SCHED_RR at rt_priority if that is not 0. Returns 0, -tp_sched if the
 * policy is refused, or -tp_thread; *sys_errno gets pthread_create's error. */
int tp_thread_start(pthread_t *thread, int cpu, int rt_priority, void *(*fn)(void *), void *arg,
		    int *sys_errno);
/* snprintf into a detail buffer. */
void tp_detail(char *detail, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records an error (err, the errno behind it, a message) and returns err. */
int tp_fail(int32_t *error, int32_t *sys_errno_field, char *detail, size_t detail_len, int err,
	    int sys_errno, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* tp_fail into a result struct (tp_result, tp_cost_result: any with error, sys_errno and
 * detail), so that a failing set-up step is one `return TP_FAIL(res, ...)`. */
#define TP_FAIL(res, err, errno_value, ...)                                               \
	tp_fail(&(res)->error, &(res)->sys_errno, (res)->detail, sizeof((res)->detail), (err), \
		(errno_value), __VA_ARGS__)

static inline void tp_cpu_relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

#endif /* TP_INTERNAL_H */
