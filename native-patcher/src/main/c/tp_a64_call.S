/* tp_call_site(site, saved_sp) for aarch64: see tp_internal.h. */
#if defined(__aarch64__)
	.text
	.globl tp_call_site
	.hidden tp_call_site
	.type tp_call_site, %function
	.globl tp_call_site_resume
	.hidden tp_call_site_resume
	.p2align 2
tp_call_site:
	stp x29, x30, [sp, #-96]!
	mov x29, sp
	stp x19, x20, [sp, #16]
	stp x21, x22, [sp, #32]
	stp x23, x24, [sp, #48]
	stp x25, x26, [sp, #64]
	stp x27, x28, [sp, #80]
	mov x9, sp
	str x9, [x1]
	mov x16, x0
	mov x0, xzr
	mov x1, xzr
	mov x2, xzr
	mov x3, xzr
	mov x4, xzr
	mov x5, xzr
	mov x6, xzr
	mov x7, xzr
	mov x8, xzr
	mov x9, xzr
	mov x10, xzr
	mov x11, xzr
	mov x12, xzr
	mov x13, xzr
	mov x14, xzr
	mov x15, xzr
	mov x17, xzr
	blr x16
tp_call_site_resume:
	ldp x19, x20, [sp, #16]
	ldp x21, x22, [sp, #32]
	ldp x23, x24, [sp, #48]
	ldp x25, x26, [sp, #64]
	ldp x27, x28, [sp, #80]
	ldp x29, x30, [sp], #96
	ret
	.size tp_call_site, . - tp_call_site
#endif
	.section .note.GNU-stack,"",%progbits
