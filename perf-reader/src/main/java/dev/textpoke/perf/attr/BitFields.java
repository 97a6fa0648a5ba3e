package dev.textpoke.perf.attr;

/**
 * C bit-fields packed in a u64 by a big-endian compiler, brought to little-endian bit numbering.
 *
 * <p>A little-endian compiler allocates bit-fields from the least significant bit; a big-endian
 * one from the most significant, keeping each field's own bit order. So a field at bits {@code
 * [lsb, lsb + width)} on little-endian sits at {@code [64 - lsb - width, 64 - lsb)} of the u64 a
 * big-endian writer stored. For one-bit fields that is the same as perf's byte-wise bit reversal
 * ({@code swap_bitfield} for attr flags, {@code evsel__bitfield_swap_branch_flags} for branch
 * flags); for wider fields (precise_ip, branch cycles and type) the field keeps its value, where
 * reversing bits would scramble it.
 */
public final class BitFields {
    private BitFields() {}

    /**
     * @param v      the u64 as read in the big-endian file's order
     * @param fields {@code {lsb, width}} of every field in little-endian numbering
     */
    public static long fromBigEndian(long v, int[][] fields) {
        long out = 0;
        for (int[] f : fields) {
            int lsb = f[0];
            int width = f[1];
            long mask = width == 64 ? -1L : (1L << width) - 1;
            out |= (v >>> (64 - lsb - width) & mask) << lsb;
        }
        return out;
    }

    /** The inverse of {@link #fromBigEndian}: the u64 a big-endian writer stores for {@code v}. */
    public static long toBigEndian(long v, int[][] fields) {
        long out = 0;
        for (int[] f : fields) {
            int lsb = f[0];
            int width = f[1];
            long mask = width == 64 ? -1L : (1L << width) - 1;
            out |= (v >>> lsb & mask) << (64 - lsb - width);
        }
        return out;
    }
}
