package dev.textpoke.sim.exec;

/**
 * An interrupt or exception scheduled on a CPU. An {@link AsyncKind#INTERRUPT} is taken at the
 * first instruction boundary at or after {@code tsc} at which interrupts are enabled (IF set: not
 * inside another handler, after a {@code syscall} until {@code sysretq}, or between {@code cli} and
 * {@code sti}); an {@link AsyncKind#EXCEPTION} faults the instruction at the first boundary at or
 * after {@code tsc} whatever IF says.
 *
 * @param vector the IDT vector naming the handler ({@link Vectors#interruptHandler}); ignored for
 *     exceptions, which go to {@link Vectors#exceptionHandler()}
 */
public record Interrupt(int cpu, long tsc, int vector, AsyncKind kind) {
    public Interrupt {
        if (kind != AsyncKind.INTERRUPT && kind != AsyncKind.EXCEPTION) {
            throw new IllegalArgumentException("only interrupts and exceptions are scheduled: " + kind);
        }
        if (cpu < 0) {
            throw new IllegalArgumentException("bad cpu " + cpu);
        }
    }

    public static Interrupt at(int cpu, long tsc, int vector) {
        return new Interrupt(cpu, tsc, vector, AsyncKind.INTERRUPT);
    }

    public static Interrupt fault(int cpu, long tsc) {
        return new Interrupt(cpu, tsc, 14, AsyncKind.EXCEPTION);
    }
}
