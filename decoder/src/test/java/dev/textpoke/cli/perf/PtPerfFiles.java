package dev.textpoke.cli.perf;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.write.PerfWriter;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * perf.data files with Intel PT buffers of our choosing, for perf to dump: quipper's Skylake
 * recording's events and AUXTRACE_INFO (so that perf sets up its Intel PT decoder), then one
 * AUXTRACE record per buffer, its payload padded with PAD to a multiple of 8 bytes as perf's
 * recorder pads it.
 */
final class PtPerfFiles {
    static final Path QUIPPER = Path.of(System.getProperty("textpoke.shared", "../../shared"))
            .resolve("external-traces/perf_data_converter/src/quipper/testdata/perf.data.intel_pt-4.14");

    /** One buffer: its CPU and its bytes. */
    record Buffer(int cpu, byte[] data) {}

    private PtPerfFiles() {}

    static void write(Path out, List<Buffer> buffers) throws IOException {
        try (PerfData template = PerfData.open(QUIPPER); PerfWriter w = PerfWriter.file(out, ByteOrder.LITTLE_ENDIAN)) {
            for (FileAttr a : template.fileAttrs()) {
                w.event(a.attr(), a.ids().stream().mapToLong(Long::longValue).toArray());
            }
            RecordParser parser = new RecordParser(template.events());
            try (RecordReader r = template.records()) {
                while (r.next()) {
                    RecordType t = r.current().recordType();
                    if (t == RecordType.AUXTRACE_INFO || t == RecordType.TIME_CONV) {
                        w.record(parser.parse(r.current()));
                    }
                }
            }
            long reference = 1;
            for (Buffer b : buffers) {
                byte[] padded = Arrays.copyOf(b.data(), (b.data().length + 7) & ~7);
                w.record(new PerfRecord.Auxtrace(RecordHeader.of(RecordType.AUXTRACE, 0), padded.length, 0,
                        reference++, b.cpu(), 1000, b.cpu(), 0, -1, Bytes.EMPTY));
                w.payload(Bytes.wrapOwned(padded));
            }
        }
    }
}
