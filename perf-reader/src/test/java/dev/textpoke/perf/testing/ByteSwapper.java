package dev.textpoke.perf.testing;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rewrites a little-endian perf.data as a big-endian machine would have written it, field by
 * field from the struct layouts (include/uapi/linux/perf_event.h, tools/lib/perf/include/perf/
 * event.h, perf's header.c feature writers): every u16/u32/u64 byte-swapped, bit-fields
 * allocated from the most significant bit, byte arrays and strings as they are, zstd streams
 * decompressed, rewritten and compressed again. It does not use the reader under test.
 *
 * <p>Features it has no rewriter for (BPF program info, BTF, tracing data, unknown ids) are left
 * out of the result, and so are records of unknown types.
 */
public final class ByteSwapper {
    /** Features rewritten, by id. */
    public static final Set<Integer> SWAPPED_FEATURES = Set.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            17, 18, 19, 20, 21, 22, 23, 24, 27, 28, 29, 30, 31);

    private static final long IP = 1, TID = 2, TIME = 4, ADDR = 8, READ = 16, CALLCHAIN = 32, ID = 64, CPU = 128,
            PERIOD = 256, STREAM_ID = 512, RAW = 1024, BRANCH_STACK = 2048, REGS_USER = 4096, STACK_USER = 8192,
            WEIGHT = 1 << 14, DATA_SRC = 1 << 15, IDENTIFIER = 1 << 16, TRANSACTION = 1 << 17, REGS_INTR = 1 << 18,
            PHYS_ADDR = 1 << 19, AUX = 1 << 20, CGROUP = 1 << 21, DATA_PAGE_SIZE = 1 << 22,
            CODE_PAGE_SIZE = 1 << 23, WEIGHT_STRUCT = 1 << 24;

    /** The attr fields a swapper needs, read from the little-endian bytes. */
    private record Attr(long sampleType, long readFormat, boolean sampleIdAll, long branchSampleType,
            long regsUser, long regsIntr) {}

    private final List<Attr> attrs = new ArrayList<>();
    private com.github.luben.zstd.ZstdDecompressCtx zstd;
    private final Map<Long, Attr> byId = new HashMap<>();
    private long nrCpus = -1;

    /** Rewrites a file-mode or pipe-mode little-endian perf.data. */
    public static byte[] toBigEndian(byte[] le) {
        return new ByteSwapper().swapFile(le);
    }

    private byte[] swapFile(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(8) == 16) {
            Enc out = be().bytes(new byte[] {'2', 'E', 'L', 'I', 'F', 'R', 'E', 'P'}).u64(16);
            out.bytes(swapRecords(b, 16, le.length, false));
            return out.toArray();
        }
        long attrSize = b.getLong(16);
        long attrsOff = b.getLong(24);
        long attrsSize = b.getLong(32);
        long dataOff = b.getLong(40);
        long dataSize = b.getLong(48);
        // Attrs and their ids.
        List<byte[]> attrBytes = new ArrayList<>();
        List<long[]> idLists = new ArrayList<>();
        for (long at = attrsOff; at + attrSize <= attrsOff + attrsSize; at += attrSize) {
            int size = b.getInt((int) at + 4);
            size = size == 0 ? 64 : size;
            Attr a = readAttr(b, (int) at, size);
            attrs.add(a);
            long idsOff = b.getLong((int) (at + size));
            long idsSize = b.getLong((int) (at + size + 8));
            long[] ids = new long[(int) (idsSize / 8)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = b.getLong((int) (idsOff + 8L * i));
                byId.putIfAbsent(ids[i], a);
            }
            Swap s = new Swap(b, (int) at);
            swapAttr(s, size);
            attrBytes.add(s.out.toArray());
            idLists.add(ids);
        }
        // Features: the table after the data, one section per set bit.
        long[] bits = {b.getLong(72), b.getLong(80), b.getLong(88), b.getLong(96)};
        TreeMap<Integer, byte[]> features = new TreeMap<>();
        long table = dataOff + dataSize;
        int n = 0;
        for (int id = 0; id < 256; id++) {
            if ((bits[id / 64] >>> (id % 64) & 1) == 0) {
                continue;
            }
            long off = b.getLong((int) (table + 16L * n));
            long size = b.getLong((int) (table + 16L * n + 8));
            n++;
            if (id == 7) {
                nrCpus = b.getInt((int) off) & 0xffffffffL;
            }
            byte[] swapped = swapFeatureIfWellFormed(id, b, (int) off, (int) size);
            if (swapped != null) {
                features.put(id, swapped);
            }
        }
        byte[] data = swapRecords(b, (int) dataOff, (int) (dataOff + dataSize), true);
        // Lay the file out again, as perf does: header, ids, attrs, data, feature table, sections.
        Enc ids = be();
        long[] idOffsets = new long[idLists.size()];
        for (int i = 0; i < idLists.size(); i++) {
            idOffsets[i] = 104 + ids.size();
            for (long id : idLists.get(i)) {
                ids.u64(id);
            }
        }
        long newAttrs = 104 + ids.size();
        Enc attrSection = be();
        for (int i = 0; i < attrBytes.size(); i++) {
            int before = attrSection.size();
            attrSection.bytes(attrBytes.get(i)).u64(idOffsets[i]).u64(8L * idLists.get(i).length);
            attrSection.zeros((int) attrSize - (attrSection.size() - before));
        }
        long newData = newAttrs + attrSection.size();
        long newTable = newData + data.length;
        Enc sections = be();
        Enc tab = be();
        long sectionsAt = newTable + 16L * features.size();
        long[] newBits = new long[4];
        for (var e : features.entrySet()) {
            tab.u64(sectionsAt + sections.size()).u64(e.getValue().length);
            sections.bytes(e.getValue());
            newBits[e.getKey() / 64] |= 1L << (e.getKey() % 64);
        }
        Enc h = be().bytes(new byte[] {'2', 'E', 'L', 'I', 'F', 'R', 'E', 'P'}).u64(104).u64(attrSize)
                .u64(newAttrs).u64(attrSection.size()).u64(newData).u64(data.length).u64(0).u64(0);
        for (long w : newBits) {
            h.u64(w);
        }
        return be().bytes(h.toArray()).bytes(ids.toArray()).bytes(attrSection.toArray()).bytes(data)
                .bytes(tab.toArray()).bytes(sections.toArray()).toArray();
    }

    private static Enc be() {
        return new Enc(ByteOrder.BIG_ENDIAN);
    }

    private static Attr readAttr(ByteBuffer b, int at, int size) {
        long flags = b.getLong(at + 40);
        return new Attr(b.getLong(at + 24), b.getLong(at + 32), (flags >>> 18 & 1) != 0,
                size >= 80 ? b.getLong(at + 72) : 0, size >= 96 ? b.getLong(at + 80) : 0,
                size >= 104 ? b.getLong(at + 96) : 0);
    }

    /** Reads fields little-endian from {@code in} and appends them big-endian to {@code out}. */
    private static final class Swap {
        final ByteBuffer in;
        int pos;
        final Enc out = be();

        Swap(ByteBuffer in, int pos) {
            this.in = in;
            this.pos = pos;
        }

        long u64() {
            long v = in.getLong(pos);
            pos += 8;
            out.u64(v);
            return v;
        }

        long u32() {
            long v = in.getInt(pos) & 0xffffffffL;
            pos += 4;
            out.u32(v);
            return v;
        }

        int u16() {
            int v = in.getShort(pos) & 0xffff;
            pos += 2;
            out.u16(v);
            return v;
        }

        int u8() {
            int v = in.get(pos) & 0xff;
            pos++;
            out.u8(v);
            return v;
        }

        void bytes(int n) {
            byte[] b = new byte[n];
            in.get(pos, b);
            pos += n;
            out.bytes(b);
        }

        void u64s(long n) {
            for (long i = 0; i < n; i++) {
                u64();
            }
        }

        /** A little-endian bit-field word, as a big-endian compiler lays the same fields out. */
        void bitfields(int[][] fields) {
            long v = in.getLong(pos);
            pos += 8;
            long w = 0;
            for (int[] f : fields) {
                long mask = (1L << f[1]) - 1;
                w |= (v >>> f[0] & mask) << (64 - f[0] - f[1]);
            }
            out.u64(w);
        }

        void string() {
            long len = u32();
            bytes((int) len);
        }

        void stringList() {
            long nr = u32();
            for (long i = 0; i < nr; i++) {
                string();
            }
        }
    }

    private static final int[][] ATTR_FLAGS;
    private static final int[][] BRANCH_FLAGS = {
        {0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 16}, {20, 4}, {24, 2}, {26, 4}, {30, 3}, {33, 31},
    };

    static {
        List<int[]> f = new ArrayList<>();
        for (int bit = 0; bit < 40; bit++) {
            f.add(bit == 15 ? new int[] {15, 2} : new int[] {bit, 1});
            bit += bit == 15 ? 1 : 0;
        }
        f.add(new int[] {40, 24});
        ATTR_FLAGS = f.toArray(new int[0][]);
    }

    /** perf_event_attr of {@code size} bytes: widths per the UAPI offsets, flags as bit-fields. */
    private static void swapAttr(Swap s, int size) {
        int start = s.pos;
        int[][] layout = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, -1}, {48, 4}, {52, 4}, {56, 8},
            {64, 8}, {72, 8}, {80, 8}, {88, 4}, {92, 4}, {96, 8}, {104, 4}, {108, 2}, {110, 2}, {112, 4}, {116, 4},
            {120, 8}, {128, 8}};
        for (int[] f : layout) {
            if (f[0] + Math.abs(f[1]) > size) {
                break;
            }
            switch (f[1]) {
                case -1 -> s.bitfields(ATTR_FLAGS);
                case 2 -> s.u16();
                case 4 -> s.u32();
                default -> s.u64();
            }
        }
        // A newer perf's fields are unknown here: kept as written.
        s.bytes(size - (s.pos - start));
    }

    /** A feature section that does not hold the layout of its id (simpleperf's AUXTRACE index) is left out. */
    private byte[] swapFeatureIfWellFormed(int id, ByteBuffer b, int off, int size) {
        try {
            return swapFeature(id, b.slice(0, off + size).order(ByteOrder.LITTLE_ENDIAN), off, size);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            return null;
        }
    }

    private byte[] swapFeature(int id, ByteBuffer b, int off, int size) {
        if (!SWAPPED_FEATURES.contains(id)) {
            return null;
        }
        Swap s = new Swap(b, off);
        int end = off + size;
        switch (id) {
            case 3, 4, 5, 6, 8, 9 -> {
                if (size > 0) {
                    s.string();
                }
            }
            case 11 -> s.stringList();
            case 7 -> {
                s.u32();
                s.u32();
            }
            case 10, 23, 24 -> s.u64();
            case 21 -> s.u64s(2);
            case 2 -> {
                while (s.pos < end) {
                    s.u32();
                    s.u16();
                    int sz = s.u16();
                    s.u32();
                    s.bytes(sz - 12);
                }
            }
            case 12 -> {
                long nr = s.u32();
                long attrSize = s.u32();
                for (long i = 0; i < nr; i++) {
                    int at = s.pos;
                    int asz = b.getInt(at + 4);
                    swapAttr(s, asz == 0 ? 64 : asz);
                    s.bytes((int) (attrSize - (s.pos - at)));
                    long nrIds = s.u32();
                    s.string();
                    s.u64s(nrIds);
                }
            }
            case 13 -> {
                s.stringList();
                s.stringList();
                if (s.pos < end) {
                    long cpus = nrCpus >= 0 ? nrCpus : (end - s.pos) / 8;
                    for (long i = 0; i < 2 * cpus; i++) {
                        s.u32();
                    }
                    if (s.pos < end) {
                        s.stringList();
                        for (long i = 0; i < cpus; i++) {
                            s.u32();
                        }
                    }
                }
            }
            case 14 -> {
                long nr = s.u32();
                for (long i = 0; i < nr; i++) {
                    s.u32();
                    s.u64();
                    s.u64();
                    s.string();
                }
            }
            case 15, 19 -> { }
            case 16 -> {
                long nr = s.u32();
                for (long i = 0; i < nr; i++) {
                    s.u32();
                    s.string();
                }
            }
            case 17 -> {
                long nr = s.u32();
                for (long i = 0; i < nr; i++) {
                    s.string();
                    s.u32();
                    s.u32();
                }
            }
            case 18 -> s.u64s(1 + 2 * b.getLong(off));
            case 20 -> {
                s.u32();
                long nr = s.u32();
                for (long i = 0; i < nr; i++) {
                    s.u32();
                    s.u32();
                    s.u32();
                    s.u32();
                    s.string();
                    s.string();
                    s.string();
                }
            }
            case 22 -> {
                s.u64();
                s.u64();
                long nr = s.u64();
                for (long i = 0; i < nr; i++) {
                    s.u64();
                    s.u64();
                    long bits = s.u64();
                    s.u64s((bits + 63) / 64);
                }
            }
            case 27 -> {
                for (int i = 0; i < 5; i++) {
                    s.u32();
                }
            }
            case 28 -> {
                long nr = s.u32();
                for (long i = 0; i < 2 * nr; i++) {
                    s.string();
                }
            }
            case 29 -> {
                s.u32();
                s.u32();
                s.u64();
                s.u64();
            }
            case 30 -> {
                long nr = s.u32();
                for (long i = 0; i < 2 * nr; i++) {
                    s.string();
                }
            }
            case 31 -> {
                long nr = s.u32();
                for (long i = 0; i < nr; i++) {
                    long caps = s.u32();
                    for (long j = 0; j < 2 * caps; j++) {
                        s.string();
                    }
                    s.string();
                }
            }
            default -> throw new IllegalStateException("feature " + id);
        }
        if (s.pos > end) {
            throw new IllegalStateException("feature " + id + " rewritten to " + (s.pos - off) + " of " + size + " bytes");
        }
        // Padding after the feature (HEADER_FEATURE payloads are padded to 8): as it is.
        s.bytes(end - s.pos);
        return s.out.toArray();
    }

    /** The records of {@code [from, to)}; {@code fileMode} tells AUXTRACE payloads are in the same buffer. */
    private byte[] swapRecords(ByteBuffer b, int from, int to, boolean fileMode) {
        Enc out = be();
        int p = from;
        ByteBuffer pending = null;
        while (p + 8 <= to) {
            int type = b.getInt(p);
            int size = b.getShort(p + 6) & 0xffff;
            if (size < 8 || p + size > to) {
                break;
            }
            if (type == 81 || type == 83) {
                // One zstd stream runs through all compressed records of an input; a record's
                // output may end inside a record, which then continues in the next one.
                int dataAt = type == 81 ? p + 8 : p + 16;
                int dataLen = type == 81 ? size - 8 : (int) b.getLong(p + 8);
                if (zstd == null) {
                    zstd = new com.github.luben.zstd.ZstdDecompressCtx();
                }
                ByteBuffer joined = join(pending, decompress(zstd, b, dataAt, dataLen));
                int used = completeRecords(joined);
                byte[] swappedInner = swapRecords(joined, 0, used, false);
                pending = used < joined.capacity() ? joined.slice(used, joined.capacity() - used).order(ByteOrder.LITTLE_ENDIAN) : null;
                // Each piece as its own complete frame, small enough for a u16 record size.
                for (int at = 0; at < swappedInner.length; ) {
                    int piece = pieceEnd(swappedInner, at, 16 << 10) - at;
                    byte[] z = Zstd.compress(java.util.Arrays.copyOfRange(swappedInner, at, at + piece));
                    if (type == 81) {
                        out.u32(81).u16(b.getShort(p + 4)).u16(8 + z.length).bytes(z);
                    } else {
                        int padded = (16 + z.length + 7) / 8 * 8;
                        out.u32(83).u16(b.getShort(p + 4)).u16(padded).u64(z.length).bytes(z)
                                .zeros(padded - 16 - z.length);
                    }
                    at += piece;
                }
                p += size;
                continue;
            }
            if (type >= 87 || type == 0 || (type > 22 && type < 64)) {
                p += size;
                continue;
            }
            Swap s = new Swap(b, p);
            s.u32();
            s.u16();
            s.u16();
            swapBody(s, type, size, p);
            if (s.pos != p + size) {
                throw new IllegalStateException("record type " + type + " at " + p + " rewritten to " + (s.pos - p)
                        + " of " + size + " bytes");
            }
            out.bytes(s.out.toArray());
            p += size;
            if (type == 71) {
                int payload = (int) b.getLong(p - size + 8);
                byte[] data = new byte[payload];
                b.get(p, data);
                out.bytes(data);
                p += payload;
            } else if (type == 66 && size <= 16) {
                int payload = b.getInt(p - size + 8);
                byte[] data = new byte[payload];
                b.get(p, data);
                out.bytes(data);
                p += payload;
            }
        }
        return out.toArray();
    }

    /** Feeds one record's compressed bytes to the input's stream and returns all it yields now. */
    private static byte[] decompress(com.github.luben.zstd.ZstdDecompressCtx ctx, ByteBuffer b, int at, int len) {
        ByteBuffer src = ByteBuffer.allocateDirect(len);
        src.put(0, b, at, len);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer dst = ByteBuffer.allocateDirect(1 << 20);
        while (true) {
            dst.clear();
            int before = src.position();
            ctx.decompressDirectByteBufferStream(dst, src);
            dst.flip();
            byte[] chunk = new byte[dst.remaining()];
            dst.get(chunk);
            out.write(chunk, 0, chunk.length);
            if (chunk.length == 0 && src.position() == before) {
                return out.toByteArray();
            }
        }
    }

    /** The end of the last whole record starting at {@code from} within {@code limit} bytes (at least one record). */
    private static int pieceEnd(byte[] be, int from, int limit) {
        ByteBuffer b = ByteBuffer.wrap(be).order(ByteOrder.BIG_ENDIAN);
        int p = from;
        while (p < be.length) {
            int size = b.getShort(p + 6) & 0xffff;
            if (p > from && p + size - from > limit) {
                break;
            }
            p += size;
        }
        return p;
    }

    private static ByteBuffer join(ByteBuffer pending, byte[] plain) {
        int n = pending == null ? 0 : pending.capacity();
        ByteBuffer j = ByteBuffer.allocate(n + plain.length).order(ByteOrder.LITTLE_ENDIAN);
        if (pending != null) {
            j.put(0, pending, 0, n);
        }
        j.put(n, plain);
        return j;
    }

    private static int completeRecords(ByteBuffer b) {
        int p = 0;
        while (p + 8 <= b.capacity()) {
            int size = b.getShort(p + 6) & 0xffff;
            if (size < 8 || p + size > b.capacity()) {
                break;
            }
            p += size;
        }
        return p;
    }

    /** perf's evlist__event2evsel, again, for the attr of a kernel record. */
    private Attr attrOf(ByteBuffer b, int p, int type, int size) {
        if (attrs.isEmpty()) {
            return null;
        }
        Attr first = attrs.get(0);
        if (attrs.size() == 1 || (type != 9 && !first.sampleIdAll)) {
            return first;
        }
        long t = first.sampleType;
        long id;
        int words = (size - 8) / 8;
        if (type == 9) {
            int pos = (t & IDENTIFIER) != 0 ? 0 : Long.bitCount(t & (IP | TID | TIME | ADDR));
            id = b.getLong(p + 8 + 8 * pos);
        } else {
            int pos = (t & IDENTIFIER) != 0 ? 1 : 1 + Long.bitCount(t & (CPU | STREAM_ID));
            id = b.getLong(p + 8 + 8 * (words - pos));
        }
        return id == 0 ? first : byId.get(id);
    }

    private void swapBody(Swap s, int type, int size, int p) {
        int end = p + size;
        if (type == 64) {
            int asz = s.in.getInt(s.pos + 4);
            Attr a = readAttr(s.in, s.pos, asz == 0 ? 64 : asz);
            swapAttr(s, asz == 0 ? 64 : asz);
            List<Long> ids = new ArrayList<>();
            while (s.pos + 8 <= end) {
                ids.add(s.u64());
            }
            attrs.add(a);
            ids.forEach(i -> byId.putIfAbsent(i, a));
            return;
        }
        if (type >= 64) {
            swapUser(s, type, end);
            return;
        }
        Attr a = attrOf(s.in, p, type, size);
        if (type == 9) {
            swapSample(s, a, end);
            return;
        }
        int trailer = 0;
        if (a != null && a.sampleIdAll) {
            trailer = 8 * Long.bitCount(a.sampleType & (TID | TIME | ID | STREAM_ID | CPU | IDENTIFIER));
        }
        int bodyEnd = end - trailer;
        switch (type) {
            case 1 -> { s.u32(); s.u32(); s.u64s(3); s.bytes(bodyEnd - s.pos); }
            case 2 -> s.u64s(2);
            case 3 -> { s.u32(); s.u32(); s.bytes(bodyEnd - s.pos); }
            case 4, 7 -> { s.u32(); s.u32(); s.u32(); s.u32(); s.u64(); }
            case 5, 6 -> s.u64s(3);
            case 8 -> { s.u32(); s.u32(); readValues(s, a.readFormat); }
            case 10 -> {
                s.u32(); s.u32(); s.u64s(3);
                if ((s.in.getShort(p + 4) & (1 << 14)) != 0) {
                    s.u8(); s.u8(); s.u16(); s.bytes(20);
                } else {
                    s.u32(); s.u32(); s.u64(); s.u64();
                }
                s.u32(); s.u32(); s.bytes(bodyEnd - s.pos);
            }
            case 11 -> s.u64s(3);
            case 12 -> { s.u32(); s.u32(); }
            case 13 -> s.u64();
            case 14 -> { }
            case 15 -> { s.u32(); s.u32(); }
            case 16 -> { s.u32(); s.u32(); long nr = s.u64(); s.u64s(2 * nr); }
            case 17 -> { s.u64(); s.u32(); s.u16(); s.u16(); s.bytes(bodyEnd - s.pos); }
            case 18 -> { s.u16(); s.u16(); s.u32(); s.bytes(8); }
            case 19 -> { s.u64(); s.bytes(bodyEnd - s.pos); }
            case 20 -> { s.u64(); int o = s.u16(); int n = s.u16(); s.bytes(o + n); }
            case 21 -> s.u64();
            case 22 -> { s.u64(); long nr = s.u64(); s.u64s(nr); }
            default -> throw new IllegalStateException("kernel type " + type);
        }
        s.bytes(bodyEnd - s.pos);
        if (trailer > 0) {
            trailer(s, a.sampleType);
        }
    }

    private static void trailer(Swap s, long t) {
        if ((t & TID) != 0) { s.u32(); s.u32(); }
        if ((t & TIME) != 0) { s.u64(); }
        if ((t & ID) != 0) { s.u64(); }
        if ((t & STREAM_ID) != 0) { s.u64(); }
        if ((t & CPU) != 0) { s.u32(); s.u32(); }
        if ((t & IDENTIFIER) != 0) { s.u64(); }
    }

    private static void readValues(Swap s, long rf) {
        boolean group = (rf & 8) != 0;
        long first = s.u64();
        if ((rf & 1) != 0) { s.u64(); }
        if ((rf & 2) != 0) { s.u64(); }
        long per = ((rf & 4) != 0 ? 1 : 0) + ((rf & 16) != 0 ? 1 : 0);
        if (group) {
            s.u64s(first * (1 + per));
        } else {
            s.u64s(per);
        }
    }

    private static void swapSample(Swap s, Attr a, int end) {
        long t = a.sampleType;
        if ((t & IDENTIFIER) != 0) { s.u64(); }
        if ((t & IP) != 0) { s.u64(); }
        if ((t & TID) != 0) { s.u32(); s.u32(); }
        if ((t & TIME) != 0) { s.u64(); }
        if ((t & ADDR) != 0) { s.u64(); }
        if ((t & ID) != 0) { s.u64(); }
        if ((t & STREAM_ID) != 0) { s.u64(); }
        if ((t & CPU) != 0) { s.u32(); s.u32(); }
        if ((t & PERIOD) != 0) { s.u64(); }
        if ((t & READ) != 0) { readValues(s, a.readFormat); }
        if ((t & CALLCHAIN) != 0) { s.u64s(s.u64()); }
        if ((t & RAW) != 0) { long n = s.u32(); s.bytes((int) n); }
        if ((t & BRANCH_STACK) != 0) {
            long nr = s.u64();
            if ((a.branchSampleType & (1L << 17)) != 0) { s.u64(); }
            for (long i = 0; i < nr; i++) {
                s.u64();
                s.u64();
                s.bitfields(BRANCH_FLAGS);
            }
            if ((a.branchSampleType & (1L << 19)) != 0) { s.u64s(nr); }
        }
        if ((t & REGS_USER) != 0) { if (s.u64() != 0) { s.u64s(Long.bitCount(a.regsUser)); } }
        if ((t & STACK_USER) != 0) { long sz = s.u64(); if (sz != 0) { s.bytes((int) sz); s.u64(); } }
        if ((t & (WEIGHT | WEIGHT_STRUCT)) != 0) { s.u64(); }
        if ((t & DATA_SRC) != 0) { s.u64(); }
        if ((t & TRANSACTION) != 0) { s.u64(); }
        if ((t & REGS_INTR) != 0) { if (s.u64() != 0) { s.u64s(Long.bitCount(a.regsIntr)); } }
        if ((t & PHYS_ADDR) != 0) { s.u64(); }
        if ((t & CGROUP) != 0) { s.u64(); }
        if ((t & DATA_PAGE_SIZE) != 0) { s.u64(); }
        if ((t & CODE_PAGE_SIZE) != 0) { s.u64(); }
        if ((t & AUX) != 0) { long n = s.u64(); s.bytes((int) n); }
        s.bytes(end - s.pos);
    }

    private void swapUser(Swap s, int type, int end) {
        switch (type) {
            case 65 -> { s.u64(); s.bytes(end - s.pos); }
            case 66 -> { s.u32(); s.bytes(end - s.pos); }
            case 67 -> { s.u32(); s.bytes(end - s.pos); }
            case 68, 82 -> { }
            case 69 -> s.u64s((end - s.pos) / 8);
            case 70 -> { s.u32(); s.u32(); s.u64s((end - s.pos) / 8); }
            case 71 -> { s.u64s(3); s.u32(); s.u32(); s.u32(); s.u32(); }
            case 72 -> {
                for (int i = 0; i < 6; i++) {
                    s.u32();
                }
                s.u64();
                s.u64();
                s.bytes(Math.min(64, end - s.pos));
                while (s.pos + 4 <= end) {
                    s.u32();
                }
            }
            case 73 -> { long nr = s.u64(); for (long i = 0; i < nr; i++) { s.u64(); s.bytes(16); } }
            case 74 -> cpuMap(s, end);
            case 75 -> { long nr = s.u64(); s.u64s(2 * nr); }
            case 76 -> { s.u64(); s.u32(); s.u32(); s.u64s(3); }
            case 77 -> s.u64s(2);
            case 78 -> {
                long kind = s.u64();
                s.u64();
                if (kind == 1) {
                    s.u64();
                } else if (kind == 3) {
                    cpuMap(s, end);
                }
            }
            case 79 -> {
                s.u64s(3);
                if (end - s.pos >= 16) {
                    s.u64s(2);
                }
            }
            case 80 -> {
                long id = s.u64();
                byte[] swapped = swapFeature((int) id, s.in, s.pos, end - s.pos);
                if (swapped == null) {
                    s.bytes(end - s.pos);
                } else {
                    s.pos = end;
                    s.out.bytes(swapped);
                }
                if (id == 7) {
                    nrCpus = s.in.getInt(end - 8) & 0xffffffffL;
                }
            }
            default -> throw new IllegalStateException("user type " + type);
        }
        s.bytes(end - s.pos);
    }

    private static void cpuMap(Swap s, int end) {
        int type = s.u16();
        if (type == 0) {
            int nr = s.u16();
            for (int i = 0; i < nr; i++) {
                s.u16();
            }
        } else if (type == 1) {
            int nr = s.u16();
            int longSize = s.u16();
            if (longSize == 8) {
                s.bytes(4);
                s.u64s(nr);
            } else {
                for (int i = 0; i < nr; i++) {
                    s.u32();
                }
            }
        } else if (type == 2) {
            s.u8();
            s.u8();
            s.u16();
            s.u16();
        }
    }
}
