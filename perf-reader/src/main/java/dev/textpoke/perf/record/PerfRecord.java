package dev.textpoke.perf.record;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.EventAttr;
import java.util.List;

/**
 * Every record type of a perf.data, parsed: kernel records ({@code enum perf_event_type},
 * include/uapi/linux/perf_event.h) and perf's own ({@code enum perf_user_event_type},
 * tools/lib/perf/include/perf/event.h). Unknown types are kept as {@link Unknown}.
 *
 * <p>Records keep everything needed to write them back byte for byte: the header (misc, size),
 * string fields with their padding ({@link CString}), the {@code sample_id} trailer, and any bytes
 * between the known body and the trailer ({@code tail}: a newer kernel's fields, odd padding).
 */
public sealed interface PerfRecord {
    RecordHeader header();

    /** The record's type, or null for {@link Unknown}. */
    default RecordType type() {
        return header().recordType();
    }

    /** A kernel record, written with a {@code sample_id} trailer when its attr has sample_id_all. */
    sealed interface KernelRecord extends PerfRecord {
        /** The trailer, or null when the attr has no sample_id_all (or the event is unknown). */
        SampleId sampleId();

        /** Bytes between the parsed body and the trailer, normally empty. */
        Bytes tail();
    }

    /** {@code PERF_RECORD_MISC_*} bits, by meaning. */
    final class Misc {
        /** COMM: the process exec'ed. MMAP: data, not executable, mapping. SWITCH: switch out. */
        public static final int COMM_EXEC = 1 << 13;
        public static final int MMAP_DATA = 1 << 13;
        public static final int SWITCH_OUT = 1 << 13;
        public static final int FORK_EXEC = 1 << 13;
        /** SWITCH: out while still runnable (preempted). MMAP2: carries a build id. SAMPLE: exact ip. */
        public static final int SWITCH_OUT_PREEMPT = 1 << 14;
        public static final int MMAP_BUILD_ID = 1 << 14;
        public static final int EXACT_IP = 1 << 14;
        public static final int PROC_MAP_PARSE_TIMEOUT = 1 << 12;
        /** LOST_SAMPLES counted by a BPF filter; HEADER_BUILD_ID with a size byte. */
        public static final int LOST_SAMPLES_BPF = 1 << 15;
        public static final int BUILD_ID_SIZE = 1 << 15;

        private Misc() {}
    }

    // ---- kernel records -------------------------------------------------------------------

    /** MMAP: {@code u32 pid, tid; u64 addr, len, pgoff; char filename[]}. */
    record Mmap(RecordHeader header, int pid, int tid, @Hex long addr, @Hex long len, @Hex long pgoff,
            CString filename, Bytes tail, SampleId sampleId) implements KernelRecord {}

    /** LOST: {@code u64 id, lost}. */
    record Lost(RecordHeader header, long id, long lost, Bytes tail, SampleId sampleId) implements KernelRecord {}

    /** COMM: {@code u32 pid, tid; char comm[]}; misc COMM_EXEC when from exec. */
    record Comm(RecordHeader header, int pid, int tid, CString comm, Bytes tail, SampleId sampleId)
            implements KernelRecord {
        public boolean exec() {
            return (header.misc() & Misc.COMM_EXEC) != 0;
        }
    }

    /** EXIT: {@code u32 pid, ppid, tid, ptid; u64 time}. */
    record Exit(RecordHeader header, int pid, int ppid, int tid, int ptid, long time, Bytes tail,
            SampleId sampleId) implements KernelRecord {}

