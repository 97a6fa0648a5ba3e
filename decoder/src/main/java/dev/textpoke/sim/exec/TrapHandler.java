package dev.textpoke.sim.exec;

import dev.textpoke.sim.code.Insn;

/**
 * The policy of the INT3 handler: what the kernel does when a CPU executes {@code int3}. The
 * kernel's handler asks its users in turn, text patching first ({@code poke_int3_handler}:
 * emulate the instruction being written), then kprobes (run the displaced instruction out of
 * line); {@link #orElse} chains policies the same way.
 */
@FunctionalInterface
public interface TrapHandler {
    /**
     * CPU {@code cpu} executed the {@code int3} {@code trapped} at {@code tsc}.
     *
     * @param decider the CPU's decisions, for emulating a conditional branch
     * @return what the handler does, or null when this policy does not claim the trap
     */
    TrapAction int3(int cpu, long tsc, Insn trapped, Decider decider);

    /** Claims nothing: an {@code int3} halts the CPU ({@link HaltReason#UNHANDLED_TRAP}). */
    static TrapHandler none() {
        return (cpu, tsc, trapped, decider) -> null;
    }

    /** Claims every trap and returns after the {@code int3}, as a debugger's handler that just continues. */
    static TrapHandler resumeAfter() {
        return (cpu, tsc, trapped, decider) -> TrapAction.resumeAt(trapped.next());
    }

    /** The first of {@code handlers} that claims a trap (a loop: long chains do not nest calls). */
    static TrapHandler firstOf(java.util.List<TrapHandler> handlers) {
        TrapHandler[] hs = handlers.toArray(new TrapHandler[0]);
        return (cpu, tsc, trapped, decider) -> {
            for (TrapHandler h : hs) {
                TrapAction a = h.int3(cpu, tsc, trapped, decider);
                if (a != null) {
                    return a;
                }
            }
            return null;
        };
    }

    /** This policy, and {@code next} for the traps it does not claim. */
    default TrapHandler orElse(TrapHandler next) {
        return (cpu, tsc, trapped, decider) -> {
            TrapAction a = int3(cpu, tsc, trapped, decider);
            return a != null ? a : next.int3(cpu, tsc, trapped, decider);
        };
    }
}
