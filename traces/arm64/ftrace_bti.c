/*
 * Functions built with -fpatchable-function-entry=2 and BTI, the layout of a kernel without
 * DYNAMIC_FTRACE_WITH_CALL_OPS but with CONFIG_ARM64_BTI_KERNEL: "BTI C; NOP; NOP" at entry.
 */
int bti_counter;

int bti_a(int x)
{
	return x + bti_counter;
}

void bti_b(int x)
{
	bti_counter = x;
}
