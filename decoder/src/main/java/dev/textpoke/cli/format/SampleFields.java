package dev.textpoke.cli.format;

import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.sample.SampleLayout;
import java.nio.ByteBuffer;

/**
 * The fields {@code textpoke samples} prints of one sample, in one reused holder, filled from a
 * parsed {@link Sample} or, for the common layouts, read in place from the record (no objects per
 * sample: on a -g recording most of the time went into making them).
 */
public final class SampleFields {
    /** The fixed u64 fields ({@link SampleLayout#fixedSize()}). */
    private static final long FIXED = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID
            | SampleFormat.TIME | SampleFormat.ADDR | SampleFormat.ID | SampleFormat.STREAM_ID | SampleFormat.CPU
            | SampleFormat.PERIOD;
    private static final int HEADER = 8;
    /**
     * The u64 fields after the user stack (perf's {@code evsel__parse_sample} order: weight,
     * data_src, transaction, then regs_intr, then phys_addr, cgroup, data_page_size,
     * code_page_size); read in place, the memory sampling ones kept ({@link #MEMORY}).
     */
    private static final long TAIL_BEFORE_INTR = SampleFormat.WEIGHT | SampleFormat.WEIGHT_STRUCT
            | SampleFormat.DATA_SRC | SampleFormat.TRANSACTION;
    private static final long TAIL_AFTER_INTR = SampleFormat.PHYS_ADDR | SampleFormat.CGROUP
            | SampleFormat.DATA_PAGE_SIZE | SampleFormat.CODE_PAGE_SIZE;
    /** The fields of memory sampling {@code samples} prints; rare, so looked for only when there. */
    private static final long MEMORY = SampleFormat.WEIGHT_TYPE | SampleFormat.DATA_SRC | SampleFormat.PHYS_ADDR
            | SampleFormat.DATA_PAGE_SIZE | SampleFormat.CODE_PAGE_SIZE;
    /**
     * What perf reads as the data_src of a sample without one ({@code PERF_MEM_DATA_SRC_NONE}: op,
     * level, snoop, lock and TLB all N/A).
     */
    static final long DATA_SRC_NONE = 1L | 1L << 5 | 1L << 19 | 1L << 24 | 1L << 26;

    long sampleType;
    /** The record's misc: its cpumode says whether {@link #ip} is a kernel or a user address. */
    int misc;
    int pid;
    public int tid;
    int cpu;
    long time;
    long addr;
    long ip;
    public long period;
    /** data_src ({@link #DATA_SRC_NONE} when the sample has none). */
    long dataSrc = DATA_SRC_NONE;
    /** The weight, or a weight_struct's first 32 bits; 0 when the sample has neither. */
    long weight;
    /** A weight_struct's instruction latency (bits 32 to 47); 0 otherwise. */
    int insLat;
    long physAddr;
    long dataPageSize;
    long codePageSize;
    /** Whether the memory sampling fields may hold a sample's values (else they are perf's defaults). */
    private boolean memoryKept;
    boolean hasChain;
    long[] chain = new long[128];
    int chainLength;
    /** The branch stack; only from a parsed sample. */
    BranchStack branches;
    /**
     * Whether the branch stack is an LBR call stack ({@code --call-graph lbr}: branch_sample_type
     * CALL_STACK), from which perf takes the chain's user part.
     */
    boolean lbrCallStack;
    /** The RAW data (a tracepoint's fields); only from a parsed sample, else null. */
    byte[] raw;
    /**
     * The user-mode IP from the sampled user registers when the sample also has a user stack
     * (--call-graph dwarf), where perf's unwinder starts; -1 otherwise.
     */
    long userRegsIp = -1;
    /**
     * The user register dump and stack of a sample perf would unwind (only when {@link
     * #userRegsIp} is set): the values in mask bit order, and where the stack's {@code dyn_size}
     * valid bytes are. The stack is in the record's buffer, valid until the next record.
     */
    long userRegsAbi;
    long userRegsMask;
    long[] userRegs = new long[64];
    int userRegsCount;
    ByteBuffer userStack;
    int userStackOffset;
    long userStackSize;

