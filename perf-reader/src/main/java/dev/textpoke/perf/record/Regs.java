package dev.textpoke.perf.record;

import dev.textpoke.io.U64s;

/**
 * A register dump (REGS_USER, REGS_INTR): {@code u64 abi;} then, unless abi is NONE (0), one u64
 * per bit set in the attr's mask ({@code sample_regs_user} / {@code sample_regs_intr}), in bit order.
 */
public record Regs(long abi, @Hex long mask, U64s values) {
    public static final long ABI_NONE = 0;
    public static final long ABI_32 = 1;
    public static final long ABI_64 = 2;

    /** The value of register {@code reg} (bit number in the mask), or -1 when not dumped. */
    public long get(int reg) {
        if (abi == ABI_NONE || (mask >>> reg & 1) == 0) {
            return -1;
        }
        return values.get(Long.bitCount(mask & ((1L << reg) - 1)));
    }
}
