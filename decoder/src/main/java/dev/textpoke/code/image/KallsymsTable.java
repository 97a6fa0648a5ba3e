package dev.textpoke.code.image;

import dev.textpoke.code.Symbol;
import dev.textpoke.io.InputFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A {@code /proc/kallsyms} copy ({@code address type name [module]} per line), read once for both
 * of its uses: every symbol (text and data) by name, for resolving a module's relocations (a
 * module's own symbols, {@code [module]} in the fourth column, first, then a name that is unique
 * in the kernel and the other modules; a name given twice with different addresses is ambiguous
 * and resolves to nothing); and the text symbols (types t, T, w, W), for naming addresses.
 */
public final class KallsymsTable {
    /** Marks a name seen at two addresses. */
    private static final long AMBIGUOUS = 0;

    private final Map<String, Long> kernel = new HashMap<>();
    private final Map<String, Map<String, Long>> modules = new HashMap<>();
    private final List<Symbol> text = new ArrayList<>();

    private KallsymsTable() {}

    public static KallsymsTable load(Path file) throws IOException {
        KallsymsTable t = new KallsymsTable();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            long offset = 0;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3) {
                    long addr;
                    try {
                        addr = Long.parseUnsignedLong(f[0], 16);
                    } catch (NumberFormatException e) {
                        throw new InputFormatException(file.toString(), offset, "not a hex address: " + f[0]);
                    }
                    if (f.length >= 4 && f[3].startsWith("[") && f[3].endsWith("]")) {
                        put(t.modules.computeIfAbsent(f[3].substring(1, f[3].length() - 1), m -> new HashMap<>()),
                                f[2], addr);
                    }
                    put(t.kernel, f[2], addr);
                    if (f[1].length() == 1 && "tTwW".contains(f[1])) {
                        t.text.add(new Symbol(f[2], addr, 0));
                    }
                } else if (!line.isBlank()) {
                    throw new InputFormatException(file.toString(), offset,
                            "not a kallsyms line (address type name [module]): " + line);
                }
                offset += line.length() + 1;
            }
        }
        return t;
    }

    private static void put(Map<String, Long> map, String name, long addr) {
        map.merge(name, addr, (a, b) -> a.longValue() == b.longValue() ? a : AMBIGUOUS);
    }

    /** The text symbols in file order; kallsyms gives no sizes. */
    public List<Symbol> textSymbols() {
        return Collections.unmodifiableList(text);
    }

    /** The address of {@code name} as module {@code module} would link it. */
    public OptionalLong address(String name, String module) {
        Long own = modules.getOrDefault(module, Map.of()).get(name);
        Long addr = own != null ? own : kernel.get(name);
        return addr == null || addr == AMBIGUOUS ? OptionalLong.empty() : OptionalLong.of(addr);
    }
}
