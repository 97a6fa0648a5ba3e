package dev.textpoke.code;

/**
 * The chunk versions while the timeline is being replayed: code is cut into 16-byte chunks, and
 * every change appends, for each chunk it touches, a full copy of the chunk's sixteen bytes and a
 * 16-bit mask of which of them are known. A chunk's first version holds its base bytes (time
 * {@link Long#MIN_VALUE}). Versions are appended in application order and linked per chunk;
 * {@link #freeze} lays them out contiguously per chunk for binary search by time.
 */
final class VersionLog {
    static final int SHIFT = 4;
    static final int CHUNK = 1 << SHIFT;
    static final long OFFSET_MASK = CHUNK - 1;
    static final int BASE_CHANGE = -1;

    private final SegmentIndex base;
    private final ChunkIndex index = new ChunkIndex();
    private final boolean[] scratchKnown = new boolean[CHUNK];
    private int[] latest = new int[0];
    private long[] keyOf = new long[0];
    private int chunks;

    private long[] start = new long[0];
    private int[] change = new int[0];
    private int[] chunkOf = new int[0];
    private int[] prev = new int[0];
    private byte[] data = new byte[0];
    private char[] mask = new char[0];
    private int size;

    VersionLog(SegmentIndex base) {
        this.base = base;
    }

    /** The chunk of {@code key}, created with its base version when first touched. */
    int chunk(long key) {
        int c = index.get(key);
        if (c >= 0) {
            return c;
        }
        c = chunks++;
        index.put(key, c);
        latest = Grow.to(latest, chunks);
        keyOf = Grow.to(keyOf, chunks);
        keyOf[c] = key;
        int e = newEntry(c, Long.MIN_VALUE, BASE_CHANGE);
        base.copy(key << SHIFT, data, e * CHUNK, CHUNK, scratchKnown, 0);
        char m = 0;
        for (int i = 0; i < CHUNK; i++) {
            if (scratchKnown[i]) {
                m |= (char) (1 << i);
            }
        }
        mask[e] = m;
        prev[e] = -1;
        latest[c] = e;
        return c;
    }

    private int newEntry(int c, long time, int changeNumber) {
        int e = size;
        int n = size + 1;
        if (n < 0 || n > Integer.MAX_VALUE / CHUNK) {
            throw new IllegalStateException("more than 2^27 chunk versions in one timeline");
        }
        start = Grow.to(start, n);
        change = Grow.to(change, n);
        chunkOf = Grow.to(chunkOf, n);
        prev = Grow.to(prev, n);
        mask = Grow.to(mask, n);
        data = Grow.to(data, n * CHUNK);
        start[e] = time;
        change[e] = changeNumber;
        chunkOf[e] = c;
        size = n;
        return e;
    }

    /** Appends a version of chunk {@code c} made by {@code changeNumber}, starting as a copy of the
     *  chunk's latest version; the caller then writes into it. */
    int append(int c, long time, int changeNumber) {
        int from = latest[c];
        int e = newEntry(c, time, changeNumber);
        System.arraycopy(data, from * CHUNK, data, e * CHUNK, CHUNK);
        mask[e] = mask[from];
        prev[e] = from;
        latest[c] = e;
        return e;
    }

    /** Writes {@code n} known bytes into version {@code e} at chunk offset {@code offset}. */
    void write(int e, int offset, byte[] src, int srcOffset, int n) {
        System.arraycopy(src, srcOffset, data, e * CHUNK + offset, n);
        mask[e] |= (char) (((1 << n) - 1) << offset);
    }

    /** Makes {@code n} bytes of version {@code e} from chunk offset {@code offset} unknown. */
    void forget(int e, int offset, int n) {
        java.util.Arrays.fill(data, e * CHUNK + offset, e * CHUNK + offset + n, (byte) 0);
        mask[e] &= (char) ~(((1 << n) - 1) << offset);
    }

    /** The current bytes of {@code [addr, addr + n)}: latest versions, else the base images. */
    CodeBytes current(long addr, int n) {
        byte[] out = new byte[n];
        boolean[] known = new boolean[n];
        int done = 0;
        long a = addr;
        while (done < n) {
            int o = (int) (a & OFFSET_MASK);
            int m = Math.min(CHUNK - o, n - done);
            int c = index.get(a >>> SHIFT);
            if (c < 0) {
                base.copy(a, out, done, m, known, done);
            } else {
                int e = latest[c];
                System.arraycopy(data, e * CHUNK + o, out, done, m);
                for (int i = 0; i < m; i++) {
                    known[done + i] = (mask[e] & (1 << (o + i))) != 0;
                }
            }
            done += m;
            a += m;
        }
        return new CodeBytes(addr, out, known);
    }

    /** Whether any change so far wrote a byte of {@code [addr, addr + n)}. */
    boolean changedBefore(long addr, int n, Changes changes) {
        long a = addr;
        long lastKey = (addr + n - 1) >>> SHIFT;
        for (long key = a >>> SHIFT; ; key++) {
            int c = index.get(key);
            for (int e = c < 0 ? -1 : latest[c]; e >= 0; e = prev[e]) {
                if (change[e] != BASE_CHANGE && changes.touches(change[e], addr, n)) {
                    return true;
                }
            }
            if (key == lastKey) {
                return false;
            }
        }
    }

