package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.SampleId;
import java.nio.ByteOrder;

/**
 * Encodes records from their typed values ({@link PerfRecord}) as the kernel and perf lay them out
 * ({@code include/uapi/linux/perf_event.h}, {@code tools/lib/perf/include/perf/event.h}): {@code
 * struct perf_event_header {u32 type; u16 misc; u16 size}}, the body, and for kernel records their
 * {@code sample_id} trailer. It is the inverse of {@code RecordParser}: a record parsed from a file
 * encodes to the bytes it was read from.
 *
 * <p>The header's type comes from the record's class ({@link PerfRecord.Unknown} keeps its own),
 * its misc from {@link PerfRecord#header()}, and its size is computed: the size held in the header
 * is ignored, so records built from values can pass {@link RecordHeader#of}. Every field is written
 * in this encoder's byte order; bit-fields (branch flags, attr flags) are laid out as a big-endian
 * compiler does when the order is big-endian. Byte arrays (RAW, STACK_USER, AUX, tails, unknown
 * bodies) are written as held.
 *
 * @throws IllegalArgumentException from {@link #encode} when the record is larger than 64 KB (its
 *     size does not fit in header.size) or its fields contradict each other (a sample_type bit
 *     without a value, a fixed-size field of another size)
 */
public final class RecordEncoder {
    public static final int MISC_KERNEL = 1;
    private static final int MAX_SIZE = 0xffff;

    private final ByteOrder order;

    public RecordEncoder(ByteOrder order) {
        this.order = order;
    }

    public ByteOrder order() {
        return order;
    }

    /** The record's bytes, header included. */
    public byte[] encode(PerfRecord r) {
        ByteOutput o = new ByteOutput(order, 64);
        o.u32(type(r)).u16(r.header().misc()).u16(0);
        if (r instanceof PerfRecord.Sample s) {
            SampleBodies.write(o, s);
        } else if (r instanceof PerfRecord.KernelRecord k) {
            KernelRecordBodies.write(o, k);
        } else {
            UserRecordBodies.write(o, r);
        }
        if (o.size() > MAX_SIZE) {
            throw new IllegalArgumentException(RecordType.displayName(type(r)) + " of " + o.size()
                    + " bytes is more than header.size holds");
        }
        o.u16At(6, o.size());
        return o.toArray();
    }

    /** The type a record is written with: its class's, or an unknown record's own. */
    static int type(PerfRecord r) {
        if (r instanceof PerfRecord.Unknown u) {
            return u.header().type();
        }
        RecordType t = TYPES.get(r.getClass());
        if (t == null) {
            throw new IllegalArgumentException("no record type for " + r.getClass().getSimpleName());
        }
        return t.id();
    }

    /** The type of every record class (Unknown aside). */
    private static final java.util.Map<Class<?>, RecordType> TYPES = java.util.Map.ofEntries(
            java.util.Map.entry(PerfRecord.Mmap.class, RecordType.MMAP),
            java.util.Map.entry(PerfRecord.Lost.class, RecordType.LOST),
            java.util.Map.entry(PerfRecord.Comm.class, RecordType.COMM),
            java.util.Map.entry(PerfRecord.Exit.class, RecordType.EXIT),
            java.util.Map.entry(PerfRecord.Throttle.class, RecordType.THROTTLE),
            java.util.Map.entry(PerfRecord.Unthrottle.class, RecordType.UNTHROTTLE),
            java.util.Map.entry(PerfRecord.Fork.class, RecordType.FORK),
            java.util.Map.entry(PerfRecord.Read.class, RecordType.READ),
            java.util.Map.entry(PerfRecord.Sample.class, RecordType.SAMPLE),
            java.util.Map.entry(PerfRecord.Mmap2.class, RecordType.MMAP2),
            java.util.Map.entry(PerfRecord.Aux.class, RecordType.AUX),
            java.util.Map.entry(PerfRecord.ItraceStart.class, RecordType.ITRACE_START),
            java.util.Map.entry(PerfRecord.LostSamples.class, RecordType.LOST_SAMPLES),
            java.util.Map.entry(PerfRecord.Switch.class, RecordType.SWITCH),
            java.util.Map.entry(PerfRecord.SwitchCpuWide.class, RecordType.SWITCH_CPU_WIDE),
            java.util.Map.entry(PerfRecord.Namespaces.class, RecordType.NAMESPACES),
            java.util.Map.entry(PerfRecord.Ksymbol.class, RecordType.KSYMBOL),
            java.util.Map.entry(PerfRecord.BpfEvent.class, RecordType.BPF_EVENT),
            java.util.Map.entry(PerfRecord.Cgroup.class, RecordType.CGROUP),
            java.util.Map.entry(PerfRecord.TextPoke.class, RecordType.TEXT_POKE),
            java.util.Map.entry(PerfRecord.AuxOutputHwId.class, RecordType.AUX_OUTPUT_HW_ID),
            java.util.Map.entry(PerfRecord.CallchainDeferred.class, RecordType.CALLCHAIN_DEFERRED),
            java.util.Map.entry(PerfRecord.HeaderAttr.class, RecordType.HEADER_ATTR),
            java.util.Map.entry(PerfRecord.HeaderEventType.class, RecordType.HEADER_EVENT_TYPE),
            java.util.Map.entry(PerfRecord.HeaderTracingData.class, RecordType.HEADER_TRACING_DATA),
            java.util.Map.entry(PerfRecord.HeaderBuildId.class, RecordType.HEADER_BUILD_ID),
            java.util.Map.entry(PerfRecord.FinishedRound.class, RecordType.FINISHED_ROUND),
            java.util.Map.entry(PerfRecord.IdIndex.class, RecordType.ID_INDEX),
            java.util.Map.entry(PerfRecord.AuxtraceInfo.class, RecordType.AUXTRACE_INFO),
            java.util.Map.entry(PerfRecord.Auxtrace.class, RecordType.AUXTRACE),
            java.util.Map.entry(PerfRecord.AuxtraceError.class, RecordType.AUXTRACE_ERROR),
            java.util.Map.entry(PerfRecord.ThreadMap.class, RecordType.THREAD_MAP),
            java.util.Map.entry(PerfRecord.CpuMap.class, RecordType.CPU_MAP),
            java.util.Map.entry(PerfRecord.StatConfig.class, RecordType.STAT_CONFIG),
            java.util.Map.entry(PerfRecord.Stat.class, RecordType.STAT),
            java.util.Map.entry(PerfRecord.StatRound.class, RecordType.STAT_ROUND),
            java.util.Map.entry(PerfRecord.EventUpdate.class, RecordType.EVENT_UPDATE),
            java.util.Map.entry(PerfRecord.TimeConv.class, RecordType.TIME_CONV),
            java.util.Map.entry(PerfRecord.HeaderFeature.class, RecordType.HEADER_FEATURE),
            java.util.Map.entry(PerfRecord.Compressed.class, RecordType.COMPRESSED),
            java.util.Map.entry(PerfRecord.FinishedInit.class, RecordType.FINISHED_INIT),
            java.util.Map.entry(PerfRecord.Compressed2.class, RecordType.COMPRESSED2),
            java.util.Map.entry(PerfRecord.BpfMetadata.class, RecordType.BPF_METADATA),
            java.util.Map.entry(PerfRecord.SchedstatCpu.class, RecordType.SCHEDSTAT_CPU),
            java.util.Map.entry(PerfRecord.SchedstatDomain.class, RecordType.SCHEDSTAT_DOMAIN));

