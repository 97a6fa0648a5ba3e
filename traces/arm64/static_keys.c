/*
 * A small arm64 "kernel module" for textpoke's validate-arm64 tests: static-key sites in
 * __jump_table written the way arch/arm64/include/asm/jump_label.h writes them, and ftrace
 * patchable-function-entry sites, in core and init text. Built by ./build with
 * aarch64-linux-gnu-gcc; it is never loaded, only read.
 */
#include <stdbool.h>

struct static_key {
	int enabled;
	void *entries;
};

/* struct jump_entry { s32 code; s32 target; long key; }, every field relative to itself. */
#define JUMP_TABLE_ENTRY(key, label)			\
	".pushsection	__jump_table, \"aw\"\n\t"	\
	".align		3\n\t"				\
	".long		1b - ., " label " - .\n\t"	\
	".quad		" key " - .\n\t"		\
	".popsection\n\t"

/* The key's initial state is false: compile a NOP, patched to B when the key flips. */
static inline __attribute__((always_inline)) bool arch_static_branch(struct static_key *const key,
								     const bool branch)
{
	char *k = &((char *)key)[branch];

	asm goto("1:	nop\n\t"
		 JUMP_TABLE_ENTRY("%c0", "%l[l_yes]")
		 : : "i"(k) : : l_yes);
	return false;
l_yes:
	return true;
}

/* The key's initial state is true: compile a B, patched to NOP when the key flips. */
static inline __attribute__((always_inline)) bool arch_static_branch_jump(struct static_key *const key,
									  const bool branch)
{
	char *k = &((char *)key)[branch];

	asm goto("1:	b	%l[l_yes]\n\t"
		 JUMP_TABLE_ENTRY("%c0", "%l[l_yes]")
		 : : "i"(k) : : l_yes);
	return false;
l_yes:
	return true;
}

struct static_key key_off;			/* defined here: relocations against .bss */
struct static_key key_on = { .enabled = 1 };	/* defined here: relocations against .data */
extern struct static_key key_extern;		/* from "vmlinux": relocations against an undefined symbol */

int counter;
extern void slow_path(int);

/* static_branch_unlikely(&key_off): NOP, branch flag 0. */
int tp_unlikely(int x)
{
	if (arch_static_branch(&key_off, false)) {
		slow_path(x);
		return x + 1;
	}
	return x;
}

/* static_branch_likely(&key_on): B, branch flag 1. */
int tp_likely(int x)
{
	if (!arch_static_branch_jump(&key_on, true))
		return x * 3;
	counter++;
	return x;
}

/* Two sites on one external key, as tracepoints have. */
int tp_extern(int x)
{
	if (arch_static_branch(&key_extern, false))
		slow_path(1);
	counter += x;
	if (arch_static_branch(&key_extern, false))
		slow_path(2);
	return counter;
}

/* A site in init text: the loader puts it in MOD_INIT_TEXT, with its own ftrace PLT. */
__attribute__((section(".init.text"))) int tp_init(int x)
{
	if (arch_static_branch(&key_off, false))
		slow_path(x);
	return x;
}

/*
 * A site whose target is in another section (.text.unlikely), as happens when the compiler moves
 * the unlikely path out of line: the compiled B then carries an R_AARCH64_JUMP26 relocation.
 */
asm(".pushsection .text, \"ax\"\n"
    ".globl tp_cold\n"
    ".type tp_cold, %function\n"
    ".p2align 3\n"
    "tp_cold:\n"
    "1:	b	2f\n"
    "	mov	w0, #0\n"
    "	ret\n"
    ".size tp_cold, . - tp_cold\n"
    JUMP_TABLE_ENTRY("key_on + 1", "2f")
    ".popsection\n"
    ".pushsection .text.unlikely, \"ax\"\n"
    "2:	mov	w0, #1\n"
    "	ret\n"
    ".popsection\n");
