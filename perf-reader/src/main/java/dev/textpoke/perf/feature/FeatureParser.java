package dev.textpoke.perf.feature;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.feature.Feature.BpfProg;
import dev.textpoke.perf.feature.Feature.BuildIdEntry;
import dev.textpoke.perf.feature.Feature.CacheLevel;
import dev.textpoke.perf.feature.Feature.Capability;
import dev.textpoke.perf.feature.Feature.CpuId;
import dev.textpoke.perf.record.CString;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Parses one feature section's bytes into its {@link Feature} value. */
final class FeatureParser {
    /** Bytes of {@code perf_record_header_build_id} before the file name: header, pid, build_id[24]. */
    private static final int BUILD_ID_HEAD = 36;
    /** The same in files written before the pid field existed. */
    private static final int BUILD_ID_HEAD_NO_PID = 32;
    private static final int BUILD_ID_ARRAY = 24;

    private FeatureParser() {}

    /** A parsed section: its value, and the bytes after it that the value does not hold. */
    record Parsed(Feature feature, Bytes tail) {}

    /**
     * @param base        absolute offset of the first byte of {@code data}
     * @param nrCpusAvail NRCPUS's available count, when the file has it (CPU_TOPOLOGY needs it)
     */
    static Parsed parse(int id, Bytes data, ByteOrder order, String source, long base, LongSupplier nrCpusAvail)
            throws PerfFormatException {
        ByteCursor c = ByteCursor.of(data.toArray(), order, source, base);
        try {
            Feature f = value(id, data, c, nrCpusAvail);
            return new Parsed(f, c.immutableBytes(c.remaining(), "feature tail"));
        } catch (PerfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, e.offset(),
                    FeatureId.displayName(id) + " feature: " + e.problem(), e);
        }
    }

    private static Feature value(int id, Bytes data, ByteCursor c, LongSupplier nrCpusAvail)
            throws InputFormatException {
        FeatureId f = FeatureId.of(id);
        {
            if (f == null) {
                c.skip(c.remaining(), "feature");
                return new Feature.Unknown(id, data);
            }
            return switch (f) {
                // An empty section (old perf with nothing to say) is an empty string; perf prints "(null)".
                case HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID ->
                        new Feature.Text(id, c.hasRemaining() ? string(c) : (CString) null);
                case CMDLINE -> new Feature.CommandLine(stringList(c));
                case BUILD_ID -> buildIds(c);
                case NRCPUS -> new Feature.NrCpus(c.u32("nr_cpus_available"), c.u32("nr_cpus_online"));
                case TOTAL_MEM -> new Feature.TotalMem(c.u64("total_mem"));
                case EVENT_DESC -> eventDesc(c);
                case CPU_TOPOLOGY -> cpuTopology(c, nrCpusAvail.getAsLong());
                case NUMA_TOPOLOGY -> numa(c);
                case BRANCH_STACK, STAT -> new Feature.Flag(id);
                case PMU_MAPPINGS -> pmuMappings(c);
                case GROUP_DESC -> groupDesc(c);
                case AUXTRACE -> auxtrace(c);
                case CACHE -> cache(c);
                case SAMPLE_TIME -> new Feature.SampleTime(c.u64("first sample time"), c.u64("last sample time"));
                case MEM_TOPOLOGY -> memTopology(c);
                case CLOCKID -> new Feature.ClockId(c.u64("clockid resolution"));
                case DIR_FORMAT -> new Feature.DirFormat(c.u64("dir format version"));
                case BPF_PROG_INFO -> bpfProgInfo(c);
                case BPF_BTF -> bpfBtf(c);
                case COMPRESSED -> new Feature.Compressed(c.u32("version"), c.u32("type"), c.u32("level"),
                        c.u32("ratio"), c.u32("mmap_len"));
                case CPU_PMU_CAPS -> new Feature.CpuPmuCaps(caps(c));
                case CLOCK_DATA -> new Feature.ClockData(c.u32("version"), c.u32("clockid"),
                        c.u64("wall clock ns"), c.u64("clockid time ns"));
                case HYBRID_TOPOLOGY -> hybrid(c);
                case PMU_CAPS -> pmuCaps(c);
                case TRACING_DATA -> {
                    c.skip(c.remaining(), "tracing data");
                    yield new Feature.TracingData(data);
                }
                case RESERVED -> {
                    c.skip(c.remaining(), "feature");
                    yield new Feature.Unknown(id, data);
                }
            };
        }
    }

    /** {@code perf_header_string}: u32 len, then len bytes holding a NUL-terminated string. */
    static CString string(ByteCursor c) throws InputFormatException {
        int len = c.count32(1, "string length");
        return new CString(c.immutableBytes(len, "string"));
    }

    private static List<CString> stringList(ByteCursor c) throws InputFormatException {
        int nr = c.count32(4, "string count");
        List<CString> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(string(c));
        }
        return out;
    }

    static String untilNul(Bytes b) {
        int n = 0;
        while (n < b.length() && b.get(n) != 0) {
            n++;
        }
        return new String(b.slice(0, n).toArray(), StandardCharsets.UTF_8);
    }

    private static Feature buildIds(ByteCursor c) throws InputFormatException {
        int start = c.position();
        boolean withPid = !legacyBuildIdLayout(c);
        c.seek(start);
        int head = withPid ? BUILD_ID_HEAD : BUILD_ID_HEAD_NO_PID;
        List<BuildIdEntry> out = new ArrayList<>();
        while (c.hasRemaining()) {
            long at = c.offset();
            ByteCursor h = c.slice(8, "build id record header");
            long type = h.u32("type");
            int misc = h.u16("misc");
            int size = h.u16("size");
            if (size < head) {
                throw new InputFormatException(c.source(), at, "build id record of size " + size
                        + " is smaller than its " + head + "-byte head");
            }
            ByteCursor r = c.slice(size - 8, "build id record");
            int pid = withPid ? r.s32("pid") : -1;
            Bytes id = r.immutableBytes(BUILD_ID_ARRAY, "build id");
            out.add(new BuildIdEntry(type, misc, pid, id, r.immutableBytes(r.remaining(), "file name")));
        }
        return new Feature.BuildIds(out, withPid);
    }

    /**
     * Files from before perf 3.? wrote build id records without the pid field. perf detects them by
     * the first name read at the newer offset being "[kernel.kallsyms]" shifted by 4 bytes
     * ({@code perf_header__read_build_ids_abi_quirk}).
     */
    private static boolean legacyBuildIdLayout(ByteCursor c) throws InputFormatException {
        if (c.remaining() < BUILD_ID_HEAD + 13) {
            return false;
        }
        c.skip(BUILD_ID_HEAD, "build id record");
        byte[] name = c.bytes(13, "file name");
        return new String(name, StandardCharsets.ISO_8859_1).equals("nel.kallsyms]");
    }

    private static Feature eventDesc(ByteCursor c) throws InputFormatException {
        int nr = c.count32(4, "event count");
        long attrSize = c.u32("attr size");
        List<Feature.EventDescEntry> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            ByteCursor a = c.slice(attrSize, "event attr");
            EventAttr attr = EventAttr.read(a);
            Bytes pad = a.immutableBytes(a.remaining(), "event attr padding");
            int nrIds = c.count32(8, "event id count");
            CString name = string(c);
            List<Long> ids = new ArrayList<>(nrIds);
            for (int j = 0; j < nrIds; j++) {
                ids.add(c.u64("event id"));
            }
            out.add(new Feature.EventDescEntry(attr, pad, name, ids));
        }
        return new Feature.EventDesc(attrSize, out);
    }

    private static Feature cpuTopology(ByteCursor c, long nrCpusAvail) throws InputFormatException {
        List<CString> cores = stringList(c);
        List<CString> threads = stringList(c);
        List<CpuId> cpus = new ArrayList<>();
        List<CString> dies = List.of();
        List<Long> dieIds = new ArrayList<>();
        long n = nrCpusAvail >= 0 ? nrCpusAvail : c.remaining() / 8;
        if (c.hasRemaining() && n > 0 && n <= c.remaining() / 8) {
            for (long i = 0; i < n; i++) {
                cpus.add(new CpuId(c.u32("core id"), c.u32("socket id")));
            }
            if (c.hasRemaining()) {
                dies = stringList(c);
                if (n > c.remaining() / 4) {
                    throw c.error("die ids for " + n + " CPUs need " + 4 * n + " bytes but "
                            + c.remaining() + " remain");
                }
                for (long i = 0; i < n; i++) {
                    dieIds.add(c.u32("die id"));
                }
            }
        }
        return new Feature.CpuTopology(cores, threads, cpus, dies, dieIds);
    }

    private static Feature numa(ByteCursor c) throws InputFormatException {
        int nr = c.count32(24, "node count");
        List<Feature.NumaNode> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Feature.NumaNode(c.u32("node"), c.u64("mem total"), c.u64("mem free"), string(c)));
        }
        return new Feature.NumaTopology(out);
    }

    private static Feature pmuMappings(ByteCursor c) throws InputFormatException {
        int nr = c.count32(8, "pmu count");
        List<Feature.PmuMapping> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Feature.PmuMapping(c.u32("pmu type"), string(c)));
        }
        return new Feature.PmuMappings(out);
    }

    private static Feature groupDesc(ByteCursor c) throws InputFormatException {
        int nr = c.count32(12, "group count");
        List<Feature.Group> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Feature.Group(string(c), c.u32("leader index"), c.u32("member count")));
        }
        return new Feature.GroupDesc(out);
    }

    /**
     * perf's index is {@code 8 + 16 nr} bytes, never a multiple of 16; simpleperf writes the
     * entries alone, which always is.
     */
    private static Feature auxtrace(ByteCursor c) throws InputFormatException {
        boolean counted = c.remaining() % 16 != 0;
        int nr = counted ? c.count64(16, "auxtrace index count") : c.remaining() / 16;
        List<Feature.AuxtraceIndexEntry> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Feature.AuxtraceIndexEntry(c.u64("file offset"), c.u64("size")));
        }
        return new Feature.AuxtraceIndex(out, counted);
    }

    private static Feature cache(ByteCursor c) throws InputFormatException {
        long version = c.u32("version");
        int nr = c.count32(28, "cache count");
        List<CacheLevel> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new CacheLevel(c.u32("level"), c.u32("line size"), c.u32("sets"), c.u32("ways"),
                    string(c), string(c), string(c)));
        }
        return new Feature.Cache(version, out);
    }

    private static Feature memTopology(ByteCursor c) throws InputFormatException {
        long version = c.u64("version");
        long blockSize = c.u64("block size");
        int nr = c.count64(24, "node count");
        List<Feature.MemNode> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            long node = c.u64("node");
            long size = c.u64("size");
            long bits = c.u64("bitmap size");
            long words = (bits + 63) >>> 6;
            if (bits < 0 || words > c.remaining() / 8) {
                throw c.error("memory node bitmap of " + Long.toUnsignedString(bits) + " bits needs more than the "
                        + c.remaining() + " bytes left");
            }
            List<Long> blocks = new ArrayList<>((int) words);
            for (long w = 0; w < words; w++) {
                blocks.add(c.u64("bitmap word"));
            }
            out.add(new Feature.MemNode(node, size, bits, blocks));
        }
        return new Feature.MemTopology(version, blockSize, out);
    }

    private static Feature bpfProgInfo(ByteCursor c) throws InputFormatException {
        int nr = c.count32(16, "program count");
        List<BpfProg> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(BpfProgParser.parse(c));
        }
        return new Feature.BpfProgInfo(out);
    }

    private static Feature bpfBtf(ByteCursor c) throws InputFormatException {
        int nr = c.count32(8, "btf count");
        List<Feature.Btf> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            long btfId = c.u32("btf id");
            long size = c.u32("btf size");
            out.add(new Feature.Btf(btfId, c.immutableBytes(size, "btf data")));
        }
        return new Feature.BpfBtf(out);
    }

    private static List<Capability> caps(ByteCursor c) throws InputFormatException {
        int nr = c.count32(8, "capability count");
        List<Capability> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Capability(string(c), string(c)));
        }
        return out;
    }

    private static Feature hybrid(ByteCursor c) throws InputFormatException {
        int nr = c.count32(8, "hybrid node count");
        List<Feature.HybridNode> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            out.add(new Feature.HybridNode(string(c), string(c)));
        }
        return new Feature.HybridTopology(out);
    }

    private static Feature pmuCaps(ByteCursor c) throws InputFormatException {
        int nr = c.count32(8, "pmu count");
        List<Feature.PmuCapsEntry> out = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            List<Capability> caps = caps(c);
            out.add(new Feature.PmuCapsEntry(string(c), caps));
        }
        return new Feature.PmuCaps(out);
    }
}
