package dev.textpoke.perf.feature;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.EventAttr;
import java.util.List;

/**
 * A feature section parsed into its typed value. Layouts are those perf's {@code write_*} /
 * {@code process_*} functions in tools/perf/util/header.c use; strings are {@code
 * perf_header_string = {u32 len; char str[len]}} (NUL-padded), lists {@code {u32 nr; string[nr]}}.
 */
public sealed interface Feature {
    /** The feature's id ({@link FeatureId} value, or an unknown number). */
    int id();

    /** HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID: one string. */
    record Text(int id, String value) implements Feature {}

    /** CMDLINE: the argv of perf record. */
    record CommandLine(List<String> args) implements Feature {
        public CommandLine {
            args = List.copyOf(args);
        }

        @Override
        public int id() {
            return FeatureId.CMDLINE.id();
        }
    }

    /** BUILD_ID: one {@code perf_record_header_build_id} per DSO. */
    record BuildIds(List<BuildIdEntry> entries) implements Feature {
        public BuildIds {
            entries = List.copyOf(entries);
        }

        @Override
        public int id() {
            return FeatureId.BUILD_ID.id();
        }
    }

    /**
     * {@code {header; s32 pid; u8 build_id[24]; char filename[]}}; with {@code misc &
     * PERF_RECORD_MISC_BUILD_ID_SIZE} byte 20 of the array holds the id's length, otherwise it is 20.
     *
     * @param data     the 24-byte array as written
     * @param filename the file name field, NUL-padded as written
     */
    record BuildIdEntry(int misc, int pid, Bytes data, Bytes filename) {
        /** {@code PERF_RECORD_MISC_BUILD_ID_SIZE}. */
        public static final int MISC_BUILD_ID_SIZE = 1 << 15;

        /** The build id proper. */
        public Bytes buildId() {
            int n = (misc & MISC_BUILD_ID_SIZE) != 0 ? Math.min(data.get(20), 20) : 20;
            return data.slice(0, n);
        }

        public String name() {
            return FeatureParser.untilNul(filename);
        }

        /** The cpumode bits of misc: kernel (1), user (2), guest kernel (4), ... */
        public int cpumode() {
            return misc & 7;
        }
    }

    /** NRCPUS: {@code {u32 nr_cpus_available; u32 nr_cpus_online}}. */
    record NrCpus(long available, long online) implements Feature {
        @Override
        public int id() {
            return FeatureId.NRCPUS.id();
        }
    }

    /** TOTAL_MEM: u64 kilobytes. */
    record TotalMem(long kilobytes) implements Feature {
        @Override
        public int id() {
            return FeatureId.TOTAL_MEM.id();
        }
    }

    /** EVENT_DESC: {@code {u32 nr; u32 attr_size; {attr; u32 nr_ids; string name; u64 ids[]}[nr]}}. */
    record EventDesc(List<EventDescEntry> events) implements Feature {
        public EventDesc {
            events = List.copyOf(events);
        }

        @Override
        public int id() {
            return FeatureId.EVENT_DESC.id();
        }
    }

    record EventDescEntry(EventAttr attr, String name, List<Long> ids) {
        public EventDescEntry {
            ids = List.copyOf(ids);
        }
    }

    /**
     * CPU_TOPOLOGY: sibling lists, then (newer files, detected by the bytes left) per-CPU core and
     * socket ids, then die siblings and per-CPU die ids.
     */
    record CpuTopology(List<String> coreSiblings, List<String> threadSiblings, List<CpuId> cpus,
            List<String> dieSiblings, List<Long> dieIds) implements Feature {
        public CpuTopology {
            coreSiblings = List.copyOf(coreSiblings);
            threadSiblings = List.copyOf(threadSiblings);
            cpus = List.copyOf(cpus);
            dieSiblings = List.copyOf(dieSiblings);
            dieIds = List.copyOf(dieIds);
        }

        @Override
        public int id() {
            return FeatureId.CPU_TOPOLOGY.id();
        }
    }

    record CpuId(long coreId, long socketId) {}

    /** NUMA_TOPOLOGY: {@code {u32 nr; {u32 node; u64 mem_total, mem_free; string cpus}[nr]}}. */
    record NumaTopology(List<NumaNode> nodes) implements Feature {
        public NumaTopology {
            nodes = List.copyOf(nodes);
        }

        @Override
        public int id() {
            return FeatureId.NUMA_TOPOLOGY.id();
        }
    }

    record NumaNode(long node, long memTotalKb, long memFreeKb, String cpus) {}

    /** A feature whose presence is the information (BRANCH_STACK, STAT). */
    record Flag(int id) implements Feature {}

    /** PMU_MAPPINGS: {@code {u32 nr; {u32 type; string name}[nr]}}. */
    record PmuMappings(List<PmuMapping> pmus) implements Feature {
        public PmuMappings {
            pmus = List.copyOf(pmus);
        }

        @Override
        public int id() {
            return FeatureId.PMU_MAPPINGS.id();
        }
    }

    record PmuMapping(long type, String name) {}

    /** GROUP_DESC: {@code {u32 nr; {string name; u32 leader_idx; u32 nr_members}[nr]}}. */
    record GroupDesc(List<Group> groups) implements Feature {
        public GroupDesc {
            groups = List.copyOf(groups);
        }

        @Override
        public int id() {
            return FeatureId.GROUP_DESC.id();
        }
    }

    /** Events {@code [leaderIndex, leaderIndex + members)} of the attr list form one group. */
    record Group(String name, long leaderIndex, long members) {}

