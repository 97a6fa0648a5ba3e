package dev.textpoke.sim.exec;

import java.util.Map;

/**
 * Where the machine goes on its own: the syscall entry (IA32_LSTAR), the INT3 handler (IDT vector
 * 3), the handlers of the interrupt vectors that are scheduled, and the exception handler used for
 * scheduled faults. An address of 0 means the program has none.
 */
public record Vectors(long syscallEntry, long int3Handler, long exceptionHandler,
        Map<Integer, Long> interruptHandlers) {
    public Vectors {
        interruptHandlers = Map.copyOf(interruptHandlers);
    }

    public static Vectors none() {
        return new Vectors(0, 0, 0, Map.of());
    }

    /** The handler of vector {@code v}, or 0. */
    public long interruptHandler(int v) {
        return interruptHandlers.getOrDefault(v, 0L);
    }
}
