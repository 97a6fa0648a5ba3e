package dev.textpoke.isa;

/** The instruction sets textpoke classifies. */
public enum Isa {
    /** x86-64 in 64-bit mode. */
    X86_64,
    /** x86 in 32-bit mode: IA-32, and a 64-bit kernel's compatibility mode (32-bit processes). */
    X86_32,
    /** AArch64's A64, little-endian instruction stream (as Linux runs it). */
    A64;

    /** Longest instruction: 15 bytes on x86 (Intel SDM Vol. 2, 2.3.11), 4 on A64. */
    public int maxLength() {
        return this == A64 ? 4 : 15;
    }
}
