package dev.textpoke.cli.format;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.Hex;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.SampleId;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded fields of a parsed record as an ordered map of snake_case names to printable values
 * (numbers, hex strings, strings, lists, nested maps), built from the record's components: the
 * record types are the single description of what a record holds, for text and JSON alike.
 */
final class RecordFields {
    /** Sample components and the sample_type bit that selects them. */
    private static final Map<String, Long> SAMPLE_BITS = Map.ofEntries(
            Map.entry("identifier", SampleFormat.IDENTIFIER), Map.entry("ip", SampleFormat.IP),
            Map.entry("pid", SampleFormat.TID), Map.entry("tid", SampleFormat.TID),
            Map.entry("time", SampleFormat.TIME), Map.entry("addr", SampleFormat.ADDR),
            Map.entry("id", SampleFormat.ID), Map.entry("streamId", SampleFormat.STREAM_ID),
            Map.entry("cpu", SampleFormat.CPU), Map.entry("cpuReserved", SampleFormat.CPU),
            Map.entry("period", SampleFormat.PERIOD), Map.entry("read", SampleFormat.READ),
            Map.entry("callchain", SampleFormat.CALLCHAIN), Map.entry("raw", SampleFormat.RAW),
            Map.entry("branchStack", SampleFormat.BRANCH_STACK), Map.entry("userRegs", SampleFormat.REGS_USER),
            Map.entry("userStack", SampleFormat.STACK_USER), Map.entry("weight", SampleFormat.WEIGHT_TYPE),
            Map.entry("dataSrc", SampleFormat.DATA_SRC), Map.entry("transaction", SampleFormat.TRANSACTION),
            Map.entry("intrRegs", SampleFormat.REGS_INTR), Map.entry("physAddr", SampleFormat.PHYS_ADDR),
            Map.entry("cgroup", SampleFormat.CGROUP), Map.entry("dataPageSize", SampleFormat.DATA_PAGE_SIZE),
            Map.entry("codePageSize", SampleFormat.CODE_PAGE_SIZE), Map.entry("aux", SampleFormat.AUX));
    private static final Map<String, Long> TRAILER_BITS = Map.of(
            "pid", SampleFormat.TID, "tid", SampleFormat.TID, "time", SampleFormat.TIME, "id", SampleFormat.ID,
            "streamId", SampleFormat.STREAM_ID, "cpu", SampleFormat.CPU, "cpuReserved", SampleFormat.CPU,
            "identifier", SampleFormat.IDENTIFIER);

    /** MMAP2's 24 bytes are either device and inode or a build id (misc MMAP_BUILD_ID). */
    private static final java.util.Set<String> MMAP2_DEVICE = java.util.Set.of("maj", "min", "ino", "inoGeneration");
    private static final java.util.Set<String> MMAP2_BUILD_ID =
            java.util.Set.of("buildIdSize", "buildIdReserved1", "buildIdReserved2", "buildIdArea");

    private final int maxBytes;
    private final boolean json;

    /**
     * @param maxBytes byte strings longer than this are cut (text output); negative: never
     * @param json whether the values are for JSON: then which numbers are hex strings follows
     *     {@link JsonTypes} (one rule for every record type), not the text's {@code @Hex}
     */
    RecordFields(int maxBytes, boolean json) {
        this.maxBytes = maxBytes;
        this.json = json;
    }

    private boolean hex(RecordComponent c) {
        return json ? JsonTypes.isHex(snake(c.getName())) : c.isAnnotationPresent(Hex.class);
    }

    /** One component of a record type, with what is needed to print it, found once per type. */
    private record Part(String name, String snake, java.lang.reflect.Method accessor, boolean hex, long sampleBit) {}

    /** The parts of each record type seen (reflection on every record cost most of a dump). */
    private final Map<Class<?>, Part[]> plans = new java.util.HashMap<>();

