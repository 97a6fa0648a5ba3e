package dev.textpoke.elf;

/**
 * One section header ({@code Elf32_Shdr} / {@code Elf64_Shdr}) with its name resolved from the
 * section name string table.
 */
public record Section(int index, String name, int type, long flags, long addr, long offset,
        long size, int link, int info, long addralign, long entsize) {

    public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3,
            SHT_RELA = 4, SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9,
            SHT_DYNSYM = 11, SHT_SYMTAB_SHNDX = 18;
    /** {@code sh_flags} bits. */
    public static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4,
            SHF_INFO_LINK = 0x40, SHF_COMPRESSED = 0x800;

    public boolean isAlloc() {
        return (flags & SHF_ALLOC) != 0;
    }

    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** Whether the section occupies bytes in the file ({@code SHT_NOBITS} does not). */
    public boolean hasFileBytes() {
        return type != SHT_NOBITS && type != SHT_NULL;
    }
}
