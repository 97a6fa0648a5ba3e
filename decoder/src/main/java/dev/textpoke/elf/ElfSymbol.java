package dev.textpoke.elf;

/**
 * One symbol ({@code Elf32_Sym} / {@code Elf64_Sym}). {@code section} is the index of the section
 * it is defined in, with {@code SHN_XINDEX} already resolved through {@code SHT_SYMTAB_SHNDX}, so it
 * can be any index, 0xfff1 included. The reserved {@code st_shndx} values that are not section
 * indexes become negative: {@link #SECTION_ABS}, {@link #SECTION_COMMON}, {@link #SECTION_RESERVED};
 * {@link #SHN_UNDEF} (0) stays 0.
 */
public record ElfSymbol(int index, String name, long value, long size, int type, int binding,
        int visibility, int section) {

    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3,
            STT_FILE = 4, STT_COMMON = 5, STT_TLS = 6, STT_GNU_IFUNC = 10;
    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2, STB_GNU_UNIQUE = 10;
    /** Raw {@code st_shndx} values (System V gABI "Sections", special section indexes). */
    public static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1,
            SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;
    /** {@code section} of an absolute symbol ({@code SHN_ABS}). */
    public static final int SECTION_ABS = -1;
    /** {@code section} of a common symbol ({@code SHN_COMMON}). */
    public static final int SECTION_COMMON = -2;
    /** {@code section} for the other reserved values (processor- or OS-specific). */
    public static final int SECTION_RESERVED = -3;

    /** The {@code section} value for a raw, non-extended {@code st_shndx}. */
    static int sectionOf(int shndx) {
        if (shndx < SHN_LORESERVE) {
            return shndx;
        }
        return switch (shndx) {
            case SHN_ABS -> SECTION_ABS;
            case SHN_COMMON -> SECTION_COMMON;
            default -> SECTION_RESERVED;
        };
    }

    public boolean isDefined() {
        return section != SHN_UNDEF;
    }

    public boolean isFunction() {
        return type == STT_FUNC || type == STT_GNU_IFUNC;
    }

    /** Whether the symbol is defined in a real section (not undefined, absolute or common). */
    public boolean inSection() {
        return section > 0;
    }
}
