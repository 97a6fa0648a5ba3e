package dev.textpoke.code.unwind;

import java.nio.ByteBuffer;

/**
 * Evaluates the DWARF expressions of call frame rules (DWARF 5 section 2.5: the stack operations,
 * arithmetic, comparisons, branches, register-relative values and dereferences; not the location
 * descriptions, which CFI does not use). GCC emits them for PLT entries and for functions that
 * realign the stack.
 */
final class DwarfExpression {
    /** Reads a word of the sampled process's memory; false when it is not in the sample. */
    interface Memory {
        boolean read(long address, long[] out);
    }

    private static final int MAX_STACK = 64;
    /** Operations run at most; a loop made by DW_OP_skip or DW_OP_bra ends there. */
    private static final int MAX_STEPS = 1000;

    private final long[] stack = new long[MAX_STACK];
    private final long[] word = new long[1];

    /**
     * Evaluates the expression at {@code place} ({@code position << 32 | length} in {@code bytes}).
     *
     * @param regs    the frame's register values, valid where {@code known} has the bit
     * @param initial the value pushed first (the CFA, for register rules), or none when {@code push} is false
     * @param out     receives the value on top of the stack at the end
     * @return whether the expression could be evaluated
     */
    boolean eval(ByteBuffer bytes, long place, long[] regs, long known, Memory memory, boolean push, long initial,
            long cfa, boolean cfaKnown, long[] out) {
        int end = (int) (place >>> 32) + (int) place;
        DwarfReader r = new DwarfReader(bytes, "expression", 0, 0, 8);
        r.pos = (int) (place >>> 32);
        int sp = 0;
        if (push) {
            stack[sp++] = initial;
        }
        int steps = 0;
        try {
            while (r.pos < end) {
                if (++steps > MAX_STEPS || sp >= MAX_STACK - 1) {
                    return false;
                }
                int op = r.u8();
                if (op >= 0x30 && op <= 0x4f) { // DW_OP_lit0..31
                    stack[sp++] = op - 0x30;
                    continue;
                }
                if (op >= 0x70 && op <= 0x8f) { // DW_OP_breg0..31 offset
                    int reg = op - 0x70;
                    long offset = r.sleb();
                    if (reg >= 64 || (known >>> reg & 1) == 0) {
                        return false;
                    }
                    stack[sp++] = regs[reg] + offset;
                    continue;
                }
                switch (op) {
                    case 0x03 -> stack[sp++] = r.address(); // addr
                    case 0x06 -> { // deref
                        if (sp < 1 || !memory.read(stack[sp - 1], word)) {
                            return false;
                        }
                        stack[sp - 1] = word[0];
                    }
                    case 0x94 -> { // deref_size n
                        int n = r.u8();
                        if (sp < 1 || n < 1 || n > 8 || !memory.read(stack[sp - 1], word)) {
                            return false;
                        }
                        stack[sp - 1] = n == 8 ? word[0] : word[0] & ((1L << (8 * n)) - 1);
                    }
                    case 0x08 -> stack[sp++] = r.u8(); // const1u
                    case 0x09 -> stack[sp++] = (byte) r.u8(); // const1s
                    case 0x0a -> stack[sp++] = r.u16(); // const2u
                    case 0x0b -> stack[sp++] = (short) r.u16(); // const2s
                    case 0x0c -> stack[sp++] = r.u32(); // const4u
                    case 0x0d -> stack[sp++] = (int) r.u32(); // const4s
                    case 0x0e, 0x0f -> stack[sp++] = r.u64(); // const8u, const8s
                    case 0x10 -> stack[sp++] = r.uleb(); // constu
                    case 0x11 -> stack[sp++] = r.sleb(); // consts
                    case 0x12 -> { // dup
                        if (sp < 1) {
                            return false;
                        }
                        stack[sp] = stack[sp - 1];
                        sp++;
                    }
                    case 0x13 -> { // drop
                        if (sp < 1) {
                            return false;
                        }
                        sp--;
                    }
                    case 0x14 -> { // over
                        if (sp < 2) {
                            return false;
                        }
                        stack[sp] = stack[sp - 2];
                        sp++;
                    }
                    case 0x15 -> { // pick
                        int i = r.u8();
                        if (i >= sp) {
                            return false;
                        }
                        stack[sp] = stack[sp - 1 - i];
                        sp++;
                    }
                    case 0x16 -> { // swap
                        if (sp < 2) {
                            return false;
                        }
                        long t = stack[sp - 1];
                        stack[sp - 1] = stack[sp - 2];
                        stack[sp - 2] = t;
                    }
                    case 0x17 -> { // rot
                        if (sp < 3) {
                            return false;
                        }
                        long t = stack[sp - 1];
                        stack[sp - 1] = stack[sp - 2];
                        stack[sp - 2] = stack[sp - 3];
                        stack[sp - 3] = t;
                    }
                    case 0x19 -> { // abs
                        if (sp < 1) {
                            return false;
                        }
                        stack[sp - 1] = Math.abs(stack[sp - 1]);
                    }
                    case 0x1f -> { // neg
                        if (sp < 1) {
                            return false;
                        }
                        stack[sp - 1] = -stack[sp - 1];
                    }
                    case 0x20 -> { // not
                        if (sp < 1) {
                            return false;
                        }
                        stack[sp - 1] = ~stack[sp - 1];
                    }
                    case 0x23 -> { // plus_uconst
                        long v = r.uleb();
                        if (sp < 1) {
                            return false;
                        }
                        stack[sp - 1] += v;
                    }
                    case 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x29, 0x2a, 0x2b, 0x2c,
                        0x2d, 0x2e -> {
                        if (sp < 2) {
                            return false;
                        }
                        long b = stack[--sp];
                        long a = stack[sp - 1];
                        Long v = binary(op, a, b);
                        if (v == null) {
                            return false;
                        }
                        stack[sp - 1] = v;
                    }
                    case 0x28 -> { // bra
                        short skip = (short) r.u16();
                        if (sp < 1) {
                            return false;
                        }
                        if (stack[--sp] != 0) {
                            r.pos += skip;
                        }
                    }
                    case 0x2f -> r.pos += (short) r.u16(); // skip
                    case 0x92 -> { // bregx reg offset
                        long reg = r.uleb();
                        long offset = r.sleb();
                        if (reg < 0 || reg >= 64 || (known >>> reg & 1) == 0) {
                            return false;
                        }
                        stack[sp++] = regs[(int) reg] + offset;
                    }
                    case 0x96 -> { } // nop
                    case 0x9c -> { // call_frame_cfa
                        if (!cfaKnown) {
                            return false;
                        }
                        stack[sp++] = cfa;
                    }
                    default -> {
                        return false; // a location description or an operation CFI does not use
                    }
                }
                if (r.pos < 0 || r.pos > end) {
                    return false;
                }
            }
        } catch (dev.textpoke.io.InputFormatException e) {
            return false; // an operand past the section's end: the rule cannot be evaluated
        }
        if (sp < 1) {
            return false;
        }
        out[0] = stack[sp - 1];
        return true;
    }

    /** The binary operations; null for a division by zero. Comparisons are signed, as DWARF has them. */
    private static Long binary(int op, long a, long b) {
        return switch (op) {
            case 0x1a -> a & b;
            case 0x1b -> b == 0 ? null : a / b;
            case 0x1c -> a - b;
            case 0x1d -> b == 0 ? null : Long.remainderUnsigned(a, b);
            case 0x1e -> a * b;
            case 0x21 -> a | b;
            case 0x22 -> a + b;
            case 0x24 -> Long.compareUnsigned(b, 64) >= 0 ? 0L : a << b;
            case 0x25 -> Long.compareUnsigned(b, 64) >= 0 ? 0L : a >>> b;
            case 0x26 -> Long.compareUnsigned(b, 64) >= 0 ? (a < 0 ? -1L : 0L) : a >> b;
            case 0x27 -> a ^ b;
            case 0x29 -> a == b ? 1L : 0L;
            case 0x2a -> a >= b ? 1L : 0L;
            case 0x2b -> a > b ? 1L : 0L;
            case 0x2c -> a <= b ? 1L : 0L;
            case 0x2d -> a < b ? 1L : 0L;
            case 0x2e -> a != b ? 1L : 0L;
            default -> null;
        };
    }
}
