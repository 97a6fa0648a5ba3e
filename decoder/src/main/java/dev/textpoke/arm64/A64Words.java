package dev.textpoke.arm64;

import java.util.OptionalInt;

/** Encoding and decoding of the few A64 words the kernel's patching code generates. */
public final class A64Words {
    /** HINT #0 (Arm ARM C6.2 NOP); what {@code aarch64_insn_gen_nop()} returns. */
    public static final int NOP = 0xd503201f;
    /** ORR X9, XZR, X30 ("MOV X9, LR"): what {@code ftrace_init_nop} writes in the first patch slot. */
    public static final int MOV_X9_LR = 0xaa1e03e9;
    /** BRK #0x100, {@code AARCH64_BREAK_FAULT}: what the kernel's instruction generators return on failure. */
    public static final int BREAK_FAULT = 0xd4202000;
    /** BTI C and BTI JC (HINT #34, #38): may precede the patch slots of a function. */
    public static final int BTI_C = 0xd503245f, BTI_JC = 0xd50324df;
    /** Reach of B and BL: imm26 × 4 is a signed 28-bit byte offset (Arm ARM C6.2 B, BL). */
    public static final long BRANCH_REACH = 128L << 20;

    private A64Words() {}

    /** Whether a B/BL at {@code from} can reach {@code to}: offset in [-128 MiB, +128 MiB). */
    public static boolean reachable(long from, long to) {
        long d = to - from;
        return d >= -BRANCH_REACH && d < BRANCH_REACH && (d & 3) == 0;
    }

    /** B (link false) or BL (link true) from {@code from} to {@code to}, if reachable. */
    public static OptionalInt branch(long from, long to, boolean link) {
        if (!reachable(from, to)) {
            return OptionalInt.empty();
        }
        int imm26 = (int) ((to - from) >> 2) & 0x03ffffff;
        return OptionalInt.of((link ? 0x94000000 : 0x14000000) | imm26);
    }

    /** The target of a direct branch word at {@code pc} (B, BL, B.cond, CB(N)Z, TB(N)Z). */
    public static long target(int word, long pc) {
        return switch (A64Class.of(word)) {
            case B, BL -> pc + ((long) ((word << 6) >> 6) << 2);
            case B_COND, CBZ, CBNZ -> pc + ((long) ((word << 8) >> 13) << 2);
            case TBZ, TBNZ -> pc + ((long) ((word << 13) >> 18) << 2);
            default -> throw new IllegalArgumentException(String.format("%08x is not a direct branch", word));
        };
    }
}
