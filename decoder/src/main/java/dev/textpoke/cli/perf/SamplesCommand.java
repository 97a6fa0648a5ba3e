package dev.textpoke.cli.perf;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.SampleField;
import dev.textpoke.cli.format.SampleFields;
import dev.textpoke.cli.format.SampleFormatter;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.ReadValues.ReadValue;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke samples FILE}: the samples of a perf.data as {@code perf script -F} prints them,
 * in the order perf delivers them (FINISHED_ROUND ordering, directory inputs merged by time), or
 * as JSON Lines. As in perf, a sample that READs a group (or one counter) is delivered once per
 * counter that moved, with that counter's event and its increase as the period; the command name
 * is the thread's at that time.
 */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = {"Prints the samples of a perf.data like perf script: comm, pid/tid, cpu, time, period,"
                + " event, addr, ip (the call chain when there is one) and branch stack.",
            "Time has nanoseconds; call chain frames are addresses (perf script prints offsets into the"
                + " mapped file for user-space frames)."})
public final class SamplesCommand implements Callable<Integer> {
    private static final String DEFAULT_FIELDS = "comm,tid,pid,cpu,time,period,event,addr,ip,brstack";
    private static final int SAMPLE = RecordType.SAMPLE.id();
    private static final int COMM = RecordType.COMM.id();
    private static final int FORK = RecordType.FORK.id();
    private static final int TRACING_DATA = RecordType.HEADER_TRACING_DATA.id();
    /** Larger tracing data is not read for names (perf's are a few MB at most). */
    private static final long MAX_TRACING_DATA = 64L << 20;
    /** {@code PERF_TYPE_MAX}, {@code PERF_TYPE_SOFTWARE}, {@code PERF_COUNT_SW_DUMMY} (uapi perf_event.h). */
    private static final long PERF_TYPE_MAX = 6;
    private static final long PERF_TYPE_SOFTWARE = 1;
    private static final long PERF_COUNT_SW_DUMMY = 9;

    private final Map<Long, String> tracepoints = new HashMap<>();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Option(names = {"-F", "--fields"}, paramLabel = "LIST",
            description = "Fields to print, as for perf script: comm,tid,pid,cpu,time,period,event,addr,ip,brstack"
                    + " (callchain: the same as ip). A field the samples do not have is an error. Default: all the"
                    + " samples have.")
    String fieldList;

    @Option(names = "--hide-call-graph", description = "Print the ip of samples with a call chain, not the chain"
            + " (as perf script --hide-call-graph).")
    boolean hideCallGraph;

