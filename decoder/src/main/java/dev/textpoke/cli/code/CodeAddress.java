package dev.textpoke.cli.code;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Region;
import dev.textpoke.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address given on the command line: hex ({@code ffffffff81000070}, {@code 0x...}) or {@code
 * SYMBOL[+OFF]} with a hex offset, as perf and the kernel print them ({@code kprobed+0x2}; a
 * kernel-style {@code /SIZE} suffix is ignored). A name is looked up among the base images' symbols
 * and the run-time regions alive at the time asked about.
 *
 * @param size the symbol's size when a bare symbol was named and its size is known, else 0
 */
record CodeAddress(long address, long size) {
    private static final Pattern HEX = Pattern.compile("(?:0[xX])?[0-9a-fA-F]{1,16}");
    private static final Pattern SYMBOL = Pattern.compile("([^+/\\s]+)(?:\\+(?:0[xX])?([0-9a-fA-F]{1,16}))?(?:/.*)?");

    /**
     * A name that also reads as hex ({@code add}, {@code dead}) is the symbol when there is one of
     * that name, else the address; {@code 0x...} is always an address.
     *
     * @throws IllegalArgumentException naming what is wrong: unknown or ambiguous symbol, bad syntax
     */
    static CodeAddress parse(String s, CodeTimeline t, long time) {
        if (HEX.matcher(s).matches() && (s.startsWith("0x") || s.startsWith("0X") || !named(s, t))) {
            return new CodeAddress(Long.parseUnsignedLong(s.replaceFirst("^0[xX]", ""), 16), 0);
        }
        Matcher m = SYMBOL.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a hex address or SYMBOL[+OFF]: " + s);
        }
        String name = m.group(1);
        List<Symbol> found = new ArrayList<>();
        for (Region r : t.regions()) {
            if (r.name().equals(name) && r.aliveAt(time)) {
                found.add(new Symbol(name, r.address(), r.length()));
            }
        }
        if (found.isEmpty()) {
            for (BaseImage image : t.images()) {
                for (Symbol sym : image.symbols()) {
                    if (sym.name().equals(name) && found.stream().noneMatch(f -> f.address() == sym.address())) {
                        found.add(sym);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no symbol " + name + " in the images, nor a region of that name"
                    + " alive at that time");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("symbol " + name + " is ambiguous (" + found.size() + " addresses, "
                    + String.join(", ", found.stream().limit(4).map(f -> Long.toHexString(f.address())).toList())
                    + (found.size() > 4 ? ", ..." : "") + "): give an address");
        }
        Symbol sym = found.get(0);
        if (m.group(2) == null) {
            return new CodeAddress(sym.address(), sym.size());
        }
        return new CodeAddress(sym.address() + Long.parseUnsignedLong(m.group(2).toLowerCase(Locale.ROOT), 16), 0);
    }

    /** Whether a region or a base image symbol is called {@code name}. */
    private static boolean named(String name, CodeTimeline t) {
        return t.regions().stream().anyMatch(r -> r.name().equals(name)) || t.images().stream()
                .anyMatch(i -> i.symbols().stream().anyMatch(sym -> sym.name().equals(name)));
    }
}
