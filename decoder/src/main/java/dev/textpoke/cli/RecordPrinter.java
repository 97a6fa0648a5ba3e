package dev.textpoke.cli;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;

/** Formats one record for {@code dump}: a perf-report-D-like line, or a JSON object. */
final class RecordPrinter {
    private final PerfData data;
    private final boolean json;

    RecordPrinter(PerfData data, boolean json) {
        this.data = data;
        this.json = json;
    }

    String line(RecordView v, RecordReader r) {
        String name = RecordType.displayName(Integer.toUnsignedLong(v.type()));
        if (json) {
            JsonLine j = new JsonLine().put("offset", v.offset()).put("type", name).put("size", v.size());
            if (v.inCompressed()) {
                j.put("decompressed_offset", v.decompressedOffset());
            }
            j.put("misc", v.misc());
            return j.toString();
        }
        return "0x" + Long.toHexString(v.offset()) + " [0x" + Integer.toHexString(v.size()) + "]: " + name;
    }
}
