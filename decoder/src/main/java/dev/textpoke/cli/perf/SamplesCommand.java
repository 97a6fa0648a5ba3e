package dev.textpoke.cli.perf;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.SampleField;
import dev.textpoke.cli.format.SampleFields;
import dev.textpoke.cli.format.SampleFormatter;
import dev.textpoke.code.space.AddressSpaces;
import dev.textpoke.code.space.Locator;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.ReadValues.ReadValue;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.sample.SampleLayout;
import dev.textpoke.code.space.SymbolIndex;
import dev.textpoke.perf.tracing.EventFormat;
import dev.textpoke.perf.tracing.PrintFormat;
import dev.textpoke.perf.tracing.TraceText;
import dev.textpoke.perf.tracing.TracingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke samples FILE}: the samples of a perf.data as {@code perf script} prints them, in
 * the order perf delivers them (FINISHED_ROUND ordering, directory inputs merged by time), or as
 * JSON Lines. Without {@code -F}, each kind of event gets perf's default fields; frames are named
 * with the symbols of the kernel and of the mapped files as perf names them, and user stacks
 * sampled with {@code --call-graph dwarf} are unwound ({@link SampleUnwinding}). As in perf, a sample
 * that READs a group (or one counter) is delivered once per counter that moved, with that
 * counter's event and its increase as the period; the command name is the thread's at that time.
 */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = {"Prints the samples of a perf.data like perf script: comm, pid/tid, cpu, time, period,"
                + " event, tracepoint fields, addr, memory sampling fields (data_src, weight, ins_lat, phys_addr,"
                + " page sizes), ip with its symbol and dso (the call chain when there is one) and branch stack.",
            "Time has nanoseconds. Kernel symbols come from --kallsyms, --kcore, --vmlinux, the kcore_dir beside"
                + " the file, perf's build-id cache or /proc/kallsyms of the recorded kernel; user-space symbols"
                + " from the mapped files (by build id in perf's cache and /usr/lib/debug, or at their path; under"
                + " --symfs when given).",
            "User stacks sampled with --call-graph dwarf are unwound with the mapped files' call frame information"
                + " (.eh_frame, .debug_frame), as perf script --no-inline unwinds them."})
public final class SamplesCommand implements Callable<Integer> {
    private static final int SAMPLE = RecordType.SAMPLE.id();
    private static final int TRACING_DATA = RecordType.HEADER_TRACING_DATA.id();
    private static final int HEADER_BUILD_ID = RecordType.HEADER_BUILD_ID.id();
    /** Larger tracing data is not read (perf's are a few MB at most). */
    private static final long MAX_TRACING_DATA = 64L << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Option(names = {"-F", "--fields"}, paramLabel = "LIST",
            description = "Fields to print, as for perf script: comm,tid,pid,cpu,time,period,event,trace,addr,"
                    + "data_src,weight,ins_lat,ip,sym,symoff,dso,brstack,brstacksym,brstackoff,phys_addr,"
                    + "data_page_size,code_page_size (callchain: the same as ip; sym, symoff and dso"
                    + " go with ip, dso with the branch stack fields too; brstackoff: addresses as perf's, offsets"
                    + " into the objects perf cannot read). A field"
                    + " the samples do not have is an error, as in perf script, but for brstack, brstacksym and"
                    + " brstackoff, which perf prints empty for samples without a branch stack. Default: perf"
                    + " script's fields for each kind of event.")
    String fieldList;

    @Option(names = "--hide-call-graph", description = "Print the ip of samples with a call chain, not the chain"
            + " (as perf script --hide-call-graph).")
    boolean hideCallGraph;

    @Option(names = "--max-stack", paramLabel = "N", description = "Print at most N frames of a call chain and"
            + " unwind at most N of a sampled user stack, as perf script's --max-stack (default: ${DEFAULT-VALUE},"
            + " perf's kernel.perf_event_max_stack default).")
    int maxStack = SampleFormatter.MAX_USER_FRAMES;

