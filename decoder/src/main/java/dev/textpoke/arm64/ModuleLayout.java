package dev.textpoke.arm64;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.RelocationSection;
import dev.textpoke.elf.Section;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the module loader puts each section of a kernel module: which separately allocated region
 * ({@code MOD_TEXT}, {@code MOD_INIT_TEXT}, ...) and at what offset in it. This follows Linux 6.4+
 * {@code kernel/module/main.c} {@code __layout_sections()} (sections in header order per flag mask,
 * each aligned to {@code sh_addralign}; names starting ".init" go to the init regions; with
 * {@code CONFIG_MODULE_UNLOAD}, ".exit" sections stay in the core ones) after arm64's
 * {@code module_frob_arch_sections()} (arch/arm64/kernel/module-plts.c) resizes {@code .plt},
 * {@code .init.plt} and the two ftrace trampoline sections.
 *
 * <p>Two places in the same region are a fixed distance apart once loaded; places in different
 * regions are not (each region is its own allocation). The size of {@code .plt} is estimated as the
 * loader counts it (one entry per distinct CALL26/JUMP26 symbol+addend leaving its section, per
 * relocation section), without the Cortex-A53 erratum 843419 veneers; sections after {@code .plt}
 * in the same region may therefore sit a few entries off, which changes immediates but never whether
 * a branch is in range (regions are far smaller than 128 MiB).
 */
final class ModuleLayout {
    /** Module memory types (include/linux/module.h, enum mod_mem_type). */
    enum Region { MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, MOD_INIT_TEXT, MOD_INIT_DATA, MOD_INIT_RODATA }

    record Placement(Region region, long offset) {}

    /** sizeof(struct plt_entry): ADRP, ADD, BR (arch/arm64/include/asm/module.h). */
    private static final long PLT_ENTRY = 12;
    /** L1_CACHE_BYTES on arm64. */
    private static final long L1_CACHE_BYTES = 64;
    /** SHF_RO_AFTER_INIT (include/linux/module.h); the loader sets it on .data..ro_after_init, __jump_table. */
    private static final long SHF_RO_AFTER_INIT = 0x00200000;
    private static final int R_AARCH64_JUMP26 = 282, R_AARCH64_CALL26 = 283;

    private final Placement[] placements;
    private final long[] regionSize = new long[Region.values().length];

    private ModuleLayout(int sections) {
        placements = new Placement[sections];
    }

    static ModuleLayout of(ElfFile elf, List<ElfSymbol> symbols) throws ElfFormatException {
        List<Section> sections = elf.sections();
        int n = sections.size();
        long[] flags = new long[n];
        long[] size = new long[n];
        long[] align = new long[n];
        long corePlts = 0;
        long initPlts = 0;
        for (RelocationSection rs : elf.relocationSections()) {
            if (rs.target() <= 0 || rs.target() >= n || !sections.get(rs.target()).isExecutable()) {
                continue;
            }
            long count = countPlts(elf.relocations(rs), symbols, rs.target());
            if (sections.get(rs.target()).name().startsWith(".init")) {
                initPlts += count;
            } else {
                corePlts += count;
            }
        }
        for (Section s : sections) {
            int i = s.index();
            flags[i] = s.flags();
            size[i] = s.size();
            align[i] = s.addralign();
            switch (s.name()) {
                case ".plt", ".init.plt" -> {
                    flags[i] = Section.SHF_EXECINSTR | Section.SHF_ALLOC;
                    align[i] = L1_CACHE_BYTES;
                    size[i] = ((s.name().equals(".plt") ? corePlts : initPlts) + 1) * PLT_ENTRY;
                }
                case ".text.ftrace_trampoline", ".init.text.ftrace_trampoline" -> {
                    flags[i] = Section.SHF_EXECINSTR | Section.SHF_ALLOC;
                    align[i] = 4;
                    size[i] = PLT_ENTRY; // NR_FTRACE_PLTS = 1
                }
                case ".data..ro_after_init", "__jump_table" -> flags[i] |= SHF_RO_AFTER_INIT;
                default -> { }
            }
        }
        ModuleLayout layout = new ModuleLayout(n);
        layout.place(sections, flags, size, align, false);
        layout.place(sections, flags, size, align, true);
        return layout;
    }

    /** One pass of __layout_sections(): masks in order, sections in header order. */
    private void place(List<Section> sections, long[] flags, long[] size, long[] align, boolean init) {
        long exec = Section.SHF_EXECINSTR | Section.SHF_ALLOC;
        long[][] masks = {
            {exec, 0},
            {Section.SHF_ALLOC, Section.SHF_WRITE},
            {SHF_RO_AFTER_INIT | Section.SHF_ALLOC, 0},
            {Section.SHF_WRITE | Section.SHF_ALLOC, 0},
        };
        Region[] core = {Region.MOD_TEXT, Region.MOD_RODATA, Region.MOD_RO_AFTER_INIT, Region.MOD_DATA};
        Region[] initRegions = {Region.MOD_INIT_TEXT, Region.MOD_INIT_RODATA, null, Region.MOD_INIT_DATA};
        for (int m = 0; m < masks.length; m++) {
            Region region = init ? initRegions[m] : core[m];
            for (Section s : sections) {
                int i = s.index();
                if (i == 0 || placements[i] != null || (flags[i] & masks[m][0]) != masks[m][0]
                        || (flags[i] & masks[m][1]) != 0 || init != s.name().startsWith(".init")
                        || region == null) {
                    continue;
                }
                long a = Math.max(1, align[i]);
                long offset = (regionSize[region.ordinal()] + a - 1) / a * a;
                placements[i] = new Placement(region, offset);
                regionSize[region.ordinal()] = offset + size[i];
            }
        }
    }

    /** count_plts(): distinct CALL26/JUMP26 (symbol, addend) whose symbol is not in the same section. */
    private static long countPlts(List<Relocation> relocs, List<ElfSymbol> symbols, int target) {
        Set<List<Long>> distinct = new HashSet<>();
        for (Relocation r : relocs) {
            if (r.type() != R_AARCH64_JUMP26 && r.type() != R_AARCH64_CALL26) {
                continue;
            }
            ElfSymbol s = r.symbol() < symbols.size() ? symbols.get(r.symbol()) : null;
            if (s != null && s.section() == target) {
                continue; // a branch within its own section never needs a veneer
            }
            distinct.add(List.of((long) r.symbol(), r.addend()));
        }
        return distinct.size();
    }

    /** Where section {@code index} is loaded, or null when it is not allocated. */
    Placement placement(int index) {
        return index >= 0 && index < placements.length ? placements[index] : null;
    }

    long regionSize(Region r) {
        return regionSize[r.ordinal()];
    }
}
