/*
 * arm64 sites. Each site is a function: one aligned word at its entry, then two paths:
 *
 *   S:      nop (d503201f) | b S+12 (14000003)
 *   S+4:    movz w0, #tag0 ; ret       (version 0)
 *   S+12:   movz w0, #tag1 ; ret       (version 1)
 *
 * NOP and B are both in the CMODX set of the Arm ARM (B2.2.5), as jump labels use them
 * (arch/arm64/kernel/jump_label.c). The filler is zero words: UDF #0. Every byte mixture of
 * the two words faults: d50xx0xx ones are system-instruction encodings with op0 == 0, which
 * are unallocated (UNDEFINED at EL0: SIGILL); 140xxxxx ones branch at most +0xc809c, into
 * filler or the upper guard.
 */
#if defined(__aarch64__)

#include "tp_internal.h"

#include <string.h>

#define A64_NOP 0xd503201fu
#define A64_RET 0xd65f03c0u
#define A64_B 0x14000000u
#define A64_MOVZ_W0 0x52800000u
/* BRK #0x7a5: an immediate of our own, not one the kernel uses (brk-imm.h). */
#define A64_BRK_TP (0xd4200000u | (0x7a5u << 5))
#define A64_UDF 0x00000000u
#define ALIGNED 128u

/* A64_BRK_TP = 0xd420f4a0, little-endian. */
static const uint8_t brk_bytes[4] = {0xa0, 0xf4, 0x20, 0xd4};

void tp_arch_fill(uint8_t *code, size_t len)
{
	memset(code, 0, len);
}

uint32_t tp_arch_kind(uint32_t placement, uint32_t index)
{
	(void)placement;
	(void)index;
	return tp_kind_b_aligned;
}

static uint32_t b_to(uintptr_t from, uintptr_t to)
{
	return A64_B | ((uint32_t)((intptr_t)(to - from) >> 2) & 0x03ffffffu);
}

static void put_word(uint8_t *p, uint32_t w)
{
	memcpy(p, &w, 4);
}

void tp_arch_layout(uint8_t *slot, uint32_t kind, uint32_t index, struct tp_site *site)
{
	memset(site, 0, sizeof(*site));
	site->entry = slot + ALIGNED;
	site->len = 4;
	site->kind = kind;
	site->tag[0] = TP_TAG_BASE + 2 * index;
	site->tag[1] = TP_TAG_BASE + 2 * index + 1;
	site->path[0] = (uintptr_t)(site->entry + 4);
	site->path[1] = (uintptr_t)(site->entry + 12);
	put_word(site->insn[0], A64_NOP);
	put_word(site->insn[1], b_to((uintptr_t)site->entry, site->path[1]));
	put_word(site->entry, A64_NOP);
	put_word(site->entry + 4, A64_MOVZ_W0 | (site->tag[0] << 5));
	put_word(site->entry + 8, A64_RET);
	put_word(site->entry + 12, A64_MOVZ_W0 | (site->tag[1] << 5));
	put_word(site->entry + 16, A64_RET);
}

const uint8_t *tp_arch_trap_insn(uint32_t *len)
{
	_Static_assert(A64_BRK_TP == 0xd420f4a0u, "brk_bytes");
	*len = 4;
	return brk_bytes;
}

void tp_arch_sync_icache(void *addr, size_t len)
{
	/* DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB on this CPU, honouring CTR_EL0.IDC/DIC (libgcc
	 * __aarch64_sync_cache_range): what aarch64_insn_patch_text_nosync does after its store.
	 * Other CPUs still need a context-synchronising event: the protocol's barrier. */
	__builtin___clear_cache((char *)addr, (char *)addr + len);
}

void tp_arch_torn_bytes(const struct tp_site *site, uint8_t *bytes)
{
	(void)site;
	put_word(bytes, A64_UDF);
}

void tp_arch_branch_to(const struct tp_site *site, uintptr_t target, uint8_t *bytes)
{
	put_word(bytes, b_to((uintptr_t)site->entry, target));
}

uintptr_t tp_arch_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.pc;
}

void tp_arch_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.pc = pc;
}

uintptr_t tp_arch_trap_address(uintptr_t pc)
{
	/* BRK is reported with the PC of the BRK itself. */
	return pc;
}

void tp_arch_abandon_call(ucontext_t *uc, uintptr_t saved_sp)
{
	uc->uc_mcontext.sp = saved_sp;
	uc->uc_mcontext.pc = (uintptr_t)tp_call_site_resume;
	uc->uc_mcontext.regs[0] = TP_TAG_TORN;
}

#endif
