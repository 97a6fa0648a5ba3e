/*
 * A tiny "kernel" for the poke traces: real x86-64 code, linked at the kernel text address, with
 * patch sites as the kernel lays them out. A jump label is `asm goto` over a 5-byte nop
 * (x86_nops[5] = 0f 1f 44 00 00) or a 2-byte nop (66 90); an ftrace site is the 5-byte nop at a
 * function's entry (what `-mfentry -mnop-mcount` emits). __site_* labels mark the sites for the
 * generator and are left out of kallsyms.
 */
int counter;

#define JUMP_LABEL5(site, yes) \
    asm volatile goto(".globl " #site "\n" #site ": .byte 0x0f,0x1f,0x44,0x00,0x00\n" :::: yes)
#define JUMP_LABEL2(site, yes) \
    asm volatile goto(".globl " #site "\n" #site ": .byte 0x66,0x90\n" :::: yes)

__attribute__((noinline)) void sched_tick(void)
{
    JUMP_LABEL5(__site_sched_tick, slow);
    counter++;
    return;
slow:
    counter += 100;
}

__attribute__((noinline)) int schedstat_enabled(int x)
{
    JUMP_LABEL2(__site_schedstat, on);
    return x;
on:
    return x * 2;
}

__attribute__((noinline)) void trace_point(void)
{
    JUMP_LABEL5(__site_trace_point, traced);
    return;
traced:
    counter ^= 0x55;
}

/* The ftrace site must be the first bytes of the function, so the function is written in asm. */
asm(".globl do_sys_open\n.type do_sys_open,@function\n.p2align 4\ndo_sys_open:\n"
    ".globl __site_ftrace\n__site_ftrace: .byte 0x0f,0x1f,0x44,0x00,0x00\n"
    "lea (%rdi,%rdi,2),%eax\nret\n.size do_sys_open, .-do_sys_open\n");
int do_sys_open(int flags);

__attribute__((noinline)) int kprobed(int a, int b)
{
    int r = a;
    for (int i = 0; i < b; i++) {
        r = r * 31 + i;
    }
    return r;
}

void start_kernel(void)
{
    for (;;) {
        sched_tick();
        counter += schedstat_enabled(counter) + do_sys_open(counter) + kprobed(counter, 3);
        trace_point();
    }
}
