package dev.textpoke.code;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Regions announced at run time, sorted by address, for "which region holds this address at this
 * time". An address may be reused by several regions over the trace. Immutable.
 */
final class RegionIndex {
    private final Region[] byAddress;
    private final long maxLength;

    RegionIndex(List<Region> regions) {
        List<Region> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(Region::address, Long::compareUnsigned)
                .thenComparingLong(Region::from));
        byAddress = sorted.toArray(new Region[0]);
        long max = 0;
        for (Region r : byAddress) {
            max = Math.max(max, r.length());
        }
        maxLength = max;
    }

    /** The region alive at {@code time} that holds {@code addr}. */
    Optional<Region> at(long addr, long time) {
        int lo = 0;
        int hi = byAddress.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(byAddress[mid].address(), addr) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = hi; i >= 0 && Long.compareUnsigned(addr - byAddress[i].address(), maxLength) < 0;
                i--) {
            Region r = byAddress[i];
            if (r.contains(addr) && r.aliveAt(time)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Whether one region alive at {@code time} holds all of {@code [addr, addr + n)}. */
    boolean covers(long addr, int n, long time) {
        Optional<Region> r = at(addr, time);
        return r.isPresent() && (n == 0 || r.get().contains(addr + n - 1));
    }

    boolean isEmpty() {
        return byAddress.length == 0;
    }
}