    interface ChunkVisitor {
        void visit(long key, int chunk);
    }

    /** Visits every chunk that has versions and a key in {@code [fromKey, toKey]}. */
    void forEachChunk(long fromKey, long toKey, ChunkVisitor visitor) {
        if (toKey - fromKey < 4L * chunks) {
            for (long key = fromKey; ; key++) {
                int c = index.get(key);
                if (c >= 0) {
                    visitor.visit(key, c);
                }
                if (key == toKey) {
                    return;
                }
            }
        }
        index.forEach((key, c) -> {
            if (key >= fromKey && key <= toKey) {
                visitor.visit(key, c);
            }
        });
    }

    /**
     * Lays the versions out as one record per chunk ({@link Versions}), in time order within each
     * chunk, under the chunk numbers of a {@link ChunkDirectory}, with equal contents stored once.
     */
    Versions freeze(Changes changes) {
        ChunkDirectory directory = new ChunkDirectory(base.keyRanges(SHIFT), keyOf, chunks);
        // Each chunk's versions, in the order they were appended (time order), by directory number.
        int[] id = new int[chunks];
        int[] first = new int[chunks + 1];
        for (int c = 0; c < chunks; c++) {
            id[c] = directory.id(keyOf[c]);
        }
        for (int e = 0; e < size; e++) {
            first[id[chunkOf[e]] + 1]++;
        }
        for (int c = 0; c < chunks; c++) {
            first[c + 1] += first[c];
        }
        int[] cursor = java.util.Arrays.copyOf(first, chunks);
        int[] byChunk = new int[size];
        for (int e = 0; e < size; e++) {
            byChunk[cursor[id[chunkOf[e]]]++] = e;
        }
        // Content number of every entry, and each chunk's record flags and size.
        int[] content = new int[size];
        int[] contents = new int[chunks];
        int[] flags = new int[chunks];
        long total = 0;
        int[] offset = new int[chunks];
        ContentTable table = new ContentTable();
        for (int c = 0; c < chunks; c++) {
            int n = first[c + 1] - first[c];
            table.clear();
            boolean allKnown = true;
            for (int i = first[c]; i < first[c + 1]; i++) {
                int e = byChunk[i];
                content[i] = table.number(data, e * CHUNK, mask[e]);
                allKnown &= mask[e] == 0xffff;
            }
            contents[c] = table.size();
            flags[c] = (allKnown ? Versions.ALL_KNOWN : 0) | (contents[c] > 256 ? Versions.WIDE : 0);
            if (n > 1 << Versions.COUNT_BITS) {
                throw new IllegalStateException("more than 2^28 versions of one chunk");
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("more than 2 GB of chunk versions in one timeline");
            }
            offset[c] = (int) total;
            total += Versions.recordSize(n, contents[c], flags[c]);
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("more than 2 GB of chunk versions in one timeline");
        }
        byte[] arena = new byte[(int) total];
        for (int c = 0; c < chunks; c++) {
            int n = first[c + 1] - first[c];
            int p = offset[c];
            Versions.writeHeader(arena, p, n, contents[c], flags[c]);
            int written = 0;
            for (int i = first[c]; i < first[c + 1]; i++) {
                int e = byChunk[i];
                Versions.writeVersion(arena, p, n, flags[c], i - first[c], start[e], content[i], change[e]);
                if (content[i] == written) {
                    Versions.writeContent(arena, p, n, contents[c], flags[c], written++, data, e * CHUNK, mask[e]);
                }
            }
        }
        return new Versions(directory, offset, arena, size, changes);
    }

    /**
     * Numbers the distinct contents (sixteen bytes and a mask) of one chunk in order of first
     * appearance: a linear search while there are few, as there usually are, a hash map above.
     */
    private static final class ContentTable {
        private static final int LINEAR = 8;
        private final int[] offsets = new int[LINEAR];
        private final char[] masks = new char[LINEAR];
        private final java.util.Map<ContentKey, Integer> many = new java.util.HashMap<>();
        private byte[] source;
        private int size;

        private record ContentKey(long lo, long hi, char mask) {}

        void clear() {
            size = 0;
            many.clear();
        }

        int size() {
            return size;
        }

        /** The number of the content at {@code data[at, at + 16)} with {@code mask}. */
        int number(byte[] data, int at, char mask) {
            if (size < LINEAR) {
                for (int k = 0; k < size; k++) {
                    if (masks[k] == mask && java.util.Arrays.equals(source, offsets[k], offsets[k] + CHUNK,
                            data, at, at + CHUNK)) {
                        return k;
                    }
                }
                source = data;
                offsets[size] = at;
                masks[size] = mask;
                return size++;
            }
            if (many.isEmpty()) {
                for (int k = 0; k < size; k++) {
                    many.put(key(source, offsets[k], masks[k]), k);
                }
            }
            Integer k = many.putIfAbsent(key(data, at, mask), size);
            return k != null ? k : size++;
        }

        private static ContentKey key(byte[] data, int at, char mask) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data, at, CHUNK).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return new ContentKey(b.getLong(), b.getLong(), mask);
        }
    }
}
