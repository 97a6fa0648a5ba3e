package dev.textpoke.perf.sample;

import static dev.textpoke.perf.attr.SampleFormat.ADDR;
import static dev.textpoke.perf.attr.SampleFormat.AUX;
import static dev.textpoke.perf.attr.SampleFormat.BRANCH_STACK;
import static dev.textpoke.perf.attr.SampleFormat.CALLCHAIN;
import static dev.textpoke.perf.attr.SampleFormat.CGROUP;
import static dev.textpoke.perf.attr.SampleFormat.CODE_PAGE_SIZE;
import static dev.textpoke.perf.attr.SampleFormat.CPU;
import static dev.textpoke.perf.attr.SampleFormat.DATA_PAGE_SIZE;
import static dev.textpoke.perf.attr.SampleFormat.DATA_SRC;
import static dev.textpoke.perf.attr.SampleFormat.ID;
import static dev.textpoke.perf.attr.SampleFormat.IDENTIFIER;
import static dev.textpoke.perf.attr.SampleFormat.IP;
import static dev.textpoke.perf.attr.SampleFormat.PERIOD;
import static dev.textpoke.perf.attr.SampleFormat.PHYS_ADDR;
import static dev.textpoke.perf.attr.SampleFormat.RAW;
import static dev.textpoke.perf.attr.SampleFormat.READ;
import static dev.textpoke.perf.attr.SampleFormat.REGS_INTR;
import static dev.textpoke.perf.attr.SampleFormat.REGS_USER;
import static dev.textpoke.perf.attr.SampleFormat.STACK_USER;
import static dev.textpoke.perf.attr.SampleFormat.STREAM_ID;
import static dev.textpoke.perf.attr.SampleFormat.TID;
import static dev.textpoke.perf.attr.SampleFormat.TIME;
import static dev.textpoke.perf.attr.SampleFormat.TRANSACTION;
import static dev.textpoke.perf.attr.SampleFormat.WEIGHT_TYPE;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.BitFields;
import dev.textpoke.perf.attr.ReadFormat;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.ReadValues;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.Regs;
import dev.textpoke.perf.record.UserStack;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes PERF_RECORD_SAMPLE bodies field by field in the kernel's order ({@code
 * perf_output_sample}; perf's {@code evsel__parse_sample}): the fixed u64s, READ, CALLCHAIN, RAW,
 * BRANCH_STACK, REGS_USER, STACK_USER, WEIGHT/WEIGHT_STRUCT, DATA_SRC, TRANSACTION, REGS_INTR,
 * PHYS_ADDR, CGROUP, DATA_PAGE_SIZE, CODE_PAGE_SIZE, AUX. Every length is checked against what
 * remains of the record before anything is allocated.
 *
 * <p>Byte-swapped files need no special steps beyond reading in the file's order: the u32 pairs
 * (TID, CPU) are two u32s, and RAW, STACK_USER and AUX bytes are kept as written. Branch flags
 * are bit-fields and are mapped as {@link BitFields} describes.
 */
public final class SampleParser {
    private SampleParser() {}

    /**
     * @param c          over the record, positioned after the header
     * @param header     the record's header
     * @param layout     the event's layout (sample_type, read_format, masks, branch counters)
     * @param samplePeriod the attr's sample_period, reported when PERIOD is not sampled (as perf does)
     * @throws InputFormatException when a field or a length runs past the record's end
     */
    public static Sample parse(ByteCursor c, RecordHeader header, SampleLayout layout, long samplePeriod)
            throws InputFormatException {
        long t = layout.sampleType();
        long identifier = t(c, t, IDENTIFIER, 0, "identifier");
        long ip = t(c, t, IP, 0, "ip");
        int pid = -1;
        int tid = -1;
        if ((t & TID) != 0) {
            pid = c.s32("pid");
            tid = c.s32("tid");
        }
        long time = t(c, t, TIME, -1, "time");
        long addr = t(c, t, ADDR, 0, "addr");
        long id = t(c, t, ID, -1, "id");
        long streamId = t(c, t, STREAM_ID, -1, "stream_id");
        int cpu = -1;
        int cpuRes = 0;
        if ((t & CPU) != 0) {
            cpu = c.s32("cpu");
            cpuRes = c.s32("cpu res");
        }
        long period = t(c, t, PERIOD, samplePeriod, "period");
        ReadValues read = (t & READ) != 0 ? readValues(c, layout.readFormat()) : null;
        U64s callchain = null;
        if ((t & CALLCHAIN) != 0) {
            int nr = c.count64(8, "callchain nr");
            callchain = u64s(c, nr, "callchain ip");
        }
        Bytes raw = null;
        if ((t & RAW) != 0) {
            int size = c.count32(1, "raw size");
            raw = c.immutableBytes(size, "raw data");
        }
        BranchStack branches = (t & BRANCH_STACK) != 0 ? branchStack(c, layout) : null;
        Regs userRegs = (t & REGS_USER) != 0 ? regs(c, layout.regsUser(), "user regs") : null;
        UserStack stack = null;
        if ((t & STACK_USER) != 0) {
            long size = c.u64("user stack size");
            if (size == 0) {
                stack = new UserStack(0, Bytes.EMPTY, 0);
            } else {
                c.require(size, "user stack data");
                Bytes data = c.immutableBytes(size, "user stack data");
                stack = new UserStack(size, data, c.u64("user stack dyn_size"));
            }
        }
        long weight = t(c, t, WEIGHT_TYPE, 0, "weight");
        long dataSrc = t(c, t, DATA_SRC, 0, "data_src");
        long transaction = t(c, t, TRANSACTION, 0, "transaction");
        Regs intrRegs = (t & REGS_INTR) != 0 ? regs(c, layout.regsIntr(), "intr regs") : null;
        long physAddr = t(c, t, PHYS_ADDR, 0, "phys_addr");
        long cgroup = t(c, t, CGROUP, 0, "cgroup");
        long dataPageSize = t(c, t, DATA_PAGE_SIZE, 0, "data_page_size");
        long codePageSize = t(c, t, CODE_PAGE_SIZE, 0, "code_page_size");
        Bytes aux = null;
        if ((t & AUX) != 0) {
            long size = c.u64("aux sample size");
            aux = c.immutableBytes(size, "aux sample");
        }
        Bytes tail = c.immutableBytes(c.remaining(), "sample tail");
        return new Sample(header, t, identifier, ip, pid, tid, time, addr, id, streamId, cpu, cpuRes, period,
                read, callchain, raw, branches, userRegs, stack, weight, dataSrc, transaction, intrRegs,
                physAddr, cgroup, dataPageSize, codePageSize, aux, tail);
    }

