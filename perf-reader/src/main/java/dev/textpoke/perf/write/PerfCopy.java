package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a perf.data and writes it again through a {@link PerfWriter}, every record and feature
 * parsed into its typed value and encoded from it (records of unknown types and features without
 * a parser travel as bytes): events with their ids, features, records and the payloads after
 * AUXTRACE and TRACING_DATA records. The output may differ from the input in
 *
 * <ul>
 *   <li>byte order: every typed field is written in the writer's order; byte arrays (RAW,
 *       STACK_USER and AUX sample data, BTF, tracing data, unknown records and features) are
 *       written as they were, which {@link Result#notes()} says;
 *   <li>mode: a file becomes a pipe (attrs as HEADER_ATTR records, features as HEADER_FEATURE
 *       records before the first record; a feature larger than a record is left out), a pipe a
 *       file (HEADER_ATTR records become the attr section, HEADER_FEATURE records features, the
 *       tracing data the TRACING_DATA feature);
 *   <li>compression: COMPRESSED records are copied as they are when the writer has the input's
 *       byte order and does not compress; otherwise the records decompressed from them are
 *       written, through the writer's own compression when it has one.
 * </ul>
 *
 * A perf.data directory is copied by {@link #copy(PerfData, PerfDirectoryWriter)}.
 */
public final class PerfCopy {
    /** Payloads up to this size are copied (AUXTRACE chunks of the traces textpoke reads). */
    private static final long MAX_PAYLOAD = 1L << 30;

    /** What the copy could not carry over exactly, one line each (empty for a faithful copy). */
    public record Result(List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private final PerfData in;
    private final PerfWriter out;
    private final boolean pipeIn;
    private final boolean pipeOut;
    private final boolean keepCompressed;
    private final List<String> notes = new ArrayList<>();

    private PerfCopy(PerfData in, PerfWriter out, boolean pipeOut) {
        this.in = in;
        this.out = out;
        this.pipeIn = in.format() == PerfData.Format.PIPE;
        this.pipeOut = pipeOut;
        this.keepCompressed = !out.compresses() && out.order() == in.order();
    }

    /**
     * Copies a file or pipe-mode input; the writer's mode decides the output's.
     *
     * @throws IllegalArgumentException for a directory input
     * @throws IllegalStateException    when a pipe's HEADER_ATTR comes after its first record and
     *                                  the output is a file (whose attrs precede the data)
     */
    public static Result copy(PerfData in, PerfWriter out) throws IOException {
        if (in.format() == PerfData.Format.DIRECTORY) {
            throw new IllegalArgumentException("a perf.data directory is copied into a PerfDirectoryWriter: "
                    + in.source());
        }
        PerfCopy c = new PerfCopy(in, out, out.isPipe());
        c.metadata();
        c.records(0, out);
        return new Result(c.notes);
    }

    /** Copies a perf.data directory: {@code data}, every {@code data.N}, and {@code kcore_dir}. */
    public static Result copy(PerfData in, PerfDirectoryWriter out) throws IOException {
        PerfCopy c = new PerfCopy(in, out.data(), false);
        c.metadata();
        c.records(0, out.data());
        for (int i = 1; i < in.inputCount(); i++) {
            c.records(i, out.newPart());
        }
        if (in.kcoreDir().isPresent()) {
            out.copyKcoreDir(in.kcoreDir().get());
        }
        return new Result(c.notes);
    }

    /** A file's attrs and features (a pipe's come as records). */
    private void metadata() throws IOException {
        if (pipeIn) {
            return;
        }
        for (FileAttr a : in.fileAttrs()) {
            out.event(a.attr(), a.ids().stream().mapToLong(Long::longValue).toArray());
        }
        for (int id : in.features().ids()) {
            feature(id);
        }
    }

    private void feature(int id) throws IOException {
        if (id == FeatureId.COMPRESSED.id() && !keepCompressed) {
            return; // the writer says how its own records are compressed, if they are
        }
        Optional<Feature> f;
        try {
            f = in.features().get(id);
        } catch (PerfFormatException e) {
            notes.add("feature " + FeatureId.displayName(id) + " copied as bytes: " + e.getMessage());
            out.feature(id, in.features().raw(id).orElseThrow());
            return;
        }
        if (f.isEmpty()) {
            return;
        }
        if (pipeOut && !pipeIn && f.get() instanceof Feature.Unknown) {
            // perf stops at a HEADER_FEATURE record of an id it does not know (perf_event__process_feature)
            notes.add("feature " + FeatureId.displayName(id) + " left out of the pipe: perf stops at unknown ones");
            return;
        }
        if (pipeOut && !pipeIn && f.get() instanceof Feature.Text t && t.field() == null) {
            // an empty string section (old perfs' CPUDESC): perf's process_* fails on it, which
            // ends a pipe (perf_event__process_feature) where a file only stops reading features
            notes.add("feature " + FeatureId.displayName(id) + " left out of the pipe: perf stops at empty strings");
            return;
        }
        if (out.order() != in.order() && (f.get() instanceof Feature.Unknown || f.get() instanceof Feature.TracingData
                || f.get() instanceof Feature.BpfBtf)) {
            notes.add("feature " + FeatureId.displayName(id) + " written with its bytes in the input's order");
        }
        try {
            out.feature(f.get(), in.features().tail(id).orElseThrow());
        } catch (IllegalArgumentException e) {
            notes.add("feature " + FeatureId.displayName(id) + " left out: " + e.getMessage());
        }
    }

    private void records(int input, PerfWriter to) throws IOException {
        RecordParser parser = new RecordParser(in.events());
        try (RecordReader r = in.records(input)) {
            while (r.next()) {
                RecordView v = r.current();
                RecordType type = v.recordType();
                boolean compressed = type == RecordType.COMPRESSED || type == RecordType.COMPRESSED2;
                if (compressed ? !keepCompressed : v.inCompressed() && keepCompressed) {
                    continue;
                }
                if (pipeIn && metadataRecord(v, r, to)) {
                    continue;
                }
                PerfRecord p = parser.parse(v);
                if (p instanceof PerfRecord.Unknown && to.order() != in.order()) {
                    notes.add(RecordType.displayName(v.type()) + " at " + v.offset()
                            + " written with its body in the input's order");
                }
                to.record(p);
                if (v.payloadSize() > 0 && !v.inCompressed()) {
                    to.payload(payload(r, v));
                }
            }
        }
    }

    private Bytes payload(RecordReader r, RecordView v) throws IOException {
        if (v.payloadSize() > MAX_PAYLOAD) {
            throw new PerfFormatException(PerfFormatException.Kind.LIMIT, in.source(), v.offset(),
                    RecordType.displayName(v.type()) + " payload of " + v.payloadSize() + " bytes is more than the "
                            + MAX_PAYLOAD + " a copy holds in memory");
        }
        return pipeIn ? r.readPayload(MAX_PAYLOAD) : in.read(v.payloadOffset(), (int) v.payloadSize());
    }

    /**
     * A pipe's metadata records: HEADER_FEATURE always goes through the feature's value; for a
     * file output HEADER_ATTR becomes an event and HEADER_TRACING_DATA the TRACING_DATA feature.
     * Returns whether the record was handled.
     */
    private boolean metadataRecord(RecordView v, RecordReader r, PerfWriter to) throws IOException {
        RecordType type = v.recordType();
        if (type == RecordType.HEADER_FEATURE) {
            feature((int) v.u64(8));
            return true;
        }
        if (pipeOut) {
            return false;
        }
        if (type == RecordType.HEADER_ATTR) {
            var e = in.events().get(in.events().size() - 1);
            to.event(e.attr(), e.ids().stream().mapToLong(Long::longValue).toArray());
            return true;
        }
        if (type == RecordType.HEADER_TRACING_DATA && v.payloadSize() > 0) {
            to.feature(new Feature.TracingData(r.readPayload(MAX_PAYLOAD)), Bytes.EMPTY);
            return true;
        }
        return false;
    }
}