    /**
     * @param ipRegister the bit of the instruction pointer in {@code sample_regs_user} (x86-64 8,
     *     arm64 32; perf's {@code PERF_REG_*_IP}), or -1
     */
    /** The bit of the instruction pointer in user register dumps ({@code PERF_REG_*_IP}), or -1. */
    private int ipRegister = -1;

    public void ipRegister(int bit) {
        ipRegister = bit;
    }

    /** The sample's time. */
    public long time() {
        return time;
    }

    /** @param order the byte order of the record (and of the sampled stack) */
    public void from(Sample s, int ipRegister, java.nio.ByteOrder order) {
        from(s);
        raw = s.has(SampleFormat.RAW) && s.raw() != null ? s.raw().toArray() : null;
        userRegsIp = -1;
        if (ipRegister >= 0 && s.has(SampleFormat.REGS_USER) && s.has(SampleFormat.STACK_USER)
                && s.userRegs() != null && s.userStack() != null && s.userStack().dynSize() > 0) {
            userRegsIp = s.userRegs().get(ipRegister);
            userRegsAbi = s.userRegs().abi();
            userRegsMask = s.userRegs().mask();
            userRegsCount = Math.min(userRegs.length, s.userRegs().values().size());
            for (int i = 0; i < userRegsCount; i++) {
                userRegs[i] = s.userRegs().values().get(i);
            }
            userStack = ByteBuffer.wrap(s.userStack().data().toArray()).order(order);
            userStackOffset = 0;
            userStackSize = Math.min(s.userStack().dynSize(), s.userStack().data().length());
        }
    }

    public void from(Sample s) {
        misc = s.header().misc();
        raw = null;
        userRegsIp = -1;
        sampleType = s.sampleType();
        pid = s.pid();
        tid = s.tid();
        cpu = s.cpu();
        time = s.time();
        addr = s.addr();
        ip = s.ip();
        period = s.period();
        hasChain = s.has(SampleFormat.CALLCHAIN) && s.callchain() != null;
        chainLength = hasChain ? s.callchain().size() : 0;
        if (chain.length < chainLength) {
            chain = new long[chainLength];
        }
        for (int i = 0; i < chainLength; i++) {
            chain[i] = s.callchain().get(i);
        }
        branches = s.has(SampleFormat.BRANCH_STACK) ? s.branchStack() : null;
        lbrCallStack = false;
        memory(s.sampleType(), s.weight(), s.dataSrc(), s.physAddr(), s.dataPageSize(), s.codePageSize());
    }

    /** The memory sampling fields, each as perf reads it when the sample_type lacks it. */
    private void memory(long t, long weightWord, long dataSrcWord, long phys, long dataPage, long codePage) {
        if ((t & MEMORY) == 0) {
            if (memoryKept) { // the common case costs this one test
                clearMemory();
            }
            return;
        }
        memoryKept = true;
        dataSrc = (t & SampleFormat.DATA_SRC) != 0 ? dataSrcWord : DATA_SRC_NONE;
        if ((t & SampleFormat.WEIGHT) != 0) {
            weight = weightWord;
            insLat = 0;
        } else if ((t & SampleFormat.WEIGHT_STRUCT) != 0) {
            // union perf_sample_weight: var1_dw is the low 32 bits, var2_w the next 16
            weight = weightWord & 0xffffffffL;
            insLat = (int) (weightWord >>> 32) & 0xffff;
        } else {
            weight = 0;
            insLat = 0;
        }
        physAddr = phys;
        dataPageSize = dataPage;
        codePageSize = codePage;
    }

    private void clearMemory() {
        memoryKept = false;
        dataSrc = DATA_SRC_NONE;
        weight = 0;
        insLat = 0;
        physAddr = 0;
        dataPageSize = 0;
        codePageSize = 0;
    }

    /** The event's branch stack is an LBR call stack (its attr's branch_sample_type has CALL_STACK). */
    public void lbrCallStack(boolean callStack) {
        lbrCallStack = callStack;
    }

