package dev.textpoke.sim.perf;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.ReadFormat;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.SampleId;
import dev.textpoke.perf.write.PerfDirectoryWriter;
import dev.textpoke.perf.write.PerfWriter;
import dev.textpoke.pt.perf.AuxWrite;
import dev.textpoke.pt.perf.IntelPtInfo;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PtRecording} as perf 6.1's {@code perf record -e intel_pt//k --kcore -a} writes
 * a recording (tools/perf/builtin-record.c, {@code record__synthesize}; arch/x86/util/intel-pt.c,
 * {@code intel_pt_recording_options} and {@code intel_pt_info_fill}), so that {@code perf script
 * --itrace} decodes its trace offline, and textpoke's reader ({@code dev.textpoke.pt.perf}) reads
 * back what was written.
 *
 * <p>What perf needs to decode the trace, and where it is:
 * <ul>
 *   <li>events: the intel_pt event (attr.type = AUXTRACE_INFO's pmu_type, config from the {@link
 *       PtConfig}, sample_type IP|TID|TIME|CPU|IDENTIFIER, sample_id_all); a tracking {@code
 *       dummy:u} (mmap, mmap2, comm, task, context_switch when per-CPU) and, when the kernel is
 *       traced, the text-poke {@code dummy:u} (text_poke, ksymbol), all with the same sample_type
 *       so that every record's sample_id reads the same way ({@code evlist__valid_sample_id_all});
 *   <li>TIME_CONV, ID_INDEX (each event instance's mmap index and CPU), AUXTRACE_INFO (every word
 *       of perf 6.1: {@link IntelPtInfo.Generation#EVENT_TRACE}; timestamps are decoded only when
 *       cap_user_time_zero is set, the config has tsc and every event samples TIME: {@code
 *       intel_pt_timeless_decoding});
 *   <li>the kernel MMAP {@code [kernel.kallsyms]_text} at {@code _text} with pgoff {@code _text}
 *       (perf builds its kernel map from it when reading, {@code
 *       machine__process_kernel_mmap_event}), then FINISHED_INIT;
 *   <li>in time order, the sideband and for each chunk of trace its AUX record, its AUXTRACE record
 *       and bytes (padded to 8 with PAD packets, {@code auxtrace.reference} the TSC of the AUX
 *       record's time, {@code offset} its place in the AUX area), and a FINISHED_ROUND, as perf
 *       record's passes over its buffers do;
 *   <li>features: HOSTNAME, OSRELEASE, VERSION, ARCH, NRCPUS, CPUDESC, CPUID, TOTAL_MEM, CMDLINE,
 *       EVENT_DESC, PMU_MAPPINGS and (file mode) the AUXTRACE index;
 *   <li>a directory's {@code kcore_dir} ({@link KcoreDirWriter}): {@code perf_session__new} makes
 *       its {@code kallsyms} perf's kallsyms, and {@code dso__load_kcore} reads the code from the
 *       {@code kcore} beside it.
 * </ul>
 */
public final class PtPerfDataWriter {
    /** Every event's sample_type: what perf record gives the intel_pt and dummy events with -a. */
    public static final long SAMPLE_TYPE = SampleFormat.IP | SampleFormat.TID | SampleFormat.TIME | SampleFormat.CPU
            | SampleFormat.IDENTIFIER;
    /** {@code sizeof(struct perf_event_attr)} in perf 6.1 (PERF_ATTR_SIZE_VER7). */
    public static final int ATTR_SIZE = EventAttr.SIZE_VER7;
    /** {@code PERF_AUXTRACE_RECORD_ALIGNMENT}: perf pads each AUXTRACE's bytes to this. */
    static final int AUXTRACE_ALIGNMENT = 8;

    private static final int PT = 0;
    private static final int TRACKING = 1;
    private static final int TEXT_POKE = 2;
    private static final long SOFTWARE = 1;
    /** misc cpumode PERF_RECORD_MISC_KERNEL. */
    private static final int KERNEL = 1;
    private static final long DUMMY = 9;

    private final PtRecording rec;
    private final ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    /** ids[event][instance]: instances are CPUs (per-CPU mode) or the streams' threads. */
    private final long[][] ids;
    private final int instances;

    private PtPerfDataWriter(PtRecording rec) {
        this.rec = rec;
        this.instances = rec.perCpu() ? rec.nrCpus() : rec.streams().size();
        int events = rec.traceKernel() ? 3 : 2;
        this.ids = new long[events][instances];
        long id = 1;
        for (int e = 0; e < events; e++) {
            for (int i = 0; i < instances; i++) {
                ids[e][i] = id++;
            }
        }
    }

    /**
     * Writes {@code dir} as {@code perf record --kcore -o dir} does: {@code dir/data} in file mode
     * and {@code dir/kcore_dir}. {@code dir} must not exist or be empty.
     */
    public static void writeDirectory(PtRecording rec, Path dir) throws IOException {
        PtPerfDataWriter w = new PtPerfDataWriter(rec);
        try (PerfDirectoryWriter d = PerfDirectoryWriter.create(dir, ByteOrder.LITTLE_ENDIAN, PerfWriter.Options.DEFAULT)) {
            w.write(d.data(), true);
            KcoreDirWriter.write(rec.kernel(), dir.resolve("kcore_dir"));
        }
    }

    /** Writes a file-mode perf.data at {@code file}, with no kernel copy (name one to perf with {@code --kallsyms}). */
    public static void writeFile(PtRecording rec, Path file) throws IOException {
        try (PerfWriter out = PerfWriter.file(file, ByteOrder.LITTLE_ENDIAN)) {
            new PtPerfDataWriter(rec).write(out, true);
        }
    }

    /**
     * Writes a pipe-mode stream ({@code perf record -o -}), which this closes: events and features
     * as HEADER_ATTR and HEADER_FEATURE records, each AUXTRACE's bytes inline after it. perf reads
     * the kernel from {@code --kallsyms DIR/kallsyms} with a {@code kcore} beside it.
     */
    public static void writePipe(PtRecording rec, OutputStream out) throws IOException {
        try (PerfWriter w = PerfWriter.pipe(out, ByteOrder.LITTLE_ENDIAN)) {
            new PtPerfDataWriter(rec).write(w, false);
        }
    }

    /** The AUXTRACE_INFO this recording gets. */
    public static IntelPtInfo info(PtRecording rec) {
        return IntelPtInfo.of(rec.pmuType(), rec.tsc(), rec.perCpu() ? 3 : 0, false, rec.perCpu(), rec.tscCtcRatioN(),
                rec.tscCtcRatioD(), rec.maxNonTurboRatio());
    }

    /** The intel_pt event's name as perf shows it: {@code intel_pt//k}, {@code //u} or {@code //}. */
    public static String eventName(PtRecording rec) {
        return "intel_pt//" + (rec.traceKernel() && rec.traceUser() ? "" : rec.traceKernel() ? "k" : "u");
    }

    private void write(PerfWriter w, boolean fileMode) throws IOException {
        List<EventAttr> attrs = attrs();
        List<String> names = new ArrayList<>(List.of(eventName(rec), "dummy:u", "dummy:u"));
        for (int e = 0; e < attrs.size(); e++) {
            w.event(attrs.get(e), ids[e]);
        }
        features(w, attrs, names, fileMode);
        // record__synthesize: TIME_CONV, ID_INDEX, AUXTRACE_INFO, the kernel MMAP, the threads.
        w.record(new PerfRecord.TimeConv(RecordHeader.of(RecordType.TIME_CONV, 0), rec.tsc().timeShift(),
                rec.tsc().timeMult(), rec.tsc().timeZero(), true, rec.tsc().timeCycles(), rec.tsc().timeMask(),
                rec.tsc().capUserTimeZero() ? 1 : 0, rec.tsc().capUserTimeShort() ? 1 : 0, Bytes.of(new byte[6])));
        w.record(idIndex());
        w.record(info(rec).toRecord(order));
        if (rec.traceKernel()) {
            long text = KcoreDirWriter.textAddress(rec.kernel());
            long end = text;
            for (var s : rec.kernel().image().segments()) {
                end = Long.compareUnsigned(s.address() + s.bytes().length(), end) > 0 ? s.address() + s.bytes().length()
                        : end;
            }
            w.record(new PerfRecord.Mmap(RecordHeader.of(RecordType.MMAP, KERNEL), -1, 0, text,
                    end - text, text, CString.of("[kernel.kallsyms]" + KcoreDirWriter.TEXT, 8), Bytes.EMPTY,
                    new SampleId(SAMPLE_TYPE, 0, 0, 0, -1, -1, 0, 0, 0)));
        }
        List<SidebandEvent> sideband = new ArrayList<>(rec.sideband());
        sideband.sort(Comparator.comparingLong(SidebandEvent::time));
        int next = 0;
        // Synthesized: what existed before recording started (time 0), then FINISHED_INIT.
        Current current = new Current();
        for (; next < sideband.size() && sideband.get(next).time() <= 0; next++) {
            w.record(record(sideband.get(next), current));
        }
        w.record(new PerfRecord.FinishedInit(RecordHeader.of(RecordType.FINISHED_INIT, 0), Bytes.EMPTY));
        for (Chunk c : chunks()) {
            for (; next < sideband.size() && sideband.get(next).time() <= c.chunk.time(); next++) {
                w.record(record(sideband.get(next), current));
            }
            AuxStream s = rec.streams().get(c.stream);
            int inst = instance(c.stream);
            int[] task = s.perCpu() ? current.at(s.cpu()) : new int[] {s.pid(), s.tid()};
            long size = c.chunk.data().length();
            w.record(new PerfRecord.Aux(RecordHeader.of(RecordType.AUX, 0), c.auxOffset, size, c.chunk.flags(),
                    Bytes.EMPTY, sid(task[0], task[1], c.chunk.time(), s.cpu(), ids[PT][inst])));
            if (c.chunk.recorded()) {
                int pad = (int) ((AUXTRACE_ALIGNMENT - size % AUXTRACE_ALIGNMENT) % AUXTRACE_ALIGNMENT);
                w.record(new PerfRecord.Auxtrace(RecordHeader.of(RecordType.AUXTRACE, 0), size + pad, c.auxOffset,
                        rec.tsc().toTsc(c.chunk.time()), queueIndex(c.stream), s.tid(), s.cpu(), 0, -1, Bytes.EMPTY));
                w.payload(pad == 0 ? c.chunk.data() : padded(c.chunk.data(), pad));
                w.record(finishedRound());
            }
        }
        for (; next < sideband.size(); next++) {
            w.record(record(sideband.get(next), current));
        }
        w.record(finishedRound());
    }

    /** The chunks of every stream in the order of their AUX records' times (stream order at a tie). */
    private List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>();
        for (int s = 0; s < rec.streams().size(); s++) {
            long aux = 0;
            for (AuxChunk c : rec.streams().get(s).chunks()) {
                all.add(new Chunk(s, c, aux));
                aux += c.data().length();
            }
        }
        all.sort(Comparator.comparingLong((Chunk c) -> c.chunk.time()));
        return all;
    }

    private record Chunk(int stream, AuxChunk chunk, long auxOffset) {}

    /** The thread perf would take as running on each CPU: ITRACE_START, then context switches. */
    private static final class Current {
        private final Map<Integer, int[]> byCpu = new HashMap<>();

        int[] at(int cpu) {
            return byCpu.getOrDefault(cpu, new int[] {-1, -1});
        }

        void update(SidebandEvent e) {
            if (e instanceof SidebandEvent.ItraceStart s) {
                byCpu.put(s.cpu(), new int[] {s.pid(), s.tid()});
            } else if (e instanceof SidebandEvent.Switch s) {
                if (!s.out()) {
                    byCpu.put(s.cpu(), new int[] {s.pid(), s.tid()});
                } else if (s.cpuWide()) {
                    byCpu.put(s.cpu(), new int[] {s.nextPrevPid(), s.nextPrevTid()});
                }
            }
        }
    }

    /** The mmap index of a stream: its CPU (perf record -a maps every CPU), or its place among the threads. */
    private int queueIndex(int stream) {
        AuxStream s = rec.streams().get(stream);
        return s.perCpu() ? s.cpu() : stream;
    }

    private int instance(int stream) {
        return queueIndex(stream);
    }

    /** The instance (CPU or thread) a sideband record belongs to, for its event id. */
    private int instanceOf(SidebandEvent e) {
        if (rec.perCpu()) {
            if (e.cpu() < 0 || e.cpu() >= instances) {
                throw new IllegalArgumentException("sideband on CPU " + e.cpu() + " of " + instances + ": " + e);
            }
            return e.cpu();
        }
        int tid = tidOf(e);
        for (int i = 0; i < rec.streams().size(); i++) {
            if (rec.streams().get(i).tid() == tid) {
                return i;
            }
        }
        return 0;
    }

    private static int tidOf(SidebandEvent e) {
        if (e instanceof SidebandEvent.Comm c) {
            return c.tid();
        } else if (e instanceof SidebandEvent.Mmap m) {
            return m.tid();
        } else if (e instanceof SidebandEvent.ItraceStart s) {
            return s.tid();
        } else if (e instanceof SidebandEvent.Switch s) {
            return s.tid();
        } else if (e instanceof SidebandEvent.Fork f) {
            return f.tid();
        } else if (e instanceof SidebandEvent.Exit f) {
            return f.tid();
        }
        return -1;
    }

    /** A sideband value as the kernel writes its record, with the sample_id of the event that got it. */
    private PerfRecord record(SidebandEvent e, Current current) {
        int inst = instanceOf(e);
        int[] task = e.cpu() >= 0 ? current.at(e.cpu()) : new int[] {-1, -1};
        current.update(e);
        int cpu = e.cpu();
        if (e instanceof SidebandEvent.Mmap m) {
            SampleId sid = sid(m.pid(), m.tid(), m.time(), cpu, ids[TRACKING][inst]);
            int misc = m.cpumode() | (m.data() ? PerfRecord.Misc.MMAP_DATA : 0);
            if (!m.mmap2()) {
                return new PerfRecord.Mmap(RecordHeader.of(RecordType.MMAP, misc), m.pid(), m.tid(), m.addr(), m.len(),
                        m.pgoff(), CString.of(m.filename(), 8), Bytes.EMPTY, sid);
            }
            boolean withBuildId = !m.buildId().isEmpty();
            byte[] area = new byte[20];
            m.buildId().copyTo(area, 0);
            return new PerfRecord.Mmap2(RecordHeader.of(RecordType.MMAP2,
                    misc | (withBuildId ? PerfRecord.Misc.MMAP_BUILD_ID : 0)), m.pid(), m.tid(), m.addr(), m.len(),
                    m.pgoff(), m.maj(), m.min(), m.ino(), 0, withBuildId ? m.buildId().length() : 0, 0, 0,
                    withBuildId ? Bytes.wrapOwned(area) : Bytes.EMPTY, m.prot(), m.flags(), CString.of(m.filename(), 8),
                    Bytes.EMPTY, sid);
        } else if (e instanceof SidebandEvent.Comm c) {
            return new PerfRecord.Comm(RecordHeader.of(RecordType.COMM, c.exec() ? PerfRecord.Misc.COMM_EXEC : 0),
                    c.pid(), c.tid(), CString.of(c.name(), 8), Bytes.EMPTY,
                    sid(c.pid(), c.tid(), c.time(), cpu, ids[TRACKING][inst]));
        } else if (e instanceof SidebandEvent.Fork f) {
            return new PerfRecord.Fork(RecordHeader.of(RecordType.FORK, 0), f.pid(), f.ppid(), f.tid(), f.ptid(),
                    f.time(), Bytes.EMPTY, sid(f.pid(), f.tid(), f.time(), cpu, ids[TRACKING][inst]));
        } else if (e instanceof SidebandEvent.Exit f) {
            return new PerfRecord.Exit(RecordHeader.of(RecordType.EXIT, 0), f.pid(), f.ppid(), f.tid(), f.ptid(),
                    f.time(), Bytes.EMPTY, sid(f.pid(), f.tid(), f.time(), cpu, ids[TRACKING][inst]));
        } else if (e instanceof SidebandEvent.Ksymbol k) {
            return new PerfRecord.Ksymbol(RecordHeader.of(RecordType.KSYMBOL, KERNEL), k.addr(),
                    k.len(), k.ksymType(), k.unregister() ? PerfRecord.Ksymbol.FLAG_UNREGISTER : 0,
                    CString.of(k.name(), 8), Bytes.EMPTY, sid(task[0], task[1], k.time(), cpu, ids[pokeEvent()][inst]));
        } else if (e instanceof SidebandEvent.BpfEvent b) {
            return new PerfRecord.BpfEvent(RecordHeader.of(RecordType.BPF_EVENT, KERNEL),
                    b.bpfType(), b.flags(), b.id(), b.tag(), Bytes.EMPTY,
                    sid(task[0], task[1], b.time(), cpu, ids[TRACKING][inst]));
        } else if (e instanceof SidebandEvent.TextPoke p) {
            if (!rec.traceKernel()) {
                throw new IllegalArgumentException("TEXT_POKE needs the kernel traced (perf opens its event only then)");
            }
            int pad = (8 - (12 + p.oldBytes().length() + p.newBytes().length()) % 8) % 8;
            return new PerfRecord.TextPoke(RecordHeader.of(RecordType.TEXT_POKE, KERNEL), p.addr(),
                    p.oldBytes(), p.newBytes(), Bytes.of(new byte[pad]),
                    sid(task[0], task[1], p.time(), cpu, ids[TEXT_POKE][inst]));
        } else if (e instanceof SidebandEvent.ItraceStart s) {
            return new PerfRecord.ItraceStart(RecordHeader.of(RecordType.ITRACE_START, 0), s.pid(), s.tid(),
                    Bytes.EMPTY, sid(s.pid(), s.tid(), s.time(), cpu, ids[PT][inst]));
        } else if (e instanceof SidebandEvent.Switch s) {
            int misc = (s.out() ? PerfRecord.Misc.SWITCH_OUT : 0) | (s.preempt() ? PerfRecord.Misc.SWITCH_OUT_PREEMPT : 0);
            SampleId sid = sid(s.pid(), s.tid(), s.time(), cpu, ids[TRACKING][inst]);
            return s.cpuWide()
                    ? new PerfRecord.SwitchCpuWide(RecordHeader.of(RecordType.SWITCH_CPU_WIDE, misc), s.nextPrevPid(),
                            s.nextPrevTid(), Bytes.EMPTY, sid)
                    : new PerfRecord.Switch(RecordHeader.of(RecordType.SWITCH, misc), Bytes.EMPTY, sid);
        } else if (e instanceof SidebandEvent.Lost l) {
            return new PerfRecord.Lost(RecordHeader.of(RecordType.LOST, 0), l.id(), l.lost(), Bytes.EMPTY,
                    sid(task[0], task[1], l.time(), cpu, ids[TRACKING][inst]));
        } else if (e instanceof AuxWrite) {
            throw new IllegalArgumentException("AUX records come from the streams' chunks, not the sideband");
        }
        throw new IllegalArgumentException("no record for " + e);
    }

    /** KSYMBOL goes to the text-poke event (text_poke, ksymbol) when there is one. */
    private int pokeEvent() {
        return rec.traceKernel() ? TEXT_POKE : TRACKING;
    }

    private static SampleId sid(int pid, int tid, long time, int cpu, long id) {
        return new SampleId(SAMPLE_TYPE, pid, tid, time, -1, -1, cpu, 0, id);
    }

    private static PerfRecord finishedRound() {
        return new PerfRecord.FinishedRound(RecordHeader.of(RecordType.FINISHED_ROUND, 0), Bytes.EMPTY);
    }

    private static Bytes padded(Bytes data, int pad) {
        byte[] b = new byte[data.length() + pad];
        data.copyTo(b, 0);
        return Bytes.wrapOwned(b);
    }

    private PerfRecord.IdIndex idIndex() {
        List<PerfRecord.IdIndexEntry> entries = new ArrayList<>();
        for (long[] event : ids) {
            for (int i = 0; i < instances; i++) {
                AuxStream s = rec.perCpu() ? null : rec.streams().get(i);
                entries.add(new PerfRecord.IdIndexEntry(event[i], i, rec.perCpu() ? i : -1, rec.perCpu() ? -1 : s.tid(),
                        -1, -1));
            }
        }
        return new PerfRecord.IdIndex(RecordHeader.of(RecordType.ID_INDEX, 0), entries, false, Bytes.EMPTY);
    }

    /** The intel_pt event, the tracking dummy:u, and (kernel traced) the text-poke dummy:u. */
    private List<EventAttr> attrs() {
        long excl = (rec.traceUser() ? 0 : bit(AttrFlag.EXCLUDE_USER)) | (rec.traceKernel() ? 0 : bit(AttrFlag.EXCLUDE_KERNEL))
                | (rec.traceUser() && rec.traceKernel() ? 0 : bit(AttrFlag.EXCLUDE_HV));
        long pt = bit(AttrFlag.DISABLED) | bit(AttrFlag.INHERIT) | excl | bit(AttrFlag.SAMPLE_ID_ALL)
                | bit(AttrFlag.EXCLUDE_GUEST);
        long userDummy = bit(AttrFlag.EXCLUDE_KERNEL) | bit(AttrFlag.EXCLUDE_HV) | bit(AttrFlag.SAMPLE_ID_ALL);
        long tracking = bit(AttrFlag.DISABLED) | bit(AttrFlag.INHERIT) | userDummy | bit(AttrFlag.MMAP)
                | bit(AttrFlag.COMM) | bit(AttrFlag.TASK) | bit(AttrFlag.MMAP2) | bit(AttrFlag.COMM_EXEC)
                | bit(AttrFlag.BPF_EVENT) | (rec.perCpu() ? bit(AttrFlag.CONTEXT_SWITCH) : 0)
                | (rec.traceKernel() ? 0 : bit(AttrFlag.KSYMBOL));
        long poke = userDummy | bit(AttrFlag.TEXT_POKE) | bit(AttrFlag.KSYMBOL);
        long config = rec.config().encode(PtConfig.Format.KERNEL);
        List<EventAttr> a = new ArrayList<>();
        a.add(attr(rec.pmuType(), config, pt));
        a.add(attr(SOFTWARE, DUMMY, tracking));
        if (rec.traceKernel()) {
            a.add(attr(SOFTWARE, DUMMY, poke));
        }
        return a;
    }

    private static EventAttr attr(long type, long config, long flags) {
        return new EventAttr(type, ATTR_SIZE, config, 1, SAMPLE_TYPE, ReadFormat.ID, flags, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
    }

    private void features(PerfWriter w, List<EventAttr> attrs, List<String> names, boolean fileMode) throws IOException {
        w.feature(new Feature.Text(FeatureId.HOSTNAME.id(), rec.hostname()));
        w.feature(new Feature.Text(FeatureId.OSRELEASE.id(), rec.osRelease()));
        w.feature(new Feature.Text(FeatureId.VERSION.id(), "textpoke"));
        w.feature(new Feature.Text(FeatureId.ARCH.id(), "x86_64"));
        w.feature(new Feature.NrCpus(rec.nrCpus(), rec.nrCpus()));
        w.feature(new Feature.Text(FeatureId.CPUDESC.id(), "textpoke simulated CPU"));
        w.feature(new Feature.Text(FeatureId.CPUID.id(), rec.cpuid()));
        w.feature(new Feature.TotalMem(16L << 20));
        String mode = rec.perCpu() ? "-a" : "--per-thread";
        w.feature(Feature.CommandLine.of(List.of("perf", "record", "-e", eventName(rec), "--kcore", mode)));
        List<Feature.EventDescEntry> desc = new ArrayList<>();
        for (int e = 0; e < attrs.size(); e++) {
            List<Long> list = new ArrayList<>();
            for (long id : ids[e]) {
                list.add(id);
            }
            desc.add(new Feature.EventDescEntry(attrs.get(e), names.get(e), list));
        }
        w.feature(new Feature.EventDesc(ATTR_SIZE, desc));
        w.feature(new Feature.PmuMappings(List.of(new Feature.PmuMapping(rec.pmuType(), "intel_pt"),
                new Feature.PmuMapping(SOFTWARE, "software"), new Feature.PmuMapping(4, "cpu"))));
        if (fileMode) {
            w.feature(FeatureId.AUXTRACE.id(), Bytes.EMPTY); // the index: PerfWriter fills in the offsets
        }
    }

    private static long bit(AttrFlag f) {
        return 1L << f.bit();
    }
}
