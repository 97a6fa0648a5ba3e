package dev.textpoke.code;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Kernel code over time: base images, every modification applied at its time with its old bytes
 * checked, and regions that come and go. Answers which bytes were at an address at a time, in any
 * order of times (forwards, backwards, at random), without ever overwriting a version.
 *
 * <p>Time: the state at time {@code t} includes every change whose switch has happened by
 * {@code t} (see {@link Switch}); changes still in flight at {@code t} count as done on the {@link
 * WindowSide#NEW} side and as not yet done on the {@link WindowSide#OLD} side. A byte no image,
 * region or modification covers at that time is a gap: it is reported as unknown, never guessed.
 *
 * <p>How: code is cut into 16-byte chunks. A chunk no change touched is read from the base images
 * directly; a bitmap over the base images ({@link ChunkDirectory}) says which were touched. A
 * touched chunk has its versions (full copies of its sixteen bytes, equal ones stored once, with a
 * mask of known bytes) in time order in one record of {@link Versions}. Immutable and safe to share
 * between threads.
 */
public final class CodeTimeline {
    /** The bytes a {@link #version} covers from its address: the longest x86 instruction, plus 1. */
    public static final int VERSION_SPAN = 16;
    /** A {@link #version} for bytes that no stored version holds (see there): do not cache them. */
    public static final long UNVERSIONED = -1;

    private static final int CHUNK = VersionLog.CHUNK;
    private static final int SHIFT = VersionLog.SHIFT;

    private final List<BaseImage> images;
    private final SegmentIndex base;
    private final List<Region> regions;
    private final Symbolizer symbolizer;
    private final PokeLog pokes;
    private final Checks checks;
    private final Changes changes;
    private final Versions versions;
    private final ChunkDirectory directory;
    /** Per base segment: add a chunk key of the segment to get its bit in the directory. */
    private final long[] segmentBit;

    CodeTimeline(List<BaseImage> images, SegmentIndex base, List<Region> regions,
            Symbolizer symbolizer, Replay.Result replayed) {
        this.images = List.copyOf(images);
        this.base = base;
        this.regions = List.copyOf(regions);
        this.symbolizer = symbolizer;
        this.pokes = replayed.pokes();
        this.checks = replayed.checks();
        this.changes = replayed.changes();
        this.versions = replayed.versions();
        this.directory = versions.directory();
        segmentBit = new long[base.count()];
        for (int s = 0; s < segmentBit.length; s++) {
            segmentBit[s] = directory.bitOf(base.first(s) >>> SHIFT);
        }
    }

    public static TimelineBuilder builder() {
        return new TimelineBuilder();
    }

    // ---- Bytes -------------------------------------------------------------------------------

    /**
     * Copies the bytes of {@code [addr, addr + len)} at {@code time} into {@code dest[off..]}, 0 for
     * unknown bytes. Allocates nothing unless in-flight and applied changes interleave in a chunk.
     * The fast path: the range lies in one base image segment and the side is NEW (or no change has
     * an uncertain window).
     *
     * @return how many bytes from {@code addr} are known before the first gap ({@code len} if all)
     */
    public int read(long addr, long time, WindowSide side, byte[] dest, int off, int len) {
        int s;
        if (len > 0 && (side == WindowSide.NEW || changes.maxWindow == 0)
                && (s = base.holding(addr, len)) >= 0) {
            // The common case: bytes inside one base segment. Copy the base bytes first, then lay
            // the versions of touched chunks over them: the copy's cache miss and the bitmap's
            // lookups do not wait for each other. Short and branch-poor, so that the processor
            // overlaps the misses of consecutive lookups.
            if (len == VERSION_SPAN) {
                base.copy(s, addr, dest, off, VERSION_SPAN);
            } else {
                base.copy(s, addr, dest, off, len);
            }
            long first = segmentBit[s] + (addr >>> SHIFT);
            long last = segmentBit[s] + ((addr + len - 1) >>> SHIFT);
            if (last - first <= 1 && !directory.touched(first) && !directory.touched(last)) {
                return len;
            }
            return overlay(addr, time, dest, off, len, first, last);
        }
        return read(addr, time, side, dest, off, len, null);
    }

    /** Lays the touched chunks of bits {@code [first, last]} over base bytes already in {@code dest}. */
    private int overlay(long addr, long time, byte[] dest, int off, int len, long first, long last) {
        int lead = len;
        long key = addr >>> SHIFT;
        for (long b = first; b <= last; b++, key++) {
            if (directory.touched(b)) {
                lead = Math.min(lead, versions.overlay(directory.idOfBit(b), key, time, addr, dest, off, len));
            }
        }
        return lead;
    }

    /** The bytes of {@code [addr, addr + len)} at {@code time}, counting changes in flight as done. */
    public CodeBytes bytes(long addr, int len, long time) {
        return bytes(addr, len, time, WindowSide.NEW);
    }

    public CodeBytes bytes(long addr, int len, long time, WindowSide side) {
        byte[] data = new byte[len];
        boolean[] known = new boolean[len];
        read(addr, time, side, data, 0, len, known);
        return new CodeBytes(addr, data, known);
    }

    private int read(long addr, long time, WindowSide side, byte[] dest, int off, int len,
            boolean[] known) {
        if (len <= 0) {
            return 0;
        }
        boolean old = side == WindowSide.OLD && changes.maxWindow > 0;
        int lead = -1;
        int done = 0;
        long a = addr;
        while (done < len) {
            int o = (int) (a & VersionLog.OFFSET_MASK);
            int n = Math.min(CHUNK - o, len - done);
            long key = a >>> SHIFT;
            int c = versions.chunk(key);
            int k;
            if (c < 0) {
                k = base.copy(a, dest, off + done, n, known, done);
            } else {
                int j = versions.entryAt(c, time);
                if (old) {
                    j = versions.oldSide(c, j, time);
                }
                if (j >= 0) {
                    k = versions.copy(c, j, o, dest, off + done, n, known, done);
                } else {
                    byte[] chunk = new byte[CHUNK];
                    char bits = versions.compose(c, key, ~j, time, chunk);
                    System.arraycopy(chunk, o, dest, off + done, n);
                    k = Versions.knownBits(bits >>> o, n, known, done);
                }
            }
            if (lead < 0 && k < n) {
                lead = done + k;
            }
            done += n;
            a += n;
        }
        return lead < 0 ? len : lead;
    }

    /**
     * The code version at {@code addr} and {@code time}, counting changes in flight as done: two
     * calls with the same address and the same version see the same bytes in {@code [addr, addr +
     * VERSION_SPAN)}. So an instruction decoded at an address can be cached under (address,
     * version). Versions are not ordered and mean nothing across addresses.
     */
    public long version(long addr, long time) {
        return version(addr, time, WindowSide.NEW);
    }

    /**
     * As {@link #version(long, long)} for one side of uncertain windows. On the {@code OLD} side,
     * when a change in flight lies under an applied one in a chunk, the bytes are composed rather
     * than stored, and the answer is {@link #UNVERSIONED}.
     */
    public long version(long addr, long time, WindowSide side) {
        long k1 = addr >>> SHIFT;
        long k2 = (addr + VERSION_SPAN - 1) >>> SHIFT;
        long v1 = chunkVersion(k1, time, side);
        long v2 = k2 == k1 ? v1 : chunkVersion(k2, time, side);
        if (v1 == UNVERSIONED || v2 == UNVERSIONED) {
            return UNVERSIONED;
        }
        return v1 << 32 | v2;
    }

    /**
     * The version of chunk {@code key}: 0 for base bytes (no change touched it), else the arena
     * offset of its content at that time, or UNVERSIONED when composed. Offsets are positive ints,
     * so two of them fit one long and the pair is unique per address.
     */
    private long chunkVersion(long key, long time, WindowSide side) {
        int c = versions.chunk(key);
        if (c < 0) {
            return 0;
        }
        int j = versions.entryAt(c, time);
        if (side == WindowSide.OLD) {
            j = versions.oldSide(c, j, time);
        }
        return j < 0 ? UNVERSIONED : versions.contentOffset(c, j);
    }

    // ---- Modifications ------------------------------------------------------------------------

    /** How many modifications the timeline holds. */
    public int modificationCount() {
        return pokes.size();
    }

    /** The modification at {@code index} in time order (ties in the order they were added). */
    public AppliedModification modification(int index) {
        Modification m = pokes.get(index);
        return new AppliedModification(index, m, checks.of(index, m));
    }

    /** Every modification in time order; the elements are made when asked for. */
    public List<AppliedModification> modifications() {
        return new AbstractList<>() {
            @Override
            public AppliedModification get(int index) {
                return modification(index);
            }

            @Override
            public int size() {
                return pokes.size();
            }
        };
    }

    /** The modifications whose old bytes did not match or were not covered, in time order. */
    public List<AppliedModification> unmatched() {
        List<AppliedModification> out = new ArrayList<>();
        new TreeSet<>(checks.unmatchedModels.keySet()).forEach(i -> out.add(modification(i)));
        return out;
    }

    /** The modifications that touched any byte of {@code [addr, addr + len)}, in time order. */
    public List<AppliedModification> history(long addr, int len) {
        return touching(addr, len, Long.MIN_VALUE, false);
    }

    /** The modifications touching {@code [addr, addr + len)} whose window contains {@code time}. */
    public List<AppliedModification> inFlight(long addr, int len, long time) {
        if (changes.maxWindow == 0) {
            return List.of();
        }
        return touching(addr, len, time, true);
    }

    /**
     * The times at which the bytes of {@code [addr, addr + len)} may change: the start and the end of
     * every change touching them (a switch point's time, a window's two edges, a region's load and
     * unload), sorted and distinct; empty when nothing ever changed them. Between two consecutive
     * times, before the first and from the last on, every query of these bytes on either side gives
     * the same answer. A decoder that knows only an interval for when a stretch of code ran (a branch
     * stack's range) tries each version it may have had once, at one time of each stretch.
     */
    public long[] changeTimes(long addr, int len) {
        if (len <= 0) {
            return new long[0];
        }
        long[] times = new long[8];
        int n = 0;
        long lastKey = (addr + len - 1) >>> SHIFT;
        for (long key = addr >>> SHIFT; ; key++) {
            int c = versions.chunk(key);
            for (int j = 1; c >= 0 && j < versions.count(c); j++) {
                int ch = versions.change(c, j);
                if (changes.touches(ch, addr, len)) {
                    if (n + 2 > times.length) {
                        times = java.util.Arrays.copyOf(times, times.length * 2);
                    }
                    times[n++] = changes.start(ch);
                    times[n++] = changes.end(ch);
                }
            }
            if (key == lastKey) {
                break;
            }
        }
        long[] sorted = java.util.Arrays.copyOf(times, n);
        java.util.Arrays.sort(sorted);
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (d == 0 || sorted[d - 1] != sorted[i]) {
                sorted[d++] = sorted[i];
            }
        }
        return java.util.Arrays.copyOf(sorted, d);
    }

    /** Whether any change ever touched a byte of {@code [addr, addr + len)}; cheaper than {@link #changeTimes}. */
    public boolean everChanged(long addr, int len) {
        if (len <= 0) {
            return false;
        }
        long lastKey = (addr + len - 1) >>> SHIFT;
        for (long key = addr >>> SHIFT; ; key++) {
            int c = versions.chunk(key);
            for (int j = 1; c >= 0 && j < versions.count(c); j++) {
                if (changes.touches(versions.change(c, j), addr, len)) {
                    return true;
                }
            }
            if (key == lastKey) {
                return false;
            }
        }
    }

    private List<AppliedModification> touching(long addr, int len, long time, boolean inFlightOnly) {
        TreeSet<Integer> found = new TreeSet<>();
        if (len > 0) {
            long lastKey = (addr + len - 1) >>> SHIFT;
            for (long key = addr >>> SHIFT; ; key++) {
                int c = versions.chunk(key);
                for (int j = 1; c >= 0 && j < versions.count(c); j++) {
                    int ch = versions.change(c, j);
                    int m = changes.modification(ch);
                    if (m >= 0 && changes.touches(ch, addr, len)
                            && (!inFlightOnly || changes.inFlight(ch, time))) {
                        found.add(m);
                    }
                }
                if (key == lastKey) {
                    break;
                }
            }
        }
        List<AppliedModification> out = new ArrayList<>(found.size());
        found.forEach(i -> out.add(modification(i)));
        return out;
    }

    // ---- Places -------------------------------------------------------------------------------

    /** The symbol and offset of {@code addr} at {@code time}: a live region's name, else a symbol. */
    public Optional<SymbolOffset> symbolize(long addr, long time) {
        return symbolizer.at(addr, time);
    }

    /** The run-time region holding {@code addr} at {@code time}. */
    public Optional<Region> regionAt(long addr, long time) {
        return symbolizer.region(addr, time);
    }

    public List<Region> regions() {
        return regions;
    }

    public List<BaseImage> images() {
        return images;
    }

    /** Sizes of the model, for benchmarks and diagnostics. */
    public record Footprint(long baseBytes, int chunks, int versions, long indexBytes,
            long modificationBytes) {}

    public Footprint footprint() {
        return new Footprint(base.totalBytes(), versions.chunks(), versions.entries(),
                versions.bytesUsed() + changes.bytesUsed(), pokes.bytesUsed());
    }
}
