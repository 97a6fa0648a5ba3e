package dev.textpoke.perf.feature;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.record.CString;
import java.util.List;

/**
 * A feature section parsed into its typed value. Layouts are those perf's {@code write_*} /
 * {@code process_*} functions in tools/perf/util/header.c use; strings are {@code
 * perf_header_string = {u32 len; char str[len]}} (NUL-padded), lists {@code {u32 nr; string[nr]}}.
 *
 * <p>Values keep what is needed to write them back byte for byte: every string as its {@code
 * str[len]} field ({@link CString}: perf pads to 64 bytes, quipper to 8), read with the {@code
 * String} accessors; constructors taking {@code String}s pad as perf does. Bytes after the parsed
 * value (a pipe's record padding, a newer perf's fields) are not part of it: {@link
 * Features#tail(int)} holds them.
 */
public sealed interface Feature {
    /** {@code NAME_ALIGN}: perf pads header strings to a multiple of this. */
    int NAME_ALIGN = 64;

    /** The feature's id ({@link FeatureId} value, or an unknown number). */
    int id();

    /** A string field as perf writes it. */
    static CString string(String s) {
        return CString.of(s, NAME_ALIGN);
    }

    /** The texts of string fields. */
    static List<String> texts(List<CString> fields) {
        return fields.stream().map(CString::text).toList();
    }

    /** String fields as perf writes them. */
    static List<CString> strings(List<String> texts) {
        return texts.stream().map(Feature::string).toList();
    }

    /**
     * HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID: one string; {@code field} is null when the
     * section is empty (old perfs with nothing to say).
     */
    record Text(int id, CString field) implements Feature {
        public Text(int id, String value) {
            this(id, string(value));
        }

        /** The string ("" for an empty section). */
        public String value() {
            return field == null ? "" : field.text();
        }
    }

    /** CMDLINE: the argv of perf record. */
    record CommandLine(List<CString> fields) implements Feature {
        public CommandLine {
            fields = List.copyOf(fields);
        }

        public static CommandLine of(List<String> args) {
            return new CommandLine(strings(args));
        }

        public List<String> args() {
            return texts(fields);
        }

        @Override
        public int id() {
            return FeatureId.CMDLINE.id();
        }
    }

    /**
     * BUILD_ID: one {@code perf_record_header_build_id} per DSO; {@code withPid} false for files
     * from before the pid field (perf's {@code perf_header__read_build_ids_abi_quirk}).
     */
    record BuildIds(List<BuildIdEntry> entries, boolean withPid) implements Feature {
        public BuildIds {
            entries = List.copyOf(entries);
        }

