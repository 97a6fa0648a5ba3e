package dev.textpoke.code.space;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfHeader;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.RelocationSection;
import dev.textpoke.elf.Section;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code name@plt} symbols perf makes for a file's PLT (tools/perf/util/symbol-elf.c, {@code
 * dso__synthesize_plt_symbols}): entry i of {@code .rela.plt} (or {@code .rel.plt}) names the i-th
 * {@code .plt} entry after the header, by the {@code .dynsym} symbol it relocates (an IRELATIVE
 * entry has none: {@code @plt}). Entry and header sizes: {@code .plt}'s {@code sh_entsize}, or
 * arm64's 16 and 32. Offsets are file offsets, as every user-space symbol here.
 */
final class Plt {
    private static final int EM_AARCH64 = 183;
    private static final int EM_ARM = 40;

    private Plt() {}

    static SymbolIndex symbols(Path file) throws IOException {
        try (ElfFile elf = ElfFile.open(file)) {
            Optional<Section> rel = elf.section(".rela.plt").or(() -> elf.section(".rel.plt"));
            Optional<Section> plt = elf.section(".plt");
            if (rel.isEmpty() || plt.isEmpty()) {
                return SymbolIndex.EMPTY;
            }
            List<ElfSymbol> dynsym = elf.dynamicSymbols();
            int dynsymIndex = -1;
            for (Section s : elf.sections()) {
                if (s.type() == Section.SHT_DYNSYM) {
                    dynsymIndex = s.index();
                }
            }
            if (rel.get().link() != dynsymIndex || dynsym.isEmpty()) {
                return SymbolIndex.EMPTY;
            }
            ElfHeader h = elf.header();
            long header;
            long entry;
            if (h.machine() == EM_AARCH64) {
                header = 32;
                entry = 16;
            } else if (h.machine() == EM_ARM) {
                header = 20;
                entry = 12;
            } else {
                header = plt.get().entsize();
                entry = plt.get().entsize();
            }
            if (entry <= 0) {
                return SymbolIndex.EMPTY;
            }
            long at = plt.get().offset() + header;
            List<SymbolIndex.Entry> out = new ArrayList<>();
            List<Relocation> relocations = elf.relocations(new RelocationSection(rel.get(), rel.get().info(),
                    rel.get().link()));
            java.util.Map<String, String> demangled = Demangler.demangle(dynsym.stream().map(ElfSymbol::name).toList());
            for (Relocation r : relocations) {
                String name = r.symbol() > 0 && r.symbol() < dynsym.size() ? dynsym.get(r.symbol()).name() : "";
                name = demangled.getOrDefault(name, name);
                out.add(new SymbolIndex.Entry(name + "@plt", at, entry, SymbolIndex.Binding.GLOBAL, 0));
                at += entry;
            }
            return SymbolIndex.of(out, false);
        }
    }
}
