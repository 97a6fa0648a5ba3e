package dev.textpoke.isa;

import static capstone.Arm64_const.*;

/**
 * A64 branch classes by Capstone instruction id, with direct targets decoded from the word
 * (Arm ARM C6.2: B/BL imm26, B.cond/CBZ/CBNZ imm19, TBZ/TBNZ imm14, each times 4, relative to the
 * branch itself). Capstone reports B.cond as {@code ARM64_INS_B} with a {@code "b.<cond>"} mnemonic.
 */
final class A64BranchRules implements BranchRules {

    @Override
    public Decoded classify(int id, byte[] code, int offset, int size, long address, String mnemonic,
            String operands) {
        int word = (code[offset] & 0xff) | (code[offset + 1] & 0xff) << 8 | (code[offset + 2] & 0xff) << 16
                | (code[offset + 3] & 0xff) << 24;
        BranchClass cls;
        long offsetToTarget = 0;
        boolean direct = false;
        switch (id) {
            case ARM64_INS_B -> {
                direct = true;
                if (mnemonic.startsWith("b.")) {
                    cls = BranchClass.CONDITIONAL;
                    offsetToTarget = imm19(word);
                } else {
                    cls = BranchClass.UNCONDITIONAL_DIRECT;
                    offsetToTarget = imm26(word);
                }
            }
            case ARM64_INS_BL -> {
                cls = BranchClass.CALL;
                direct = true;
                offsetToTarget = imm26(word);
            }
            case ARM64_INS_CBZ, ARM64_INS_CBNZ -> {
                cls = BranchClass.CONDITIONAL;
                direct = true;
                offsetToTarget = imm19(word);
            }
            case ARM64_INS_TBZ, ARM64_INS_TBNZ -> {
                cls = BranchClass.CONDITIONAL;
                direct = true;
                offsetToTarget = imm14(word);
            }
            case ARM64_INS_BR -> cls = BranchClass.INDIRECT;
            case ARM64_INS_BLR -> cls = BranchClass.CALL;
            case ARM64_INS_RET -> cls = BranchClass.RETURN;
            case ARM64_INS_SVC, ARM64_INS_HVC, ARM64_INS_SMC, ARM64_INS_ERET, ARM64_INS_DRPS,
                    ARM64_INS_DCPS1, ARM64_INS_DCPS2, ARM64_INS_DCPS3 -> cls = BranchClass.FAR_TRANSFER;
            case ARM64_INS_BRK, ARM64_INS_HLT -> cls = BranchClass.TRAP;
            default -> cls = BranchClass.NONE;
        }
        return new Instruction(address, size, mnemonic, operands, cls, direct,
                direct ? address + offsetToTarget : 0);
    }

    /** B, BL: imm26 at [25:0], times 4. */
    static long imm26(int word) {
        return (long) ((word << 6) >> 6) << 2;
    }

    /** B.cond, CBZ, CBNZ: imm19 at [23:5], times 4. */
    static long imm19(int word) {
        return (long) ((word << 8) >> 13) << 2;
    }

    /** TBZ, TBNZ: imm14 at [18:5], times 4. */
    static long imm14(int word) {
        return (long) ((word << 13) >> 18) << 2;
    }
}