    @Option(names = "--no-unwind", description = "Do not unwind user stacks sampled with --call-graph dwarf: print"
            + " the sampled user IP as their one frame.")
    boolean noUnwind;

    private SampleUnwinding unwinding;

    @Option(names = "--json", description = "One JSON object per sample: offset, then the fields (docs/json.md).")
    boolean json;

    @Mixin
    SymbolOptions symbols;

    private final Map<Long, String> tracepointNames = new HashMap<>();
    private TracingData tracing;
    private final TraceText traceText = new TraceText();
    /** The lines printed on a thread of their own while they name no address; null once they do (or for JSON). */
    private SampleLinePipeline lines;
    /** The formatter's settings as they change in the pass, for the pipeline's lines. */
    private int eventWidth;
    private boolean callchain;
    /** The pipeline's formatter names nothing: its lines have no address. */
    private static final SampleFormatter.Namer NAMES_NOTHING = new SampleFormatter.Namer() {
        @Override
        public dev.textpoke.code.space.Location locate(int pid, long addr, long time, boolean kernel) {
            throw new IllegalStateException("a pipelined sample line names an address");
        }

        @Override
        public long objectAddress(int pid, long addr, long time, boolean kernel) {
            throw new IllegalStateException("a pipelined sample line names an address");
        }
    };
    /** The kernel's symbols, read ahead when the tracepoints' text names kernel functions. */
    private KernelSymbolsLoad kernel;
    /** Whether some sample may print its tracepoint's text. */
    private boolean traceShown;
    private PrintFormat.FunctionNames functions = PrintFormat.FunctionNames.NONE;

