package dev.textpoke.elf;

import java.nio.ByteOrder;

/**
 * The ELF file header ({@code Elf32_Ehdr} / {@code Elf64_Ehdr}, System V gABI "ELF Header"), with
 * the extended numbering already resolved: when {@code e_shnum}, {@code e_shstrndx} or {@code
 * e_phnum} overflow, the real values are taken from section header 0 ({@code sh_size}, {@code
 * sh_link}, {@code sh_info}).
 */
public record ElfHeader(
        boolean is64,
        ByteOrder order,
        int osAbi,
        int type,
        int machine,
        long entry,
        long phoff,
        long shoff,
        int flags,
        int phentsize,
        int phnum,
        int shentsize,
        int shnum,
        int shstrndx) {

    /** {@code e_type} values. */
    public static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
    /** {@code e_machine} values used by textpoke. */
    public static final int EM_386 = 3, EM_X86_64 = 62, EM_AARCH64 = 183;

    /** Size of a word-sized field: 8 for ELF64, 4 for ELF32. */
    public int wordSize() {
        return is64 ? 8 : 4;
    }
}
