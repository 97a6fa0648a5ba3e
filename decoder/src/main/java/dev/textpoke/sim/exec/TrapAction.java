package dev.textpoke.sim.exec;

/**
 * What the INT3 handler does with a trap: which handler code runs, where its {@code iretq}
 * resumes, and whether it first pushes a return address on the interrupted stack (the kernel's
 * {@code int3_emulate_call} when it emulates a {@code call}).
 *
 * @param handler    the handler's first instruction, or 0 for the program's INT3 handler
 * @param resume     where {@code iretq} returns to
 * @param pushReturn a return address pushed under the interrupt frame, or 0 for none
 */
public record TrapAction(long handler, long resume, long pushReturn) {

    /** The program's INT3 handler runs and returns to {@code resume}. */
    public static TrapAction resumeAt(long resume) {
        return new TrapAction(0, resume, 0);
    }

    /** The handler emulates a call: pushes {@code returnAddress}, returns into {@code target}. */
    public static TrapAction emulateCall(long target, long returnAddress) {
        return new TrapAction(0, target, returnAddress);
    }
}