    @Override
    public Integer call() throws IOException {
        EnumSet<SampleField> asked;
        try {
            asked = fieldList == null ? null : SampleField.parse(fieldList);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        symbols.check();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err, "samples");
        Map<Long, Long> lastRead = new HashMap<>();
        SampleFields own = new SampleFields();
        try (PerfData data = PerfData.open(file); RecordSource records = data.ordered()) {
            InputWarnings.notes(data, err);
            KernelSymbolsLoad kernelSymbols = new KernelSymbolsLoad(() -> symbols.kernel(data));
            kernel = kernelSymbols;
            traceShown = json || asked == null || asked.contains(SampleField.TRACE);
            readTracingFeature(data);
            AddressSpaces spaces = new AddressSpaces();
            buildIds(data, spaces);
            ObjectFiles files = new ObjectFiles(symbols.files());
            Locator locator = new Locator(spaces, files, kernelSymbols);
            unwinding = noUnwind ? null : SampleUnwinding.of(data, spaces, files);
            functions = (addr, offset) -> {
                SymbolIndex.Found f = kernelSymbols.get().find(addr);
                return f == null ? null : offset ? f.name() + "+0x" + Long.toHexString(f.offset(addr)) : f.name();
            };
            SampleFormatter formatter = new SampleFormatter(hideCallGraph, new SampleFormatter.Namer() {
                @Override
                public dev.textpoke.code.space.Location locate(int pid, long addr, long time, boolean k) {
                    return locator.locate(pid, addr, time, k);
                }

                @Override
                public long objectAddress(int pid, long addr, long time, boolean k) {
                    return locator.objectAddress(pid, addr, time, k);
                }

                @Override
                public long dsoAddress(int pid, long addr, long time, boolean k) {
                    return locator.dsoAddress(pid, addr, time, k);
                }

                @Override
                public int userFrames(SampleFields s, long[] out, long[] objects) {
                    return unwinding == null ? 0 : unwinding.frames(s, out, objects);
                }
            });
            if (maxStack < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-stack must be at least 1");
            }
            formatter.maxStack(maxStack);
            SampleFieldSets sets = new SampleFieldSets(data, asked, file);
            if (data.format() != PerfData.Format.PIPE && sets.mayNameKernelCode()) {
                // The first kernel frame would wait for /proc/kallsyms (121,000 lines here: 40 ms of
                // the kernel's time, as much again to index); read ahead, it overlaps the samples before.
                // Not a pipe's: its features, which say where the symbols come from, arrive later.
                kernelSymbols.readAhead();
            }
            RecordParser parser = new RecordParser(data.events());
            int ipRegister = PerfArch.ipRegister(data);
            own.ipRegister(ipRegister);
            BitSet seen = new BitSet();
            boolean widthSet = false;
            if (!json && Runtime.getRuntime().availableProcessors() > 1) {
                lines = new SampleLinePipeline(new SampleFormatter(hideCallGraph, NAMES_NOTHING), sink(out), functions,
                        ipRegister);
            }
            long n = 0;
            try {
                while (records.next()) {
                    RecordView v = records.current();
                    int type = v.type();
                    if (type == SAMPLE) {
                        Event e = parser.eventOf(v);
                        Sample parsed = null;
                        SampleFields one = lines != null ? lines.next() : own;
                        if (e == null || !one.fromView(v, e)) {
                            parsed = (Sample) parser.parse(v);
                            one.from(parsed, ipRegister, v.buffer().order());
                            one.lbrCallStack(e != null
                                    && (e.attr().branchSampleType() & BranchSampleType.CALL_STACK) != 0);
                        }
                        if (!widthSet) {
                            // perf script pads event names to the longest name of the events it
                            // knows at its first sample (evlist__max_name_len), once: a pipe's
                            // HEADER_ATTR records, all of them, came before it.
                            widthSet = true;
                            data.events().events().forEach(ev -> eventWidth(formatter, name(ev).length()));
                        }
                        if (e != null && !seen.get(e.index())) {
                            seen.set(e.index());
                            callchain = sets.useCallchain();
                            formatter.useCallchain(callchain);
                        }
                        deliver(out, formatter, one, parsed, e, v.offset(), spaces, lastRead, data, sets);
                    } else if (type > 0 && SIDEBAND.get(type)) { // a damaged type may be negative
                        PerfRecord r = parser.parse(v);
                        long time = data.events().timeOf(v.buffer(), v.start(), v.type(), v.size());
                        spaces.record(r, time == SampleLayout.NONE ? 0 : time);
                    } else if (type == TRACING_DATA && v.payloadSize() > 0 && v.payloadSize() < MAX_TRACING_DATA
                            && data.fileSize() >= 0) {
                        // A pipe's tracing data follows its record (read from the file, not stdin).
                        // Not read ahead: the features that choose the kernel's symbols may come later.
                        tracing(TracingData.parse(data.read(v.payloadOffset(), (int) v.payloadSize()).toArray(),
                                data.source(), v.payloadOffset()), false);
                    } else if (type == HEADER_BUILD_ID) {
                        PerfRecord.HeaderBuildId b = (PerfRecord.HeaderBuildId) parser.parse(v);
                        spaces.buildId(b.filename().text(), buildIdOf(b));
                        if (hostKernel(b.header().misc() & CPUMODE_MASK, b.pid())) {
                            spaces.kernelObject(b.filename().text());
                        }
                    }
                    if ((++n & 0xffff) == 0) {
                        progress.update(v.offset(), data.fileSize(), "bytes");
                    }
                }
                if (lines != null) {
                    lines.finish();
                }
            } finally {
                if (lines != null) {
                    lines.close(); // what was read before a failure is printed before it is reported
                }
                progress.done();
                out.flush();
                files.close();
            }
            return InputWarnings.after(data, out, err, ExitStatus.OK);
        }
    }

    /** The records that change who ran where. */
    private static final BitSet SIDEBAND = new BitSet();

    static {
        for (RecordType t : new RecordType[] {RecordType.MMAP, RecordType.MMAP2, RecordType.COMM, RecordType.FORK,
            RecordType.KSYMBOL}) {
            SIDEBAND.set(t.id());
        }
    }

