/*
 * A tiny user program for the Intel PT packaging tests: a loop whose path the tests spell out
 * (jnz taken, not taken), left by a RET that disables tracing (TIP.PGD).
 */
	.text
	.globl	_start, uloop
	.type	uloop, @function
_start:
uloop:
	mov	$2, %ecx
1:	dec	%ecx
	jnz	1b
	ret
	.size	uloop, .-uloop
