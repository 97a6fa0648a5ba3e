package dev.textpoke.sim.pt;

import dev.textpoke.pt.packet.PacketType;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * Which packet the model wrote where and at which TSC: its offset in the CPU's stream, its type,
 * the TSC of the instruction boundary (or event) it was emitted at, and for timing packets the TSC
 * it stands for (an MTC: its crystal edge; a TSC or TMA: the TSC it carries; a CYC: the cycle
 * count's end), else the emission TSC. Primitive arrays; no object per packet.
 */
public final class PacketLog {
    /** One logged packet. */
    public record Entry(int offset, PacketType type, long tsc, long value) {}

    private static final PacketType[] TYPES = PacketType.values();

    private int[] offsets = new int[256];
    private byte[] types = new byte[256];
    private long[] tscs = new long[256];
    private long[] values = new long[256];
    private int size;

    void add(int offset, PacketType type, long tsc, long value) {
        if (size == offsets.length) {
            int n = size * 2;
            offsets = Arrays.copyOf(offsets, n);
            types = Arrays.copyOf(types, n);
            tscs = Arrays.copyOf(tscs, n);
            values = Arrays.copyOf(values, n);
        }
        offsets[size] = offset;
        types[size] = (byte) type.ordinal();
        tscs[size] = tsc;
        values[size] = value;
        size++;
    }

    public int size() {
        return size;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public PacketType type(int i) {
        return TYPES[types[i]];
    }

    /** The TSC of the boundary the packet was emitted at. */
    public long tsc(int i) {
        return tscs[i];
    }

    /** What a timing packet stands for (see the class comment); else its emission TSC. */
    public long value(int i) {
        return values[i];
    }

    public Entry get(int i) {
        return new Entry(offsets[i], type(i), tscs[i], values[i]);
    }

    /** The entries as a list view. */
    public List<Entry> entries() {
        return new AbstractList<>() {
            @Override
            public Entry get(int i) {
                return PacketLog.this.get(i);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The index of the last entry at or before {@code offset}, or -1. */
    public int atOrBefore(int offset) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
