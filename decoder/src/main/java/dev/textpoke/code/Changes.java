package dev.textpoke.code;

import java.util.List;

/**
 * Everything that changes bytes, in the order the timeline applies it (by start time): the
 * modifications, and regions loading and unloading. A change's number is its place in that order.
 * {@code ref[change]} says what it is: {@code >= 0} a row of {@code pokes}, otherwise a region
 * event ({@link #regionLoad}, {@link #regionUnload}). The fields are read from the modifications
 * and regions themselves rather than copied.
 */
final class Changes {
    private final int[] ref;
    private final PokeLog pokes;
    private final List<Region> regions;
    /** The longest uncertain window: 0 when every change has a switch point. */
    final long maxWindow;

    Changes(int[] ref, PokeLog pokes, List<Region> regions) {
        this.ref = ref;
        this.pokes = pokes;
        this.regions = regions;
        long max = 0;
        for (int i = 0; i < pokes.size(); i++) {
            max = Math.max(max, pokes.end(i) - pokes.start(i));
        }
        maxWindow = max;
    }

    static int regionLoad(int region) {
        return ~(region << 1);
    }

    static int regionUnload(int region) {
        return ~((region << 1) | 1);
    }

    private Region region(int change) {
        return regions.get(~ref[change] >>> 1);
    }

    private boolean isLoad(int change) {
        return (~ref[change] & 1) == 0;
    }

    /** The modification (row of {@code pokes}) this change is, or -1 for a region event. */
    int modification(int change) {
        return ref[change] >= 0 ? ref[change] : -1;
    }

    long start(int change) {
        int m = ref[change];
        return m >= 0 ? pokes.start(m) : isLoad(change) ? region(change).from() : region(change).to();
    }

    long end(int change) {
        int m = ref[change];
        return m >= 0 ? pokes.end(m) : start(change);
    }

    long address(int change) {
        int m = ref[change];
        return m >= 0 ? pokes.address(m) : region(change).address();
    }

    long span(int change) {
        int m = ref[change];
        return m >= 0 ? pokes.span(m) : region(change).length();
    }

    boolean inFlight(int change, long time) {
        return ref[change] >= 0 && pokes.start(ref[change]) <= time && time < pokes.end(ref[change]);
    }

    /** The bits of chunk {@code key}'s sixteen bytes this change touches (it must touch some). */
    char maskIn(int change, long key) {
        long first = address(change);
        long last = first + span(change) - 1;
        int lo = (first >>> VersionLog.SHIFT) == key ? (int) (first & VersionLog.OFFSET_MASK) : 0;
        int hi = (last >>> VersionLog.SHIFT) == key ? (int) (last & VersionLog.OFFSET_MASK)
                : VersionLog.CHUNK - 1;
        return (char) (((2 << hi) - 1) & -(1 << lo));
    }

    /** Whether this change touches any byte of {@code [addr, addr + n)}. */
    boolean touches(int change, long addr, int n) {
        long first = address(change);
        return Long.compareUnsigned(addr - first, span(change)) < 0
                || Long.compareUnsigned(first - addr, n) < 0;
    }

    long bytesUsed() {
        return ref.length * 4L;
    }
}
