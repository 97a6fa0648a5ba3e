package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;

/**
 * A straight run of instructions as the code was during {@code [validFrom, validTo)}: it starts at
 * {@code start}, every instruction but the last falls through to the next, and the last one is
 * where the decoder needs the trace or a branch target ({@link BlockEnd}). The unit the flow
 * decoder steps by: one cache lookup and at most one trace query per block, as libipt's block
 * decoder does ({@code pt_block_decoder.c}).
 *
 * <p>Immutable apart from the cache's sibling link. {@code validTo} is the first time at which a
 * code modification touches the block's bytes again: when that time falls before the upper bound
 * of the current instruction's time, the decoder must consider both versions.
 */
public final class Block {
    private final long start;
    private final Instruction[] instructions;
    /** The bytes of the instructions, from {@code start}. */
    private final byte[] bytes;
    private final BlockEnd end;
    private final long endAddress;
    private final long validFrom;
    private final long validTo;
    /** Another block with the same start and another validity interval (the cache's chain). */
    Block sibling;

    Block(long start, Instruction[] instructions, byte[] bytes, BlockEnd end, long endAddress, long validFrom,
            long validTo) {
        this.start = start;
        this.instructions = instructions;
        this.bytes = bytes;
        this.end = end;
        this.endAddress = endAddress;
        this.validFrom = validFrom;
        this.validTo = validTo;
    }

    /**
     * A block of the one instruction {@code insn} (whose bytes are {@code bytes}), read outside any
     * cache and valid at {@code time} only: what a decoder walks when it chose one version of a
     * word inside an uncertain window (the waypoint decoder, {@code dev.textpoke.pt.etm}). A
     * non-branch ends the block at its length limit ({@link BlockEnd#LIMIT}).
     */
    public static Block single(Instruction insn, byte[] bytes, long time) {
        if (bytes.length != insn.length()) {
            throw new IllegalArgumentException("an instruction of " + insn.length() + " bytes, " + bytes.length + " given");
        }
        BlockEnd end = BlockCache.endOf(insn);
        return new Block(insn.address(), new Instruction[] {insn}, bytes.clone(), end == null ? BlockEnd.LIMIT : end,
                insn.address(), time, time + 1);
    }

    public long start() {
        return start;
    }

    /** Instructions that execute when the block runs to its end (an undecodable end is not one). */
    public int count() {
        return instructions.length;
    }

    public Instruction instruction(int i) {
        return instructions[i];
    }

    /** The bytes of instruction {@code i}, as hex without spaces. */
    public String hex(int i) {
        Instruction insn = instructions[i];
        int from = (int) (insn.address() - start);
        StringBuilder sb = new StringBuilder(insn.length() * 2);
        for (int k = from; k < from + insn.length(); k++) {
            sb.append(Character.forDigit((bytes[k] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[k] & 0xf, 16));
        }
        return sb.toString();
    }

    /** Copies the bytes of instruction {@code i} into {@code dest} at {@code off}; returns their count. */
    public int copyBytes(int i, byte[] dest, int off) {
        Instruction insn = instructions[i];
        System.arraycopy(bytes, (int) (insn.address() - start), dest, off, insn.length());
        return insn.length();
    }

    public BlockEnd end() {
        return end;
    }

    /** The last instruction, or null when the block is only undecodable bytes. */
    public Instruction last() {
        return instructions.length == 0 ? null : instructions[instructions.length - 1];
    }

    /**
     * The address of the last instruction, or of the undecodable bytes for {@link
     * BlockEnd#UNDECODABLE}.
     */
    public long endAddress() {
        return endAddress;
    }

    /** The address after the last instruction (where a not-taken branch or a call returns to). */
    public long next() {
        Instruction last = last();
        return last == null ? start : last.next();
    }

    /** The direct target of the last instruction (conditional, direct jump or call). */
    public long target() {
        return last().target();
    }

    public long validFrom() {
        return validFrom;
    }

    public long validTo() {
        return validTo;
    }

    public boolean validAt(long time) {
        return validFrom <= time && time < validTo;
    }

    /** Whether the instruction at {@code ip}, if it starts one in this block, is the i-th. */
    int indexOf(long ip) {
        for (int i = 0; i < instructions.length; i++) {
            if (instructions[i].address() == ip) {
                return i;
            }
        }
        return -1;
    }
}
