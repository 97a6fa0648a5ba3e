package dev.textpoke.perf.oracle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of perf.data inputs for the fuzz test: bit flips, byte sets, edits of size
 * fields (record header.size, the file header's sections, any aligned u32/u64), truncations,
 * splices from other seeds, insertions and deletions. The same seed and index always give the
 * same input, so a failure is reproduced from the two numbers the test prints.
 */
final class Mutator {
    /** One input to mutate: its bytes, byte order, and where its records start. */
    record Seed(String name, byte[] bytes, ByteOrder order, int[] recordOffsets) {}

    private static final long[] INTERESTING = {0, 1, 7, 8, 9, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff,
            0x8000, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L,
            Long.MAX_VALUE, Long.MIN_VALUE, -1, -8};

    private final List<Seed> seeds;

    Mutator(List<Seed> seeds) {
        this.seeds = seeds;
    }

    /** Input {@code index} of the run seeded with {@code runSeed}: 1 to 4 mutations of one seed. */
    byte[] input(long runSeed, long index) {
        Random r = new Random(runSeed * 0x9E3779B97F4A7C15L + index);
        Seed seed = seeds.get(r.nextInt(seeds.size()));
        byte[] b = seed.bytes().clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            b = mutate(b, seed, r);
        }
        return b;
    }

    /** The seed input {@code index} starts from, for messages. */
    String seedOf(long runSeed, long index) {
        return seeds.get(new Random(runSeed * 0x9E3779B97F4A7C15L + index).nextInt(seeds.size())).name();
    }

    private byte[] mutate(byte[] b, Seed seed, Random r) {
        switch (r.nextInt(9)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[r.nextInt(b.length)] = (byte) (r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : r.nextInt());
            case 2, 3 -> {
                // header.size of a record: the field every reader trusts first.
                int[] recs = seed.recordOffsets();
                if (recs.length > 0) {
                    int at = recs[r.nextInt(recs.length)] + 6;
                    if (at + 2 <= b.length) {
                        int old = ByteBuffer.wrap(b).order(seed.order()).getShort(at) & 0xffff;
                        int v = r.nextBoolean() ? (int) INTERESTING[r.nextInt(INTERESTING.length)] : old + r.nextInt(33) - 16;
                        ByteBuffer.wrap(b).order(seed.order()).putShort(at, (short) v);
                    }
                }
            }
            case 4 -> {
                // An aligned u32 or u64 anywhere (counts, lengths, section offsets and sizes); the
                // file header's section fields get extra weight.
                boolean wide = r.nextBoolean();
                int width = wide ? 8 : 4;
                int at = r.nextInt(4) == 0 && b.length >= 104 ? 16 + 8 * r.nextInt(6)
                        : (r.nextInt(Math.max(1, b.length / width))) * width;
                if (at + width <= b.length) {
                    long v = INTERESTING[r.nextInt(INTERESTING.length)];
                    ByteBuffer bb = ByteBuffer.wrap(b).order(seed.order());
                    if (wide) {
                        bb.putLong(at, r.nextBoolean() ? v : bb.getLong(at) + r.nextInt(65) - 32);
                    } else {
                        bb.putInt(at, (int) (r.nextBoolean() ? v : bb.getInt(at) + r.nextInt(65) - 32));
                    }
                }
            }
            case 5 -> {
                // Truncation, often just after or inside a record.
                int[] recs = seed.recordOffsets();
                int cut = recs.length > 0 && r.nextBoolean()
                        ? recs[r.nextInt(recs.length)] + r.nextInt(16) : r.nextInt(b.length + 1);
                return Arrays.copyOf(b, Math.max(0, Math.min(b.length, cut)));
            }
            case 6 -> {
                // Splice: a chunk of another seed (often a whole record) over or into this one.
                Seed other = seeds.get(r.nextInt(seeds.size()));
                int[] recs = other.recordOffsets();
                int from = recs.length > 0 ? recs[r.nextInt(recs.length)] : r.nextInt(other.bytes().length);
                int len = Math.min(other.bytes().length - from, 1 + r.nextInt(256));
                int to = r.nextInt(b.length);
                if (r.nextBoolean()) {
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, to);
                    System.arraycopy(other.bytes(), from, out, to, len);
                    System.arraycopy(b, to, out, to + len, b.length - to);
                    return out;
                }
                System.arraycopy(other.bytes(), from, b, to, Math.min(len, b.length - to));
            }
            case 7 -> {
                // Delete a few bytes: every later field shifts.
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(16));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out;
            }
            default -> {
                // Insert a few random bytes.
                int at = r.nextInt(b.length + 1);
                int len = 1 + r.nextInt(16);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < len; i++) {
                    out[at + i] = (byte) r.nextInt();
                }
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
        }
        return b;
    }
}
