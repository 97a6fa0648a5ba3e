package dev.textpoke.sim.exec;

/** Why a simulated CPU stopped. Only the first three are normal ends. */
public enum HaltReason {
    /** Its clock reached the simulation's end time. */
    TIME_LIMIT,
    /** It executed the simulation's instruction budget. */
    INSTRUCTION_LIMIT,
    /** {@code hlt} with no interrupt left to wake it and no end time to sleep to (a normal end). */
    HLT,
    /** It fetched bytes that do not decode, or no image covers the address. */
    UNDECODABLE,
    /** An instruction the machine does not model (far jump, sysenter, ud2, ...). */
    UNSUPPORTED_INSTRUCTION,
    /** A return, iret or sysret found no frame of its kind on top of the stack. */
    STACK_MISMATCH,
    /** The stack grew past its limit (runaway recursion). */
    STACK_OVERFLOW,
    /** An indirect branch or call at an address with no target table. */
    NO_TARGET,
    /** {@code int3} that no trap handler claimed. */
    UNHANDLED_TRAP;

    /** Whether the CPU stopped because the simulation was over (or it sleeps for ever), not because of its program. */
    public boolean normal() {
        return this == TIME_LIMIT || this == INSTRUCTION_LIMIT || this == HLT;
    }
}