    // ---- records built from a few values --------------------------------------------------

    /** TEXT_POKE: {@code u64 addr; u16 old_len; u16 new_len; u8 bytes[]}, zero-padded to 8. */
    public byte[] textPoke(long addr, Bytes oldBytes, Bytes newBytes, SampleId sid) {
        int pad = (8 - (12 + oldBytes.length() + newBytes.length()) % 8) % 8;
        return encode(new PerfRecord.TextPoke(RecordHeader.of(RecordType.TEXT_POKE, MISC_KERNEL), addr, oldBytes,
                newBytes, Bytes.of(new byte[pad]), sid));
    }

    /** KSYMBOL: {@code u64 addr; u32 len; u16 ksym_type; u16 flags; char name[]}, NUL-padded to 8. */
    public byte[] ksymbol(long addr, int len, int ksymType, int flags, String name, SampleId sid) {
        return encode(new PerfRecord.Ksymbol(RecordHeader.of(RecordType.KSYMBOL, MISC_KERNEL), addr, len, ksymType,
                flags, CString.of(name, 8), Bytes.EMPTY, sid));
    }

    /** COMM: {@code u32 pid, tid; char comm[]}, NUL-padded to 8. */
    public byte[] comm(int pid, int tid, String comm, int misc, SampleId sid) {
        return encode(new PerfRecord.Comm(RecordHeader.of(RecordType.COMM, misc), pid, tid, CString.of(comm, 8),
                Bytes.EMPTY, sid));
    }

    /**
     * SAMPLE with the fields of {@code sampleType} among IDENTIFIER, IP, TID, TIME, ID, STREAM_ID
     * (the same id for all three), CPU and PERIOD; other bits are refused (build a {@link
     * PerfRecord.Sample} for them).
     */
    public byte[] sample(long sampleType, int misc, long ip, int pid, int tid, long time, long id, int cpu,
            long period) {
        long known = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID | SampleFormat.TIME
                | SampleFormat.ID | SampleFormat.STREAM_ID | SampleFormat.CPU | SampleFormat.PERIOD;
        if ((sampleType & ~known) != 0) {
            throw new IllegalArgumentException("sample_type bits this builder does not write: 0x"
                    + Long.toHexString(sampleType & ~known));
        }
        return encode(new PerfRecord.Sample(RecordHeader.of(RecordType.SAMPLE, misc), sampleType, id, ip, pid, tid,
                time, 0, id, id, cpu, 0, period, null, null, null, null, null, null, 0, 0, 0, null, 0, 0, 0, 0,
                null, Bytes.EMPTY));
    }

    /** FINISHED_ROUND: a header only. */
    public byte[] finishedRound() {
        return encode(new PerfRecord.FinishedRound(RecordHeader.of(RecordType.FINISHED_ROUND, 0), Bytes.EMPTY));
    }

    /** A string feature section, as {@link FeatureEncoder#string} writes it. */
    public Bytes stringFeature(String s) {
        return new FeatureEncoder(order).string(s);
    }

    /** NRCPUS: {@code u32 nr_cpus_available; u32 nr_cpus_online}. */
    public Bytes nrCpusFeature(int available, int online) {
        return new FeatureEncoder(order).encode(new dev.textpoke.perf.feature.Feature.NrCpus(available, online));
    }
}
