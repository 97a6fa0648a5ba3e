package dev.textpoke.perf.attr;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import java.nio.ByteOrder;

/**
 * One {@code struct perf_event_attr} (include/uapi/linux/perf_event.h), every field of every
 * version up to VER8 (136 bytes), plus the bytes of newer versions kept unparsed.
 *
 * <pre>
 *  off size                         off size
 *    0  4  type                       72  8  branch_sample_type
 *    4  4  size                       80  8  sample_regs_user
 *    8  8  config                     88  4  sample_stack_user
 *   16  8  sample_period|freq         92  4  clockid (s32)
 *   24  8  sample_type                96  8  sample_regs_intr
 *   32  8  read_format               104  4  aux_watermark
 *   40  8  flags (bit-fields)        108  2  sample_max_stack
 *   48  4  wakeup_events|watermark   110  2  __reserved_2
 *   52  4  bp_type                   112  4  aux_sample_size
 *   56  8  bp_addr|config1           116  4  aux_action (was __reserved_3)
 *   64  8  bp_len|config2            120  8  sig_data
 *                                    128  8  config3
 * </pre>
 *
 * Fields beyond {@link #declaredSize()} are zero, as the kernel treats them. {@link #flags()} is in
 * the little-endian bit numbering of {@link AttrFlag} whatever order the file was written in
 * (see {@link BitFields} for how a big-endian writer's bit-fields are brought to it).
 *
 * @param declaredSize the {@code size} field as written: 0 means {@link #SIZE_VER0}
 * @param tail         bytes after offset {@link #SIZE_KNOWN} up to the attr's size, kept as they
 *                     were on disk (a newer perf's fields)
 */
public record EventAttr(
        long type,
        long declaredSize,
        long config,
        long samplePeriod,
        long sampleType,
        long readFormat,
        long flags,
        long wakeupEvents,
        long bpType,
        long config1,
        long config2,
        long branchSampleType,
        long sampleRegsUser,
        long sampleStackUser,
        int clockid,
        long sampleRegsIntr,
        long auxWatermark,
        int sampleMaxStack,
        int reserved2,
        long auxSampleSize,
        long auxAction,
        long sigData,
        long config3,
        Bytes tail) {

    public static final int SIZE_VER0 = 64;
    public static final int SIZE_VER1 = 72;
    public static final int SIZE_VER2 = 80;
    public static final int SIZE_VER3 = 96;
    public static final int SIZE_VER4 = 104;
    public static final int SIZE_VER5 = 112;
    public static final int SIZE_VER6 = 120;
    public static final int SIZE_VER7 = 128;
    public static final int SIZE_VER8 = 136;
    /** The largest layout this reader parses field by field. */
    public static final int SIZE_KNOWN = SIZE_VER8;

    /** {@code {lsb, width}} of the flags word's bit-fields: 40 named bits (precise_ip is 2 wide), reserved rest. */
    public static final int[][] FLAG_FIELDS = flagFields();

    static final int OFF_SIZE = 4;
    static final int OFF_FLAGS = 40;

    public EventAttr {
        tail = tail == null ? Bytes.EMPTY : tail;
    }

    /** Bytes the attr takes: its {@code size} field, or 64 when that is 0 (ABI0). */
    public long size() {
        return declaredSize == 0 ? SIZE_VER0 : declaredSize;
    }

    public boolean has(long sampleFormatBits) {
        return (sampleType & sampleFormatBits) != 0;
    }

    public long flag(AttrFlag f) {
        return f.get(flags);
    }

    public boolean sampleIdAll() {
        return flag(AttrFlag.SAMPLE_ID_ALL) != 0;
    }

    /** {@code freq}: {@link #samplePeriod()} is a frequency. */
    public boolean freq() {
        return flag(AttrFlag.FREQ) != 0;
    }

    /**
     * Reads the attr at the cursor, which holds at least the attr's own size; the cursor ends after
     * it. In a big-endian file every field is byte-swapped and the flags word's bit-fields are
     * mapped from the big-endian allocation ({@link BitFields}).
     *
     * @throws InputFormatException when the declared size is below 64, not a multiple of 8, or
     *     beyond what the cursor holds
     */
    public static EventAttr read(ByteCursor c) throws InputFormatException {
        long at = c.offset();
        int start = c.position();
        c.require(SIZE_VER0, "perf_event_attr");
        long declared = c.skip(OFF_SIZE, "perf_event_attr").u32("attr.size");
        c.seek(start);
        long size = declared == 0 ? SIZE_VER0 : declared;
        if (size < SIZE_VER0 || (size & 7) != 0) {
            throw new InputFormatException(c.source(), at + OFF_SIZE,
                    "perf_event_attr size " + declared + " is below 64 or not a multiple of 8");
        }
        ByteCursor a = c.slice(size, "perf_event_attr of " + size + " bytes");
        Fields f = new Fields(a, (int) size);
        Bytes tail = size > SIZE_KNOWN
                ? a.seek(SIZE_KNOWN).immutableBytes(size - SIZE_KNOWN, "perf_event_attr tail")
                : Bytes.EMPTY;
        return new EventAttr(
                f.u32(0), declared, f.u64(8), f.u64(16), f.u64(24), f.u64(32), f.flags(OFF_FLAGS),
                f.u32(48), f.u32(52), f.u64(56), f.u64(64), f.u64(72), f.u64(80), f.u32(88),
                (int) f.u32(92), f.u64(96), f.u32(104), f.u16(108), f.u16(110), f.u32(112),
                f.u32(116), f.u64(120), f.u64(128), tail);
    }

    private static int[][] flagFields() {
        int[][] f = new int[40][];
        int n = 0;
        for (int bit = 0; bit < 40; bit++) {
            if (bit == AttrFlag.PRECISE_IP.bit()) {
                f[n++] = new int[] {bit, 2};
                bit++;
            } else {
                f[n++] = new int[] {bit, 1};
            }
        }
        f[n++] = new int[] {40, 24};
        return java.util.Arrays.copyOf(f, n);
    }

    /** Absolute-offset field reads within one attr; fields past its size read as zero. */
    private static final class Fields {
        private final ByteCursor a;
        private final int size;

        Fields(ByteCursor a, int size) {
            this.a = a;
            this.size = size;
        }

        long u64(int off) throws InputFormatException {
            return off + 8 <= size ? a.seek(off).u64("perf_event_attr field at " + off) : 0;
        }

        long u32(int off) throws InputFormatException {
            return off + 4 <= size ? a.seek(off).u32("perf_event_attr field at " + off) : 0;
        }

        int u16(int off) throws InputFormatException {
            return off + 2 <= size ? a.seek(off).u16("perf_event_attr field at " + off) : 0;
        }

        long flags(int off) throws InputFormatException {
            long raw = u64(off);
            return a.order() == ByteOrder.BIG_ENDIAN ? BitFields.fromBigEndian(raw, FLAG_FIELDS) : raw;
        }
    }
}
