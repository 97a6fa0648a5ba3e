package dev.textpoke.perf.file;

import java.nio.ByteOrder;

/**
 * The first eight bytes of a perf.data file or stream, and what they say about the byte order.
 *
 * <p>{@code PERFILE2} (version 2) encodes the writer's byte order: read as a little-endian u64 it
 * is {@value #V2_LE} on a little-endian writer. The legacy {@code PERFFILE} (version 1) reads the
 * same in both orders; its order is found from the sizes that follow ({@code try_all_file_abis} /
 * {@code try_all_pipe_abis} in perf's {@code util/header.c}).
 */
public enum Magic {
    /** {@code "PERFILE2"}; the order is part of the magic. */
    PERFILE2,
    /** {@code "PERFFILE"}: legacy version 1; the order comes from the sizes. */
    PERFFILE;

    /** {@code "PERFILE2"} read as a little-endian u64. */
    public static final long V2_LE = 0x32454c4946524550L;
    /** {@code "PERFFILE"} read as a little-endian u64. */
    public static final long V1_LE = 0x454c494646524550L;

    /** The magic of the first eight bytes read as a little-endian u64, or null if there is none. */
    public static Magic of(long firstEightLe) {
        if (firstEightLe == V2_LE || firstEightLe == Long.reverseBytes(V2_LE)) {
            return PERFILE2;
        }
        return firstEightLe == V1_LE ? PERFFILE : null;
    }

    /** For {@code PERFILE2}: the writer's byte order. */
    static ByteOrder v2Order(long firstEightLe) {
        return firstEightLe == V2_LE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }
}
