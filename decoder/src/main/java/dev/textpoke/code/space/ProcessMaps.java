package dev.textpoke.code.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The maps of one process over time. The current maps never overlap: a new mapping cuts what it
 * covers out of the older ones, as the kernel's mmap does and perf's {@code
 * maps__fixup_overlappings} models. Every version is kept with the time it stopped being current,
 * so that a query at an earlier time (a decoder working through one CPU's trace while the sideband
 * is already read further) sees the maps of that time.
 */
final class ProcessMaps {
    /** A mapping and when it stopped being current (unsigned; -1, the largest time: it still is). */
    private static final class Version {
        final Mapping mapping;
        long until = -1L;

        Version(Mapping mapping) {
            this.mapping = mapping;
        }

        boolean at(long time) {
            return Long.compareUnsigned(mapping.since(), time) <= 0 && Long.compareUnsigned(time, until) < 0;
        }
    }

    /** Current maps by start address (unsigned order). */
    private final TreeMap<Long, Version> current = new TreeMap<>(Long::compareUnsigned);
    /** Every version, in the order they were made. */
    private final List<Version> history = new ArrayList<>();
    /** The latest time a change was made at: queries at or after it read {@link #current}. */
    private long changedAt;
    /**
     * The last two current mappings lookups found: most lookups hit the same few, and a call
     * chain alternates between a program and its libraries.
     */
    private Version last;
    private Version before;
    /**
     * The current maps as sorted arrays for lookups, rebuilt after a change: changes are rare
     * (MMAPs) and lookups many (every call chain frame), and a binary search over two arrays is
     * several times faster than a TreeMap of boxed keys.
     */
    private long[] starts = new long[0];
    private long[] ends = new long[0];
    private Version[] versions = new Version[0];
    private boolean dirty;

    void insert(Mapping m) {
        remove(m.start(), m.end(), m.since());
        add(m);
    }

    /** Cuts {@code [start, end)} out of the current maps at {@code now}; the parts outside stay. */
    void remove(long start, long end, long now) {
        changedAt = now;
        last = null;
        before = null;
        dirty = true;
        Map.Entry<Long, Version> e = current.lowerEntry(start);
        List<Version> overlapped = new ArrayList<>();
        if (e != null && Long.compareUnsigned(e.getValue().mapping.end(), start) > 0) {
            overlapped.add(e.getValue());
        }
        overlapped.addAll(current.subMap(start, true, end, false).values());
        for (Version v : overlapped) {
            current.remove(v.mapping.start());
            v.until = now;
            Mapping old = v.mapping;
            if (Long.compareUnsigned(old.start(), start) < 0) {
                add(old.cut(old.start(), start, now));
            }
            if (Long.compareUnsigned(old.end(), end) > 0) {
                add(old.cut(end, old.end(), now));
            }
        }
    }

    private void add(Mapping m) {
        Version v = new Version(m);
        current.put(m.start(), v);
        history.add(v);
        dirty = true;
    }

    private void rebuild() {
        int n = current.size();
        starts = new long[n];
        ends = new long[n];
        versions = new Version[n];
        int i = 0;
        for (Version v : current.values()) {
            starts[i] = v.mapping.start();
            ends[i] = v.mapping.end();
            versions[i++] = v;
        }
        dirty = false;
    }

    /** The current mappings, in address order. */
    List<Mapping> currentMappings() {
        List<Mapping> out = new ArrayList<>(current.size());
        for (Version v : current.values()) {
            out.add(v.mapping);
        }
        return out;
    }

    /** The mapping holding {@code addr} at {@code time}, or null. */
    Mapping find(long addr, long time) {
        if (Long.compareUnsigned(time, changedAt) >= 0) {
            Version l = last;
            if (l != null && l.mapping.contains(addr)) {
                return l.mapping;
            }
            Version b = before;
            if (b != null && b.mapping.contains(addr)) {
                before = l;
                last = b;
                return b.mapping;
            }
            if (dirty) {
                rebuild();
            }
            // the last start at or below addr (unsigned)
            int lo = 0;
            int hi = starts.length - 1;
            long key = addr ^ Long.MIN_VALUE;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if ((starts[mid] ^ Long.MIN_VALUE) <= key) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (hi >= 0 && Long.compareUnsigned(addr, ends[hi]) < 0) {
                before = last;
                last = versions[hi];
                return last.mapping;
            }
            return null;
        }
        // An earlier time: the newest version that held addr then.
        for (int i = history.size() - 1; i >= 0; i--) {
            Version v = history.get(i);
            if (v.mapping.contains(addr) && v.at(time)) {
                return v.mapping;
            }
        }
        return null;
    }
}
