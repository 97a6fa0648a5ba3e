package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reads a perf.data and writes it again through a {@link PerfWriter}: attrs with their ids,
 * every feature section, every record as it was (records inside COMPRESSED ones travel inside
 * them), and the payloads after AUXTRACE and TRACING_DATA records. A pipe stream's metadata are
 * records of its own and are copied as such. Directories are not copied ({@code data.N}).
 */
public final class PerfCopy {
    /** Payloads up to this size are copied (AUXTRACE chunks of the traces textpoke reads). */
    private static final long MAX_PAYLOAD = 1L << 30;

    private PerfCopy() {}

    public static void copy(PerfData in, PerfWriter out) throws IOException {
        if (in.format() == PerfData.Format.DIRECTORY) {
            throw new IllegalArgumentException("a perf.data directory is not copied: " + in.source());
        }
        if (in.format() == PerfData.Format.FILE) {
            for (FileAttr a : in.fileAttrs()) {
                out.event(a.attr(), a.ids().stream().mapToLong(Long::longValue).toArray());
            }
            for (int id : in.features().ids()) {
                Optional<Bytes> raw = in.features().raw(id);
                if (raw.isPresent()) {
                    out.feature(id, raw.get());
                }
            }
        }
        try (RecordReader r = in.records()) {
            while (r.next()) {
                RecordView v = r.current();
                if (v.inCompressed()) {
                    continue;
                }
                ByteBuffer b = v.buffer().duplicate();
                b.limit(v.start() + v.size()).position(v.start());
                out.record(b.slice());
                if (v.payloadSize() > 0) {
                    out.payload(in.format() == PerfData.Format.PIPE ? r.readPayload(MAX_PAYLOAD)
                            : in.read(v.payloadOffset(), (int) v.payloadSize()));
                }
            }
        }
    }
}
