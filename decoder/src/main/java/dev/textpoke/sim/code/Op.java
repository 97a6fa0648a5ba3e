package dev.textpoke.sim.code;

/**
 * What the executor does with an instruction: the {@link dev.textpoke.isa.BranchClass} Capstone
 * gave it, refined where the class groups instructions the machine treats differently (far
 * transfers, traps).
 */
public enum Op {
    /** Not a branch: control goes to the next instruction. */
    NEXT,
    /** Conditional direct branch (Jcc, JrCXZ, LOOPcc): taken or not, the code names the target. */
    JCC,
    /** Unconditional direct jump. */
    JMP,
    /** Jump through a register or memory. */
    JMP_INDIRECT,
    /** Direct near call: pushes the return address. */
    CALL,
    /** Near call through a register or memory. */
    CALL_INDIRECT,
    /** Near return: pops the return address. */
    RET,
    /** {@code syscall}: to the kernel's entry point (IA32_LSTAR), CPL 0, IF cleared (IA32_FMASK). */
    SYSCALL,
    /** {@code sysretq}: back to the instruction after the {@code syscall}, CPL 3. */
    SYSRET,
    /** {@code iretq}: pops an interrupt frame. */
    IRET,
    /** {@code int n}: a software interrupt through vector n. */
    INT_N,
    /** {@code int3}: a breakpoint trap. */
    INT3,
    /** {@code hlt}: waits for the next interrupt. */
    HLT,
    /** {@code sti}: sets IF. */
    STI,
    /** {@code cli}: clears IF. */
    CLI,
    /** An instruction the machine does not model (far jump/call/ret, sysenter, VM instructions, ud2). */
    UNSUPPORTED,
    /** Bytes that do not decode, or no bytes at all (no image covers the address). */
    UNDECODABLE;

    /** Whether the trace must say where control went (a TIP, or a compressed return's TNT bit). */
    public boolean isIndirect() {
        return this == JMP_INDIRECT || this == CALL_INDIRECT || this == RET;
    }

    /** Whether the instruction pushes a return address (direct or indirect near call). */
    public boolean isCall() {
        return this == CALL || this == CALL_INDIRECT;
    }
}
