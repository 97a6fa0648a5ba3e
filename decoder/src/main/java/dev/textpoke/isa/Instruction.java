package dev.textpoke.isa;

/**
 * One decoded instruction: its length, its text as Capstone prints it (Intel syntax on x86), its
 * {@link BranchClass}, and the target of a direct branch or call ({@code hasTarget}; {@code target}
 * is 0 otherwise).
 */
public record Instruction(long address, int length, String mnemonic, String operands,
        BranchClass branchClass, boolean hasTarget, long target) implements Decoded {

    /** Address of the next instruction in memory (the fall-through). */
    public long next() {
        return address + length;
    }

    /** Whether the trace, not the code, says where control goes (indirect jump or call, return). */
    public boolean isIndirect() {
        return branchClass == BranchClass.INDIRECT || branchClass == BranchClass.RETURN
                || (branchClass == BranchClass.CALL && !hasTarget);
    }

    /** {@code "mnemonic operands"}, as a disassembler listing shows it. */
    public String text() {
        return operands.isEmpty() ? mnemonic : mnemonic + " " + operands;
    }
}
