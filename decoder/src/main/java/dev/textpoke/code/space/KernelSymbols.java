package dev.textpoke.code.space;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's symbols, from a kallsyms copy or a vmlinux, with its modules' symbols told apart
 * (kallsyms' {@code [module]} column): what perf names kernel addresses with, and how. perf reads
 * kallsyms' text and data symbols ({@code T W D B} in either case, {@code symbol_type__filter}),
 * gives them no size and lets the next symbol end them ({@link SymbolIndex}).
 */
public final class KernelSymbols {
    /** No kernel symbols: every kernel address is {@code [unknown]}. */
    public static final KernelSymbols NONE = new KernelSymbols(SymbolIndex.EMPTY, List.of(), "none", false);

    /** The dso name perf gives kernel text. */
    public static final String KERNEL_DSO = "[kernel.kallsyms]";

    private final SymbolIndex symbols;
    /** Module names by group (1..); group 0 is the kernel. */
    private final List<String> modules;
    private final String source;
    private final boolean fromImage;

    private KernelSymbols(SymbolIndex symbols, List<String> modules, String source, boolean fromImage) {
        this.symbols = symbols;
        this.modules = List.copyOf(modules);
        this.source = source;
        this.fromImage = fromImage;
    }

    /**
     * Whether perf reads this kernel from an image: a vmlinux, or the {@code kcore} beside a kallsyms
     * copy (perf's {@code dso__load_kcore} looks there first). Its addresses are then the image's
     * own (perf's {@code dso->adjust_symbols}); from kallsyms alone perf knows only the symbols.
     */
    public boolean fromImage() {
        return fromImage;
    }

    /** Where the symbols come from (a path), for messages. */
    public String source() {
        return source;
    }

    public SymbolIndex symbols() {
        return symbols;
    }

    /** The symbol covering a kernel address, or null. */
    public SymbolIndex.Found find(long addr) {
        return symbols.find(addr);
    }

    /** The dso perf names a symbol's code by: {@code [kernel.kallsyms]} or {@code [module]}. */
    public String dsoOf(SymbolIndex.Found s) {
        return s.group() == 0 ? KERNEL_DSO : "[" + modules.get(s.group() - 1) + "]";
    }

    /** The largest kallsyms copy read (a kernel with every module loaded has some 20 MB). */
    private static final long MAX_KALLSYMS = 512L << 20;

    /** A {@code /proc/kallsyms} copy: {@code address type name [module]} per line. */
    public static KernelSymbols kallsyms(Path file) throws IOException {
        requireKallsymsFile(file);
        byte[] b = Files.readAllBytes(file);
        List<SymbolIndex.Entry> entries = new ArrayList<>(b.length / 40);
        Map<String, Integer> groups = new LinkedHashMap<>();
        readKallsyms(file, b, b.length, entries, groups);
        return new KernelSymbols(SymbolIndex.of(entries, true), new ArrayList<>(groups.keySet()), file.toString(),
                Files.isRegularFile(file.resolveSibling("kcore")));
    }

    /** How much of a kallsyms copy {@link #checkKallsyms} reads: its first lines. */
    private static final int CHECKED_BYTES = 4096;

    /**
     * Whether {@code file} can be read as {@link #kallsyms} reads it, without reading it all (a
     * command checks its options before it prints, and may need no kernel symbol): it is there, not
     * a directory, not too large, and its first lines are kallsyms lines.
     */
    public static void checkKallsyms(Path file) throws IOException {
        requireKallsymsFile(file);
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(CHECKED_BYTES);
        }
        int end = head.length;
        if (end == CHECKED_BYTES) { // whole lines only
            while (end > 0 && head[end - 1] != '\n') {
                end--;
            }
        }
        readKallsyms(file, head, end, new ArrayList<>(), new LinkedHashMap<>());
    }

    private static void requireKallsymsFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "a directory, not a kallsyms file");
        }
        long size = Files.size(file); // 0 for /proc/kallsyms itself
        if (size > MAX_KALLSYMS) {
            throw new InputFormatException(file.toString(), 0, "a kallsyms file of " + size
                    + " bytes is larger than any kernel's (at most " + MAX_KALLSYMS + ")");
        }
    }

    /** The symbols of the lines in {@code b[0, length)}, added to {@code entries}, their modules to {@code groups}. */
    private static void readKallsyms(Path file, byte[] b, int length, List<SymbolIndex.Entry> entries,
            Map<String, Integer> groups) throws InputFormatException {
        // Read as bytes, field by field: kallsyms is 120,000 lines or more, read once per command,
        // mostly before the JIT has compiled anything (a regular expression split per line made it
        // a tenth of a tracepoint pass).
        int[] f = new int[8]; // start and end of up to four fields
        for (int at = 0; at < length;) {
            int lineEnd = at;
            while (lineEnd < length && b[lineEnd] != '\n') {
                lineEnd++;
            }
            int line = at;
            at = lineEnd + 1;
            int n = fields(b, line, lineEnd, f);
            if (n == 0) {
                continue;
            }
            if (n < 3 || f[3] - f[2] != 1) {
                throw new InputFormatException(file.toString(), line, "not a kallsyms line (address type name"
                        + " [module]): " + new String(b, line, lineEnd - line, StandardCharsets.ISO_8859_1));
            }
            char t = (char) b[f[2]];
            char type = Character.toUpperCase(t);
            if ((type != 'T' && type != 'W' && type != 'D' && type != 'B') || b[f[4]] == '$') {
                continue;
            }
            if (!isHex(b, f[0], f[1])) {
                throw new InputFormatException(file.toString(), line, "not a hex address: "
                        + new String(b, f[0], f[1] - f[0], StandardCharsets.ISO_8859_1));
            }
            long addr = 0;
            for (int i = f[0]; i < f[1]; i++) {
                addr = addr << 4 | Character.digit(b[i], 16);
            }
            int group = 0;
            if (n >= 4 && b[f[6]] == '[' && b[f[7] - 1] == ']' && f[7] - f[6] >= 2) {
                String module = new String(b, f[6] + 1, f[7] - f[6] - 2, StandardCharsets.ISO_8859_1);
                group = groups.computeIfAbsent(module, m -> groups.size() + 1);
            }
            SymbolIndex.Binding binding = t == 'W' || t == 'w' ? SymbolIndex.Binding.WEAK
                    : Character.isUpperCase(t) ? SymbolIndex.Binding.GLOBAL : SymbolIndex.Binding.LOCAL;
            entries.add(new SymbolIndex.Entry(new String(b, f[4], f[5] - f[4], StandardCharsets.ISO_8859_1),
                    addr, 0, binding, group));
        }
    }

    /**
     * Splits {@code b[from, to)} at runs of blanks into at most four fields, their start and end in
     * {@code f[2i], f[2i+1]}; returns how many.
     */
    private static int fields(byte[] b, int from, int to, int[] f) {
        int n = 0;
        int i = from;
        while (n < 4) {
            while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
                i++;
            }
            if (i == to) {
                break;
            }
            f[2 * n] = i;
            while (i < to && b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                i++;
            }
            f[2 * n + 1] = i;
            n++;
        }
        return n;
    }

    /** Whether {@code b[from, to)} is a hex number of 1 to 16 digits. */
    private static boolean isHex(byte[] b, int from, int to) {
        if (to - from > 16 || to == from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(b[i], 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A vmlinux's {@code .symtab} functions and objects (kernel addresses are its virtual addresses). */
    public static KernelSymbols vmlinux(Path file) throws IOException {
        List<SymbolIndex.Entry> entries = new ArrayList<>();
        try (ElfFile elf = ElfFile.open(file)) {
            for (ElfSymbol s : elf.symbols()) {
                if (!s.name().isEmpty() && s.inSection() && (s.isFunction() || s.type() == ElfSymbol.STT_OBJECT)) {
                    SymbolIndex.Binding b = s.binding() == ElfSymbol.STB_LOCAL ? SymbolIndex.Binding.LOCAL
                            : s.binding() == ElfSymbol.STB_WEAK ? SymbolIndex.Binding.WEAK : SymbolIndex.Binding.GLOBAL;
                    entries.add(new SymbolIndex.Entry(s.name(), s.value(), s.size(), b, 0));
                }
            }
        }
        return new KernelSymbols(SymbolIndex.of(entries, false), List.of(), file.toString(), true);
    }

    /**
     * The kernel symbols perf would use when told nothing: the kallsyms copy that perf record put
     * in the build-id cache ({@code DIR/[kernel.kallsyms]/BUILDID/kallsyms}), else this machine's
     * {@code /proc/kallsyms} when the running kernel is the recorded one (same build id in {@code
     * /sys/kernel/notes}) and its addresses are not hidden ({@code kptr_restrict}).
     *
     * Without a recorded build id (a pipe), perf takes {@code /proc/kallsyms} whatever kernel
     * made the recording; this takes it only when the recorded OS release is the running one.
     *
     * @param kernelBuildId the recorded kernel's build id (BUILD_ID feature, {@code
     *     [kernel.kallsyms]}), or null
     * @param osRelease the recorded kernel's release (OSRELEASE feature), or null
     */
    public static Optional<Path> cachedKallsyms(Path buildIdDir, Bytes kernelBuildId, String osRelease) {
        if (kernelBuildId == null || kernelBuildId.isEmpty()) {
            try {
                String running = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
                return osRelease != null && osRelease.equals(running) ? Optional.of(Path.of("/proc/kallsyms"))
                        : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        String hex = HexFormat.of().formatHex(kernelBuildId.toArray());
        if (buildIdDir != null) {
            Path cached = buildIdDir.resolve(KERNEL_DSO).resolve(hex).resolve("kallsyms");
            if (Files.isRegularFile(cached)) {
                return Optional.of(cached);
            }
        }
        if (runningKernelIs(kernelBuildId)) {
            return Optional.of(Path.of("/proc/kallsyms"));
        }
        return Optional.empty();
    }

    /** Whether the running kernel's build id ({@code /sys/kernel/notes}, an ELF note list) is {@code id}. */
    static boolean runningKernelIs(Bytes id) {
        try {
            byte[] notes = Files.readAllBytes(Path.of("/sys/kernel/notes"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(notes).order(java.nio.ByteOrder.nativeOrder());
            while (b.remaining() >= 12) {
                int nameSize = b.getInt();
                int descSize = b.getInt();
                int type = b.getInt();
                int nameLen = (nameSize + 3) & ~3;
                int descLen = (descSize + 3) & ~3;
                if (nameSize < 0 || descSize < 0 || nameLen > b.remaining() || descLen > b.remaining() - nameLen) {
                    return false;
                }
                byte[] name = new byte[nameLen];
                b.get(name);
                byte[] desc = new byte[descLen];
                b.get(desc);
                // NT_GNU_BUILD_ID (3), owner "GNU"
                if (type == 3 && nameSize == 4 && name[0] == 'G' && name[1] == 'N' && name[2] == 'U') {
                    return Bytes.wrapOwned(java.util.Arrays.copyOf(desc, descSize)).equals(id);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