    /**
     * Reads the sample in place when its layout is fixed fields plus at most a call chain, raw data,
     * user registers and stack, and fields {@code samples} does not print, and the record's size is
     * exactly what they take; false otherwise (the caller then parses it, which
     * also reports any damage).
     */
    public boolean fromView(RecordView v, Event e) {
        SampleLayout l = e.layout();
        long t = l.sampleType();
        if ((t & ~(FIXED | SampleFormat.CALLCHAIN | SampleFormat.RAW | SampleFormat.REGS_USER
                | SampleFormat.STACK_USER | TAIL_BEFORE_INTR | SampleFormat.REGS_INTR | TAIL_AFTER_INTR)) != 0) {
            return false;
        }
        ByteBuffer b = v.buffer();
        int start = v.start();
        int size = v.size();
        int fixedEnd = HEADER + l.fixedSize();
        long nr = 0;
        int end = fixedEnd;
        if ((t & SampleFormat.CALLCHAIN) != 0) {
            if (size < fixedEnd + 8) {
                return false;
            }
            nr = b.getLong(start + fixedEnd);
            if (nr < 0 || nr > (size - fixedEnd - 8) / 8) {
                return false;
            }
            end = fixedEnd + 8 + 8 * (int) nr;
        }
        int rawAt = -1;
        long rawSize = 0;
        if ((t & SampleFormat.RAW) != 0) {
            // {u32 size; u8 data[size]} padded so that the whole is a multiple of 8
            if (size < end + 4) {
                return false;
            }
            rawSize = Integer.toUnsignedLong(b.getInt(start + end));
            rawAt = end + 4;
            end = (int) Math.min(Integer.MAX_VALUE, (rawAt + rawSize + 7) & ~7L);
        }
        long regsIp = -1;
        int regsAt = -1;
        long regsAbi = 0;
        if ((t & SampleFormat.REGS_USER) != 0) {
            // {u64 abi; u64 regs[popcount(sample_regs_user)]} (none when abi is 0)
            if (size < end + 8) {
                return false;
            }
            long abi = b.getLong(start + end);
            end += 8;
            long mask = e.attr().sampleRegsUser();
            regsAbi = abi;
            regsAt = end;
            if (abi != 0) {
                if (ipRegister >= 0 && (mask >>> ipRegister & 1) != 0) {
                    int at = end + 8 * Long.bitCount(mask & ((1L << ipRegister) - 1));
                    if (size < at + 8) {
                        return false;
                    }
                    regsIp = b.getLong(start + at);
                }
                end += 8 * Long.bitCount(mask);
            }
        }
        long dynSize = 0;
        int stackAt = -1;
        long stackLength = 0;
        if ((t & SampleFormat.STACK_USER) != 0) {
            // {u64 size; u8 data[size]; u64 dyn_size (when size is not 0)}
            if (size < end + 8) {
                return false;
            }
            long stack = b.getLong(start + end);
            if (stack < 0 || stack > size) {
                return false;
            }
            stackAt = end + 8;
            stackLength = stack;
            end += 8 + (int) stack;
            if (stack != 0) {
                if (size < end + 8) {
                    return false;
                }
                dynSize = b.getLong(start + end);
                end += 8;
            }
        }
        // weight (or weight_struct, the same 8 bytes), data_src, transaction: one u64 each
        int memoryAt = end;
        end += 8 * Long.bitCount(t & (SampleFormat.DATA_SRC | SampleFormat.TRANSACTION))
                + ((t & SampleFormat.WEIGHT_TYPE) != 0 ? 8 : 0);
        if ((t & SampleFormat.REGS_INTR) != 0) {
            // {u64 abi; u64 regs[popcount(sample_regs_intr)]} (none when abi is 0)
            if (size < end + 8) {
                return false;
            }
            long abi = b.getLong(start + end);
            end += 8 + (abi != 0 ? 8 * Long.bitCount(e.attr().sampleRegsIntr()) : 0);
        }
        int afterIntrAt = end;
        end += 8 * Long.bitCount(t & TAIL_AFTER_INTR);
        if (size != end) {
            return false;
        }
        if ((t & MEMORY) != 0) {
            memoryInPlace(b, start, t, memoryAt, afterIntrAt);
        } else {
            memory(t, 0, 0, 0, 0, 0);
        }
        sampleType = t;
        misc = v.misc();
        raw = null;
        pid = l.pid(b, start, size);
        tid = l.tid(b, start, size);
        cpu = l.cpu(b, start, size);
        time = l.sampleU64(b, start, size, SampleFormat.TIME, -1);
        addr = l.sampleU64(b, start, size, SampleFormat.ADDR, 0);
        ip = l.sampleU64(b, start, size, SampleFormat.IP, 0);
        period = l.sampleU64(b, start, size, SampleFormat.PERIOD, e.attr().samplePeriod());
        hasChain = (t & SampleFormat.CALLCHAIN) != 0;
        chainLength = (int) nr;
        if (chain.length < chainLength) {
            chain = new long[chainLength];
        }
        for (int i = 0; i < chainLength; i++) {
            chain[i] = b.getLong(start + fixedEnd + 8 + 8 * i);
        }
        branches = null;
        lbrCallStack = false;
        // where perf's unwinder starts: only with a user stack to unwind (evsel.c, user_stack.size)
        userRegsIp = (t & SampleFormat.STACK_USER) != 0 && dynSize > 0 ? regsIp : -1;
        if (userRegsIp != -1) {
            userRegsAbi = regsAbi;
            userRegsMask = e.attr().sampleRegsUser();
            userRegsCount = Math.min(userRegs.length, Long.bitCount(userRegsMask));
            for (int i = 0; i < userRegsCount; i++) {
                userRegs[i] = b.getLong(start + regsAt + 8 * i);
            }
            userStack = b;
            userStackOffset = start + stackAt;
            userStackSize = Long.compareUnsigned(dynSize, stackLength) > 0 ? 0 : dynSize; // never past the dump
        }
        if (rawAt >= 0) {
            raw = new byte[(int) rawSize];
            b.get(start + rawAt, raw);
        }
        return true;
    }