    @Option(names = "--json", description = "One JSON object per sample: offset, then the fields; the call chain"
            + " is the raw one, context markers included.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        EnumSet<SampleField> fields;
        try {
            fields = SampleField.parse(fieldList == null ? DEFAULT_FIELDS : fieldList);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean strict = fieldList != null;
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "samples");
        SampleFormatter formatter = new SampleFormatter(fields, hideCallGraph);
        if (strict) {
            // Fields asked for are printed even for samples that lack them, with the values such a
            // sample has (cpu -1, addr 0), as perf script does for the events it does not check.
            formatter.printMissing();
        }
        ThreadComms comms = new ThreadComms();
        Map<Long, Long> lastRead = new HashMap<>();
        // By index: Event is a record whose hash covers its attr and ids, too slow per sample.
        java.util.BitSet checked = new java.util.BitSet();
        SampleFields one = new SampleFields();
        try (PerfData data = PerfData.open(file); RecordSource records = data.ordered()) {
            RecordParser parser = new RecordParser(data.events());
            if (data.features().has(FeatureId.TRACING_DATA)) {
                tracepoints.putAll(TracepointNames.parse(data.features().raw(FeatureId.TRACING_DATA.id()).orElseThrow().toArray()));
            }
            data.events().events().forEach(e -> formatter.eventWidth(name(e).length()));
            long n = 0;
            try {
                while (records.next()) {
                    RecordView v = records.current();
                    int type = v.type();
                    if (type == SAMPLE) {
                        Event e = parser.eventOf(v);
                        Sample parsed = null;
                        if (e == null || !one.fromView(v, e)) {
                            parsed = (Sample) parser.parse(v);
                            one.from(parsed);
                        }
                        if (e != null && !checked.get(e.index())) {
                            checked.set(e.index());
                            formatter.eventWidth(name(e).length());
                            if (strict && !data.features().has(FeatureId.AUXTRACE) && checkedByPerf(e, data)) {
                                check(e, fields);
                            }
                        }
                        deliver(out, formatter, one, parsed, e, v.offset(), comms, lastRead, data);
                    } else if (type == TRACING_DATA && v.payloadSize() > 0 && v.payloadSize() < MAX_TRACING_DATA
                            && data.fileSize() >= 0) {
                        // A pipe's tracing data follows its record (read from the file, not stdin).
                        tracepoints.putAll(TracepointNames.parse(data.read(v.payloadOffset(), (int) v.payloadSize()).toArray()));
                    } else if (type == COMM) {
                        PerfRecord.Comm c = (PerfRecord.Comm) parser.parse(v);
                        comms.comm(c.tid(), c.comm().text());
                    } else if (type == FORK) {
                        PerfRecord.Fork f = (PerfRecord.Fork) parser.parse(v);
                        comms.fork(f.ptid(), f.tid());
                    }
                    if ((++n & 0xffff) == 0) {
                        progress.update(v.offset(), data.fileSize(), "bytes");
                    }
                }
            } finally {
                progress.done();
                out.flush();
            }
        }
        return ExitStatus.OK;
    }

    /**
     * Prints the sample, or for a sample with READ values one sample per counter that moved
     * (session.c, {@code deliver_sample_value}: period = value - the counter's previous value).
     */
    private void deliver(PrintWriter out, SampleFormatter f, SampleFields s, Sample parsed, Event e, long offset,
            ThreadComms comms, Map<Long, Long> lastRead, PerfData data) {
        String comm = comms.of(s.tid);
        if (parsed == null || !parsed.has(SampleFormat.READ) || parsed.read() == null) {
            print(out, f, s, offset, comm, name(e), s.period);
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
                print(out, f, s, offset, comm, name(counter), period);
            }
        }
    }

    private void print(PrintWriter out, SampleFormatter f, SampleFields s, long offset, String comm, String event,
            long period) {
        if (json) {
            out.println(f.json(s, offset, comm, event, period));
        } else {
            f.text(out, s, comm, event, period);
        }
    }

    private String name(Event e) {
        return PerfEventName.of(e, tracepoints);
    }

    /**
     * Whether perf script checks this event's samples for the fields asked for: it checks only the
     * first event of each type among hardware, software, tracepoint, raw and breakpoint events,
     * not a dummy, and nothing in files with AUX area data (builtin-script.c,
     * {@code perf_session__check_output_opt}, {@code process_attr}, {@code evsel__check_attr}).
     */
    private static boolean checkedByPerf(Event e, PerfData data) {
        long type = e.attr().type();
        if (type >= PERF_TYPE_MAX || (type == PERF_TYPE_SOFTWARE && e.attr().config() == PERF_COUNT_SW_DUMMY)) {
            return false;
        }
        for (Event first : data.events().events()) {
            if (first.attr().type() == type) {
                return first == e || first.index() == e.index();
            }
        }
        return true;
    }

    /** As perf script: a field asked for that the event's samples do not have is a usage error. */
    private void check(Event e, EnumSet<SampleField> fields) {
        if (e == null) {
            return;
        }
        for (SampleField f : fields) {
            if (f.needs() != 0 && !e.attr().has(f.needs())) {
                throw new CommandError(file + ": samples for '" + name(e) + "' event do not have "
                        + SampleFormat.names(f.needs()) + " attribute set: cannot print '" + f.perfName()
                        + "' field (perf script's message)");
            }
        }
    }
}
