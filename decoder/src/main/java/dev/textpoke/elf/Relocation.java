package dev.textpoke.elf;

/**
 * One relocation ({@code Elf*_Rel} / {@code Elf*_Rela}): patch the place at {@code offset} of the
 * target section (in a relocatable file; a virtual address in a linked one) with a value of
 * {@code type} computed from symbol {@code symbol} and {@code addend}. {@code Rel} entries have no
 * explicit addend ({@code hasAddend} false, {@code addend} 0: it is stored at the place).
 */
public record Relocation(long offset, int type, int symbol, long addend, boolean hasAddend) {}