    /**
     * The memory sampling fields of a record whose size was checked: the weight, data_src (and
     * transaction) u64s at {@code at}, phys_addr, cgroup and the page sizes at {@code afterIntr}.
     */
    private void memoryInPlace(ByteBuffer b, int start, long t, int at, int afterIntr) {
        long w = 0;
        if ((t & SampleFormat.WEIGHT_TYPE) != 0) {
            w = b.getLong(start + at);
            at += 8;
        }
        long src = (t & SampleFormat.DATA_SRC) != 0 ? b.getLong(start + at) : 0;
        long phys = 0;
        long dataPage = 0;
        long codePage = 0;
        int p = start + afterIntr;
        if ((t & SampleFormat.PHYS_ADDR) != 0) {
            phys = b.getLong(p);
            p += 8;
        }
        if ((t & SampleFormat.CGROUP) != 0) {
            p += 8;
        }
        if ((t & SampleFormat.DATA_PAGE_SIZE) != 0) {
            dataPage = b.getLong(p);
            p += 8;
        }
        if ((t & SampleFormat.CODE_PAGE_SIZE) != 0) {
            codePage = b.getLong(p);
        }
        memory(t, w, src, phys, dataPage, codePage);
    }

    /** The user register dump's ABI ({@code PERF_SAMPLE_REGS_ABI_*}) of a sample with a user stack to unwind. */
    public long userRegsAbi() {
        return userRegsAbi;
    }

    /** The attr's {@code sample_regs_user}: which registers {@link #userRegs} holds, in bit order. */
    public long userRegsMask() {
        return userRegsMask;
    }

    public long[] userRegs() {
        return userRegs;
    }

    public int userRegsCount() {
        return userRegsCount;
    }

    /** Whether the sample has a user stack perf would unwind (regs with the IP, and stack bytes). */
    public boolean hasUserStack() {
        return userRegsIp != -1;
    }

    /** The buffer holding the sampled user stack (valid until the next record is read). */
    public ByteBuffer userStack() {
        return userStack;
    }

    public int userStackOffset() {
        return userStackOffset;
    }

    /** The valid bytes of the sampled stack ({@code dyn_size}). */
    public long userStackSize() {
        return userStackSize;
    }

    /** The process's id. */
    public int pid() {
        return pid;
    }

    /** The RAW data (a tracepoint's fields), or null. */
    public byte[] raw() {
        return raw;
    }
}
