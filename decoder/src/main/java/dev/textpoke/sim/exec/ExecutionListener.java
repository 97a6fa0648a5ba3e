package dev.textpoke.sim.exec;

import dev.textpoke.sim.code.Insn;

/**
 * What the executor tells about the run: every instruction each CPU executed, every asynchronous
 * branch, frequency changes and halts, in global time order (by TSC, ties by CPU number). Ground
 * truth, the Intel PT model and branch-stack emitters are listeners.
 *
 * <p>Times are the TSC at which the instruction (or the branch) began on its CPU: the code it ran
 * is memory's at that time. Callbacks run on the executor's thread for every instruction, so they
 * must not allocate on the common path; arguments are primitives and interned objects.
 *
 * <p>What is not an instruction: an {@code int3} or {@code int n} that traps, and an instruction an
 * interrupt or exception came before, are reported only as {@link #asyncBranch}; as in a branch
 * trace, the trapping instruction never retires, and the interrupted one retires after the
 * handler returns. A far transfer ({@code syscall}, {@code sysretq}, {@code iretq}) is an
 * instruction: {@link Insn#op()} says which, {@code nextIp} is where it went, and the {@link
 * Outcome#USER} and {@link Outcome#TO_USER} flags say the privilege levels on either side, from
 * which a tracer with a CPL filter (Intel PT's TIP.PGE/PGD, LBR's {@code :k}) enables or disables
 * itself.
 */
public interface ExecutionListener {
    /** Before the first event: the machine whose state the listener may read during callbacks. */
    default void begin(MachineView machine) {}

    /** CPU {@code cpu} starts at {@code ip}, at CPL 3 when {@code user}. */
    default void start(int cpu, long tsc, long ip, boolean user) {}

    /**
     * CPU {@code cpu} executed {@code insn} at {@code tsc}.
     *
     * @param outcome {@link Outcome} flags: whether control left the fall-through, the CPL before
     *     and after
     * @param nextIp  where control went: the fall-through, the branch target, the return address,
     *     the far transfer's target
     */
    default void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {}

    /**
     * An asynchronous branch: an interrupt, exception, INT3 or INT n took CPU {@code cpu} from
     * {@code from} (see {@link AsyncKind} for which IP that is) to the handler at {@code to}.
     *
     * @param outcome {@link Outcome#USER} when the CPU was at CPL 3; the handler runs at CPL 0
     */
    default void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {}

    /** CPU {@code cpu}'s core clock ratio (CBR) changed to {@code coreRatio} at {@code tsc}. */
    default void frequency(int cpu, long tsc, int coreRatio) {}

    /** CPU {@code cpu} stopped at {@code tsc}, its next instruction at {@code ip}. */
    default void halt(int cpu, long tsc, long ip, HaltReason reason) {}

    /** After the last event. */
    default void end() {}
}