    private void readTracingFeature(PerfData data) throws IOException {
        if (data.features().has(FeatureId.TRACING_DATA)) {
            Optional<Bytes> raw = data.features().raw(FeatureId.TRACING_DATA.id());
            if (raw.isPresent()) {
                try {
                    tracing(TracingData.parse(raw.get().toArray(), data.source(),
                            data.features().dataOffset(FeatureId.TRACING_DATA.id())), true);
                } catch (PerfFormatException e) {
                    // perf reads such a file without tracepoint names and fields; so does this
                }
            }
        }
    }

    /** @param readAhead whether the kernel's symbols may be read ahead (the file's features are all known) */
    private void tracing(TracingData t, boolean readAhead) {
        tracing = t;
        if (readAhead && traceShown && t.namesFunctions()) {
            kernel.readAhead(); // the first %pS would wait for them
        }
        tracepointNames.putAll(t.names());
        java.util.Arrays.fill(perEvent, null); // names and formats found before the tracing data
    }

    /**
     * BUILD_ID feature: user-space files' build ids, for finding them in perf's cache; the host
     * kernel's objects, which name its modules.
     */
    private static void buildIds(PerfData data, AddressSpaces spaces) {
        try {
            Optional<Feature.BuildIds> ids = data.features().get(FeatureId.BUILD_ID, Feature.BuildIds.class);
            ids.ifPresent(b -> b.entries().forEach(e -> {
                spaces.buildId(e.name(), e.buildId());
                if (hostKernel(e.cpumode(), e.pid())) {
                    spaces.kernelObject(e.name());
                }
            }));
        } catch (IOException e) {
            // a damaged BUILD_ID feature (reported by InputWarnings if outside the file): no build ids
        }
    }

    /** {@code PERF_RECORD_MISC_CPUMODE_MASK} and {@code _KERNEL}; perf's host machine is pid -1. */
    private static final int CPUMODE_MASK = 7;
    private static final int CPUMODE_KERNEL = 1;

    /** Whether a build-id entry is of the host's kernel (perf's {@code __event_process_build_id}). */
    private static boolean hostKernel(int cpumode, int pid) {
        return cpumode == CPUMODE_KERNEL && pid == AddressSpaces.KERNEL_PID;
    }

    private static Bytes buildIdOf(PerfRecord.HeaderBuildId b) {
        int misc = b.header().misc();
        Bytes area = b.buildIdArea();
        int n = (misc & Feature.BuildIdEntry.MISC_BUILD_ID_SIZE) != 0 ? Math.min(area.get(20), 20) : 20;
        return area.slice(0, Math.min(n, area.length()));
    }

    /**
     * Prints the sample, or for a sample with READ values one sample per counter that moved
     * (session.c, {@code deliver_sample_value}: period = value - the counter's previous value).
     */
    private void deliver(PrintWriter out, SampleFormatter f, SampleFields s, Sample parsed, Event e, long offset,
            AddressSpaces spaces, Map<Long, Long> lastRead, PerfData data, SampleFieldSets sets) {
        String comm = spaces.comm(s.tid, s.time());
        EnumSet<SampleField> fields = fieldsOf(sets, e);
        EventFormat format = fields.contains(SampleField.TRACE) ? traceFormat(e, s.raw()) : null;
        boolean pageFault = e != null && pageFault(e);
        boolean reads = parsed != null && parsed.has(SampleFormat.READ) && parsed.read() != null;
        if (lines != null) {
            if (!reads && SampleLinePipeline.pure(fields)) {
                lines.add(fields, comm, name(e), s.period, tracing, format, pageFault, eventWidth, callchain);
                return;
            }
            // This line names addresses: this thread prints it, and every line after it.
            lines.finish();
            lines = null;
        }
        TraceText trace = null;
        if (format != null) {
            traceText.reset();
            tracing.text(traceText, format, s.raw(), functions);
            trace = traceText;
        }
        if (!reads) {
            print(out, f, s, fields, offset, comm, name(e), s.period, trace, pageFault);
            return;
        }
        for (ReadValue r : parsed.read().values()) {
            Event counter = data.events().byId(r.id());
            if (counter == null) {
                continue;
            }
            Long previous = lastRead.put(r.id(), r.value());
            long period = r.value() - (previous == null ? 0 : previous);
            if (period != 0) {
                print(out, f, s, fieldsOf(sets, counter), offset, comm, name(counter), period, trace, pageFault);
            }
        }
    }

