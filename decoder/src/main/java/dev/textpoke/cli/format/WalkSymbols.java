package dev.textpoke.cli.format;

import dev.textpoke.branches.Walk;
import dev.textpoke.branches.WalkCode;
import dev.textpoke.code.SymbolOffset;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The symbol of each instruction of a walk, for the {@code sym+off:} lines perf prints in
 * {@code brstackinsn} whenever an instruction lies outside the symbol of the last line ({@code
 * ip__fprintf_sym}): per walk once (walks are shared by every occurrence of a range), with the
 * symbols of the time the walk's code was read. Not thread-safe.
 */
final class WalkSymbols {
    /** A symbol by its name and start: equal ones are the same symbol. */
    record Sym(String name, long start) {}

    private static final int KEPT = 1 << 16;

    private final Map<Walk, Sym[]> symbols = new IdentityHashMap<>();
    /** One object per symbol, so that a symbol is compared by identity. */
    private final Map<Sym, Sym> interned = new java.util.HashMap<>();

    /** The symbol of each instruction of {@code w} (null where none holds it). */
    Sym[] of(Walk w) {
        Sym[] s = symbols.get(w);
        if (s == null) {
            if (symbols.size() >= KEPT) {
                symbols.clear();
                interned.clear();
            }
            s = new Sym[w.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = at(w.origin(), w.instruction(i).address(), w.readTime());
            }
            symbols.put(w, s);
        }
        return s;
    }

    /** The symbol holding {@code addr} of {@code code} at {@code time}, or null; one object per symbol. */
    Sym at(WalkCode code, long addr, long time) {
        Optional<SymbolOffset> o = code.names().at(addr, time);
        if (o.isEmpty()) {
            return null;
        }
        Sym s = new Sym(o.get().name(), addr - o.get().offset());
        if (interned.size() >= KEPT) {
            interned.clear();
            symbols.clear();
        }
        return interned.computeIfAbsent(s, k -> k);
    }

    /** perf's line for an address in a symbol: {@code \tname+off:} with a decimal offset, or {@code \tname:}. */
    static void line(StringBuilder sb, Sym s, long addr) {
        sb.append('\t').append(s.name());
        long off = addr - s.start();
        if (off != 0) {
            sb.append(off > 0 ? "+" : "").append((int) off);
        }
        sb.append(":\n");
    }
}
