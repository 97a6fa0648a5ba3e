package dev.textpoke.sim.asm;

/** The sixteen 64-bit general-purpose registers, numbered as ModRM/REX encode them (Intel SDM Vol. 2, 2.1.5). */
public enum Reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    /** The register number 0..15; bit 3 goes into a REX bit, bits 2:0 into ModRM or SIB. */
    public int code() {
        return ordinal();
    }

    /** The name as an assembler writes it ({@code rax}). */
    public String asmName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
