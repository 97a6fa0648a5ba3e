package dev.textpoke.code.space;

import java.util.ArrayList;
import java.util.List;

/**
 * The symbols of one object (a program, a library, the kernel), sorted, with perf's rules for
 * what a symbol covers and which of several at one address names it (tools/perf/util/symbol.c),
 * so that names come out as perf script prints them:
 *
 * <ul>
 *   <li>{@code symbols__fixup_end}: a symbol without a size ends where the next one starts; in
 *       kallsyms, the last symbol before a switch between kernel and module symbols ends at the
 *       next page boundary but one; the very last one a page after its page;
 *   <li>{@code symbols__fixup_duplicate} (after the ends): among symbols at one address, one with
 *       a size beats one without, a non-weak one a weak one, a global one a local one, fewer
 *       leading underscores more, a longer name a shorter one, and else a name not starting with
 *       {@code SyS}/{@code compat_SyS} ({@code arch__choose_best_symbol}), else the first;
 *   <li>{@code symbols__find}: {@code start <= addr < end}, or {@code addr == start} for a symbol
 *       that still has no size.
 * </ul>
 *
 * Immutable.
 */
public final class SymbolIndex {
    public static final SymbolIndex EMPTY = new SymbolIndex(new long[0], new long[0], new String[0], new int[0]);

    private static final long PAGE = 4096;

    /** How a symbol is bound, for choosing among aliases. */
    public enum Binding { LOCAL, GLOBAL, WEAK }

    /**
     * A symbol as its source gives it.
     *
     * @param size 0 when the source gives none (kallsyms)
     * @param group which part of the source it belongs to (kallsyms: 0 the kernel, 1.. a module)
     */
    public record Entry(String name, long start, long size, Binding binding, int group) {}

    /** A symbol found, with the range perf gives it. */
    public record Found(String name, long start, long end, int group) {
        /** {@code addr - start}, as perf's {@code +0x...}. */
        public long offset(long addr) {
            return addr - start;
        }
    }

    private final long[] start;
    private final long[] end;
    private final String[] name;
    private final int[] group;

    private SymbolIndex(long[] start, long[] end, String[] name, int[] group) {
        this.start = start;
        this.end = end;
        this.name = name;
        this.group = group;
    }

    /**
     * @param entries in the source's order (kept among symbols at one address, as perf's tree does)
     * @param kallsyms whether they come from kallsyms (perf's {@code is_kallsyms} end rule)
     */
    public static SymbolIndex of(List<Entry> entries, boolean kallsyms) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compareUnsigned(a.start(), b.start())); // stable
        int n = sorted.size();
        long[] ends = new long[n];
        for (int i = 0; i < n; i++) {
            ends[i] = sorted.get(i).start() + sorted.get(i).size();
        }
        // symbols__fixup_end
        for (int i = 1; i < n; i++) {
            Entry prev = sorted.get(i - 1);
            if (ends[i - 1] == prev.start()) {
                if (kallsyms && (prev.group() == 0) != (sorted.get(i).group() == 0)) {
                    ends[i - 1] = roundUp(prev.start() + PAGE);
                } else {
                    ends[i - 1] = sorted.get(i).start();
                }
            }
        }
        if (n > 0 && ends[n - 1] == sorted.get(n - 1).start()) {
            ends[n - 1] = roundUp(sorted.get(n - 1).start()) + PAGE;
        }
        // symbols__fixup_duplicate
        int[] kept = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (count > 0) {
                int k = kept[count - 1];
                if (sorted.get(k).start() == sorted.get(i).start()) {
                    if (!firstIsBetter(sorted.get(k), ends[k], sorted.get(i), ends[i])) {
                        kept[count - 1] = i;
                    }
                    continue;
                }
            }
            kept[count++] = i;
        }
        long[] s = new long[count];
        long[] e = new long[count];
        String[] nm = new String[count];
        int[] g = new int[count];
        for (int j = 0; j < count; j++) {
            Entry x = sorted.get(kept[j]);
            s[j] = x.start();
            e[j] = ends[kept[j]];
            nm[j] = x.name();
            g[j] = x.group();
        }
        return new SymbolIndex(s, e, nm, g);
    }

    private static long roundUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    /** perf's {@code choose_best_symbol}: true when {@code a} is kept over {@code b}. */
    private static boolean firstIsBetter(Entry a, long aEnd, Entry b, long bEnd) {
        long la = aEnd - a.start();
        long lb = bEnd - b.start();
        if (lb == 0 && la > 0) {
            return true;
        }
        if (la == 0 && lb > 0) {
            return false;
        }
        boolean wa = a.binding() == Binding.WEAK;
        boolean wb = b.binding() == Binding.WEAK;
        if (wb && !wa) {
            return true;
        }
        if (wa && !wb) {
            return false;
        }
        boolean ga = a.binding() == Binding.GLOBAL;
        boolean gb = b.binding() == Binding.GLOBAL;
        if (ga && !gb) {
            return true;
        }
        if (gb && !ga) {
            return false;
        }
        int ua = underscores(a.name());
        int ub = underscores(b.name());
        if (ub > ua) {
            return true;
        }
        if (ua > ub) {
            return false;
        }
        if (a.name().length() != b.name().length()) {
            return a.name().length() > b.name().length();
        }
        return !(a.name().startsWith("SyS") || a.name().startsWith("compat_SyS"));
    }

    private static int underscores(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '_') {
            i++;
        }
        return i;
    }

    /** The symbol covering {@code addr}, or null. */
    public Found find(long addr) {
        int lo = 0;
        int hi = start.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(start[mid], addr) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return null;
        }
        long s = start[hi];
        long e = end[hi];
        if (Long.compareUnsigned(addr, e) < 0 || addr == s) {
            return new Found(name[hi], s, e, group[hi]);
        }
        return null;
    }

    /** The symbol named {@code n} (the first in address order), or null. */
    public Found named(String n) {
        for (int i = 0; i < name.length; i++) {
            if (name[i].equals(n)) {
                return new Found(name[i], start[i], end[i], group[i]);
            }
        }
        return null;
    }

    public int size() {
        return start.length;
    }
}
