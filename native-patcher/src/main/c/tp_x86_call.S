/* tp_call_site(site, saved_sp) for x86-64: see tp_internal.h. */
#if defined(__x86_64__)
	.text
	.globl tp_call_site
	.hidden tp_call_site
	.type tp_call_site, @function
	.globl tp_call_site_resume
	.hidden tp_call_site_resume
tp_call_site:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	sub $8, %rsp
	mov %rsp, (%rsi)
	mov %rdi, %r11
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	call *%r11
tp_call_site_resume:
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size tp_call_site, . - tp_call_site
#endif
	.section .note.GNU-stack,"",@progbits
