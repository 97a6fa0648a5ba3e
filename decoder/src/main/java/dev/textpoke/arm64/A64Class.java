package dev.textpoke.arm64;

/**
 * What a 32-bit A64 word is, as far as the concurrent-modification rules care, decided by exact
 * encoding masks (Arm ARM DDI 0487, C4 "A64 Instruction Set Encoding" and C6 per-instruction
 * encodings; the same masks as Linux's {@code __AARCH64_INSN_FUNCS} in
 * {@code arch/arm64/include/asm/insn.h}).
 */
public enum A64Class {
    /** B imm26: {@code 0b000101 imm26}. */
    B(0xfc000000, 0x14000000),
    /** BL imm26: {@code 0b100101 imm26}. */
    BL(0xfc000000, 0x94000000),
    /** BRK #imm16: {@code 11010100 001 imm16 000 00}. */
    BRK(0xffe0001f, 0xd4200000),
    /** HVC #imm16: {@code 11010100 000 imm16 000 10}. */
    HVC(0xffe0001f, 0xd4000002),
    /** ISB {option}: {@code 11010101 00000011 0011 CRm 110 11111}. */
    ISB(0xfffff0ff, 0xd50330df),
    /** NOP, exactly: HINT #0 ({@code 0xd503201f}). Every other hint is {@link #OTHER_HINT}. */
    NOP(0xffffffff, 0xd503201f),
    /** SMC #imm16: {@code 11010100 000 imm16 000 11}. */
    SMC(0xffe0001f, 0xd4000003),
    /** SVC #imm16: {@code 11010100 000 imm16 000 01}. */
    SVC(0xffe0001f, 0xd4000001),
    /** B.cond: {@code 01010100 imm19 0 cond} (bit 4 set is BC.cond, FEAT_HBC: not this). */
    B_COND(0xff000010, 0x54000000),
    /** CBZ (32 or 64 bit): {@code sf 011010 0 imm19 Rt}. */
    CBZ(0x7f000000, 0x34000000),
    /** CBNZ: {@code sf 011010 1 imm19 Rt}. */
    CBNZ(0x7f000000, 0x35000000),
    /** TBZ: {@code b5 011011 0 b40 imm14 Rt}. */
    TBZ(0x7f000000, 0x36000000),
    /** TBNZ: {@code b5 011011 1 b40 imm14 Rt}. */
    TBNZ(0x7f000000, 0x37000000),
    /**
     * A HINT other than NOP ({@code 11010101 00000011 0010 CRm op2 11111}, not {@code 0xd503201f}):
     * BTI, PACIASP, AUTIASP, YIELD, WFE, ... The old kernel helper {@code aarch64_insn_is_nop}
     * counted most of these as NOP; the architecture's list names NOP only.
     */
    OTHER_HINT(0xfffff01f, 0xd503201f),
    /** Anything else. */
    OTHER(0, 0);

    private final int mask;
    private final int value;

    A64Class(int mask, int value) {
        this.mask = mask;
        this.value = value;
    }

    private static final A64Class[] ORDER = {NOP, OTHER_HINT, B, BL, BRK, HVC, SMC, SVC, ISB, B_COND, CBZ,
            CBNZ, TBZ, TBNZ};

    /** The class of {@code word} (NOP is tested before the other hints). */
    public static A64Class of(int word) {
        for (A64Class c : ORDER) {
            if ((word & c.mask) == c.value) {
                return c;
            }
        }
        return OTHER;
    }

    /** The name as the manual writes it ("B.cond", "NOP"). */
    public String manualName() {
        return switch (this) {
            case B_COND -> "B.cond";
            case OTHER_HINT -> "HINT (not NOP)";
            case OTHER -> "other";
            default -> name();
        };
    }

    /** Whether this is a direct branch whose target is encoded in the word. */
    public boolean isDirectBranch() {
        return this == B || this == BL || this == B_COND || this == CBZ || this == CBNZ || this == TBZ
                || this == TBNZ;
    }
}
