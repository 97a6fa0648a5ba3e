package dev.textpoke.code.image;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.ElfHeader;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.RelocationSection;
import dev.textpoke.elf.Section;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * A kernel module's RELA relocations applied to its placed text, as the module loader applies them
 * ({@code apply_relocate_add} of x86-64 and arm64). A symbol's address comes from the module's own
 * placed sections, else from {@code external} (kallsyms): undefined symbols by name, and symbols of
 * sections that are not placed with the text (data, rodata: the kernel allocates them elsewhere)
 * through any named symbol of the same section that {@code external} knows. A place whose value
 * cannot be computed (unknown symbol, unsupported type, out of range: the loader would have used a
 * PLT or refused) is marked unknown: a gap, never wrong bytes.
 */
final class ModuleRelocations {
    // x86-64 (arch/x86/kernel/module.c, elf.h)
    private static final int R_X86_64_NONE = 0, R_X86_64_64 = 1, R_X86_64_PC32 = 2, R_X86_64_PLT32 = 4,
            R_X86_64_32 = 10, R_X86_64_32S = 11, R_X86_64_PC64 = 24;
    // arm64 (arch/arm64/kernel/module.c, ELF for the Arm 64-bit Architecture)
    private static final int R_AARCH64_NONE = 0, R_AARCH64_ABS64 = 257, R_AARCH64_ABS32 = 258,
            R_AARCH64_PREL64 = 260, R_AARCH64_PREL32 = 261, R_AARCH64_ADR_PREL_LO21 = 274,
            R_AARCH64_ADR_PREL_PG_HI21 = 275, R_AARCH64_ADR_PREL_PG_HI21_NC = 276,
            R_AARCH64_ADD_ABS_LO12_NC = 277, R_AARCH64_LDST8_ABS_LO12_NC = 278, R_AARCH64_TSTBR14 = 279,
            R_AARCH64_CONDBR19 = 280, R_AARCH64_JUMP26 = 282, R_AARCH64_CALL26 = 283,
            R_AARCH64_LDST16_ABS_LO12_NC = 284, R_AARCH64_LDST32_ABS_LO12_NC = 285,
            R_AARCH64_LDST64_ABS_LO12_NC = 286, R_AARCH64_LDST128_ABS_LO12_NC = 299;

    private final ElfFile elf;
    private final long[] placed;
    private final long textAddress;
    private final Function<String, OptionalLong> external;
    private final Map<Integer, OptionalLong> sectionBase = new HashMap<>();

    /**
     * @param placed offset of each section from {@code textAddress}, -1 when not placed
     * @param external the address of a symbol by name, when known
     */
    ModuleRelocations(ElfFile elf, long[] placed, long textAddress, Function<String, OptionalLong> external) {
        this.elf = elf;
        this.placed = placed;
        this.textAddress = textAddress;
        this.external = external;
    }

    /**
     * Relocates {@code bytes}, the contents of placed section {@code s}, in place.
     *
     * @param unknown set for each byte whose relocation could not be applied
     */
    void apply(Section s, byte[] bytes, boolean[] unknown) throws ElfFormatException {
        int machine = elf.header().machine();
        for (RelocationSection rs : elf.relocationsFor(s.index())) {
            List<ElfSymbol> symbols = elf.symbols(elf.section(rs.symbolTable(), 0));
            for (Relocation r : elf.relocations(rs)) {
                long p = textAddress + placed[s.index()] + r.offset();
                OptionalLong sym = r.symbol() == 0 ? OptionalLong.of(0) : address(symbols.get(r.symbol()));
                int width = machine == ElfHeader.EM_X86_64 ? widthX86(r.type()) : widthA64(r.type());
                if (r.offset() < 0 || r.offset() > bytes.length - Math.max(width, 1)) {
                    continue;
                }
                boolean done = rs.isRela() && sym.isPresent() && (machine == ElfHeader.EM_X86_64
                        ? x86(r.type(), sym.getAsLong() + r.addend(), p, bytes, (int) r.offset())
                        : machine == ElfHeader.EM_AARCH64
                                && a64(r.type(), sym.getAsLong() + r.addend(), p, bytes, (int) r.offset()));
                if (!done) {
                    java.util.Arrays.fill(unknown, (int) r.offset(), (int) r.offset() + Math.max(width, 1), true);
                }
            }
        }
    }

    private OptionalLong address(ElfSymbol sym) {
        if (sym.section() == ElfSymbol.SECTION_ABS) {
            return OptionalLong.of(sym.value());
        }
        if (!sym.isDefined()) {
            return sym.name().isEmpty() ? OptionalLong.empty() : external.apply(sym.name());
        }
        if (!sym.inSection()) {
            return OptionalLong.empty();
        }
        OptionalLong base = base(sym.section());
        return base.isPresent() ? OptionalLong.of(base.getAsLong() + sym.value()) : base;
    }

