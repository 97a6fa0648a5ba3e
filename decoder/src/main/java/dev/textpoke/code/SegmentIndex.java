package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The base images' segments sorted by address, for reading base bytes. Immutable. */
final class SegmentIndex {
    private final long[] first;
    private final long[] last;
    private final Bytes[] bytes;

    private record Entry(ImageSegment segment, String image) {}

    /** @throws ImageOverlapException when two segments share an address */
    SegmentIndex(List<BaseImage> images) throws ImageOverlapException {
        List<Entry> all = new ArrayList<>();
        for (BaseImage image : images) {
            for (ImageSegment s : image.segments()) {
                if (!s.bytes().isEmpty()) {
                    all.add(new Entry(s, image.name()));
                }
            }
        }
        all.sort(Comparator.comparing((Entry e) -> e.segment().address(), Long::compareUnsigned));
        for (int i = 1; i < all.size(); i++) {
            Entry a = all.get(i - 1);
            Entry b = all.get(i);
            if (Long.compareUnsigned(b.segment().address(), a.segment().last()) <= 0) {
                throw new ImageOverlapException("base images overlap: " + describe(a) + " and "
                        + describe(b) + " both cover 0x" + Long.toHexString(b.segment().address()));
            }
        }
        int n = all.size();
        first = new long[n];
        last = new long[n];
        bytes = new Bytes[n];
        for (int i = 0; i < n; i++) {
            first[i] = all.get(i).segment().address();
            last[i] = all.get(i).segment().last();
            bytes[i] = all.get(i).segment().bytes();
        }
    }

    private static String describe(Entry e) {
        return e.image() + " [0x" + Long.toHexString(e.segment().address()) + "-0x"
                + Long.toHexString(e.segment().last() + 1) + ")";
    }

    /** The last segment starting at or below {@code addr}, or -1. */
    private int floor(long addr) {
        int lo = 0;
        int hi = first.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(first[mid], addr) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    /** The segment holding all of {@code [addr, addr + n)}, or -1 when none does. */
    int holding(long addr, int n) {
        int s = floor(addr);
        return s >= 0 && Long.compareUnsigned(addr - first[s], last[s] - first[s] - (n - 1)) <= 0
                && Long.compareUnsigned(last[s] - first[s], n - 1) >= 0 ? s : -1;
    }

    /** How many segments there are, numbered in address order. */
    int count() {
        return first.length;
    }

    /** The first address of segment {@code s}. */
    long first(int s) {
        return first[s];
    }

    /** Copies {@code [addr, addr + n)}, all inside segment {@code s} (see {@link #holding}). */
    void copy(int s, long addr, byte[] dest, int off, int n) {
        bytes[s].copyTo((int) (addr - first[s]), dest, off, n);
    }

    /**
     * Copies the base bytes of {@code [addr, addr + n)} into {@code dest[off..]}, 0 where no segment
     * covers; marks {@code known[koff..]} when {@code known} is not null.
     *
     * @return how many bytes from {@code addr} are covered before the first gap
     */
    int copy(long addr, byte[] dest, int off, int n, boolean[] known, int koff) {
        int lead = -1;
        int done = 0;
        long a = addr;
        while (done < n) {
            int s = floor(a);
            int m;
            if (s >= 0 && Long.compareUnsigned(a, last[s]) <= 0) {
                m = (int) Math.min(n - done, Long.min(last[s] - a, Integer.MAX_VALUE - 1) + 1);
                bytes[s].copyTo((int) (a - first[s]), dest, off + done, m);
                if (known != null) {
                    java.util.Arrays.fill(known, koff + done, koff + done + m, true);
                }
            } else {
                long gap = s + 1 < first.length ? first[s + 1] - a : Long.MAX_VALUE;
                m = (int) Math.min(n - done, Long.compareUnsigned(gap, n) < 0 ? gap : n);
                java.util.Arrays.fill(dest, off + done, off + done + m, (byte) 0);
                if (known != null) {
                    java.util.Arrays.fill(known, koff + done, koff + done + m, false);
                }
                if (lead < 0) {
                    lead = done;
                }
            }
            done += m;
            a += m;
        }
        return lead < 0 ? n : lead;
    }

    /** Whether every byte of {@code [addr, addr + n)} is in some segment. */
    boolean covers(long addr, int n) {
        long a = addr;
        int left = n;
        while (left > 0) {
            int s = floor(a);
            if (s < 0 || Long.compareUnsigned(a, last[s]) > 0) {
                return false;
            }
            long here = Long.min(last[s] - a, Integer.MAX_VALUE - 1) + 1;
            if (here >= left) {
                return true;
            }
            left -= (int) here;
            a += here;
        }
        return true;
    }

    interface RangeVisitor {
        void visit(long first, long last);
    }

    /** Visits the part of each segment inside {@code [first, last]} (inclusive bounds). */
    void forEachOverlap(long first, long last, RangeVisitor visitor) {
        int s = Math.max(0, floor(first));
        for (; s < this.first.length && Long.compareUnsigned(this.first[s], last) <= 0; s++) {
            if (Long.compareUnsigned(this.last[s], first) < 0) {
                continue;
            }
            long from = Long.compareUnsigned(this.first[s], first) > 0 ? this.first[s] : first;
            long to = Long.compareUnsigned(this.last[s], last) < 0 ? this.last[s] : last;
            visitor.visit(from, to);
        }
    }

    /** The chunk keys the segments cover, as merged {@code [first, last]} ranges in key order. */
    long[][] keyRanges(int shift) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int s = 0; s < first.length; s++) {
            long lo = first[s] >>> shift;
            long hi = last[s] >>> shift;
            long[] prev = out.isEmpty() ? null : out.get(out.size() - 1);
            if (prev != null && lo <= prev[1] + 1) {
                prev[1] = Math.max(prev[1], hi);
            } else {
                out.add(new long[] {lo, hi});
            }
        }
        return out.toArray(new long[0][]);
    }

    long totalBytes() {
        long sum = 0;
        for (Bytes b : bytes) {
            sum += b.length();
        }
        return sum;
    }
}
