package dev.textpoke.perf.sample;

import static dev.textpoke.perf.attr.SampleFormat.CPU;
import static dev.textpoke.perf.attr.SampleFormat.ID;
import static dev.textpoke.perf.attr.SampleFormat.IDENTIFIER;
import static dev.textpoke.perf.attr.SampleFormat.STREAM_ID;
import static dev.textpoke.perf.attr.SampleFormat.TID;
import static dev.textpoke.perf.attr.SampleFormat.TIME;

import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import java.nio.ByteBuffer;

/**
 * Where an event's sample fields are, computed once from its attr, so that hot paths (ordering,
 * id lookup) read a u64 at a known offset instead of parsing.
 *
 * <p>A PERF_RECORD_SAMPLE starts with the fixed u64 fields IDENTIFIER, IP, TID, TIME, ADDR, ID,
 * STREAM_ID, CPU, PERIOD (those set in sample_type, in this order); variable fields follow. Every
 * other kernel record of an attr with {@code sample_id_all} ends with the {@code sample_id}
 * trailer: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER (those set), which is read from the end
 * because the body before it has variable length (UAPI comment at {@code enum perf_event_type}).
 *
 * <p>{@link #branchCounters()}: whether BRANCH_STACK samples carry a u64 counter per entry, which
 * perf decides by the event's group ({@code evsel__has_branch_counters}); EventSet sets it.
 */
public final class SampleLayout {
    private final long sampleType;
    private final long readFormat;
    private final long branchSampleType;
    private final long regsUser;
    private final long regsIntr;
    private final boolean sampleIdAll;
    private final boolean branchCounters;
    private final int timeOffset;
    private final int timeFromEnd;
    /** Offset of each fixed field from the record start, by sample_type bit number; -1 when absent. */
    private final int[] fixedOffsets = new int[64];

    /** Offsets are from the record's first byte; the header takes 8. */
    private static final int BODY = 8;
    private static final int SAMPLE = 9;
    private static final int USER_TYPE_START = 64;
    /** Returned when a record has no timestamp (or no id) to read. */
    public static final long NONE = -1;
    /**
     * Returned by id lookups when a record has no id where its layout puts one; distinct from any
     * id a kernel hands out in practice (ids count up from 1).
     */
    public static final long NONE_ID = Long.MIN_VALUE;

    public SampleLayout(long sampleType, long readFormat, long branchSampleType, long regsUser,
            long regsIntr, boolean sampleIdAll, boolean branchCounters) {
        this.sampleType = sampleType;
        this.readFormat = readFormat;
        this.branchSampleType = branchSampleType;
        this.regsUser = regsUser;
        this.regsIntr = regsIntr;
        this.sampleIdAll = sampleIdAll;
        this.branchCounters = branchCounters;
        java.util.Arrays.fill(fixedOffsets, -1);
        int off = BODY;
        for (long f : FIXED_ORDER) {
            if ((sampleType & f) != 0) {
                fixedOffsets[Long.numberOfTrailingZeros(f)] = off;
                off += 8;
            }
        }
        this.timeOffset = sampleOffset(TIME);
        this.timeFromEnd = trailerOffsetFromEnd(TIME);
    }

    public long sampleType() {
        return sampleType;
    }

    public long readFormat() {
        return readFormat;
    }

    public long branchSampleType() {
        return branchSampleType;
    }

    /** {@code sample_regs_user}: which user registers a REGS_USER dump holds. */
    public long regsUser() {
        return regsUser;
    }

    public long regsIntr() {
        return regsIntr;
    }

    public boolean sampleIdAll() {
        return sampleIdAll;
    }

    public boolean branchCounters() {
        return branchCounters;
    }

    /** Whether BRANCH_STACK samples carry {@code hw_idx} after {@code nr}. */
    public boolean branchHwIndex() {
        return (branchSampleType & BranchSampleType.HW_INDEX) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleLayout l && l.sampleType == sampleType && l.readFormat == readFormat
                && l.branchSampleType == branchSampleType && l.regsUser == regsUser
                && l.regsIntr == regsIntr && l.sampleIdAll == sampleIdAll && l.branchCounters == branchCounters;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(sampleType, readFormat, branchSampleType, regsUser, regsIntr,
                sampleIdAll, branchCounters);
    }

    public static SampleLayout of(EventAttr a) {
        return new SampleLayout(a.sampleType(), a.readFormat(), a.branchSampleType(),
                a.sampleRegsUser(), a.sampleRegsIntr(), a.flag(AttrFlag.SAMPLE_ID_ALL) != 0,
                (a.branchSampleType() & BranchSampleType.COUNTERS) != 0);
    }

    public SampleLayout withBranchCounters(boolean counters) {
        return new SampleLayout(sampleType, readFormat, branchSampleType, regsUser, regsIntr, sampleIdAll, counters);
    }

    public boolean has(long bits) {
        return (sampleType & bits) != 0;
    }

    /** Bytes of the fixed u64 fields at the start of a sample. */
    public int fixedSize() {
        return 8 * Long.bitCount(sampleType & (SampleFormat.IDENTIFIER | SampleFormat.IP | TID | TIME
                | SampleFormat.ADDR | ID | STREAM_ID | CPU | SampleFormat.PERIOD));
    }

