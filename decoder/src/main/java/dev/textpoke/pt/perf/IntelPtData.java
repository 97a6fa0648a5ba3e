package dev.textpoke.pt.perf;

import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.record.SampleId;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Intel PT content of a perf.data, read in one pass over its records in perf's delivery order:
 * the AUXTRACE_INFO ({@link IntelPtInfo}), the intel_pt events and their configuration, the TSC
 * conversion, the trace queues ({@link AuxQueues}) and the sideband ({@link Sideband}). Everything
 * a flow decoder needs besides the code.
 *
 * <p>Damage after the AUXTRACE_INFO does not lose what came before it: the pass stops there and
 * {@link #damage()} says where; the queues and sideband hold what was read, and a piece cut by
 * the end of a file holds the bytes there are.
 */
public final class IntelPtData implements Closeable {
    private final IntelPtInfo info;
    private final long infoOffset;
    private final List<PtEvent> events;
    private final TscConversion tsc;
    private final PerfRecord.TimeConv timeConv;
    private final AuxQueues queues;
    private final Sideband sideband;
    private final InputFormatException damage;

    private IntelPtData(IntelPtInfo info, long infoOffset, List<PtEvent> events, PerfRecord.TimeConv timeConv,
            AuxQueues queues, Sideband sideband, InputFormatException damage) {
        this.info = info;
        this.infoOffset = infoOffset;
        this.events = List.copyOf(events);
        this.tsc = info.tscConversion();
        this.timeConv = timeConv;
        this.queues = queues;
        this.sideband = sideband;
        this.damage = damage;
    }

    /**
     * Reads the Intel PT content of {@code data} (which stays open: a pipe can be read only once,
     * so this takes its one reader).
     *
     * @throws PtPerfFormatException {@code NOT_INTEL_PT} when there is no Intel PT AUXTRACE_INFO,
     *     {@code NO_PT_EVENT} when no event has its PMU type, or what {@link IntelPtInfo#parse}
     *     throws
     * @throws InputFormatException damage met before the AUXTRACE_INFO
     */
    public static IntelPtData read(PerfData data) throws IOException {
        RecordParser parser = new RecordParser(data.events());
        AuxQueues.Builder aux = new AuxQueues.Builder();
        List<SidebandEvent> sb = new ArrayList<>();
        List<Integer> auxSlots = new ArrayList<>();
        IntelPtInfo info = null;
        long infoOffset = -1;
        PerfRecord.TimeConv timeConv = null;
        InputFormatException damage = null;
        try (RecordSource records = data.ordered()) {
            while (records.next()) {
                RecordView v = records.current();
                RecordType t = v.recordType();
                if (t == null || !wanted(t)) {
                    continue;
                }
                PerfRecord r = parser.parse(v);
                long at = v.offset();
                if (r instanceof PerfRecord.AuxtraceInfo i) {
                    if (info == null && i.auxType() == IntelPtInfo.AUXTRACE_TYPE) {
                        info = IntelPtInfo.parse(i, at, data.order(), v.source());
                        infoOffset = at;
                    }
                } else if (r instanceof PerfRecord.TimeConv c) {
                    timeConv = timeConv == null ? c : timeConv;
                } else if (r instanceof PerfRecord.IdIndex x) {
                    x.entries().forEach(e -> aux.idIndex(e.id(), e.idx()));
                } else if (r instanceof PerfRecord.Auxtrace a) {
                    aux.auxtrace(a, v.source(), at);
                } else if (r instanceof PerfRecord.Aux a) {
                    SampleId s = a.sampleId();
                    aux.aux(a, time(s), cpu(s), pid(s), tid(s), s == null ? -1 : s.eventId(), at);
                    auxSlots.add(sb.size());
                    sb.add(null);
                } else {
                    sb.add(sideband(r, at));
                }
            }
        } catch (InputFormatException e) {
            if (info == null) {
                throw e;
            }
            damage = e;
            aux.clipToInputs();
        }
        if (info == null) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.NOT_INTEL_PT, data.source(), -1,
                    "no Intel PT AUXTRACE_INFO record: the file holds no Intel PT trace");
        }
        List<PtEvent> events = new ArrayList<>();
        PtConfig.Format format = info.format();
        for (Event e : data.events().events()) {
            if (e.attr().type() == info.pmuType()) {
                events.add(new PtEvent(e.name(), e.attr(), e.ids(), PtConfig.decode(e.attr().config(), format)));
            }
        }
        if (events.isEmpty()) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.NO_PT_EVENT, data.source(), infoOffset + 16,
                    "no event has the PMU type " + info.pmuType() + " that AUXTRACE_INFO names");
        }
        AuxQueues queues = aux.build(info.perCpuMmaps() != 0, info.snapshotMode() != 0);
        List<AuxWrite> writes = queues.writes();
        for (int i = 0; i < auxSlots.size(); i++) {
            sb.set(auxSlots.get(i), writes.get(i));
        }
        Sideband sideband = new Sideband(sb, info.haveSchedSwitch(), info.perCpuMmaps() != 0);
        return new IntelPtData(info, infoOffset, events, timeConv, queues, sideband, damage);
    }

    private static boolean wanted(RecordType t) {
        return switch (t) {
            case AUXTRACE_INFO, TIME_CONV, ID_INDEX, AUXTRACE, AUX, MMAP, MMAP2, COMM, FORK, EXIT, KSYMBOL,
                    BPF_EVENT, TEXT_POKE, ITRACE_START, SWITCH, SWITCH_CPU_WIDE, LOST -> true;
            default -> false;
        };
    }

    private static SidebandEvent sideband(PerfRecord r, long at) {
        if (r instanceof PerfRecord.Mmap m) {
            return new SidebandEvent.Mmap(time(m.sampleId()), cpu(m.sampleId()), m.pid(), m.tid(),
                    m.addr(), m.len(), m.pgoff(), m.filename().text(), false, m.header().cpumode(),
                    (m.header().misc() & PerfRecord.Misc.MMAP_DATA) != 0, 0, 0, 0, 0, 0,
                    dev.textpoke.io.Bytes.EMPTY, at);
        }
        if (r instanceof PerfRecord.Mmap2 m) {
            return new SidebandEvent.Mmap(time(m.sampleId()), cpu(m.sampleId()), m.pid(),
                    m.tid(), m.addr(), m.len(), m.pgoff(), m.filename().text(), true, m.header().cpumode(),
                    (m.header().misc() & PerfRecord.Misc.MMAP_DATA) != 0, m.prot(), m.flags(),
                    m.hasBuildId() ? 0 : m.maj(), m.hasBuildId() ? 0 : m.min(), m.hasBuildId() ? 0 : m.ino(),
                    m.buildId(), at);
        }
        if (r instanceof PerfRecord.Comm c) {
            return new SidebandEvent.Comm(time(c.sampleId()), cpu(c.sampleId()), c.pid(), c.tid(),
                    c.comm().text(), c.exec(), at);
        }
        if (r instanceof PerfRecord.Fork f) {
            return new SidebandEvent.Fork(time(f.sampleId(), f.time()), cpu(f.sampleId()), f.pid(),
                    f.ppid(), f.tid(), f.ptid(), at);
        }
        if (r instanceof PerfRecord.Exit f) {
            return new SidebandEvent.Exit(time(f.sampleId(), f.time()), cpu(f.sampleId()), f.pid(),
                    f.ppid(), f.tid(), f.ptid(), at);
        }
        if (r instanceof PerfRecord.Ksymbol k) {
            return new SidebandEvent.Ksymbol(time(k.sampleId()), cpu(k.sampleId()), k.addr(),
                    k.len(), k.ksymType(), k.unregister(), k.name().text(), at);
        }
        if (r instanceof PerfRecord.BpfEvent b) {
            return new SidebandEvent.BpfEvent(time(b.sampleId()), cpu(b.sampleId()),
                    b.bpfType(), b.flags(), b.id(), b.tag(), at);
        }
        if (r instanceof PerfRecord.TextPoke p) {
            return new SidebandEvent.TextPoke(time(p.sampleId()), cpu(p.sampleId()), p.addr(),
                    p.oldBytes(), p.newBytes(), at);
        }
        if (r instanceof PerfRecord.ItraceStart s) {
            return new SidebandEvent.ItraceStart(time(s.sampleId()), cpu(s.sampleId()),
                    s.pid(), s.tid(), at);
        }
        if (r instanceof PerfRecord.Switch s) {
            return new SidebandEvent.Switch(time(s.sampleId()), cpu(s.sampleId()),
                    pid(s.sampleId()), tid(s.sampleId()), s.out(), s.preempt(), false, -1, -1, at);
        }
        if (r instanceof PerfRecord.SwitchCpuWide s) {
            return new SidebandEvent.Switch(time(s.sampleId()), cpu(s.sampleId()),
                    pid(s.sampleId()), tid(s.sampleId()), s.out(), s.preempt(), true, s.nextPrevPid(),
                    s.nextPrevTid(), at);
        }
        if (r instanceof PerfRecord.Lost l) {
            return new SidebandEvent.Lost(time(l.sampleId()), cpu(l.sampleId()), l.id(), l.lost(),
                    at);
        }
        throw new IllegalStateException("not sideband: " + r.type());
    }

    private static long time(SampleId s) {
        return s != null && s.has(SampleFormat.TIME) ? s.time() : -1;
    }

    /** FORK and EXIT carry their own time; perf uses the sample_id's when there is one. */
    private static long time(SampleId s, long own) {
        return s != null && s.has(SampleFormat.TIME) ? s.time() : own;
    }

    private static int cpu(SampleId s) {
        return s != null && s.has(SampleFormat.CPU) ? s.cpu() : -1;
    }

    private static int pid(SampleId s) {
        return s != null && s.has(SampleFormat.TID) ? s.pid() : -1;
    }

    private static int tid(SampleId s) {
        return s != null && s.has(SampleFormat.TID) ? s.tid() : -1;
    }

    public IntelPtInfo info() {
        return info;
    }

    /** Where the AUXTRACE_INFO record starts. */
    public long infoOffset() {
        return infoOffset;
    }

    /** The intel_pt events (usually one). */
    public List<PtEvent> events() {
        return events;
    }

    /** The configuration the trace was recorded with: the first intel_pt event's. */
    public PtConfig config() {
        return events.get(0).config();
    }

    /** TSC to perf time as perf's Intel PT decoder converts it: from AUXTRACE_INFO. */
    public TscConversion tsc() {
        return tsc;
    }

    /** The TIME_CONV record, when the file has one (perf 4.x and later write it before AUXTRACE_INFO). */
    public Optional<PerfRecord.TimeConv> timeConv() {
        return Optional.ofNullable(timeConv);
    }

    public AuxQueues queues() {
        return queues;
    }

    public Sideband sideband() {
        return sideband;
    }

    /** The damage that stopped the pass early, if any: what was read before it is kept. */
    public Optional<InputFormatException> damage() {
        return Optional.ofNullable(damage);
    }

    @Override
    public void close() throws IOException {
        queues.close();
    }
}
