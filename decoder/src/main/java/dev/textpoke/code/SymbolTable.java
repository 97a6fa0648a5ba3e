package dev.textpoke.code;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The base images' symbols sorted by address, for symbol+offset. Symbols without a size (kallsyms)
 * extend to the next symbol; the last such one to the page after the one it starts in, as perf's
 * {@code symbols__fixup_end} does. Among symbols at one address the one perf keeps is preferred
 * ({@code symbols__fixup_duplicate} with {@code choose_best_symbol}, tools/perf/util/symbol.c, run
 * after {@code symbols__fixup_end}): a sized one (of several, the one with fewer leading
 * underscores, then the longer name, then the first by name); among unsized ones (kallsyms), the
 * last one listed, which fixing the ends left the only one with a length. Immutable.
 */
final class SymbolTable {
    private static final long PAGE = 4096;

    private final long[] address;
    private final long[] end;
    private final String[] name;

    SymbolTable(List<BaseImage> images) {
        List<Symbol> all = new ArrayList<>();
        for (BaseImage image : images) {
            all.addAll(image.symbols());
        }
        // Stable: symbols at one address keep the order they were listed in.
        all.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned));
        for (int i = 0; i < all.size();) {
            int j = i;
            while (j < all.size() && all.get(j).address() == all.get(i).address()) {
                j++;
            }
            if (j - i > 1) {
                // The lookup answers with the first symbol at an address: put perf's choice there.
                java.util.Collections.swap(all, i, i + preferred(all.subList(i, j)));
            }
            i = j;
        }
        int n = all.size();
        address = new long[n];
        end = new long[n];
        name = new String[n];
        for (int i = 0; i < n; i++) {
            Symbol s = all.get(i);
            address[i] = s.address();
            name[i] = s.name();
            if (s.size() > 0) {
                end[i] = s.address() + s.size();
            } else {
                long next = s.address();
                for (int j = i + 1; j < n && next == s.address(); j++) {
                    next = all.get(j).address();
                }
                end[i] = next != s.address() ? next : (s.address() & -PAGE) + 2 * PAGE;
            }
        }
    }

    /** Which of several symbols at one address (in their input order) perf keeps. */
    private static int preferred(List<Symbol> same) {
        int best = -1;
        for (int k = 0; k < same.size(); k++) {
            Symbol s = same.get(k);
            if (s.size() > 0 && (best < 0 || BY_PREFERENCE.compare(s, same.get(best)) < 0)) {
                best = k;
            }
        }
        return best >= 0 ? best : same.size() - 1;
    }

    private static final Comparator<Symbol> BY_PREFERENCE = Comparator.comparingInt(SymbolTable::leadingUnderscores)
            .thenComparing(Comparator.comparingInt((Symbol s) -> s.name().length()).reversed())
            .thenComparing(Symbol::name);

    private static int leadingUnderscores(Symbol s) {
        int n = 0;
        while (n < s.name().length() && s.name().charAt(n) == '_') {
            n++;
        }
        return n;
    }

    /** The symbol containing {@code addr} and the offset into it. */
    Optional<SymbolOffset> lookup(long addr) {
        int lo = 0;
        int hi = address.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(address[mid], addr) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return Optional.empty();
        }
        int i = hi;
        while (i > 0 && address[i - 1] == address[hi]) {
            i--;
        }
        long offset = addr - address[i];
        if (Long.compareUnsigned(offset, end[i] - address[i]) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new SymbolOffset(name[i], offset));
    }

    int size() {
        return address.length;
    }
}