    /** Bytes of the sample_id trailer of non-sample records (0 without sample_id_all). */
    public int trailerSize() {
        return sampleIdAll ? 8 * Long.bitCount(sampleType & (TID | TIME | ID | STREAM_ID | CPU | IDENTIFIER)) : 0;
    }

    /** The fixed fields in the order they are written (STREAM_ID comes before CPU despite its bit). */
    private static final long[] FIXED_ORDER = {
        IDENTIFIER, SampleFormat.IP, TID, TIME, SampleFormat.ADDR, ID, STREAM_ID, CPU, SampleFormat.PERIOD,
    };

    /** Offset of a fixed sample field from the record start, or -1 when it is not there. */
    public int sampleOffset(long field) {
        if (Long.bitCount(field) != 1 || (field & (IDENTIFIER | SampleFormat.IP | TID | TIME | SampleFormat.ADDR
                | ID | STREAM_ID | CPU | SampleFormat.PERIOD)) == 0) {
            throw new IllegalArgumentException("not a fixed sample field: " + field);
        }
        return fixedOffsets[Long.numberOfTrailingZeros(field)];
    }

    /** Offset of a trailer field back from the record's end (8 for the last u64), or -1. */
    public int trailerOffsetFromEnd(long field) {
        if (!sampleIdAll || (sampleType & field) == 0) {
            return -1;
        }
        // Fields after `field` in trailer order, plus the field itself.
        long after = switch ((int) Long.numberOfTrailingZeros(field)) {
            case 1 -> TIME | ID | STREAM_ID | CPU | IDENTIFIER;
            case 2 -> ID | STREAM_ID | CPU | IDENTIFIER;
            case 6 -> STREAM_ID | CPU | IDENTIFIER;
            case 9 -> CPU | IDENTIFIER;
            case 7 -> IDENTIFIER;
            case 16 -> 0;
            default -> throw new IllegalArgumentException("not a sample_id field: " + field);
        };
        return 8 * (1 + Long.bitCount(sampleType & after));
    }

    /**
     * perf's {@code id_pos}: the u64 index, from the end of the header, of the id in a sample;
     * -1 when samples carry no id.
     */
    public int idPos() {
        if ((sampleType & IDENTIFIER) != 0) {
            return 0;
        }
        if ((sampleType & ID) == 0) {
            return -1;
        }
        return Long.bitCount(sampleType & (SampleFormat.IP | TID | TIME | SampleFormat.ADDR));
    }

    /**
     * perf's {@code is_pos}: the u64 index, counted back from the end of a non-sample record, of the
     * id in its trailer; -1 when trailers carry no id.
     */
    public int isPos() {
        if ((sampleType & IDENTIFIER) != 0) {
            return 1;
        }
        if ((sampleType & ID) == 0) {
            return -1;
        }
        return 1 + Long.bitCount(sampleType & (CPU | STREAM_ID));
    }

    /**
     * A fixed u64 sample field (IDENTIFIER, IP, TIME, ADDR, ID, STREAM_ID, PERIOD) of the SAMPLE
     * record at {@code start} of {@code b}, read in place without parsing or allocating; {@code
     * absent} when the sample_type lacks it or the record is too short. With TID, {@link #pid} and
     * {@link #tid}; with CPU, {@link #cpu}. This is the fast path for tools that print a few
     * fields of every sample; {@code SampleParser} decodes everything.
     */
    public long sampleU64(ByteBuffer b, int start, int size, long field, long absent) {
        int off = sampleOffset(field);
        return off < 0 || off + 8 > size ? absent : b.getLong(start + off);
    }

    /** The pid of a sample read in place, or -1. */
    public int pid(ByteBuffer b, int start, int size) {
        int off = sampleOffset(TID);
        return off < 0 || off + 8 > size ? -1 : b.getInt(start + off);
    }

    /** The tid of a sample read in place, or -1. */
    public int tid(ByteBuffer b, int start, int size) {
        int off = sampleOffset(TID);
        return off < 0 || off + 8 > size ? -1 : b.getInt(start + off + 4);
    }

    /** The cpu of a sample read in place, or -1. */
    public int cpu(ByteBuffer b, int start, int size) {
        int off = sampleOffset(CPU);
        return off < 0 || off + 8 > size ? -1 : b.getInt(start + off);
    }

    /**
     * The TIME of a record of this event read in place ({@code b} holds the record from {@code
     * start}), or {@link #NONE} when it has none: no TIME bit, no sample_id_all for a non-sample
     * record, a perf user record, or a record too short to hold it.
     */
    public long time(ByteBuffer b, int start, int type, int size) {
        if ((sampleType & TIME) == 0) {
            return NONE;
        }
        if (type == SAMPLE) {
            return timeOffset + 8 <= size ? b.getLong(start + timeOffset) : NONE;
        }
        if (type <= 0 || type >= USER_TYPE_START) {
            return NONE;
        }
        return timeFromEnd > 0 && size - timeFromEnd >= BODY ? b.getLong(start + size - timeFromEnd) : NONE;
    }
}
