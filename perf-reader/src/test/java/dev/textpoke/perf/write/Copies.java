package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.oracle.PerfReportDump;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The inputs of the writer's tests, the copies they make, and what is compared between them. */
final class Copies {
    /** How a copy differs from its input. */
    enum Variant {
        /** Same mode, byte order and compression. */
        SAME,
        /** The other byte order. */
        OTHER_ORDER,
        /** A file becomes a pipe, a pipe a file. */
        OTHER_MODE,
        /** Kernel records zstd-compressed into COMPRESSED records by the writer. */
        COMPRESSED,
        /** As COMPRESSED, into COMPRESSED2 records (perf 6.16; perf 6.1 does not read them). */
        COMPRESSED2
    }

    private Copies() {}

    /** Every perf.data of {@code traces/} (recordings, the poke traces) and of the external traces. */
    static List<Path> allInputs() {
        List<Path> all = new ArrayList<>(ownTraces());
        for (TraceFiles.External e : TraceFiles.externals()) {
            if (Files.isRegularFile(e.path())) {
                all.add(e.path());
            }
        }
        return all;
    }

    /** The perf.data files and directories of {@code traces/}. */
    static List<Path> ownTraces() {
        List<Path> all = new ArrayList<>(TraceFiles.recordings());
        all.add(TraceFiles.traces().resolve("pokes/pokes.data"));
        all.add(TraceFiles.traces().resolve("pokes/pokes-pipe.data"));
        return all;
    }

    /** Those perf 6.1 reads to the end: {@code traces/} and the external files the MANIFEST says it reads. */
    static List<Path> perfReadable() {
        List<Path> all = new ArrayList<>(ownTraces());
        for (TraceFiles.External e : TraceFiles.externals()) {
            if (e.verdict() == TraceFiles.PerfVerdict.READS && Files.isRegularFile(e.path())) {
                all.add(e.path());
            }
        }
        return all;
    }

    static String name(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (abs.startsWith(TraceFiles.externalTraces())) {
            return TraceFiles.externalTraces().relativize(abs).toString();
        }
        return TraceFiles.root().relativize(abs).toString();
    }

    static Stream<Path> filesOnly(List<Path> paths) {
        return paths.stream().filter(Files::isRegularFile);
    }

    /** Copies {@code input} into {@code output} through the typed path. */
    static PerfCopy.Result copy(Path input, Path output, Variant v) throws IOException {
        try (PerfData in = PerfData.open(input)) {
            ByteOrder order = v == Variant.OTHER_ORDER ? other(in.order()) : in.order();
            PerfWriter.Options options = switch (v) {
                case COMPRESSED -> PerfWriter.Options.compressed(PerfWriter.Compression.COMPRESSED, 3);
                case COMPRESSED2 -> PerfWriter.Options.compressed(PerfWriter.Compression.COMPRESSED2, 3);
                default -> PerfWriter.Options.DEFAULT;
            };
            if (in.format() == PerfData.Format.DIRECTORY) {
                try (PerfDirectoryWriter w = PerfDirectoryWriter.create(output, order, options)) {
                    return PerfCopy.copy(in, w);
                }
            }
            boolean pipe = (in.format() == PerfData.Format.PIPE) != (v == Variant.OTHER_MODE);
            if (pipe) {
                try (OutputStream os = Files.newOutputStream(output); PerfWriter w = PerfWriter.pipe(os, order, options)) {
                    return PerfCopy.copy(in, w);
                }
            }
            try (PerfWriter w = PerfWriter.file(output, order, options)) {
                return PerfCopy.copy(in, w);
            }
        }
    }

    static ByteOrder other(ByteOrder o) {
        return o == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Every record of every input as read (decompressed ones included, marked), with the size of
     * its payload; COMPRESSED records themselves are left out when {@code withCompressed} is false.
     */
    static List<String> records(PerfData d, boolean withCompressed) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.inputCount(); i++) {
            try (RecordReader r = d.records(i)) {
                while (r.next()) {
                    RecordView v = r.current();
                    RecordType t = v.recordType();
                    if (!withCompressed && (t == RecordType.COMPRESSED || t == RecordType.COMPRESSED2)) {
                        continue;
                    }
                    out.add(i + " " + v.bytes().hex() + " +" + v.payloadSize() + (withCompressed && v.inCompressed() ? " z" : ""));
                }
            } catch (PerfFormatException e) {
                // a damaged input: the records before the damage are what a copy holds
                return out;
            }
        }
        return out;
    }

    /** Whether reading the records of {@code p} ends in a format error (two external files are damaged). */
    static boolean damaged(Path p) throws IOException {
        try (PerfData d = PerfData.open(p)) {
            for (int i = 0; i < d.inputCount(); i++) {
                try (RecordReader r = d.records(i)) {
                    while (r.next()) {
                        // read all
                    }
                }
            }
            return false;
        } catch (PerfFormatException e) {
            return true;
        }
    }

    /** perf's pipe metadata records and compressed records: how a copy may differ from its input. */
    static final Set<String> METADATA = Set.of("ATTR", "FEATURE", "EVENT_TYPE", "TRACING_DATA", "BUILD_ID", "COMPRESSED",
            "COMPRESSED2", "FINISHED_INIT");

    /**
     * What perf printed per record, without file offsets (the layout of a copy differs): size,
     * type, the record line, and the sample's fields; records of {@code skipped} names left out.
     */
    static List<String> dumped(PerfReportDump dump, Set<String> skipped) {
        return dump.records().stream().filter(r -> r.name() == null || !skipped.contains(r.name()))
                .map(r -> r.size() + " " + r.type() + " " + r.name() + " "
                        + (r.line() == null ? "" : r.line().replaceFirst("(0x[0-9a-f]+|0) \\[0x", "[0x")) + " " + r.sample())
                .toList();
    }

    static Bytes bytes(Path p) throws IOException {
        return Bytes.wrapOwned(Files.readAllBytes(p));
    }
}