        public BuildIds(List<BuildIdEntry> entries) {
            this(entries, true);
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
     * @param type     the header's type: perf writes 0, simpleperf and quipper HEADER_BUILD_ID (67)
     * @param data     the 24-byte array as written
     * @param filename the file name field, NUL-padded as written
     */
    record BuildIdEntry(long type, int misc, int pid, Bytes data, Bytes filename) {
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

    /**
     * EVENT_DESC: {@code {u32 nr; u32 attr_size; {attr; u32 nr_ids; string name; u64 ids[]}[nr]}};
     * {@code attrSize} is the writer's {@code sizeof(struct perf_event_attr)}, each attr's slot.
     */
    record EventDesc(long attrSize, List<EventDescEntry> events) implements Feature {
        public EventDesc {
            events = List.copyOf(events);
        }

        @Override
        public int id() {
            return FeatureId.EVENT_DESC.id();
        }
    }

    /** One event; {@code attrPad} holds the slot's bytes after an attr shorter than attr_size. */
    record EventDescEntry(EventAttr attr, Bytes attrPad, CString nameField, List<Long> ids) {
        public EventDescEntry {
            attrPad = attrPad == null ? Bytes.EMPTY : attrPad;
            ids = List.copyOf(ids);
        }

        public EventDescEntry(EventAttr attr, String name, List<Long> ids) {
            this(attr, Bytes.EMPTY, string(name), ids);
        }

        public String name() {
            return nameField.text();
        }
    }

    /**
     * CPU_TOPOLOGY: sibling lists, then (newer files, detected by the bytes left) per-CPU core and
     * socket ids, then die siblings and per-CPU die ids.
     */
    record CpuTopology(List<CString> coreSiblingFields, List<CString> threadSiblingFields, List<CpuId> cpus,
            List<CString> dieSiblingFields, List<Long> dieIds) implements Feature {
        public CpuTopology {
            coreSiblingFields = List.copyOf(coreSiblingFields);
            threadSiblingFields = List.copyOf(threadSiblingFields);
            cpus = List.copyOf(cpus);
            dieSiblingFields = List.copyOf(dieSiblingFields);
            dieIds = List.copyOf(dieIds);
        }

        public static CpuTopology of(List<String> coreSiblings, List<String> threadSiblings, List<CpuId> cpus,
                List<String> dieSiblings, List<Long> dieIds) {
            return new CpuTopology(strings(coreSiblings), strings(threadSiblings), cpus, strings(dieSiblings), dieIds);
        }

        public List<String> coreSiblings() {
            return texts(coreSiblingFields);
        }

        public List<String> threadSiblings() {
            return texts(threadSiblingFields);
        }

        public List<String> dieSiblings() {
            return texts(dieSiblingFields);
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

    record NumaNode(long node, long memTotalKb, long memFreeKb, CString cpusField) {
        public NumaNode(long node, long memTotalKb, long memFreeKb, String cpus) {
            this(node, memTotalKb, memFreeKb, string(cpus));
        }

        public String cpus() {
            return cpusField.text();
        }
    }

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

    record PmuMapping(long type, CString nameField) {
        public PmuMapping(long type, String name) {
            this(type, string(name));
        }

        public String name() {
            return nameField.text();
        }
    }

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
    record Group(CString nameField, long leaderIndex, long members) {
        public Group(String name, long leaderIndex, long members) {
            this(string(name), leaderIndex, members);
        }

        public String name() {
            return nameField.text();
        }
    }

    /**
     * AUXTRACE: the index of AUXTRACE records, {@code {u64 nr; {u64 offset, size}[nr]}}
     * ({@code auxtrace_index__write}); simpleperf writes the entries without {@code nr} ({@code
     * counted} false), which perf cannot read.
     */
    record AuxtraceIndex(List<AuxtraceIndexEntry> entries, boolean counted) implements Feature {
        public AuxtraceIndex {
            entries = List.copyOf(entries);
        }

        public AuxtraceIndex(List<AuxtraceIndexEntry> entries) {
            this(entries, true);
        }

        @Override
        public int id() {
            return FeatureId.AUXTRACE.id();
        }
    }

    /** Where an AUXTRACE record is in the file, and its header.size (the payload after it not counted). */
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

    record CacheLevel(long level, long lineSize, long sets, long ways, CString typeField, CString sizeField,
            CString mapField) {
        public CacheLevel(long level, long lineSize, long sets, long ways, String type, String size, String map) {
            this(level, lineSize, sets, ways, string(type), string(size), string(map));
        }

        public String type() {
            return typeField.text();
        }

        public String size() {
            return sizeField.text();
        }

        public String map() {
            return mapField.text();
        }
    }

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
     * One {@code struct perf_bpil {u32 info_len; u32 data_len; u64 arrays; struct bpf_prog_info info;
     * u8 data[data_len]}}: the struct ({@link BpfProgramInfo}) and the arrays whose bit is in {@code
     * arrays}, read from the data at the offsets the struct gives ({@link BpfProgArray}); an array
     * not in {@code arrays} is null. Numbers (map ids, ksyms, function lengths) are held as {@code
     * U64s}, the rest as bytes. Data bytes no array covers are perf's padding, zero.
     *
     * @param dataLen {@code data_len}
     */
    record BpfProg(long arrays, BpfProgramInfo info, long dataLen, Bytes jitedProgInsns, Bytes xlatedProgInsns,
            U64s mapIds, U64s jitedKsyms, U64s jitedFuncLens, Bytes funcInfo, Bytes lineInfo, Bytes jitedLineInfo,
            Bytes progTags) {

        /** The value of one array ({@code Bytes} or {@code U64s} as {@link BpfProgArray#elements()} says), or null. */
        public Object array(BpfProgArray a) {
            return switch (a) {
                case JITED_INSNS -> jitedProgInsns;
                case XLATED_INSNS -> xlatedProgInsns;
                case MAP_IDS -> mapIds;
                case JITED_KSYMS -> jitedKsyms;
                case JITED_FUNC_LENS -> jitedFuncLens;
                case FUNC_INFO -> funcInfo;
                case LINE_INFO -> lineInfo;
                case JITED_LINE_INFO -> jitedLineInfo;
                case PROG_TAGS -> progTags;
            };
        }

        /** A program from its struct and arrays as they were read (values by array, as {@link #array} gives them). */
        public static BpfProg of(long arrays, BpfProgramInfo info, long dataLen, java.util.Map<BpfProgArray, ?> values) {
            return new BpfProg(arrays, info, dataLen, (Bytes) values.get(BpfProgArray.JITED_INSNS),
                    (Bytes) values.get(BpfProgArray.XLATED_INSNS), (U64s) values.get(BpfProgArray.MAP_IDS),
                    (U64s) values.get(BpfProgArray.JITED_KSYMS), (U64s) values.get(BpfProgArray.JITED_FUNC_LENS),
                    (Bytes) values.get(BpfProgArray.FUNC_INFO), (Bytes) values.get(BpfProgArray.LINE_INFO),
                    (Bytes) values.get(BpfProgArray.JITED_LINE_INFO), (Bytes) values.get(BpfProgArray.PROG_TAGS));
        }

        /**
         * A program laid out as perf lays it out ({@code get_bpf_prog_info_linear}): the given arrays
         * in {@link BpfProgArray} order, each rounded up to 8 bytes, their bits set in {@code arrays},
         * their offsets and element counts set in the struct (a record array's count by its record
         * size field, which must be set). Arrays not given keep the struct's count and offset, as
         * the kernel reports them.
         */
        public static BpfProg layOut(BpfProgramInfo info, java.util.Map<BpfProgArray, ?> values) {
            long arrays = 0;
            long offset = 0;
            for (BpfProgArray a : BpfProgArray.values()) {
                Object v = values.get(a);
                if (v == null) {
                    continue;
                }
                long bytes = v instanceof U64s u ? (long) u.size() * (a.elements() == BpfProgArray.Elements.U32 ? 4 : 8)
                        : ((Bytes) v).length();
                long size = a.elementSize(info);
                if (size <= 0 || bytes % size != 0) {
                    throw new IllegalArgumentException(a + " of " + bytes + " bytes is no whole number of "
                            + size + "-byte elements");
                }
                arrays |= a.bit();
                info = info.with(a.pointerField(), offset).with(a.countField(), bytes / size);
                offset += (bytes + 7) & ~7L;
            }
            return of(arrays, info, offset, values);
        }

        public BpfProg {
            java.util.Objects.requireNonNull(info, "info");
        }
    }

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

    record Capability(CString nameField, CString valueField) {
        public Capability(String name, String value) {
            this(string(name), string(value));
        }

        public String name() {
            return nameField.text();
        }

        public String value() {
            return valueField.text();
        }
    }

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

    record HybridNode(CString pmuNameField, CString cpusField) {
        public HybridNode(String pmuName, String cpus) {
            this(string(pmuName), string(cpus));
        }

        public String pmuName() {
            return pmuNameField.text();
        }

        public String cpus() {
            return cpusField.text();
        }
    }

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

    record PmuCapsEntry(CString pmuNameField, List<Capability> caps) {
        public PmuCapsEntry {
            caps = List.copyOf(caps);
        }

        public PmuCapsEntry(String pmuName, List<Capability> caps) {
            this(string(pmuName), caps);
        }

        public String pmuName() {
            return pmuNameField.text();
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
