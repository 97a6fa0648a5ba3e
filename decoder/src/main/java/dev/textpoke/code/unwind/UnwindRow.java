package dev.textpoke.code.unwind;

import java.nio.ByteBuffer;

/**
 * The unwinding rules at one code address (a row of DWARF 5 section 6.4.1's table): how to find
 * the canonical frame address (CFA), and where each register of the caller is. Immutable; made by
 * {@link CallFrameTable#row} and cached per address by its user.
 */
public final class UnwindRow {
    /** Registers tracked: DWARF columns 0 to 39 cover x86-64 (0-16) and arm64 (0-31). */
    public static final int REGISTERS = 40;

    /** Rule kinds (DWARF 5 section 6.4.1, "register rules"). */
    static final byte UNSPECIFIED = 0, UNDEFINED = 1, SAME_VALUE = 2, OFFSET = 3, VAL_OFFSET = 4, REGISTER = 5,
            EXPRESSION = 6, VAL_EXPRESSION = 7;

    /** The CFA's register, or -1 when the CFA is an expression ({@link #cfaExpression}). */
    final int cfaRegister;
    final long cfaOffset;
    /** {@code position << 32 | length} of the CFA's expression in {@link #expressions}. */
    final long cfaExpression;
    final byte[] kinds;
    /** Per register: the offset (OFFSET, VAL_OFFSET), the register (REGISTER), the expression's place. */
    final long[] values;
    final int raRegister;
    /** Whether this code is a signal trampoline's (CIE augmentation 'S'). */
    final boolean signalFrame;
    final ByteBuffer expressions;
    /** The registers that keep their value in the caller (same value), as a bit mask. */
    final long sameMask;
    /** The registers whose caller value a rule computes (offset, register, expression), in order. */
    final int[] ruleRegisters;

    private UnwindRow(Builder b, int raRegister, boolean signalFrame, ByteBuffer expressions) {
        this.cfaRegister = b.cfaRegister;
        this.cfaOffset = b.cfaOffset;
        this.cfaExpression = b.cfaExpression;
        this.kinds = b.kinds.clone();
        this.values = b.values.clone();
        this.raRegister = raRegister;
        this.signalFrame = signalFrame;
        this.expressions = expressions;
        long same = 0;
        int rules = 0;
        for (int r = 0; r < REGISTERS; r++) {
            if (kinds[r] == SAME_VALUE) {
                same |= 1L << r;
            } else if (kinds[r] >= OFFSET) {
                rules++;
            }
        }
        this.sameMask = same;
        this.ruleRegisters = new int[rules];
        for (int r = 0, i = 0; r < REGISTERS; r++) {
            if (kinds[r] >= OFFSET) {
                ruleRegisters[i++] = r;
            }
        }
    }

    /** The rules while a row is being computed. */
    public static final class Builder {
        int cfaRegister = -1;
        long cfaOffset;
        long cfaExpression;
        final byte[] kinds = new byte[REGISTERS];
        final long[] values = new long[REGISTERS];

        public Builder() {
        }

        Builder(Builder other) {
            copyFrom(other);
        }

        void copyFrom(Builder other) {
            cfaRegister = other.cfaRegister;
            cfaOffset = other.cfaOffset;
            cfaExpression = other.cfaExpression;
            System.arraycopy(other.kinds, 0, kinds, 0, REGISTERS);
            System.arraycopy(other.values, 0, values, 0, REGISTERS);
        }

        /** Sets register {@code reg}'s rule; columns past {@link #REGISTERS} are not tracked. */
        Builder rule(int reg, byte kind, long value) {
            if (reg >= 0 && reg < REGISTERS) {
                kinds[reg] = kind;
                values[reg] = value;
            }
            return this;
        }

        /** The register keeps its value in the caller (callee-saved, by the ABI). */
        public Builder sameValue(int reg) {
            return rule(reg, SAME_VALUE, 0);
        }

        /** The register's value in the caller is the CFA plus {@code offset}. */
        public Builder valOffset(int reg, long offset) {
            return rule(reg, VAL_OFFSET, offset);
        }

        /** The CFA is register {@code reg} plus {@code offset}. */
        public Builder cfa(int reg, long offset) {
            cfaRegister = reg;
            cfaOffset = offset;
            return this;
        }

        UnwindRow build(int raRegister, boolean signalFrame, ByteBuffer expressions) {
            return new UnwindRow(this, raRegister, signalFrame, expressions);
        }
    }
}
