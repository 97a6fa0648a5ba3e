package dev.textpoke.perf.write;

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

import dev.textpoke.perf.attr.BitFields;
import dev.textpoke.perf.attr.ReadFormat;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.ReadValues;
import dev.textpoke.perf.record.Regs;
import dev.textpoke.perf.record.UserStack;
import java.nio.ByteOrder;

/**
 * PERF_RECORD_SAMPLE bodies in the kernel's order ({@code perf_output_sample}), the inverse of
 * {@code SampleParser}: the fields the sample's {@code sampleType} selects, then its tail. Each
 * variable field carries what sizes it (READ its read_format, REGS their mask, BRANCH_STACK
 * whether hw_idx is there), so a sample encodes without its attr.
 */
final class SampleBodies {
    private SampleBodies() {}

    static void write(ByteOutput o, Sample s) {
        long t = s.sampleType();
        if ((t & IDENTIFIER) != 0) {
            o.u64(s.identifier());
        }
        if ((t & IP) != 0) {
            o.u64(s.ip());
        }
        if ((t & TID) != 0) {
            o.u32(s.pid()).u32(s.tid());
        }
        if ((t & TIME) != 0) {
            o.u64(s.time());
        }
        if ((t & ADDR) != 0) {
            o.u64(s.addr());
        }
        if ((t & ID) != 0) {
            o.u64(s.id());
        }
        if ((t & STREAM_ID) != 0) {
            o.u64(s.streamId());
        }
        if ((t & CPU) != 0) {
            o.u32(s.cpu()).u32(s.cpuReserved());
        }
        if ((t & PERIOD) != 0) {
            o.u64(s.period());
        }
        if ((t & READ) != 0) {
            readValues(o, require(s.read(), "READ"));
        }
        if ((t & CALLCHAIN) != 0) {
            o.u64(require(s.callchain(), "CALLCHAIN").size()).u64s(s.callchain());
        }
        if ((t & RAW) != 0) {
            o.u32(require(s.raw(), "RAW").length()).bytes(s.raw());
        }
        if ((t & BRANCH_STACK) != 0) {
            branchStack(o, require(s.branchStack(), "BRANCH_STACK"));
        }
        if ((t & REGS_USER) != 0) {
            regs(o, require(s.userRegs(), "REGS_USER"));
        }
        if ((t & STACK_USER) != 0) {
            userStack(o, require(s.userStack(), "STACK_USER"));
        }
        if ((t & WEIGHT_TYPE) != 0) {
            o.u64(s.weight());
        }
        if ((t & DATA_SRC) != 0) {
            o.u64(s.dataSrc());
        }
        if ((t & TRANSACTION) != 0) {
            o.u64(s.transaction());
        }
        if ((t & REGS_INTR) != 0) {
            regs(o, require(s.intrRegs(), "REGS_INTR"));
        }
        if ((t & PHYS_ADDR) != 0) {
            o.u64(s.physAddr());
        }
        if ((t & CGROUP) != 0) {
            o.u64(s.cgroup());
        }
        if ((t & DATA_PAGE_SIZE) != 0) {
            o.u64(s.dataPageSize());
        }
        if ((t & CODE_PAGE_SIZE) != 0) {
            o.u64(s.codePageSize());
        }
        if ((t & AUX) != 0) {
            o.u64(require(s.aux(), "AUX").length()).bytes(s.aux());
        }
        o.bytes(s.tail());
    }

    private static <T> T require(T field, String name) {
        if (field == null) {
            throw new IllegalArgumentException("the sample_type has " + name + " but the sample has no value for it");
        }
        return field;
    }

    /** Group {@code {nr; [ena]; [run]; {value; [id]; [lost]}[nr]}}, else {@code {value; [ena]; [run]; [id]; [lost]}}. */
    static void readValues(ByteOutput o, ReadValues r) {
        long f = r.readFormat();
        boolean hasId = (f & ReadFormat.ID) != 0;
        boolean hasLost = (f & ReadFormat.LOST) != 0;
        if (r.group()) {
            o.u64(r.values().size());
        } else {
            if (r.values().size() != 1) {
                throw new IllegalArgumentException("a non-group read_format holds one value, not " + r.values().size());
            }
            o.u64(r.values().get(0).value());
        }
        if ((f & ReadFormat.TOTAL_TIME_ENABLED) != 0) {
            o.u64(r.timeEnabled());
        }
        if ((f & ReadFormat.TOTAL_TIME_RUNNING) != 0) {
            o.u64(r.timeRunning());
        }
        for (ReadValues.ReadValue v : r.values()) {
            if (r.group()) {
                o.u64(v.value());
            }
            if (hasId) {
                o.u64(v.id());
            }
            if (hasLost) {
                o.u64(v.lost());
            }
        }
    }

    /** Branch flags are bit-fields: a big-endian writer allocates them from the top ({@link BitFields}). */
    private static void branchStack(ByteOutput o, BranchStack b) {
        if (!b.counters().isEmpty() && b.counters().size() != b.entries().size()) {
            throw new IllegalArgumentException(b.counters().size() + " branch counters for " + b.entries().size()
                    + " branches: a counter per branch, or none");
        }
        o.u64(b.entries().size());
        if (b.hasHwIdx()) {
            o.u64(b.hwIdx());
        }
        boolean bigEndian = o.order() == ByteOrder.BIG_ENDIAN;
        for (BranchEntry e : b.entries()) {
            o.u64(e.from()).u64(e.to())
                    .u64(bigEndian ? BitFields.toBigEndian(e.flags(), BranchEntry.FIELDS) : e.flags());
        }
        o.u64s(b.counters());
    }

    /** {@code u64 abi; u64 regs[weight(mask)]} (no registers when abi is NONE). */
    private static void regs(ByteOutput o, Regs r) {
        o.u64(r.abi());
        if (r.abi() != Regs.ABI_NONE) {
            if (r.values().size() != Long.bitCount(r.mask())) {
                throw new IllegalArgumentException(r.values().size() + " registers for a mask of "
                        + Long.bitCount(r.mask()) + " bits");
            }
            o.u64s(r.values());
        }
    }

    /** {@code u64 size; u8 data[size]; u64 dyn_size} (size alone when it is 0). */
    private static void userStack(ByteOutput o, UserStack s) {
        if (s.size() != s.data().length()) {
            throw new IllegalArgumentException("user stack size " + s.size() + " but " + s.data().length() + " bytes");
        }
        o.u64(s.size());
        if (s.size() != 0) {
            o.bytes(s.data()).u64(s.dynSize());
        }
    }
}
