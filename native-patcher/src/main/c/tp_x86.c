/*
 * x86-64 sites. Each site is a function: the patch site at its entry, then two paths that
 * return the tag of the version that ran:
 *
 *   S:        nop5 (0f 1f 44 00 00) | jmp rel32 (e9 06 00 00 00)     or nop2 (66 90) | jmp rel8 (eb 06)
 *   S+len:    mov eax, tag0 ; ret        (version 0: the nop falls through)
 *   S+len+6:  mov eax, tag1 ; ret        (version 1: the jmp lands here)
 *
 * These are the jump-label encodings of arch/x86/kernel/jump_label.c (x86_nops[5], x86_nops[2]
 * per the SDM's recommended multi-byte NOPs). Every mixture of old and new bytes faults,
 * given the filler and guards around the slot, and eax == 0 on entry (tp_call_site):
 *   e9 1f 44 ..   jmp +0x4424     -> upper PROT_NONE guard: SIGSEGV
 *   e9 06 44 ..   jmp +0x440b     -> guard: SIGSEGV
 *   e9 1f 00 ..   jmp +0x24       -> filler (0x06, invalid in 64-bit mode): SIGILL
 *   0f 06 ..      clts            -> privileged: SIGSEGV
 *   0f 1f 00 00 00  nop [rax]; add [rax], al  -> rax == 0: SIGSEGV
 *   eb 90         jmp -0x6e       -> filler: SIGILL
 *   66 06         invalid          -> SIGILL
 */
#if defined(__x86_64__)

#include "tp_internal.h"

#include <string.h>

#define X86_FILLER 0x06

static const uint8_t nop5[5] = {0x0f, 0x1f, 0x44, 0x00, 0x00};
static const uint8_t nop2[2] = {0x66, 0x90};
static const uint8_t int3[1] = {0xcc};

/* Site offsets inside a 256-byte slot: 190..194 crosses the line and qword boundary at 192;
 * 191..192 crosses the line; 128 starts a line and a qword. */
#define STRADDLE5 190u
#define STRADDLE2 191u
#define ALIGNED 128u

void tp_arch_fill(uint8_t *code, size_t len)
{
	memset(code, X86_FILLER, len);
}

uint32_t tp_arch_kind(uint32_t placement, uint32_t index)
{
	static const uint32_t mixed[4] = {tp_kind_jmp32_straddle, tp_kind_jmp32_aligned,
					  tp_kind_jmp8_straddle, tp_kind_jmp8_aligned};
	static const uint32_t straddle[2] = {tp_kind_jmp32_straddle, tp_kind_jmp8_straddle};
	static const uint32_t aligned[2] = {tp_kind_jmp32_aligned, tp_kind_jmp8_aligned};

	switch (placement) {
	case tp_place_straddle:
		return straddle[index % 2];
	case tp_place_aligned:
		return aligned[index % 2];
	default:
		return mixed[index % 4];
	}
}

static void put_path(uint8_t *p, uint32_t tag)
{
	p[0] = 0xb8; /* mov eax, imm32 */
	memcpy(p + 1, &tag, 4);
	p[5] = 0xc3; /* ret */
}

void tp_arch_layout(uint8_t *slot, uint32_t kind, uint32_t index, struct tp_site *site)
{
	uint32_t offset, len;

	switch (kind) {
	case tp_kind_jmp32_straddle:
		offset = STRADDLE5, len = 5;
		break;
	case tp_kind_jmp8_straddle:
		offset = STRADDLE2, len = 2;
		break;
	case tp_kind_jmp32_aligned:
		offset = ALIGNED, len = 5;
		break;
	default:
		offset = ALIGNED, len = 2;
		break;
	}
	memset(site, 0, sizeof(*site));
	site->entry = slot + offset;
	site->len = len;
	site->kind = kind;
	site->tag[0] = TP_TAG_BASE + 2 * index;
	site->tag[1] = TP_TAG_BASE + 2 * index + 1;
	site->path[0] = (uintptr_t)(site->entry + len);
	site->path[1] = (uintptr_t)(site->entry + len + 6);
	if (len == 5) {
		memcpy(site->insn[0], nop5, 5);
		site->insn[1][0] = 0xe9;
		int32_t rel = (int32_t)(site->path[1] - (uintptr_t)(site->entry + 5));
		memcpy(site->insn[1] + 1, &rel, 4);
	} else {
		memcpy(site->insn[0], nop2, 2);
		site->insn[1][0] = 0xeb;
		site->insn[1][1] = (uint8_t)(site->path[1] - (uintptr_t)(site->entry + 2));
	}
	memcpy(site->entry, site->insn[0], len);
	put_path(site->entry + len, site->tag[0]);
	put_path(site->entry + len + 6, site->tag[1]);
}

const uint8_t *tp_arch_trap_insn(uint32_t *len)
{
	*len = 1;
	return int3;
}

void tp_arch_sync_icache(void *addr, size_t len)
{
	/* x86 keeps instruction fetch coherent with stores; what a remote CPU needs is a
	 * serialising event, which is the protocol's barrier, not something done here. */
	(void)addr;
	(void)len;
}

void tp_arch_torn_bytes(const struct tp_site *site, uint8_t *bytes)
{
	/* The state a byte-wise write leaves after its first store: the other version's first
	 * byte over this version's tail. */
	uint32_t v = site->version;
	memcpy(bytes, site->insn[v], site->len);
	bytes[0] = site->insn[v ^ 1][0];
}

void tp_arch_branch_to(const struct tp_site *site, uintptr_t target, uint8_t *bytes)
{
	/* Needs a 5-byte site (site 0 is one under every placement). */
	int32_t rel = (int32_t)(target - (uintptr_t)(site->entry + 5));
	bytes[0] = 0xe9;
	memcpy(bytes + 1, &rel, 4);
}

uintptr_t tp_arch_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
}

void tp_arch_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)pc;
}

uintptr_t tp_arch_trap_address(uintptr_t pc)
{
	/* INT3 is a trap: RIP points after it. */
	return pc - 1;
}

void tp_arch_abandon_call(ucontext_t *uc, uintptr_t saved_sp)
{
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)saved_sp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)tp_call_site_resume;
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)TP_TAG_TORN;
}

#endif
