package dev.textpoke.code.image;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.ProgramHeader;
import dev.textpoke.elf.Section;
import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Base images from ELF files: a vmlinux or a kcore copy (their loadable segments at their
 * addresses), and a kernel module ({@code .ko}, {@code .ko.xz}, {@code .ko.zst}) placed at its
 * load address.
 */
public final class ElfImages {
    private ElfImages() {}

    /**
     * The executable {@code PT_LOAD} segments of a vmlinux (their file bytes at {@code p_vaddr}),
     * with the code symbols of {@code .symtab}.
     */
    public static BaseImage vmlinux(Path path) throws IOException {
        try (ElfFile elf = ElfFile.open(path)) {
            return new BaseImage(elf.name(), segments(elf, true), codeSymbols(elf, null, 0));
        }
    }

    /**
     * Every {@code PT_LOAD} segment of a kcore copy: perf's {@code kcore_copy} writes one per
     * range of kernel text and module memory it copied, with no symbols (those are in kallsyms).
     */
    public static List<ImageSegment> kcoreSegments(Path kcore) throws IOException {
        try (ElfFile elf = ElfFile.open(kcore)) {
            return segments(elf, false);
        }
    }

    private static List<ImageSegment> segments(ElfFile elf, boolean executableOnly) throws IOException {
        List<ImageSegment> out = new ArrayList<>();
        for (ProgramHeader p : elf.programHeaders()) {
            if (p.isLoad() && p.filesz() > 0 && (!executableOnly || p.isExecutable())) {
                out.add(new ImageSegment(p.vaddr(), copy(elf.contents(p))));
            }
        }
        return out;
    }

    private static Bytes copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return Bytes.wrapOwned(out);
    }

    /**
     * A kernel module's text placed as the kernel's module loader places it: the allocated,
     * executable sections other than {@code .init*}, in section order, each aligned to its {@code
     * sh_addralign}, from {@code textAddress} (the address {@code /proc/modules} shows). Its symbols
     * in those sections move with them. Relocations are applied as far as the module itself tells
     * (references between its text sections); every other relocated place is unknown (a gap).
     */
    public static BaseImage module(Path path, long textAddress) throws IOException {
        return module(path, textAddress, name -> OptionalLong.empty());
    }

    /**
     * {@link #module(Path, long)} with symbols outside the module's text resolved by {@code
     * external} (kallsyms: undefined symbols, and the module's data through its named symbols);
     * places whose relocation still cannot be computed are gaps, never wrong bytes.
     */
    public static BaseImage module(Path path, long textAddress, Function<String, OptionalLong> external)
            throws IOException {
        try (ElfFile elf = ElfFile.open(path)) {
            long[] placed = new long[elf.sections().size()];
            List<Section> text = new ArrayList<>();
            long offset = 0;
            for (Section s : elf.sections()) {
                placed[s.index()] = -1;
                if (!s.isAlloc() || !s.isExecutable() || s.name().startsWith(".init") || s.size() == 0) {
                    continue;
                }
                long align = Math.max(1, s.addralign());
                offset = (offset + align - 1) / align * align;
                placed[s.index()] = offset;
                text.add(s);
                offset += s.size();
            }
            ModuleRelocations relocations = new ModuleRelocations(elf, placed, textAddress, external);
            List<ImageSegment> segments = new ArrayList<>();
            for (Section s : text) {
                if (!s.hasFileBytes()) {
                    continue;
                }
                byte[] bytes = copy(elf.contents(s)).toArray();
                boolean[] unknown = new boolean[bytes.length];
                relocations.apply(s, bytes, unknown);
                // Known runs only: a place that could not be relocated is left out of the image.
                for (int from = 0; from < bytes.length; ) {
                    int to = from;
                    while (to < bytes.length && !unknown[to]) {
                        to++;
                    }
                    if (to > from) {
                        segments.add(new ImageSegment(textAddress + placed[s.index()] + from,
                                Bytes.copyOf(bytes, from, to - from)));
                    }
                    from = to;
                    while (from < bytes.length && unknown[from]) {
                        from++;
                    }
                }
            }
            return new BaseImage(elf.name(), segments, codeSymbols(elf, placed, textAddress));
        }
    }

    /**
     * Function and untyped symbols with a name and an address; for a module ({@code placed} not
     * null) only those in placed sections, moved to where their section went.
     */
    private static List<Symbol> codeSymbols(ElfFile elf, long[] placed, long base) throws IOException {
        List<Symbol> out = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.name().isEmpty() || !s.inSection()
                    || !(s.type() == ElfSymbol.STT_FUNC || s.type() == ElfSymbol.STT_NOTYPE)) {
                continue;
            }
            if (placed == null) {
                out.add(new Symbol(s.name(), s.value(), s.size()));
            } else if (s.section() < placed.length && placed[s.section()] >= 0) {
                out.add(new Symbol(s.name(), base + placed[s.section()] + s.value(), s.size()));
            }
        }
        return out;
    }
}