    /** The format of the sample's tracepoint when it has one and its raw data, else null. */
    private EventFormat traceFormat(Event e, byte[] raw) {
        if (tracing == null || e == null || raw == null) {
            return null;
        }
        PerEvent p = perEvent(e);
        if (!p.formatLooked) {
            p.format = tracing.event(e.attr().config());
            p.formatLooked = true;
        }
        return p.format;
    }

    /** perf right-aligns event names to the longest one's width: the formatter's, and the pipeline's. */
    private void eventWidth(SampleFormatter formatter, int width) {
        eventWidth = Math.max(eventWidth, width);
        formatter.eventWidth(width);
    }

    private boolean pageFault(Event e) {
        PerEvent p = perEvent(e);
        if (p.pageFault == null) {
            p.pageFault = SampleFieldSets.isPageFault(e);
        }
        return p.pageFault;
    }

    private void print(PrintWriter out, SampleFormatter f, SampleFields s, EnumSet<SampleField> fields, long offset,
            String comm, String event, long period, TraceText trace, boolean pageFault) {
        if (json) {
            out.println(f.json(s, fields, offset, comm, event, period, trace == null ? null : trace.toString()));
        } else {
            f.text(sink(out), s, fields, comm, event, period, trace, pageFault);
        }
    }

    private SampleFormatter.Sink sink;

    /** Bytes straight to standard output; to a test's writer as text. */
    private SampleFormatter.Sink sink(PrintWriter out) {
        if (sink == null) {
            sink = out instanceof dev.textpoke.cli.StandardOutput.Bytes b ? b::writeBytes
                    : (bytes, off, len) -> out.write(new String(bytes, off, len, java.nio.charset.StandardCharsets.UTF_8));
        }
        return sink;
    }

    private String name(Event e) {
        if (e == null) {
            return "[unknown]";
        }
        PerEvent p = perEvent(e);
        if (p.name == null) {
            p.name = PerfEventName.of(e, tracepointNames);
        }
        return p.name;
    }

    /** What a sample pass looks up per event, found once per event (an event replaced by a rename starts afresh). */
    private static final class PerEvent {
        final Event event;
        String name;
        EventFormat format;
        boolean formatLooked;
        EnumSet<SampleField> fields;
        Boolean pageFault;

        PerEvent(Event event) {
            this.event = event;
        }
    }

    private PerEvent[] perEvent = new PerEvent[8];

    private PerEvent perEvent(Event e) {
        int i = e.index();
        if (i >= perEvent.length) {
            perEvent = java.util.Arrays.copyOf(perEvent, Math.max(i + 1, perEvent.length * 2));
        }
        PerEvent p = perEvent[i];
        if (p == null || p.event != e) {
            p = new PerEvent(e);
            perEvent[i] = p;
        }
        return p;
    }

    private EnumSet<SampleField> fieldsOf(SampleFieldSets sets, Event e) {
        if (e == null) {
            return sets.of(null);
        }
        PerEvent p = perEvent(e);
        if (p.fields == null) {
            p.fields = sets.of(e);
        }
        return p.fields;
    }

    /** For the checks of {@link SampleFieldSets}, which name events as perf does. */
    String nameOf(Event e) {
        return name(e);
    }

    static CommandError missing(String file, String event, String needs, String field) {
        return new CommandError(file + ": samples for '" + event + "' event do not have " + needs
                + " attribute set: cannot print '" + field + "' field (perf script's message)");
    }
}