    private static long t(ByteCursor c, long sampleType, long bits, long absent, String what)
            throws InputFormatException {
        return (sampleType & bits) != 0 ? c.u64(what) : absent;
    }

    private static U64s u64s(ByteCursor c, int n, String what) throws InputFormatException {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = c.u64(what);
        }
        return U64s.wrapOwned(v);
    }

    /** READ: group {@code {nr; [ena]; [run]; {value; [id]; [lost]}[nr]}}, else {@code {value; [ena]; [run]; [id]; [lost]}}. */
    public static ReadValues readValues(ByteCursor c, long readFormat) throws InputFormatException {
        boolean group = (readFormat & ReadFormat.GROUP) != 0;
        boolean hasId = (readFormat & ReadFormat.ID) != 0;
        boolean hasLost = (readFormat & ReadFormat.LOST) != 0;
        long first = c.u64(group ? "read group nr" : "read value");
        long enabled = (readFormat & ReadFormat.TOTAL_TIME_ENABLED) != 0 ? c.u64("time_enabled") : 0;
        long running = (readFormat & ReadFormat.TOTAL_TIME_RUNNING) != 0 ? c.u64("time_running") : 0;
        List<ReadValues.ReadValue> values = new ArrayList<>();
        if (group) {
            int each = 8 * (1 + (hasId ? 1 : 0) + (hasLost ? 1 : 0));
            if (first < 0 || first > c.remaining() / each) {
                throw c.error("read group of " + Long.toUnsignedString(first) + " values needs more than the "
                        + c.remaining() + " bytes left");
            }
            for (long i = 0; i < first; i++) {
                long v = c.u64("read value");
                long vid = hasId ? c.u64("read id") : 0;
                long lost = hasLost ? c.u64("read lost") : 0;
                values.add(new ReadValues.ReadValue(v, vid, lost));
            }
        } else {
            long vid = hasId ? c.u64("read id") : 0;
            long lost = hasLost ? c.u64("read lost") : 0;
            values.add(new ReadValues.ReadValue(first, vid, lost));
        }
        return new ReadValues(readFormat, enabled, running, values);
    }

    /**
     * A branch stack that does not fit its sample's record: the fields before it did, so the
     * damage is the stack's ({@code PerfFormatException.Kind.BAD_BRANCH_STACK} once the record
     * parser has named the record).
     */
    public static final class BranchStackException extends InputFormatException {
        private static final long serialVersionUID = 1L;

        BranchStackException(InputFormatException e) {
            super(e.source(), e.offset(), e.problem(), e);
        }
    }

    private static BranchStack branchStack(ByteCursor c, SampleLayout layout) throws InputFormatException {
        try {
            return readBranchStack(c, layout);
        } catch (InputFormatException e) {
            throw new BranchStackException(e);
        }
    }

    private static BranchStack readBranchStack(ByteCursor c, SampleLayout layout) throws InputFormatException {
        long at = c.offset();
        long nr = c.u64("branch stack nr");
        boolean hwIdx = layout.branchHwIndex();
        long idx = hwIdx ? c.u64("branch hw_idx") : -1;
        int each = layout.branchCounters() ? 32 : 24;
        if (nr < 0 || nr > c.remaining() / each) {
            throw new InputFormatException(c.source(), at, "branch stack of " + Long.toUnsignedString(nr)
                    + " entries needs more than the " + c.remaining() + " bytes left");
        }
        boolean swapped = c.order() == ByteOrder.BIG_ENDIAN;
        List<BranchEntry> entries = new ArrayList<>((int) nr);
        for (long i = 0; i < nr; i++) {
            long from = c.u64("branch from");
            long to = c.u64("branch to");
            long flags = c.u64("branch flags");
            entries.add(new BranchEntry(from, to, swapped ? BitFields.fromBigEndian(flags, BranchEntry.FIELDS) : flags));
        }
        U64s counters = layout.branchCounters() ? u64s(c, (int) nr, "branch counter") : U64s.EMPTY;
        return new BranchStack(hwIdx, idx, entries, counters);
    }

    private static Regs regs(ByteCursor c, long mask, String what) throws InputFormatException {
        long abi = c.u64(what + " abi");
        if (abi == Regs.ABI_NONE) {
            return new Regs(abi, mask, U64s.EMPTY);
        }
        int n = Long.bitCount(mask);
        c.require(8L * n, what);
        return new Regs(abi, mask, u64s(c, n, what));
    }
}
