package dev.textpoke.branches;

import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import java.util.Arrays;

/**
 * The instructions of a range in one version of the code, from its start on instruction
 * boundaries, and how the walk ended. Immutable; shared by every occurrence of the range in that
 * version (walks are cached).
 *
 * <p>A walk is linear, as perf walks a block: it goes on past a taken branch (remembering the
 * first as its failure) up to the end, or to the instruction that steps over the end, or to bytes
 * that decode to nothing; what a reader of that version would have shown.
 */
public final class Walk {
    private final long start;
    private final long end;
    private final WalkStatus failure;
    private final Instruction[] instructions;
    private final byte[] code;
    private final int[] codeOffset;
    private final long readTime;
    private final WindowSide readSide;
    private final WalkCode origin;

    /**
     * @param failure     null when the walk reached the end on an instruction boundary
     * @param code        the bytes of the instructions, one after the other
     * @param readTime    a time at which the code had this version ({@code readSide} of windows)
     * @param origin      the code it was read from
     */
    Walk(long start, long end, WalkStatus failure, Instruction[] instructions, byte[] code, long readTime,
            WindowSide readSide, WalkCode origin) {
        this.start = start;
        this.end = end;
        this.failure = failure;
        this.instructions = instructions;
        this.code = code;
        this.codeOffset = new int[instructions.length + 1];
        for (int i = 0; i < instructions.length; i++) {
            codeOffset[i + 1] = codeOffset[i] + instructions[i].length();
        }
        this.readTime = readTime;
        this.readSide = readSide;
        this.origin = origin;
    }

    /** The code this walk was read from, and how to name its addresses. */
    public WalkCode origin() {
        return origin;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    /** Whether the last instruction is the one at the end (even past a taken branch). */
    public boolean atEnd() {
        return instructions.length > 0 && instructions[instructions.length - 1].address() == end;
    }

    /** Whether the walk reached the end on an instruction boundary without meeting a taken branch. */
    public boolean reached() {
        return failure == null;
    }

    /** How the walk failed, or null when it {@link #reached()} the end. */
    public WalkStatus failure() {
        return failure;
    }

    /**
     * What this walk says of a range whose branch went to {@code to}: its failure, or {@link
     * WalkStatus#EXPLAINED} when the last instruction explains the branch (for {@link
     * RangeKind#FINAL}, which ends at the sample's ip and no branch, reaching the ip is enough),
     * else {@link WalkStatus#ASYNC}.
     */
    public WalkStatus status(long to, RangeKind kind) {
        if (failure != null) {
            return failure;
        }
        if (kind == RangeKind.FINAL) {
            return WalkStatus.EXPLAINED;
        }
        Instruction last = instructions[instructions.length - 1];
        BranchClass c = last.branchClass();
        switch (c) {
            case CONDITIONAL, UNCONDITIONAL_DIRECT:
                return last.hasTarget() && last.target() == to ? WalkStatus.EXPLAINED : WalkStatus.ASYNC;
            case CALL:
                return !last.hasTarget() || last.target() == to ? WalkStatus.EXPLAINED : WalkStatus.ASYNC;
            case INDIRECT, RETURN, FAR_TRANSFER, TRAP:
                return WalkStatus.EXPLAINED;
            default:
                return WalkStatus.ASYNC;
        }
    }

    /** How many instructions the walk holds. */
    public int size() {
        return instructions.length;
    }

    public Instruction instruction(int i) {
        return instructions[i];
    }

    /** Copies the bytes of instruction {@code i} to {@code dest}; returns how many. */
    public int bytes(int i, byte[] dest, int off) {
        int n = codeOffset[i + 1] - codeOffset[i];
        System.arraycopy(code, codeOffset[i], dest, off, n);
        return n;
    }

    /** The byte at {@code k} of instruction {@code i}. */
    public int byteAt(int i, int k) {
        return code[codeOffset[i] + k] & 0xff;
    }

    /** A time at which the code had this version, and the side of windows then. */
    public long readTime() {
        return readTime;
    }

    public WindowSide readSide() {
        return readSide;
    }

    /** Whether both walks end with the same instruction at the same address, with the same bytes. */
    public boolean lastSameAs(Walk o) {
        if (instructions.length == 0 || o.instructions.length == 0) {
            return false;
        }
        int i = instructions.length - 1;
        int j = o.instructions.length - 1;
        return instructions[i].address() == o.instructions[j].address()
                && Arrays.equals(code, codeOffset[i], codeOffset[i + 1], o.code, o.codeOffset[j], o.codeOffset[j + 1]);
    }

    /** Whether both walks show the same instructions with the same bytes and end the same way. */
    public boolean sameAs(Walk o) {
        return o == this || (o.start == start && o.end == end && o.failure == failure
                && o.instructions.length == instructions.length && Arrays.equals(o.code, code));
    }
}
