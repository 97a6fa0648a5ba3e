package dev.textpoke.sim.code;

import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Instruction;

/**
 * One static instruction as the simulated CPUs fetch it: its address, its bytes at fetch time, its
 * {@link Op} and direct target, and Capstone's decoding. Instances are interned per (address,
 * bytes) by an {@link InsnTable}, so two fetches of the same bytes at the same address are the same
 * object with the same {@link #id()}: a compact handle for ground truth, and a cheap key for
 * listeners. Immutable.
 */
public final class Insn {
    private final int id;
    private final long address;
    private final byte[] bytes;
    private final Op op;
    private final long target;
    private final int vector;
    private final Instruction instruction;

    Insn(int id, long address, byte[] bytes, Op op, long target, int vector, Instruction instruction) {
        this.id = id;
        this.address = address;
        this.bytes = bytes;
        this.op = op;
        this.target = target;
        this.vector = vector;
        this.instruction = instruction;
    }

    /** Dense index in the {@link InsnTable} that made it, from 0. */
    public int id() {
        return id;
    }

    public long address() {
        return address;
    }

    /** Length in bytes; for {@link Op#UNDECODABLE}, how many known bytes were there. */
    public int length() {
        return bytes.length;
    }

    /** The fall-through address. */
    public long next() {
        return address + bytes.length;
    }

    public Op op() {
        return op;
    }

    /** The target of a direct branch or call ({@link Op#JCC}, {@link Op#JMP}, {@link Op#CALL}), else 0. */
    public long target() {
        return target;
    }

    /** The vector of {@link Op#INT_N}, 3 for {@link Op#INT3}, else -1. */
    public int vector() {
        return vector;
    }

    /** The bytes the CPU fetched. */
    public Bytes bytes() {
        return Bytes.copyOf(bytes, 0, bytes.length);
    }

    /** Byte {@code i} of the instruction, 0..255. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }


    /** Capstone's decoding, or null for {@link Op#UNDECODABLE}. */
    public Instruction instruction() {
        return instruction;
    }

    /** {@code mnemonic operands}, or {@code (bad)} as objdump says for undecodable bytes. */
    public String text() {
        return instruction == null ? "(bad)" : instruction.text();
    }

    @Override
    public String toString() {
        return String.format("%x: %s  %s", address, bytes().spacedHex(), text());
    }
}
