package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.AttrText;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.feature.Features;
import dev.textpoke.perf.file.FileHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.sample.SampleLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke info FILE}: what a perf.data holds, in the spirit of {@code perf report
 * --header-only}: the machine and perf that recorded it, each event with its attr, the features
 * present, the time span of its records and how many records of each type it has. It reads every
 * record (pipe-mode metadata is among them); damage is reported after what could be read.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints a perf.data's header: perf version, host, OS release, arch, CPUs, command line,"
                + " each event with its attr, the features present, the time span and the records per type.")
public final class InfoCommand implements Callable<Integer> {
    private static final int HEADER_ATTR = RecordType.HEADER_ATTR.id();
    /** Where sample_type lies in a perf_event_attr (after type, size, config, sample_period). */
    private static final int SAMPLE_TYPE_AT = 24;
    private static final int RECORD_HEADER = 8;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @picocli.CommandLine.Option(names = "--json", description = "One JSON object with the same (docs/json.md).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "info");
        try (PerfData data = PerfData.open(file)) {
            InputWarnings.notes(data, spec.commandLine().getErr());
            TreeMap<Long, Long> perType = new TreeMap<>();
            long[] span = {-1, -1};
            List<Long> headerAttrs = new ArrayList<>();
            IOException damage = null;
            try {
                FileOrderWalk.run(data, progress, v -> {
                    perType.merge(Integer.toUnsignedLong(v.type()), 1L, Long::sum);
                    if (v.type() == HEADER_ATTR && !v.inCompressed()) {
                        headerAttrs.add(v.offset());
                    }
                    long t = data.events().timeOf(v.buffer(), v.start(), v.type(), v.size());
                    if (t != SampleLayout.NONE && t != 0) {
                        span[0] = span[0] == -1 || Long.compareUnsigned(t, span[0]) < 0 ? t : span[0];
                        span[1] = span[1] == -1 || Long.compareUnsigned(t, span[1]) > 0 ? t : span[1];
                    }
                });
            } catch (PerfFormatException e) {
                damage = e;
            }
            if (json) {
                out.println(InfoJson.of(data, perType, span, tracepointNames(data)));
            } else {
                print(out, data, perType, span);
            }
            out.flush();
            if (damage != null) {
                throw damage;
            }
            int status = unknownSampleBits(data, headerAttrs, spec.commandLine().getErr())
                    ? ExitStatus.BAD_INPUT : ExitStatus.OK;
            return InputWarnings.after(data, out, spec.commandLine().getErr(), status);
        }
    }

