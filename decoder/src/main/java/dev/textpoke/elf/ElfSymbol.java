package dev.textpoke.elf;

/**
 * One symbol ({@code Elf32_Sym} / {@code Elf64_Sym}). {@code section} is the index of the section
 * it is defined in, with {@code SHN_XINDEX} already resolved through {@code SHT_SYMTAB_SHNDX}; the
 * special values {@link #SHN_UNDEF}, {@link #SHN_ABS} and {@link #SHN_COMMON} are kept as they are.
 */
public record ElfSymbol(int index, String name, long value, long size, int type, int binding,
        int visibility, int section) {

    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3,
            STT_FILE = 4, STT_COMMON = 5, STT_TLS = 6, STT_GNU_IFUNC = 10;
    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2, STB_GNU_UNIQUE = 10;
    public static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1,
            SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;

    public boolean isDefined() {
        return section != SHN_UNDEF;
    }

    public boolean isFunction() {
        return type == STT_FUNC || type == STT_GNU_IFUNC;
    }

    /** Whether the symbol is defined in a real section (not undefined, absolute or common). */
    public boolean inSection() {
        return section != SHN_UNDEF && (section < SHN_LORESERVE || section > SHN_XINDEX);
    }
}
