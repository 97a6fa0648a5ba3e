package dev.textpoke.code.space;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.ProgramHeader;
import dev.textpoke.elf.Section;
import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A file mapped into processes (a program, a library, the vDSO), found on this machine: its
 * symbols, read when first asked for, and its bytes. Symbols are indexed by <em>file offset</em>,
 * the address {@link Mapping#objectAddress} gives, as perf indexes them (tools/perf/util/
 * symbol-elf.c, {@code dso__load_sym}: a user-space symbol's value is moved from its virtual address
 * to its file offset through the program header that loads it).
 *
 * <p>Symbols are the functions and objects of {@code .symtab} (from the separate debug file when
 * there is one, else from the file), else of {@code .dynsym}, as perf's {@code elf_sym__filter}
 * keeps them: defined, named, not absolute, in an allocated section, with labels (NOTYPE symbols in
 * code sections); and, as {@code dso__synthesize_plt_symbols} makes them, one {@code name@plt}
 * symbol per {@code .rela.plt} entry over the {@code .plt} section of the file itself.
 *
 * <p>Not thread-safe.
 */
public final class ObjectFile {
    /** {@code STV_INTERNAL}, {@code STV_HIDDEN}. */
    private static final int STV_INTERNAL = 1;
    private static final int STV_HIDDEN = 2;

    private final String name;
    private final Path file;
    private final Path symbolFile;
    private SymbolIndex symbols;
    private String problem;
    private FileChannel channel;

    /**
     * @param name the name the mapping gave (what perf prints as the dso)
     * @param file the file with the bytes, or null when only the name is known
     * @param symbolFile the file with the fullest symbol table (a separate debug file, or {@code file})
     */
    ObjectFile(String name, Path file, Path symbolFile) {
        this.name = name;
        this.file = file;
        this.symbolFile = symbolFile;
    }

