package dev.textpoke.code.image;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.Symbol;
import dev.textpoke.io.InputFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A copy of the running kernel as {@code perf record --kcore} writes it in {@code
 * perf.data/kcore_dir/}: {@code kcore} (an ELF file of the kernel text and module memory, read at
 * record start), {@code kallsyms} and {@code modules} (copies of {@code /proc/kallsyms} and {@code
 * /proc/modules}).
 *
 * @param modules the loaded modules, where their text starts
 */
public record KcoreDir(BaseImage image, List<LoadedModule> modules) {

    /** A line of {@code /proc/modules}: {@code name size refcount deps state address}. */
    public record LoadedModule(String name, long size, long address) {}

    public static KcoreDir load(Path dir) throws IOException {
        Path kcore = dir.resolve("kcore");
        List<Symbol> symbols = Files.exists(dir.resolve("kallsyms")) ? kallsyms(dir.resolve("kallsyms")) : List.of();
        List<LoadedModule> modules = Files.exists(dir.resolve("modules")) ? modules(dir.resolve("modules")) : List.of();
        BaseImage image = new BaseImage(kcore.toString(), ElfImages.kcoreSegments(kcore), symbols);
        return new KcoreDir(image, List.copyOf(modules));
    }

    public Optional<LoadedModule> module(String name) {
        return modules.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * The text symbols of a kallsyms file ({@code address type name [module]}; types t, T, w, W);
     * kallsyms gives no sizes.
     */
    public static List<Symbol> kallsyms(Path file) throws IOException {
        return KallsymsTable.load(file).textSymbols();
    }

    /** The lines of a {@code /proc/modules} copy. */
    public static List<LoadedModule> modules(Path file) throws IOException {
        List<LoadedModule> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            long offset = 0;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 6) {
                    if (!line.isBlank()) {
                        throw new InputFormatException(file.toString(), offset,
                                "not a modules line (name size refcount deps state address): " + line);
                    }
                } else {
                    long size;
                    try {
                        size = Long.parseLong(f[1]);
                    } catch (NumberFormatException e) {
                        throw new InputFormatException(file.toString(), offset, "bad module size: " + f[1]);
                    }
                    out.add(new LoadedModule(f[0], size, hex(f[5], file, offset)));
                }
                offset += line.length() + 1;
            }
        }
        return out;
    }

    private static long hex(String s, Path file, long offset) throws InputFormatException {
        String h = s.startsWith("0x") ? s.substring(2) : s;
        try {
            return Long.parseUnsignedLong(h, 16);
        } catch (NumberFormatException e) {
            throw new InputFormatException(file.toString(), offset, "not a hex address: " + s);
        }
    }
}
