package dev.textpoke.isa;

import static capstone.X86_const.*;

/**
 * x86-64 branch classes by Capstone instruction id, with direct targets computed from the
 * instruction's own displacement (Intel SDM Vol. 2: JMP rel8/rel32, CALL rel32, Jcc rel8/rel32,
 * JrCXZ and LOOPcc rel8: the displacement is the last field, relative to the next instruction).
 *
 * <p>Capstone 4 predates FRED and decodes ERETS ({@code F2 0F 01 CA}) and ERETU ({@code F3 0F 01 CA})
 * as CLAC with a prefix; they are recognised here by their bytes (Intel FRED specification) and
 * classified as far transfers. It does not know PTWRITE ({@code F3 [REX.W] 0F AE /4}), which Intel
 * PT traces meet with its PTW packets: that one is decoded here from its bytes.
 */
final class X86BranchRules implements BranchRules {

    @Override
    public Decoded classify(int id, byte[] code, int offset, int size, long address, String mnemonic,
            String operands) {
        BranchClass cls;
        boolean direct = false;
        switch (id) {
            case X86_INS_JAE, X86_INS_JA, X86_INS_JBE, X86_INS_JB, X86_INS_JE, X86_INS_JGE, X86_INS_JG,
                    X86_INS_JLE, X86_INS_JL, X86_INS_JNE, X86_INS_JNO, X86_INS_JNP, X86_INS_JNS,
                    X86_INS_JO, X86_INS_JP, X86_INS_JS, X86_INS_JCXZ, X86_INS_JECXZ, X86_INS_JRCXZ,
                    X86_INS_LOOP, X86_INS_LOOPE, X86_INS_LOOPNE -> {
                cls = BranchClass.CONDITIONAL;
                direct = true;
            }
            case X86_INS_JMP -> {
                direct = isRelative(code, offset, size);
                cls = direct ? BranchClass.UNCONDITIONAL_DIRECT : BranchClass.INDIRECT;
            }
            case X86_INS_CALL -> {
                direct = isRelative(code, offset, size);
                cls = BranchClass.CALL;
            }
            case X86_INS_RET -> cls = BranchClass.RETURN;
            case X86_INS_LJMP, X86_INS_LCALL, X86_INS_RETF, X86_INS_RETFQ, X86_INS_IRET, X86_INS_IRETD,
                    X86_INS_IRETQ, X86_INS_SYSCALL, X86_INS_SYSRET, X86_INS_SYSENTER, X86_INS_SYSEXIT,
                    X86_INS_INT, X86_INS_INTO, X86_INS_VMCALL, X86_INS_VMMCALL, X86_INS_VMLAUNCH,
                    X86_INS_VMRESUME -> cls = BranchClass.FAR_TRANSFER;
            case X86_INS_INT3, X86_INS_INT1, X86_INS_UD0, X86_INS_UD2, X86_INS_UD2B -> cls = BranchClass.TRAP;
            default -> {
                String fred = fredReturn(code, offset, size);
                if (fred != null) {
                    return new Instruction(address, size, fred, "", BranchClass.FAR_TRANSFER, false, 0);
                }
                cls = BranchClass.NONE;
            }
        }
        long target = direct ? address + size + displacement(code, offset, size) : 0;
        return new Instruction(address, size, mnemonic, operands, cls, direct, target);
    }

    /** Index just past the legacy and REX prefixes (Intel SDM Vol. 2, 2.1.1 and 2.2.1). */
    private static int opcodeStart(byte[] code, int offset, int size) {
        int i = offset;
        int end = offset + size;
        while (i < end) {
            int b = code[i] & 0xff;
            boolean legacy = b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0
                    || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
            boolean rex = (b & 0xf0) == 0x40;
            if (!legacy && !rex) {
                break;
            }
            i++;
        }
        return i;
    }

    /** JMP/CALL with an EB, E9 or E8 opcode: a relative (direct) form rather than FF /2, /4. */
    private static boolean isRelative(byte[] code, int offset, int size) {
        int op = code[opcodeStart(code, offset, size)] & 0xff;
        return op == 0xe8 || op == 0xe9 || op == 0xeb;
    }

    /** The signed displacement of a direct branch: everything after the opcode (1, 2 or 4 bytes). */
    private static long displacement(byte[] code, int offset, int size) {
        int op = opcodeStart(code, offset, size);
        int first = code[op] & 0xff;
        int immStart = first == 0x0f ? op + 2 : op + 1;
        int n = offset + size - immStart;
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (code[immStart + i] & 0xff);
        }
        int shift = 64 - 8 * n;
        return n == 0 ? 0 : (v << shift) >> shift;
    }

    @Override
    public Decoded unknownToCapstone(byte[] code, int offset, int length, long address) {
        return ptwrite(code, offset, length, address);
    }

    private static final String[] REG64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] REG32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};

    /**
     * PTWRITE r/m32 or r/m64 (SDM Vol. 2B): an F3 prefix, REX, 0F AE and a ModRM with reg 4; its
     * length follows from the ModRM, SIB and displacement (Vol. 2A, 2.1.5).
     */
    private static Decoded ptwrite(byte[] code, int offset, int length, long address) {
        int end = offset + length;
        int i = offset;
        boolean rep = false;
        int rex = 0;
        while (i < end) {
            int b = code[i] & 0xff;
            if (b == 0xf3) {
                rep = true;
            } else if (!(b == 0x66 || b == 0x67 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26
                    || b == 0x64 || b == 0x65)) {
                break;
            }
            i++;
        }
        if (i < end && (code[i] & 0xf0) == 0x40) {
            rex = code[i++] & 0xff;
        }
        if (!rep || i + 3 > end || (code[i] & 0xff) != 0x0f || (code[i + 1] & 0xff) != 0xae) {
            return null;
        }
        int modrm = code[i + 2] & 0xff;
        if ((modrm >> 3 & 7) != 4) {
            return null;
        }
        int mod = modrm >> 6;
        int rm = modrm & 7;
        int n = i + 3 - offset;
        String operands;
        if (mod == 3) {
            int r = rm | (rex & 1) << 3;
            operands = (rex & 8) != 0 ? REG64[r] : REG32[r];
        } else {
            if (rm == 4) {
                if (i + 4 > end) {
                    return null;
                }
                int base = code[i + 3] & 7;
                n++;
                if (mod == 0 && base == 5) {
                    n += 4;
                }
            } else if (mod == 0 && rm == 5) {
                n += 4;
            }
            n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
            operands = ""; // the memory operand is not rendered: the length is what decoding needs
        }
        if (n > length) {
            return null;
        }
        return new Instruction(address, n, "ptwrite", operands, BranchClass.NONE, false, 0);
    }

    /** "erets" / "eretu" when the bytes are F2/F3 0F 01 CA (Capstone 4 says "clac"). */
    private static String fredReturn(byte[] code, int offset, int size) {
        if (size != 4 || (code[offset + 1] & 0xff) != 0x0f || (code[offset + 2] & 0xff) != 0x01
                || (code[offset + 3] & 0xff) != 0xca) {
            return null;
        }
        int p = code[offset] & 0xff;
        return p == 0xf2 ? "erets" : p == 0xf3 ? "eretu" : null;
    }
}
