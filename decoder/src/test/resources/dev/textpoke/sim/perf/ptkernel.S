/*
 * A tiny kernel for the Intel PT packaging tests: code whose paths the tests spell out, linked at
 * the kernel text address. Each function is entered by TIP.PGE and left by a RET that disables
 * tracing (TIP.PGD), so a test's packets say exactly which instructions ran.
 */
	.text
	.globl	_text, _stext
_text:
_stext:

/* ecx = 3, count down (jnz taken, taken, not taken), call leaf (ret compressed), ret. */
	.globl	loop3
	.type	loop3, @function
loop3:
	mov	$3, %ecx
1:	dec	%ecx
	jnz	1b
	call	leaf
	ret
	.size	loop3, .-loop3

	.globl	leaf
	.type	leaf, @function
leaf:
	nop
	ret
	.size	leaf, .-leaf

/*
 * A jump label as the kernel lays one out: a 5-byte nop (x86_nops[5]) that a TEXT_POKE turns into
 * a jmp to the slow path. Both paths end in a RET, so the packets of a run do not tell them apart:
 * only the code at the time does.
 */
	.globl	patched
	.type	patched, @function
patched:
	.globl	patched_site
patched_site:
	.byte	0x0f, 0x1f, 0x44, 0x00, 0x00
	mov	$1, %eax
	ret
	.globl	patched_slow
patched_slow:
	mov	$2, %eax
	ret
	.size	patched, .-patched

/*
 * PTWRITE and MWAIT, for the events that bind to a FUP: a PTWRITE traced with FUPonPTW gives a PTW
 * packet and a FUP at the PTWRITE; an MWAIT that enters a C-state gives MWAIT, PWRE and a FUP at
 * the MWAIT (SDM Vol. 3C, "PTWRITE" and "Power Event Tracing").
 */
	.globl	powered
	.type	powered, @function
powered:
	.globl	powered_ptw
powered_ptw:
	ptwrite	%rax
	nop
	.globl	powered_mwait
powered_mwait:
	mwait
	.globl	powered_after
powered_after:
	nop
	ret
	.size	powered, .-powered

/* A PTWRITE two instructions into a block: a PTW without a FUP names no IP. */
	.globl	ptw_later
	.type	ptw_later, @function
ptw_later:
	nop
	nop
	.globl	ptw_later_insn
ptw_later_insn:
	ptwrite	%rax
	nop
	ret
	.size	ptw_later, .-ptw_later

	.globl	_etext
_etext:
