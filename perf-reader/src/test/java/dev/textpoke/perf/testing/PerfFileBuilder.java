package dev.textpoke.perf.testing;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays out a file-mode perf.data from parts (header, attr section with ids, data, feature table
 * and sections) in either byte order, as perf's {@code perf_session__write_header} lays it out:
 * attrs and ids first, then the data section, then the feature table and sections.
 */
public final class PerfFileBuilder {
    private final ByteOrder order;
    private final List<byte[]> attrs = new ArrayList<>();
    private final List<long[]> ids = new ArrayList<>();
    private final List<byte[]> records = new ArrayList<>();
    private final Map<Integer, byte[]> features = new TreeMap<>();
    private int attrEntrySize = -1;

    public PerfFileBuilder(ByteOrder order) {
        this.order = order;
    }

    public ByteOrder order() {
        return order;
    }

    /** Adds an attr (its encoded bytes, {@code attr.size} long) with its ids. */
    public PerfFileBuilder attr(byte[] attr, long... eventIds) {
        attrs.add(attr);
        ids.add(eventIds);
        return this;
    }

    /** Overrides {@code attr_size} (default: the first attr's size + 16). */
    public PerfFileBuilder attrEntrySize(int size) {
        this.attrEntrySize = size;
        return this;
    }

    public PerfFileBuilder record(byte[] rec) {
        records.add(rec);
        return this;
    }

    public PerfFileBuilder feature(int id, byte[] data) {
        features.put(id, data);
        return this;
    }

    public byte[] build() {
        int entry = attrEntrySize > 0 ? attrEntrySize : (attrs.isEmpty() ? 80 : attrs.get(0).length + 16);
        int idsStart = 104;
        Enc idsBlock = new Enc(order);
        long[] idOffsets = new long[attrs.size()];
        for (int i = 0; i < attrs.size(); i++) {
            idOffsets[i] = idsStart + idsBlock.size();
            for (long id : ids.get(i)) {
                idsBlock.u64(id);
            }
        }
        long attrsOffset = idsStart + idsBlock.size();
        Enc attrBlock = new Enc(order);
        for (int i = 0; i < attrs.size(); i++) {
            int before = attrBlock.size();
            attrBlock.bytes(attrs.get(i)).u64(idOffsets[i]).u64(8L * ids.get(i).length);
            attrBlock.zeros(entry - (attrBlock.size() - before));
        }
        long dataOffset = attrsOffset + attrBlock.size();
        Enc data = new Enc(order);
        for (byte[] r : records) {
            data.bytes(r);
        }
        long featTable = dataOffset + data.size();
        Enc table = new Enc(order);
        Enc sections = new Enc(order);
        long sectionsStart = featTable + 16L * features.size();
        for (var e : features.entrySet()) {
            table.u64(sectionsStart + sections.size()).u64(e.getValue().length);
            sections.bytes(e.getValue());
        }
        Enc h = new Enc(order);
        h.bytes("PERFILE2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (order == ByteOrder.BIG_ENDIAN) {
            // The magic is a u64 in the writer's order: on a big-endian writer its bytes are reversed.
            h = new Enc(order).bytes(new byte[] {'2', 'E', 'L', 'I', 'F', 'R', 'E', 'P'});
        }
        h.u64(104).u64(entry).u64(attrsOffset).u64(attrBlock.size()).u64(dataOffset).u64(data.size())
                .u64(0).u64(0);
        long[] bits = new long[4];
        for (int id : features.keySet()) {
            bits[id / 64] |= 1L << (id % 64);
        }
        for (long w : bits) {
            h.u64(w);
        }
        return new Enc(order).bytes(h.toArray()).bytes(idsBlock.toArray()).bytes(attrBlock.toArray())
                .bytes(data.toArray()).bytes(table.toArray()).bytes(sections.toArray()).toArray();
    }

    /**
     * The flags word as a writer of {@code order} lays it out. A big-endian compiler allocates
     * bit-fields from the most significant bit of each byte: byte i holds bits 8i..8i+7 with their
     * order within the byte reversed (what perf's {@code swap_bitfield}/{@code revbyte} undo).
     */
    public static byte[] flagBytes(ByteOrder order, long flags) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            int v = (int) (flags >>> (8 * i)) & 0xff;
            if (order == ByteOrder.BIG_ENDIAN) {
                int r = 0;
                for (int bit = 0; bit < 8; bit++) {
                    if ((v >>> bit & 1) != 0) {
                        r |= 0x80 >>> bit;
                    }
                }
                v = r;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /** A minimal attr of {@code size} bytes: type, size, sample_type, flags (LE bit numbering). */
    public static byte[] attr(ByteOrder order, int size, int type, long config, long sampleType, long flags) {
        Enc e = new Enc(order).u32(type).u32(size).u64(config).u64(1).u64(sampleType).u64(0);
        e.bytes(flagBytes(order, flags));
        e.zeros(size - e.size());
        return e.toArray();
    }
}
