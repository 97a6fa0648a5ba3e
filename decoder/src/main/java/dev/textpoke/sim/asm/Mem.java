package dev.textpoke.sim.asm;

import java.util.Objects;

/**
 * A memory operand: {@code [base + index*scale + disp]}, {@code [index*scale + label]} (absolute,
 * sign-extended 32-bit: a kernel address in the top 2 GB, or user code below 2 GB), or
 * {@code [rip + label]}.
 *
 * @param base   the base register, or null
 * @param index  the index register (not RSP), or null
 * @param scale  1, 2, 4 or 8
 * @param disp   the displacement added to {@code label} (or alone)
 * @param label  an address the displacement is relative to, or null
 * @param rip    whether the address is RIP-relative ({@code label} required, no base or index)
 */
public record Mem(Reg base, Reg index, int scale, long disp, Label label, boolean rip) {
    public Mem {
        if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
            throw new IllegalArgumentException("scale must be 1, 2, 4 or 8: " + scale);
        }
        if (index == Reg.RSP) {
            throw new IllegalArgumentException("rsp cannot be an index register");
        }
        if (rip && (label == null || base != null || index != null)) {
            throw new IllegalArgumentException("a rip-relative operand has a label and no registers");
        }
        if (base == null && index == null && !rip && label == null) {
            Objects.requireNonNull(label, "an absolute operand needs a label");
        }
    }

    /** {@code [base + disp]}. */
    public static Mem at(Reg base, long disp) {
        return new Mem(Objects.requireNonNull(base), null, 1, disp, null, false);
    }

    /** {@code [base + index*scale + disp]}. */
    public static Mem at(Reg base, Reg index, int scale, long disp) {
        return new Mem(Objects.requireNonNull(base), Objects.requireNonNull(index), scale, disp, null, false);
    }

    /** {@code [label + index*scale]}, the jump-table form {@code jmp [table + rax*8]}. */
    public static Mem table(Label table, Reg index, int scale) {
        return new Mem(null, Objects.requireNonNull(index), scale, 0, Objects.requireNonNull(table), false);
    }

    /** {@code [rip + label]}. */
    public static Mem rip(Label target) {
        return new Mem(null, null, 1, 0, Objects.requireNonNull(target), true);
    }
}
