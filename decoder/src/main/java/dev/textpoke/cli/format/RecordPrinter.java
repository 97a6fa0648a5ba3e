package dev.textpoke.cli.format;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.util.Map;

/** Formats one record for {@code dump}: a perf-report-D-like line, or a JSON object. */
public final class RecordPrinter {
    /** Text lines show at most this many bytes of a payload (RAW, user stacks); JSON shows all. */
    private static final int TEXT_BYTES = 64;

    private final RecordParser parser;
    private final boolean json;
    private final RecordFields fields;

    public RecordPrinter(PerfData data, boolean json) {
        this.parser = new RecordParser(data.events());
        this.json = json;
        this.fields = new RecordFields(json ? -1 : TEXT_BYTES, json);
    }

    /**
     * @throws PerfFormatException when the record's body does not match its type
     */
    public String line(RecordView v) throws PerfFormatException {
        String name = RecordType.displayName(Integer.toUnsignedLong(v.type()));
        PerfRecord r = parser.parse(v);
        Map<String, Object> f = fields.of(r);
        if (json) {
            JsonLine j = new JsonLine().put("offset", v.offset()).put("type", name).put("size", v.size());
            if (v.inCompressed()) {
                j.put("decompressed_offset", v.decompressedOffset());
            }
            j.putHex("misc", v.misc());
            if (r instanceof PerfRecord.Sample || r instanceof PerfRecord.KernelRecord) {
                var e = parser.eventOf(v);
                j.put("event", e == null ? null : e.displayName());
            }
            for (var e : f.entrySet()) {
                // AUXTRACE's offset and size are into the AUX area, not the record's: other names.
                String key = switch (e.getKey()) {
                    case "offset" -> "aux_offset";
                    case "size" -> "payload_size";
                    default -> e.getKey();
                };
                j.putValue(key, e.getValue());
            }
            return j.toString();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("0x").append(Long.toHexString(v.offset())).append(" [0x").append(Integer.toHexString(v.size()))
                .append("]: ").append(name);
        if (v.misc() != 0) {
            sb.append(" misc=0x").append(Integer.toHexString(v.misc()));
        }
        String text = RecordFields.text(f);
        if (!text.isEmpty()) {
            sb.append(' ').append(text);
        }
        return sb.toString();
    }
}