    /** THROTTLE: {@code u64 time, id, stream_id}. */
    record Throttle(RecordHeader header, long time, long id, long streamId, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /** UNTHROTTLE: as THROTTLE. */
    record Unthrottle(RecordHeader header, long time, long id, long streamId, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /** FORK: {@code u32 pid, ppid, tid, ptid; u64 time}. */
    record Fork(RecordHeader header, int pid, int ppid, int tid, int ptid, long time, Bytes tail,
            SampleId sampleId) implements KernelRecord {}

    /** READ: {@code u32 pid, tid;} then the values in the attr's read_format. */
    record Read(RecordHeader header, int pid, int tid, ReadValues values, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /**
     * SAMPLE: the fields of the attr's sample_type, in the kernel's order (see {@code
     * dev.textpoke.perf.sample.SampleParser}). Fields the sample_type does not select are -1 (pid,
     * tid, cpu, time, id, stream id), the attr's sample_period (period), 0 or null (the rest).
     *
     * @param raw   RAW data as written after its u32 size (which counts any padding)
     * @param tail  bytes after the last known field (sample_type bits this reader does not know)
     */
    record Sample(RecordHeader header, long sampleType, long identifier, @Hex long ip, int pid, int tid,
            long time, @Hex long addr, long id, long streamId, int cpu, int cpuReserved, long period,
            ReadValues read, U64s callchain, Bytes raw, BranchStack branchStack, Regs userRegs,
            UserStack userStack, long weight, @Hex long dataSrc, @Hex long transaction, Regs intrRegs,
            @Hex long physAddr, long cgroup, long dataPageSize, long codePageSize, Bytes aux, Bytes tail)
            implements PerfRecord {
        public boolean has(long sampleFormatBits) {
            return (sampleType & sampleFormatBits) != 0;
        }

        /** The cpumode of misc: 1 kernel, 2 user, 3 hypervisor, 4 guest kernel, 5 guest user. */
        public int cpumode() {
            return header.cpumode();
        }
    }

    /**
     * MMAP2: MMAP plus {@code u32 maj, min; u64 ino, ino_generation} or, with misc MMAP_BUILD_ID,
     * {@code u8 build_id_size; u8 res1; u16 res2; u8 build_id[20]} in the same 24 bytes; then
     * {@code u32 prot, flags; char filename[]}.
     */
    record Mmap2(RecordHeader header, int pid, int tid, @Hex long addr, @Hex long len, @Hex long pgoff,
            long maj, long min, long ino, long inoGeneration, int buildIdSize, int buildIdReserved1,
            int buildIdReserved2, Bytes buildIdArea, @Hex long prot, @Hex long flags, CString filename,
            Bytes tail, SampleId sampleId) implements KernelRecord {
        public boolean hasBuildId() {
            return (header.misc() & Misc.MMAP_BUILD_ID) != 0;
        }

        /** The build id, when {@link #hasBuildId()}. */
        public Bytes buildId() {
            return hasBuildId() ? buildIdArea.slice(0, Math.min(buildIdSize, buildIdArea.length())) : Bytes.EMPTY;
        }
    }

    /** AUX: {@code u64 aux_offset, aux_size, flags} (TRUNCATED 1, OVERWRITE 2, PARTIAL 4, COLLISION 8). */
    record Aux(RecordHeader header, @Hex long auxOffset, @Hex long auxSize, @Hex long flags, Bytes tail,
            SampleId sampleId) implements KernelRecord {
        public static final long TRUNCATED = 1;
        public static final long OVERWRITE = 2;
        public static final long PARTIAL = 4;
        public static final long COLLISION = 8;
    }

    /** ITRACE_START: {@code u32 pid, tid}. */
    record ItraceStart(RecordHeader header, int pid, int tid, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /** LOST_SAMPLES: {@code u64 lost}. */
    record LostSamples(RecordHeader header, long lost, Bytes tail, SampleId sampleId) implements KernelRecord {}

    /** SWITCH: no body; misc SWITCH_OUT, SWITCH_OUT_PREEMPT. */
    record Switch(RecordHeader header, Bytes tail, SampleId sampleId) implements KernelRecord {
        public boolean out() {
            return (header.misc() & Misc.SWITCH_OUT) != 0;
        }

        public boolean preempt() {
            return (header.misc() & Misc.SWITCH_OUT_PREEMPT) != 0;
        }
    }

    /** SWITCH_CPU_WIDE: {@code u32 next_prev_pid, next_prev_tid}. */
    record SwitchCpuWide(RecordHeader header, int nextPrevPid, int nextPrevTid, Bytes tail, SampleId sampleId)
            implements KernelRecord {
        public boolean out() {
            return (header.misc() & Misc.SWITCH_OUT) != 0;
        }

        public boolean preempt() {
            return (header.misc() & Misc.SWITCH_OUT_PREEMPT) != 0;
        }
    }

    /** NAMESPACES: {@code u32 pid, tid; u64 nr; {u64 dev, ino}[nr]}. */
    record Namespaces(RecordHeader header, int pid, int tid, List<NamespaceLink> links, Bytes tail,
            SampleId sampleId) implements KernelRecord {
        public Namespaces {
            links = List.copyOf(links);
        }
    }

    record NamespaceLink(@Hex long dev, long ino) {}

    /** KSYMBOL: {@code u64 addr; u32 len; u16 ksym_type; u16 flags; char name[]}. */
    record Ksymbol(RecordHeader header, @Hex long addr, long len, int ksymType, int flags, CString name,
            Bytes tail, SampleId sampleId) implements KernelRecord {
        public static final int TYPE_BPF = 1;
        public static final int TYPE_OOL = 2;
        public static final int FLAG_UNREGISTER = 1;

        public boolean unregister() {
            return (flags & FLAG_UNREGISTER) != 0;
        }
    }

    /** BPF_EVENT: {@code u16 type (1 load, 2 unload); u16 flags; u32 id; u8 tag[8]}. */
    record BpfEvent(RecordHeader header, int bpfType, int flags, long id, Bytes tag, Bytes tail,
            SampleId sampleId) implements KernelRecord {}

    /** CGROUP: {@code u64 id; char path[]}. */
    record Cgroup(RecordHeader header, long id, CString path, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /**
     * TEXT_POKE: {@code u64 addr; u16 old_len; u16 new_len; u8 bytes[old_len + new_len]} (old then
     * new), zero padding after so that the body ends 8-aligned (kept in {@code tail}).
     */
    record TextPoke(RecordHeader header, @Hex long addr, Bytes oldBytes, Bytes newBytes, Bytes tail,
            SampleId sampleId) implements KernelRecord {}

    /** AUX_OUTPUT_HW_ID: {@code u64 hw_id}. */
    record AuxOutputHwId(RecordHeader header, @Hex long hwId, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    /** CALLCHAIN_DEFERRED: {@code u64 cookie; u64 nr; u64 ips[nr]}. */
    record CallchainDeferred(RecordHeader header, @Hex long cookie, U64s ips, Bytes tail, SampleId sampleId)
            implements KernelRecord {}

    // ---- perf's own records ---------------------------------------------------------------

    /** HEADER_ATTR: an attr ({@code attr.size} bytes), then u64 ids to the end of the record. */
    record HeaderAttr(RecordHeader header, EventAttr attr, U64s ids) implements PerfRecord {}

    /** HEADER_EVENT_TYPE (deprecated): {@code u64 event_id; char name[64]}. */
    record HeaderEventType(RecordHeader header, long eventId, CString name) implements PerfRecord {}

    /**
     * HEADER_TRACING_DATA: {@code u32 size; u32 pad}; perf puts {@code size} bytes of tracing data
     * after the record (simpleperf inside it: then {@code inline} holds them).
     */
    record HeaderTracingData(RecordHeader header, long size, Bytes inline, long payloadOffset)
            implements PerfRecord {}

    /** HEADER_BUILD_ID: {@code s32 pid; u8 build_id[24]; char filename[]} (misc BUILD_ID_SIZE). */
    record HeaderBuildId(RecordHeader header, int pid, Bytes buildIdArea, CString filename)
            implements PerfRecord {
        public Bytes buildId() {
            int n = (header.misc() & Misc.BUILD_ID_SIZE) != 0 ? Math.min(buildIdArea.get(20), 20) : 20;
            return buildIdArea.slice(0, n);
        }
    }

    /** FINISHED_ROUND: no body; an ordering barrier (see dev.textpoke.perf.sort). */
    record FinishedRound(RecordHeader header, Bytes tail) implements PerfRecord {}

    /**
     * ID_INDEX: {@code u64 nr; {u64 id, idx, cpu, tid}[nr]}, and when the record is large enough a
     * second array {@code {u64 machine_pid, vcpu}[nr]} ({@code hasMachineVcpu}: perf writes it only
     * when some id belongs to a guest machine, {@code perf_event__synthesize_id_index}).
     */
    record IdIndex(RecordHeader header, List<IdIndexEntry> entries, boolean hasMachineVcpu, Bytes tail)
            implements PerfRecord {
        public IdIndex {
            entries = List.copyOf(entries);
        }
    }

    /** One id's place: the mmap index, cpu and tid it belongs to; machinePid/vcpu -1 when absent. */
    record IdIndexEntry(long id, long idx, long cpu, long tid, long machinePid, long vcpu) {}

    /** AUXTRACE_INFO: {@code u32 type; u32 reserved; u64 priv[]} (type 1 Intel PT, 3 CoreSight ETM...). */
    record AuxtraceInfo(RecordHeader header, long auxType, long reserved, U64s priv) implements PerfRecord {}

    /**
     * AUXTRACE: {@code u64 size, offset, reference; u32 idx, tid, cpu, reserved}; {@code size} bytes
     * of trace follow the record outside header.size, at {@code payloadOffset} (-1 when they came
     * out of a compressed stream).
     */
    record Auxtrace(RecordHeader header, long size, @Hex long offset, @Hex long reference, long idx, int tid,
            int cpu, long reserved, long payloadOffset, Bytes tail) implements PerfRecord {}

    /**
     * AUXTRACE_ERROR: {@code u32 type, code, cpu, pid, tid, fmt; u64 ip, time; char msg[64]; u32
     * machine_pid, vcpu} (time from fmt 1, machine_pid and vcpu from fmt 2). perf cuts the record
     * after the message's NUL (8-aligned) unless it has machine_pid and vcpu, so {@code msg} holds up
     * to 64 bytes as written, and {@code machinePid}, {@code vcpu} are null when the record ends
     * before them.
     */
    record AuxtraceError(RecordHeader header, long errorType, long code, int cpu, int pid, int tid, long fmt,
            @Hex long ip, long time, CString msg, Integer machinePid, Integer vcpu, Bytes tail)
            implements PerfRecord {}

    /** THREAD_MAP: {@code u64 nr; {u64 pid; char comm[16]}[nr]}. */
    record ThreadMap(RecordHeader header, List<ThreadMapEntry> entries, Bytes tail) implements PerfRecord {
        public ThreadMap {
            entries = List.copyOf(entries);
        }
    }

    record ThreadMapEntry(long pid, CString comm) {}

    /** CPU_MAP: {@code perf_record_cpu_map_data} in one of its forms. */
    record CpuMap(RecordHeader header, CpuMapData data, Bytes tail) implements PerfRecord {}

    /** STAT_CONFIG: {@code u64 nr; {u64 tag, val}[nr]}. */
    record StatConfig(RecordHeader header, List<StatConfigEntry> entries, Bytes tail) implements PerfRecord {
        public StatConfig {
            entries = List.copyOf(entries);
        }
    }

    record StatConfigEntry(long tag, long value) {}

    /** STAT: {@code u64 id; u32 cpu, thread; u64 val, ena, run}. */
    record Stat(RecordHeader header, long id, int cpu, int thread, long value, long enabled, long running,
            Bytes tail) implements PerfRecord {}

    /** STAT_ROUND: {@code u64 type, time}. */
    record StatRound(RecordHeader header, long roundType, long time, Bytes tail) implements PerfRecord {}

    /**
     * EVENT_UPDATE: {@code u64 type, id;} then a unit, scale, name or cpu map; {@code tail} holds
     * the bytes after a scale or cpu map (padding to 8).
     */
    record EventUpdate(RecordHeader header, long updateType, long id, EventUpdateData data, Bytes tail)
            implements PerfRecord {}

    /**
     * TIME_CONV: {@code u64 time_shift, time_mult, time_zero} and, in newer files, {@code u64
     * time_cycles, time_mask; u8 cap_user_time_zero, cap_user_time_short; u8 reserved[6]}
     * ({@code hasCycles} tells whether time_cycles and time_mask are there; the two caps are null
     * when the record ends before them; {@code tail} holds the reserved bytes).
     */
    record TimeConv(RecordHeader header, long timeShift, long timeMult, long timeZero, boolean hasCycles,
            long timeCycles, @Hex long timeMask, Integer capUserTimeZero, Integer capUserTimeShort, Bytes tail)
            implements PerfRecord {}

    /** HEADER_FEATURE: {@code u64 feat_id;} then the feature section's bytes. */
    record HeaderFeature(RecordHeader header, long featureId, Bytes data) implements PerfRecord {}

    /** COMPRESSED: zstd bytes to the end of the record. */
    record Compressed(RecordHeader header, Bytes data) implements PerfRecord {}

    /** FINISHED_INIT: no body; the end of the records describing the system at start. */
    record FinishedInit(RecordHeader header, Bytes tail) implements PerfRecord {}

    /** COMPRESSED2: {@code u64 data_size;} zstd bytes, then padding to 8 ({@code pad}). */
    record Compressed2(RecordHeader header, Bytes data, Bytes pad) implements PerfRecord {}

    /** BPF_METADATA: {@code char prog_name[KSYM_NAME_LEN]; u64 nr; {char key[64]; char value[256]}[nr]}. */
    record BpfMetadata(RecordHeader header, CString progName, List<BpfMetadataEntry> entries, Bytes tail)
            implements PerfRecord {
        public BpfMetadata {
            entries = List.copyOf(entries);
        }
    }

    record BpfMetadataEntry(CString key, CString value) {}

    /** SCHEDSTAT_CPU: {@code u64 timestamp; u32 cpu; u16 version;} then version-specific counters. */
    record SchedstatCpu(RecordHeader header, long timestamp, long cpu, int version, Bytes counters)
            implements PerfRecord {}

    /** SCHEDSTAT_DOMAIN: {@code u64 timestamp; u32 cpu; u16 version;} then version-specific data. */
    record SchedstatDomain(RecordHeader header, long timestamp, long cpu, int version, Bytes counters)
            implements PerfRecord {}

    /** A record of a type this reader does not know, kept as it was. */
    record Unknown(RecordHeader header, Bytes body) implements PerfRecord {}
}