    /**
     * Names, one line each on stderr, the events whose sample_type has bits no perf_event.h this
     * reader knows defines: damage, or a perf newer than it (perf 6.1 refuses such an event's
     * description, "Unknown sample type"). Either way the samples of the event may be misread, so
     * it counts as damage after the output (status 2). The offset is the sample_type's: in the
     * attr section, or in the event's HEADER_ATTR record ({@code headerAttrs}, in file order).
     *
     * @return whether there was such an event
     */
    private static boolean unknownSampleBits(PerfData data, List<Long> headerAttrs, PrintWriter err) {
        List<Event> events = data.events().events();
        boolean any = false;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            long unknown = e.attr().sampleType() & ~SampleFormat.KNOWN;
            if (unknown == 0) {
                continue;
            }
            long at = -1;
            if (i < data.fileAttrs().size()) {
                at = data.fileAttrs().get(i).entryOffset() + SAMPLE_TYPE_AT;
            } else if (data.fileAttrs().isEmpty() && i < headerAttrs.size()) {
                at = headerAttrs.get(i) + RECORD_HEADER + SAMPLE_TYPE_AT;
            }
            err.println("textpoke: " + new PerfFormatException(PerfFormatException.Kind.BAD_ATTR, data.source(), at,
                    "event " + PerfEventName.of(e) + ": sample_type bits 0x" + Long.toHexString(unknown)
                            + " are unknown (damage, or a perf newer than textpoke): what they add to its samples is"
                            + " not read").getMessage());
            any = true;
        }
        err.flush();
        return any;
    }

    private void print(PrintWriter out, PerfData data, TreeMap<Long, Long> perType, long[] span) throws IOException {
        out.println("# file          : " + data.source());
        out.println("# format        : " + format(data));
        Features f = data.features();
        text(out, f, FeatureId.VERSION, "perf version  ");
        text(out, f, FeatureId.HOSTNAME, "hostname      ");
        text(out, f, FeatureId.OSRELEASE, "os release    ");
        text(out, f, FeatureId.ARCH, "arch          ");
        Optional<Feature.NrCpus> cpus = feature(f, FeatureId.NRCPUS, Feature.NrCpus.class);
        cpus.ifPresent(c -> {
            out.println("# nrcpus online : " + c.online());
            out.println("# nrcpus avail  : " + c.available());
        });
        text(out, f, FeatureId.CPUDESC, "cpudesc       ");
        text(out, f, FeatureId.CPUID, "cpuid         ");
        feature(f, FeatureId.TOTAL_MEM, Feature.TotalMem.class)
                .ifPresent(m -> out.println("# total memory  : " + m.kilobytes() + " kB"));
        feature(f, FeatureId.CMDLINE, Feature.CommandLine.class)
                .ifPresent(c -> out.println("# cmdline       : " + String.join(" ", c.args())));
        // Events without a name in the file get the one perf would make (tracepoints from the
        // file-mode tracing data; a pipe's tracing data is a record, read by samples, not here).
        Map<Long, String> tracepoints = tracepointNames(data);
        for (Event e : data.events().events()) {
            StringBuilder sb = new StringBuilder("# event : name = ").append(PerfEventName.of(e, tracepoints));
            sb.append(", id = { ");
            for (int i = 0; i < e.ids().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(Long.toUnsignedString(e.ids().get(i)));
            }
            sb.append(" }");
            String attr = AttrText.line(e.attr());
            if (!attr.isEmpty()) {
                sb.append(", ").append(attr);
            }
            out.println(sb);
        }
        feature(f, FeatureId.COMPRESSED, Feature.Compressed.class).ifPresent(c -> out.println(
                "# compressed    : " + (c.type() == 1 ? "Zstd" : "type " + c.type()) + ", level = " + c.level()
                        + ", ratio = " + c.ratio()));
        data.kcoreDir().ifPresent(k -> out.println("# kcore dir     : " + k));
        List<String> names = new ArrayList<>();
        for (int id : f.ids()) {
            names.add(FeatureId.displayName(id));
        }
        out.println("# features      : " + String.join(" ", names));
        if (span[0] != -1) {
            out.println("# time span     : " + seconds(span[0]) + " .. " + seconds(span[1]) + " ("
                    + String.format("%.3f", (span[1] - span[0]) / 1e6) + " ms)");
        }
        long total = perType.values().stream().mapToLong(Long::longValue).sum();
        out.println("# records       : " + total);
        perType.forEach((type, n) -> out.println("#   " + RecordType.displayName(type) + " " + n));
        for (PerfFormatException w : data.notes()) {
            out.println("# warning       : " + w.getMessage());
        }
        for (PerfFormatException w : data.warnings()) {
            out.println("# warning       : " + w.getMessage());
        }
    }

    /** {@code system:name} by tracepoint id, from the TRACING_DATA feature; none when it is damaged. */
    static Map<Long, String> tracepointNames(PerfData data) throws IOException {
        Map<Long, String> names = new java.util.HashMap<>();
        if (data.features().has(FeatureId.TRACING_DATA)) {
            try {
                dev.textpoke.perf.tracing.TracingData t = dev.textpoke.perf.tracing.TracingData.parse(
                        data.features().raw(FeatureId.TRACING_DATA.id()).orElseThrow().toArray(), data.source(),
                        data.features().dataOffset(FeatureId.TRACING_DATA.id()));
                t.events().forEach((id, e) -> names.put(id, e.qualifiedName()));
            } catch (PerfFormatException e) {
                // perf names no tracepoints then either
            }
        }
        return names;
    }

    private static String format(PerfData d) {
        String order = d.order() == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian (byte-swapped)";
        Optional<FileHeader> h = d.header();
        return switch (d.format()) {
            case PIPE -> "pipe, " + order;
            case FILE -> h.map(x -> x.magic() + ", " + order + ", attr_size " + x.attrSize() + ", data "
                    + x.data().size() + " bytes at " + x.data().offset()).orElse(order);
            case DIRECTORY -> "directory, " + order + ", data + " + d.dataFiles().size() + " data.N files";
        };
    }

    private static String seconds(long t) {
        return String.format("%d.%09d", Long.divideUnsigned(t, 1_000_000_000L), Long.remainderUnsigned(t, 1_000_000_000L));
    }

    private static void text(PrintWriter out, Features f, FeatureId id, String label) throws IOException {
        try {
            f.string(id).ifPresent(s -> out.println("# " + label + ": " + s));
        } catch (PerfFormatException e) {
            out.println("# " + label + ": (" + e.getMessage() + ")");
        }
    }

    private static <T extends Feature> Optional<T> feature(Features f, FeatureId id, Class<T> type) throws IOException {
        try {
            return f.get(id, type);
        } catch (PerfFormatException e) {
            return Optional.empty();
        }
    }
}
