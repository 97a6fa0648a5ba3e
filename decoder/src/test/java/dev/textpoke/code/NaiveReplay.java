package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The oracle for the timeline's property test: a byte array per query, rebuilt from the base images
 * by re-applying every change from the start, in the documented order (time; at equal times region
 * loads, then modifications in the order they were added, then region unloads). Slow and obvious.
 */
final class NaiveReplay {
    /** A change, in one vocabulary: a modification, a region's content arriving, a region going. */
    record Change(long time, long end, int priority, int order, long address, byte[] written,
            int span, Modification modification, Region region) {}

    private final long windowBase;
    private final int windowSize;
    private final List<BaseImage> images;
    private final List<Region> regions;
    final List<Change> changes = new ArrayList<>();

    NaiveReplay(long windowBase, int windowSize, List<BaseImage> images, List<Modification> added,
            List<Region> regions) {
        this.windowBase = windowBase;
        this.windowSize = windowSize;
        this.images = images;
        this.regions = regions;
        for (int i = 0; i < added.size(); i++) {
            Modification m = added.get(i);
            changes.add(new Change(m.switching().start(), m.switching().end(), 1, i, m.address(),
                    m.newBytes().toArray(), m.span(), m, null));
        }
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r.content().isPresent()) {
                changes.add(new Change(r.from(), r.from(), 0, added.size() + i, r.address(),
                        r.content().get().toArray(), (int) r.length(), null, r));
            }
            if (r.to() != Long.MAX_VALUE) {
                changes.add(new Change(r.to(), r.to(), 2, added.size() + i, r.address(),
                        new byte[0], (int) r.length(), null, r));
            }
        }
        changes.sort(Comparator.comparingLong(Change::time).thenComparingInt(Change::priority)
                .thenComparingInt(Change::order));
    }

    /** The modifications in application order. */
    List<Modification> modifications() {
        return changes.stream().filter(c -> c.modification() != null).map(Change::modification).toList();
    }

    private int offset(long addr) {
        return (int) (addr - windowBase);
    }

    /** The state of the whole window after the first {@code count} changes when {@code applies}. */
    private State replay(int count, java.util.function.Predicate<Change> applies) {
        State s = new State(new byte[windowSize], new boolean[windowSize]);
        for (BaseImage image : images) {
            for (ImageSegment seg : image.segments()) {
                for (int i = 0; i < seg.bytes().length(); i++) {
                    s.data[offset(seg.address() + i)] = (byte) seg.bytes().get(i);
                    s.known[offset(seg.address() + i)] = true;
                }
            }
        }
        for (int k = 0; k < count; k++) {
            Change c = changes.get(k);
            if (!applies.test(c)) {
                continue;
            }
            for (int i = 0; i < c.span(); i++) {
                int o = offset(c.address() + i);
                if (i < c.written().length) {
                    s.data[o] = c.written()[i];
                    s.known[o] = true;
                } else {
                    s.data[o] = 0;
                    s.known[o] = false;
                }
            }
        }
        return s;
    }

    record State(byte[] data, boolean[] known) {
        CodeBytes slice(long windowBase, long addr, int len) {
            int o = (int) (addr - windowBase);
            return new CodeBytes(addr, java.util.Arrays.copyOfRange(data, o, o + len),
                    java.util.Arrays.copyOfRange(known, o, o + len));
        }
    }

    CodeBytes bytes(long addr, int len, long time, WindowSide side) {
        State s = replay(changes.size(), c -> c.time() <= time
                && (side == WindowSide.NEW || c.end() <= time));
        return s.slice(windowBase, addr, len);
    }

    /** The model just before the {@code index}-th modification in application order. */
    CodeBytes before(int index, long addr, int len) {
        int k = 0;
        for (int seen = -1; k < changes.size(); k++) {
            if (changes.get(k).modification() != null && ++seen == index) {
                break;
            }
        }
        return replay(k, c -> true).slice(windowBase, addr, len);
    }

    /** Whether a region alive at {@code time} holds all of {@code [addr, addr + len)}. */
    boolean regionCovers(long addr, int len, long time) {
        for (Region r : regions) {
            if (r.aliveAt(time) && r.contains(addr) && r.contains(addr + len - 1)) {
                return true;
            }
        }
        return false;
    }

    boolean imageCovers(long addr, int len) {
        State s = replay(0, c -> false);
        for (int i = 0; i < len; i++) {
            if (!s.known[offset(addr + i)]) {
                return false;
            }
        }
        return true;
    }
}