    /**
     * A JIT's {@code /tmp/perf-PID.map} ({@code START SIZE name}, hex, one symbol per line), whose
     * symbols are addresses (perf's {@code dso__load_perf_map}); no bytes.
     */
    static ObjectFile perfMap(String name, Path map) {
        ObjectFile o = new ObjectFile(name, null, null);
        List<SymbolIndex.Entry> entries = new ArrayList<>();
        if (java.nio.file.Files.isRegularFile(map)) {
            try {
                for (String line : java.nio.file.Files.readAllLines(map, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    String[] f = line.strip().split("\\s+", 3);
                    if (f.length == 3) {
                        try {
                            entries.add(new SymbolIndex.Entry(f[2], Long.parseUnsignedLong(f[0].replaceFirst("^0x", ""), 16),
                                    Long.parseUnsignedLong(f[1].replaceFirst("^0x", ""), 16), SymbolIndex.Binding.GLOBAL, 0));
                        } catch (NumberFormatException e) {
                            // perf skips such a line too
                        }
                    }
                }
            } catch (IOException e) {
                o.problem = e.getMessage();
            }
        }
        o.symbols = SymbolIndex.of(entries, false);
        return o;
    }

    /** The name perf prints for it: the mapped file's path, {@code [vdso]}, ... */
    public String name() {
        return name;
    }

    /** The file on this machine that holds its bytes, or null. */
    public Path file() {
        return file;
    }

    /** What went wrong reading it (a damaged ELF file), or null. */
    public String problem() {
        return problem;
    }

    private SymbolIndex plt = SymbolIndex.EMPTY;

    /** The symbol covering a file offset, or null (a PLT entry's {@code name@plt} first). */
    public SymbolIndex.Found symbol(long fileOffset) {
        SymbolIndex all = symbols();
        SymbolIndex.Found p = plt.find(fileOffset);
        return p != null ? p : all.find(fileOffset);
    }

    /** Every symbol, by file offset (empty when the file is not found or has none). */
    public SymbolIndex symbols() {
        if (symbols == null) {
            symbols = SymbolIndex.EMPTY;
            if (symbolFile != null) {
                try {
                    symbols = load(symbolFile, file);
                    if (file != null) {
                        plt = Plt.symbols(file);
                    }
                } catch (IOException | RuntimeException e) {
                    problem = e.getMessage();
                }
            }
        }
        return symbols;
    }

    /**
     * Reads up to {@code length} bytes at file offset {@code offset} into {@code dst}; returns how
     * many there were (0 past the end, or when the file is not found).
     */
    public int read(long offset, byte[] dst, int at, int length) throws IOException {
        if (file == null || offset < 0) {
            return 0;
        }
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        ByteBuffer b = ByteBuffer.wrap(dst, at, length);
        int n = 0;
        while (b.hasRemaining()) {
            int r = channel.read(b, offset + n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private CallFrames callFrames;

    /** Its call frame information, read on first use (none when the file is not on this machine). */
    CallFrames callFrames(dev.textpoke.code.unwind.UnwindAbi abi) {
        if (callFrames == null) {
            callFrames = file == null ? CallFrames.NONE : CallFrames.of(file, symbolFile, abi);
        }
        return callFrames;
    }

    /** Closes the file if it was opened for reading bytes. */
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static SymbolIndex load(Path symbolFile, Path runtimeFile) throws IOException {
        List<ProgramHeader> loads = new ArrayList<>();
        List<ElfSymbol> syms;
        List<Section> sections;
        try (ElfFile elf = ElfFile.open(symbolFile)) {
            syms = elf.symbols();
            if (syms.isEmpty()) {
                syms = elf.dynamicSymbols();
            }
            sections = elf.sections();
            if (runtimeFile == null || runtimeFile.equals(symbolFile)) {
                loads.addAll(elf.programHeaders());
            }
        }
        if (loads.isEmpty() && runtimeFile != null) {
            try (ElfFile elf = ElfFile.open(runtimeFile)) {
                loads.addAll(elf.programHeaders());
            }
        }
        loads.removeIf(p -> !p.isLoad());
        List<SymbolIndex.Entry> entries = new ArrayList<>();
        for (ElfSymbol s : syms) {
            if (s.name().isEmpty() || !s.inSection() || s.section() >= sections.size()) {
                continue;
            }
            Section in = sections.get(s.section());
            // perf's elf_sym__is_label: a NOTYPE symbol in a code section, not hidden or internal.
            boolean label = s.type() == ElfSymbol.STT_NOTYPE && in.isExecutable()
                    && s.visibility() != STV_INTERNAL && s.visibility() != STV_HIDDEN;
            if (!(label || s.isFunction() || s.type() == ElfSymbol.STT_OBJECT) || !in.isAlloc()) {
                continue;
            }
            long value = s.value();
            for (ProgramHeader p : loads) {
                if (p.containsAddress(value)) {
                    value -= p.vaddr() - p.offset();
                    break;
                }
            }
            entries.add(new SymbolIndex.Entry(s.name(), value, s.size(), binding(s.binding()), 0));
        }
        // perf chooses among aliases by the names as demangled (choose_best_symbol sees them so).
        Map<String, String> demangled = Demangler.demangle(entries.stream().map(SymbolIndex.Entry::name).toList());
        if (!demangled.isEmpty()) {
            entries.replaceAll(e -> demangled.containsKey(e.name()) ? new SymbolIndex.Entry(demangled.get(e.name()),
                    e.start(), e.size(), e.binding(), e.group()) : e);
        }
        return SymbolIndex.of(entries, false);
    }

    private static SymbolIndex.Binding binding(int b) {
        return switch (b) {
            case ElfSymbol.STB_LOCAL -> SymbolIndex.Binding.LOCAL;
            case ElfSymbol.STB_WEAK -> SymbolIndex.Binding.WEAK;
            default -> SymbolIndex.Binding.GLOBAL;
        };
    }

    /** A file's GNU build id, or null. */
    static Bytes buildIdOf(Path f) {
        try (ElfFile elf = ElfFile.open(f)) {
            return elf.buildId().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a file's GNU build id is {@code expected}. */
    static boolean hasBuildId(Path f, Bytes expected) {
        try (ElfFile elf = ElfFile.open(f)) {
            return elf.buildId().map(id -> id.equals(expected)).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
