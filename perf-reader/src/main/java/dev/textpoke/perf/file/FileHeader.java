package dev.textpoke.perf.file;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-mode header, {@code struct perf_file_header} (perf's {@code util/header.h}):
 *
 * <pre>
 *  off size
 *    0    8  magic        "PERFILE2" (order-encoding) or legacy "PERFFILE"
 *    8    8  size         104; 72 in files older than the feature bitmap
 *   16    8  attr_size    bytes per attr-section entry (perf_event_attr + perf_file_section ids)
 *   24   16  attrs        perf_file_section
 *   40   16  data         perf_file_section
 *   56   16  event_types  perf_file_section (obsolete)
 *   72   32  adds_features DECLARE_BITMAP(HEADER_FEAT_BITS = 256)
 * </pre>
 *
 * @param magic         which magic the file starts with
 * @param order         the writer's byte order; every multi-byte field of the file is in it
 * @param headerSize    the {@code size} field (72 or 104)
 * @param attrSize      bytes per attr-section entry
 * @param features      ids of the features present, ascending (the feature-section table at
 *                      {@code data.offset + data.size} has one entry per id, in this order)
 * @param featureBitmapFallback true when the bitmap of a byte-swapped file made sense neither as
 *                      64-bit nor as 32-bit words and, as perf does, only BUILD_ID is assumed
 */
public record FileHeader(
        Magic magic,
        ByteOrder order,
        long headerSize,
        long attrSize,
        FileSection attrs,
        FileSection data,
        FileSection eventTypes,
        List<Integer> features,
        boolean featureBitmapFallback) {

    /** {@code sizeof(struct perf_file_header)}. */
    public static final int SIZE = 104;
    /** {@code offsetof(struct perf_file_header, adds_features)}: the size of the oldest header. */
    public static final int SIZE_WITHOUT_FEATURES = 72;
    /** {@code HEADER_FEAT_BITS}. */
    public static final int FEATURE_BITS = 256;

    private static final int OFF_SIZE = 8;
    private static final int OFF_ATTR_SIZE = 16;
    private static final int OFF_ATTRS = 24;
    private static final int OFF_DATA = 40;
    /** Offset of {@code data.size}: 0 there means perf record did not finish. */
    public static final int OFF_DATA_SIZE = OFF_DATA + 8;
    private static final int OFF_EVENT_TYPES = 56;
    private static final int OFF_FEATURES = 72;
    /** HEADER_HOSTNAME: perf forces it on since fbe96f2, so it tells a right bitmap swap from a wrong one. */
    private static final int HOSTNAME_BIT = 3;
    /** HEADER_BUILD_ID: what perf falls back to when the swapped bitmap is unreadable. */
    private static final int BUILD_ID_BIT = 2;

    public FileHeader {
        features = List.copyOf(features);
    }

    /** Offset of the feature-section table: right after the data section. */
    public long featureTableOffset() {
        return data.offset() + data.size();
    }

    public boolean hasFeature(int id) {
        return features.contains(id);
    }

    /**
     * Parses the header from the first bytes of a file ({@code head} holds at least the first 72
     * bytes, or all of the file when it is shorter).
     *
     * @throws PerfFormatException {@code BAD_MAGIC} when the magic is none of perf's,
     *     {@code TRUNCATED} when the file is shorter than its header, {@code BAD_SIZE} when the
     *     header size or attr size is impossible
     */
    public static FileHeader parse(byte[] head, String source) throws PerfFormatException {
        if (head.length < 8) {
            throw new PerfFormatException(Kind.TRUNCATED, source, head.length,
                    "file is " + head.length + " bytes, too short for a perf.data magic");
        }
        ByteCursor le = ByteCursor.of(head, ByteOrder.LITTLE_ENDIAN, source, 0);
        try {
            long magicLe = le.u64("magic");
            Magic magic = Magic.of(magicLe);
            if (magic == null) {
                throw new PerfFormatException(Kind.BAD_MAGIC, source, 0,
                        "not a perf.data file: magic is " + hex8(head) + ", expected PERFILE2 or PERFFILE");
            }
            if (head.length < SIZE_WITHOUT_FEATURES) {
                throw new PerfFormatException(Kind.TRUNCATED, source, head.length,
                        "file ends inside the " + SIZE_WITHOUT_FEATURES + "-byte perf_file_header");
            }
            ByteOrder order = magic == Magic.PERFILE2
                    ? Magic.v2Order(magicLe)
                    : legacyOrder(le.seek(OFF_ATTR_SIZE).u64("attr_size"), source);
            ByteCursor c = ByteCursor.of(head, order, source, 0);
            long size = c.seek(OFF_SIZE).u64("header size");
            long attrSize = c.u64("attr_size");
            FileSection attrs = section(c.seek(OFF_ATTRS));
            FileSection data = section(c.seek(OFF_DATA));
            FileSection eventTypes = section(c.seek(OFF_EVENT_TYPES));
            if (attrSize == 0) {
                throw new PerfFormatException(Kind.BAD_SIZE, source, OFF_ATTR_SIZE,
                        "attr_size is 0 (was perf record terminated properly?)");
            }
            List<Integer> features = new ArrayList<>();
            boolean fallback = false;
            if (size == SIZE_WITHOUT_FEATURES) {
                // Files from before the feature bitmap: no features.
            } else if (size >= SIZE) {
                if (head.length < SIZE) {
                    throw new PerfFormatException(Kind.TRUNCATED, source, head.length,
                            "file ends inside the " + SIZE + "-byte perf_file_header");
                }
                fallback = readFeatureBits(head, order, source, features);
            } else {
                throw new PerfFormatException(Kind.BAD_SIZE, source, OFF_SIZE,
                        "header size is " + Long.toUnsignedString(size) + ", expected "
                                + SIZE + " or " + SIZE_WITHOUT_FEATURES);
            }
            return new FileHeader(magic, order, size, attrSize, attrs, data, eventTypes, features, fallback);
        } catch (PerfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            throw PerfFormatException.of(Kind.TRUNCATED, e);
        }
    }

    private static FileSection section(ByteCursor c) throws InputFormatException {
        return new FileSection(c.u64("section offset"), c.u64("section size"));
    }

    /**
     * Legacy files encode their order only in attr_size: it must equal one of the attr sizes perf
     * knew when it wrote them, plus the 16-byte ids section, in one order or the other.
     */
    private static ByteOrder legacyOrder(long attrSizeLe, String source) throws PerfFormatException {
        for (int attr : new int[] {64, 72, 80, 96, 104, 112, 120, 128, 136}) {
            long expected = attr + FileSection.BYTES;
            if (attrSizeLe == expected) {
                return ByteOrder.LITTLE_ENDIAN;
            }
            if (Long.reverseBytes(attrSizeLe) == expected) {
                return ByteOrder.BIG_ENDIAN;
            }
        }
        throw new PerfFormatException(Kind.BAD_SIZE, source, OFF_ATTR_SIZE,
                "legacy PERFFILE header with attr_size " + Long.toUnsignedString(attrSizeLe)
                        + " in neither byte order one of a known perf_event_attr size + 16");
    }

    /**
     * The bitmap is {@code unsigned long[]}, so a byte-swapped file may have been written with 64-
     * or 32-bit words. As perf does: try 64-bit words, then 32-bit words, and accept the reading
     * that has HOSTNAME set; when neither has, assume BUILD_ID only. Returns whether it fell back.
     */
    private static boolean readFeatureBits(byte[] head, ByteOrder order, String source, List<Integer> out)
            throws InputFormatException {
        ByteCursor c = ByteCursor.of(head, order, source, 0).seek(OFF_FEATURES);
        long[] words = new long[FEATURE_BITS / 64];
        for (int i = 0; i < words.length; i++) {
            words[i] = c.u64("feature bitmap");
        }
        if (order == ByteOrder.BIG_ENDIAN && !bit(words, HOSTNAME_BIT)) {
            c.seek(OFF_FEATURES);
            for (int i = 0; i < words.length; i++) {
                long low = c.u32("feature bitmap");
                long high = c.u32("feature bitmap");
                words[i] = low | high << 32;
            }
            if (!bit(words, HOSTNAME_BIT)) {
                out.add(BUILD_ID_BIT);
                return true;
            }
        }
        for (int b = 0; b < FEATURE_BITS; b++) {
            if (bit(words, b)) {
                out.add(b);
            }
        }
        return false;
    }

    private static boolean bit(long[] words, int b) {
        return (words[b >>> 6] >>> (b & 63) & 1) != 0;
    }

    private static String hex8(byte[] head) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(String.format("%02x", head[i] & 0xff));
        }
        return sb.toString();
    }
}
