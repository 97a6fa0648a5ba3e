package dev.textpoke.isa;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.WindowSide;
import java.util.Arrays;

/**
 * Decoded instructions over a {@link CodeTimeline}, each static instruction disassembled once per
 * code version: the key is (address, {@link CodeTimeline#version}), so a poke makes the
 * instructions it touches decode again, and only those, at the times after it; nothing is ever
 * invalidated by guessing (perf drops 4096 bytes before a poke).
 *
 * <p>Not thread-safe, like the classifier it uses: one per decoding thread. The table is emptied
 * when it reaches {@code maxEntries}.
 */
public final class InstructionCache {
    private static final long EMPTY = Long.MIN_VALUE;

    private final CodeTimeline timeline;
    private final InstructionClassifier classifier;
    private final int maxEntries;
    private final byte[] buffer = new byte[CodeTimeline.VERSION_SPAN];
    private long[] addresses;
    private long[] versions;
    private Decoded[] decoded;
    private int size;
    private long hits;
    private long misses;

    public InstructionCache(CodeTimeline timeline, InstructionClassifier classifier) {
        this(timeline, classifier, 1 << 22);
    }

    public InstructionCache(CodeTimeline timeline, InstructionClassifier classifier, int maxEntries) {
        if (classifier.isa().maxLength() > CodeTimeline.VERSION_SPAN) {
            throw new IllegalArgumentException("instructions longer than a code version's span");
        }
        this.timeline = timeline;
        this.classifier = classifier;
        this.maxEntries = Math.max(16, maxEntries);
        allocate(1024);
    }

    private void allocate(int capacity) {
        addresses = new long[capacity];
        versions = new long[capacity];
        Arrays.fill(versions, EMPTY);
        decoded = new Decoded[capacity];
        size = 0;
    }

    /** The instruction at {@code addr} as it was at {@code time}, counting changes in flight as done. */
    public Decoded at(long addr, long time) {
        return at(addr, time, WindowSide.NEW);
    }

    /**
     * The instruction at {@code addr} as it was at {@code time} on {@code side} of uncertain windows;
     * {@link Undecodable} with 0 bytes available where no image covers the address.
     */
    public Decoded at(long addr, long time, WindowSide side) {
        long version = timeline.version(addr, time, side);
        if (version == CodeTimeline.UNVERSIONED) {
            misses++;
            return decode(addr, time, side);
        }
        int mask = addresses.length - 1;
        int i = slot(addr, version, mask);
        while (versions[i] != EMPTY) {
            if (versions[i] == version && addresses[i] == addr) {
                hits++;
                return decoded[i];
            }
            i = (i + 1) & mask;
        }
        misses++;
        Decoded d = decode(addr, time, side);
        if (size + 1 > maxEntries) {
            allocate(addresses.length);
        } else if ((size + 1) * 2 > addresses.length) {
            grow();
        }
        insert(addr, version, d);
        return d;
    }

    private Decoded decode(long addr, long time, WindowSide side) {
        int n = timeline.read(addr, time, side, buffer, 0, classifier.isa().maxLength());
        return n == 0 ? new Undecodable(addr, 0) : classifier.classify(buffer, 0, n, addr);
    }

    private static int slot(long addr, long version, int mask) {
        long h = (addr * 0x9E3779B97F4A7C15L) ^ (version * 0xC2B2AE3D27D4EB4FL);
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private void insert(long addr, long version, Decoded d) {
        int mask = addresses.length - 1;
        int i = slot(addr, version, mask);
        while (versions[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        addresses[i] = addr;
        versions[i] = version;
        decoded[i] = d;
        size++;
    }

    private void grow() {
        long[] a = addresses;
        long[] v = versions;
        Decoded[] d = decoded;
        allocate(a.length * 2);
        for (int i = 0; i < a.length; i++) {
            if (v[i] != EMPTY) {
                insert(a[i], v[i], d[i]);
            }
        }
    }

    /** Lookups answered from the table. */
    public long hits() {
        return hits;
    }

    /** Lookups that disassembled. */
    public long misses() {
        return misses;
    }
}