    /** Where section {@code index} is: placed with the text, or found through a symbol of it. */
    private OptionalLong base(int index) {
        if (index < placed.length && placed[index] >= 0) {
            return OptionalLong.of(textAddress + placed[index]);
        }
        return sectionBase.computeIfAbsent(index, i -> {
            try {
                for (ElfSymbol s : elf.symbols()) {
                    if (s.section() == i && !s.name().isEmpty() && s.type() != ElfSymbol.STT_SECTION) {
                        OptionalLong at = external.apply(s.name());
                        if (at.isPresent()) {
                            return OptionalLong.of(at.getAsLong() - s.value());
                        }
                    }
                }
            } catch (ElfFormatException e) {
                // No symbol table to anchor the section with: its references stay unknown.
            }
            return OptionalLong.empty();
        });
    }

    private static int widthX86(int type) {
        return switch (type) {
            case R_X86_64_64, R_X86_64_PC64 -> 8;
            case R_X86_64_NONE -> 0;
            default -> 4;
        };
    }

    private static int widthA64(int type) {
        return switch (type) {
            case R_AARCH64_ABS64, R_AARCH64_PREL64 -> 8;
            case R_AARCH64_NONE -> 0;
            default -> 4;
        };
    }

    private static boolean x86(int type, long value, long p, byte[] b, int at) {
        switch (type) {
            case R_X86_64_NONE -> { }
            case R_X86_64_64 -> put64(b, at, value);
            case R_X86_64_PC64 -> put64(b, at, value - p);
            case R_X86_64_32 -> {
                if (value >>> 32 != 0) {
                    return false;
                }
                put32(b, at, (int) value);
            }
            case R_X86_64_32S, R_X86_64_PC32, R_X86_64_PLT32 -> {
                long v = type == R_X86_64_32S ? value : value - p;
                if (v != (int) v) {
                    return false;
                }
                put32(b, at, (int) v);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean a64(int type, long value, long p, byte[] b, int at) {
        switch (type) {
            case R_AARCH64_NONE -> { }
            case R_AARCH64_ABS64 -> put64(b, at, value);
            case R_AARCH64_PREL64 -> put64(b, at, value - p);
            case R_AARCH64_ABS32 -> {
                if (value != (int) value && value >>> 32 != 0) {
                    return false;
                }
                put32(b, at, (int) value);
            }
            case R_AARCH64_PREL32 -> {
                if (value - p != (int) (value - p)) {
                    return false;
                }
                put32(b, at, (int) (value - p));
            }
            case R_AARCH64_CALL26, R_AARCH64_JUMP26 -> {
                return field(b, at, value - p, 2, 26, 0);
            }
            case R_AARCH64_CONDBR19 -> {
                return field(b, at, value - p, 2, 19, 5);
            }
            case R_AARCH64_TSTBR14 -> {
                return field(b, at, value - p, 2, 14, 5);
            }
            case R_AARCH64_ADR_PREL_LO21 -> {
                return adr(b, at, value - p, true);
            }
            case R_AARCH64_ADR_PREL_PG_HI21, R_AARCH64_ADR_PREL_PG_HI21_NC -> {
                return adr(b, at, ((value & ~0xfffL) - (p & ~0xfffL)) >> 12,
                        type == R_AARCH64_ADR_PREL_PG_HI21);
            }
            case R_AARCH64_ADD_ABS_LO12_NC, R_AARCH64_LDST8_ABS_LO12_NC -> imm12(b, at, value & 0xfff);
            case R_AARCH64_LDST16_ABS_LO12_NC -> imm12(b, at, (value & 0xfff) >> 1);
            case R_AARCH64_LDST32_ABS_LO12_NC -> imm12(b, at, (value & 0xfff) >> 2);
            case R_AARCH64_LDST64_ABS_LO12_NC -> imm12(b, at, (value & 0xfff) >> 3);
            case R_AARCH64_LDST128_ABS_LO12_NC -> imm12(b, at, (value & 0xfff) >> 4);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A signed, scaled immediate of {@code bits} bits at bit {@code lsb}; false when out of range. */
    private static boolean field(byte[] b, int at, long v, int scale, int bits, int lsb) {
        if ((v & ((1L << scale) - 1)) != 0) {
            return false;
        }
        long imm = v >> scale;
        if (imm < -(1L << (bits - 1)) || imm >= 1L << (bits - 1)) {
            return false;
        }
        int mask = (int) (((1L << bits) - 1) << lsb);
        put32(b, at, (get32(b, at) & ~mask) | ((int) (imm << lsb) & mask));
        return true;
    }

    /** ADR/ADRP's 21-bit immediate (immlo at 29, immhi at 5), checked when {@code check}. */
    private static boolean adr(byte[] b, int at, long imm, boolean check) {
        if (check && (imm < -(1L << 20) || imm >= 1L << 20)) {
            return false;
        }
        int insn = get32(b, at) & ~((3 << 29) | (0x7ffff << 5));
        put32(b, at, insn | (((int) imm & 3) << 29) | ((int) (imm >> 2) & 0x7ffff) << 5);
        return true;
    }

    private static void imm12(byte[] b, int at, long imm) {
        put32(b, at, (get32(b, at) & ~(0xfff << 10)) | ((int) imm & 0xfff) << 10);
    }

    private static int get32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void put32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void put64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