    private Part[] plan(Class<?> type) {
        Part[] p = plans.get(type);
        if (p == null) {
            List<Part> parts = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                java.lang.reflect.Method m = c.getAccessor();
                m.setAccessible(true);
                Long bit = type == PerfRecord.Sample.class ? SAMPLE_BITS.get(c.getName()) : null;
                parts.add(new Part(c.getName(), snake(c.getName()), m, hex(c), bit == null ? 0 : bit));
            }
            p = parts.toArray(Part[]::new);
            plans.put(type, p);
        }
        return p;
    }

    Map<String, Object> of(PerfRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        long sampleType = r instanceof PerfRecord.Sample s ? s.sampleType() : -1;
        for (Part c : plan(r.getClass())) {
            String name = c.name();
            if (name.equals("header") || name.equals("sampleType")) {
                continue;
            }
            if (c.sampleBit() != 0 && (sampleType & c.sampleBit()) == 0) {
                continue;
            }
            if (r instanceof PerfRecord.Mmap2 m && (m.hasBuildId() ? MMAP2_DEVICE.contains(name)
                    : MMAP2_BUILD_ID.contains(name))) {
                continue;
            }
            Object v = get(c.accessor(), r);
            if (name.equals("sampleId") && v instanceof SampleId sid) {
                out.put("sample_id", trailer(sid));
                continue;
            }
            if (v == null || (name.equals("tail") && v instanceof Bytes b && b.isEmpty())
                    || name.equals("cpuReserved") && Integer.valueOf(0).equals(v)) {
                continue;
            }
            // In JSON a byte string is never called "data", which is an object in CPU_MAP and EVENT_UPDATE.
            String key = json && v instanceof Bytes && name.equals("data") ? "bytes" : c.snake();
            out.put(key, !json && v instanceof U64s ? v : value(v, c.hex(), c.snake()));
        }
        return out;
    }

    private static Object get(java.lang.reflect.Method accessor, Object r) {
        try {
            return accessor.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + accessor.getName(), e);
        }
    }

    private Map<String, Object> trailer(SampleId sid) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : SampleId.class.getRecordComponents()) {
            Long bit = TRAILER_BITS.get(c.getName());
            if (bit != null && sid.has(bit) && !(c.getName().equals("cpuReserved") && sid.cpuReserved() == 0)) {
                out.put(snake(c.getName()), value(get(c, sid), false, snake(c.getName())));
            }
        }
        return out;
    }

    private Object value(Object v, boolean hex, String name) {
        if (v instanceof Long l) {
            // -1 is how absent values read (no id, no cpu); print it as such rather than as 2^64-1.
            return hex ? "0x" + Long.toHexString(l) : l == -1 ? (Object) (-1L) : unsigned(l);
        }
        if (v instanceof Integer i) {
            return hex ? "0x" + Integer.toHexString(i) : (Object) i;
        }
        if (v instanceof Bytes b) {
            if (maxBytes >= 0 && b.length() > maxBytes) {
                return b.slice(0, maxBytes).hex() + "...(" + b.length() + " bytes)";
            }
            return b.hex();
        }
        if (v instanceof CString s) {
            return s.text();
        }
        if (v instanceof U64s u) {
            // Addresses and register values are hex; event ids are numbers, as "id" is everywhere.
            boolean ids = name.equals("ids");
            List<Object> l = new ArrayList<>(u.size());
            for (int i = 0; i < u.size(); i++) {
                l.add(ids ? unsigned(u.get(i)) : "0x" + Long.toHexString(u.get(i)));
            }
            return l;
        }
        if (v instanceof EventAttr a) {
            return AttrText.fields(a);
        }
        if (v instanceof List<?> list) {
            List<Object> l = new ArrayList<>(list.size());
            for (Object o : list) {
                l.add(value(o, hex, name));
            }
            return l;
        }
        if (v instanceof Record rec) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (RecordComponent c : rec.getClass().getRecordComponents()) {
                Object x = get(c, rec);
                if (x != null) {
                    m.put(snake(c.getName()), value(x, hex(c), snake(c.getName())));
                }
            }
            return m;
        }
        if (v instanceof Double || v instanceof Boolean || v instanceof String) {
            return v;
        }
        return String.valueOf(v);
    }

    /** A u64 as a number that prints unsigned. */
    static Number unsigned(long l) {
        return l >= 0 ? (Number) l : new java.math.BigInteger(Long.toUnsignedString(l));
    }

    private static Object get(RecordComponent c, Object r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** {@code k=v k2=[a, b] k3={x=1}} for the text line. */
    static String text(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder();
        for (var e : fields.entrySet()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append('=');
            appendText(sb, e.getValue());
        }
        return sb.toString();
    }

    private static void appendText(StringBuilder sb, Object v) {
        if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append('=');
                appendText(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                appendText(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof U64s u) {
            // a call chain or register dump, in hex without a String per value
            sb.append('[');
            for (int i = 0; i < u.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append("0x").append(Long.toHexString(u.get(i)));
            }
            sb.append(']');
        } else if (v instanceof String s && (s.isEmpty() || s.indexOf(' ') >= 0 || s.indexOf('=') >= 0)) {
            sb.append('"').append(s.replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        } else {
            sb.append(v);
        }
    }
}
