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
 * directly. A touched chunk has a list of versions (full copies of its sixteen bytes with a mask of
 * known bytes), sorted by time and found by binary search; the chunk is found in an open-addressing
 * hash table. Immutable and safe to share between threads.
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
    }

    public static TimelineBuilder builder() {
        return new TimelineBuilder();
    }

    // ---- Bytes -------------------------------------------------------------------------------

    /**
     * Copies the bytes of {@code [addr, addr + len)} at {@code time} into {@code dest[off..]}, 0 for
     * unknown bytes. Allocates nothing unless in-flight and applied changes interleave in a chunk.
     *
     * @return how many bytes from {@code addr} are known before the first gap ({@code len} if all)
     */
    public int read(long addr, long time, WindowSide side, byte[] dest, int off, int len) {
        return read(addr, time, side, dest, off, len, null);
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
        // The common case, an instruction's worth of bytes no change touched: one base copy.
        long k1 = addr >>> SHIFT;
        long k2 = (addr + len - 1) >>> SHIFT;
        if (k2 - k1 <= 1 && versions.chunk(k1) < 0 && (k2 == k1 || versions.chunk(k2) < 0)) {
            return base.copy(addr, dest, off, len, known, 0);
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
                int e = versions.entryAt(c, time);
                if (old) {
                    e = versions.oldSide(c, e, time);
                }
                if (e >= 0) {
                    k = versions.copy(e, o, dest, off + done, n, known, done);
                } else {
                    byte[] chunk = new byte[CHUNK];
                    char bits = versions.compose(c, key, ~e, time, chunk);
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
     * The version of chunk {@code key}: 0 for base bytes (no change touched it), else its entry
     * number plus one, or UNVERSIONED when composed. Entry numbers are below 2^26, so two of them
     * fit one long and the pair is unique per address.
     */
    private long chunkVersion(long key, long time, WindowSide side) {
        int c = versions.chunk(key);
        if (c < 0) {
            return 0;
        }
        int e = versions.entryAt(c, time);
        if (side == WindowSide.OLD) {
            e = versions.oldSide(c, e, time);
        }
        return e < 0 ? UNVERSIONED : e + 1L;
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

    private List<AppliedModification> touching(long addr, int len, long time, boolean inFlightOnly) {
        TreeSet<Integer> found = new TreeSet<>();
        if (len > 0) {
            long lastKey = (addr + len - 1) >>> SHIFT;
            for (long key = addr >>> SHIFT; ; key++) {
                int c = versions.chunk(key);
                for (int e = c < 0 ? 0 : versions.first(c) + 1; c >= 0 && e < versions.end(c); e++) {
                    int ch = versions.change(e);
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
