package dev.textpoke.isa;

/**
 * How an instruction changes the flow of control, as a branch-trace decoder must know it: whether
 * the trace reports the outcome (a taken/not-taken bit for {@link #CONDITIONAL}, a target for
 * {@link #INDIRECT}, {@link #RETURN} and indirect calls), or the target is in the code (direct
 * branches and calls).
 */
public enum BranchClass {
    /** Not a branch: control goes to the next instruction. */
    NONE,
    /** Conditional direct branch: Jcc, JCXZ/JECXZ/JRCXZ, LOOP*; B.cond, CBZ, CBNZ, TBZ, TBNZ. */
    CONDITIONAL,
    /** Unconditional direct branch: JMP rel8/rel16/rel32; B. */
    UNCONDITIONAL_DIRECT,
    /** Unconditional branch to an address in a register or memory: JMP r/m; BR. */
    INDIRECT,
    /** A call, direct (CALL rel32, BL: target known) or indirect (CALL r/m, BLR: no target). */
    CALL,
    /** Return from a call: RET, RET imm16; A64 RET. */
    RETURN,
    /**
     * A transfer that changes privilege or code segment: SYSCALL, SYSRET, SYSENTER, SYSEXIT, INT n,
     * IRET*, far JMP/CALL/RET, VMCALL and friends, ERETS/ERETU; SVC, HVC, SMC, ERET, DRPS, DCPS*.
     */
    FAR_TRANSFER,
    /** Raises a debug or undefined-instruction exception: INT3, INT1, UD0/UD1/UD2; BRK, HLT. */
    TRAP,
}