    /** AUXTRACE: the index of AUXTRACE records, {@code {u64 nr; {u64 offset, size}[nr]}}. */
    record AuxtraceIndex(List<AuxtraceIndexEntry> entries) implements Feature {
        public AuxtraceIndex {
            entries = List.copyOf(entries);
        }

        @Override
        public int id() {
            return FeatureId.AUXTRACE.id();
        }
    }

    record AuxtraceIndexEntry(long fileOffset, long size) {}

    /** CACHE: {@code {u32 version; u32 nr; {u32 level, line_size, sets, ways; string type, size, map}[nr]}}. */
    record Cache(long version, List<CacheLevel> levels) implements Feature {
        public Cache {
            levels = List.copyOf(levels);
        }

        @Override
        public int id() {
            return FeatureId.CACHE.id();
        }
    }

    record CacheLevel(long level, long lineSize, long sets, long ways, String type, String size, String map) {}

    /** SAMPLE_TIME: first and last sample time. */
    record SampleTime(long first, long last) implements Feature {
        @Override
        public int id() {
            return FeatureId.SAMPLE_TIME.id();
        }
    }

    /** MEM_TOPOLOGY: {@code {u64 version, block_size, nr; {u64 node, size; bitmap}[nr]}}. */
    record MemTopology(long version, long blockSize, List<MemNode> nodes) implements Feature {
        public MemTopology {
            nodes = List.copyOf(nodes);
        }

        @Override
        public int id() {
            return FeatureId.MEM_TOPOLOGY.id();
        }
    }

    /** A memory node; {@code blocks} is its bitmap of memory blocks, as u64 words. */
    record MemNode(long node, long size, long bits, List<Long> blocks) {
        public MemNode {
            blocks = List.copyOf(blocks);
        }
    }

    /** CLOCKID: u64, the clock's resolution (nanoseconds per tick as perf record saw it). */
    record ClockId(long resolutionNs) implements Feature {
        @Override
        public int id() {
            return FeatureId.CLOCKID.id();
        }
    }

    /** DIR_FORMAT: u64 version (1: {@code data.N} files hold the per-CPU data). */
    record DirFormat(long version) implements Feature {
        @Override
        public int id() {
            return FeatureId.DIR_FORMAT.id();
        }
    }

    /** BPF_PROG_INFO: {@code {u32 nr; perf_bpil[nr]}}. */
    record BpfProgInfo(List<BpfProg> programs) implements Feature {
        public BpfProgInfo {
            programs = List.copyOf(programs);
        }

        @Override
        public int id() {
            return FeatureId.BPF_PROG_INFO.id();
        }
    }

    /**
     * One {@code struct perf_bpil {u32 info_len; u32 data_len; u64 arrays; u8 info[info_len]; u8
     * data[data_len]}}; {@code info} is a {@code struct bpf_prog_info} (u32 type, u32 id, u8
     * tag[8], ...) in the file's byte order.
     */
    record BpfProg(long arrays, Bytes info, Bytes data) {}

    /** BPF_BTF: {@code {u32 nr; {u32 id; u32 size; u8 data[size]}[nr]}}. */
    record BpfBtf(List<Btf> entries) implements Feature {
        public BpfBtf {
            entries = List.copyOf(entries);
        }

        @Override
        public int id() {
            return FeatureId.BPF_BTF.id();
        }
    }

    record Btf(long btfId, Bytes data) {}

    /** COMPRESSED: {@code {u32 version, type (1 = zstd), level, ratio, mmap_len}}. */
    record Compressed(long version, long type, long level, long ratio, long mmapLen) implements Feature {
        @Override
        public int id() {
            return FeatureId.COMPRESSED.id();
        }
    }

    /** CPU_PMU_CAPS: {@code {u32 nr; {string name; string value}[nr]}}. */
    record CpuPmuCaps(List<Capability> caps) implements Feature {
        public CpuPmuCaps {
            caps = List.copyOf(caps);
        }

        @Override
        public int id() {
            return FeatureId.CPU_PMU_CAPS.id();
        }
    }

    record Capability(String name, String value) {}

    /** CLOCK_DATA: {@code {u32 version; u32 clockid; u64 wall_clock_ns; u64 clockid_time_ns}}. */
    record ClockData(long version, long clockid, long wallClockNs, long clockidTimeNs) implements Feature {
        @Override
        public int id() {
            return FeatureId.CLOCK_DATA.id();
        }
    }

    /** HYBRID_TOPOLOGY: {@code {u32 nr; {string pmu_name; string cpus}[nr]}}. */
    record HybridTopology(List<HybridNode> nodes) implements Feature {
        public HybridTopology {
            nodes = List.copyOf(nodes);
        }

        @Override
        public int id() {
            return FeatureId.HYBRID_TOPOLOGY.id();
        }
    }

    record HybridNode(String pmuName, String cpus) {}

    /** PMU_CAPS: {@code {u32 nr_pmu; {u32 nr_caps; {string name, value}[nr_caps]; string pmu_name}[nr_pmu]}}. */
    record PmuCaps(List<PmuCapsEntry> pmus) implements Feature {
        public PmuCaps {
            pmus = List.copyOf(pmus);
        }

        @Override
        public int id() {
            return FeatureId.PMU_CAPS.id();
        }
    }

    record PmuCapsEntry(String pmuName, List<Capability> caps) {
        public PmuCapsEntry {
            caps = List.copyOf(caps);
        }
    }

    /** TRACING_DATA: the tracefs format blob perf's trace_report reads, kept as bytes. */
    record TracingData(Bytes data) implements Feature {
        @Override
        public int id() {
            return FeatureId.TRACING_DATA.id();
        }
    }

    /** A feature this reader has no parser for, kept as written. */
    record Unknown(int id, Bytes data) implements Feature {}
}
