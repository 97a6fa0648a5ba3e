package dev.textpoke.perf.tracing;

import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tracing data perf records for tracepoint events (the TRACING_DATA feature, or the payload of
 * a pipe's HEADER_TRACING_DATA record): the format of every event, and the printk strings, as
 * perf's {@code trace_report} reads them (tools/perf/util/trace-event-read.c).
 *
 * <pre>
 *  "\x17\x08Dtracing", version string (NUL-terminated), u8 big-endian, u8 long size, u32 page size
 *  "header_page\0" u64 size, text;  "header_event\0" u64 size, text
 *  u32 count, then count x (u64 size, text): the ftrace events' formats
 *  u32 systems, then per system: name (NUL-terminated), u32 count, count x (u64 size, text)
 *  u32 size, kallsyms text (perf writes 0 bytes);  u32 size, printk strings ("0xADDR : \"text\"")
 *  from version 0.6: u64 size, saved command lines
 * </pre>
 *
 * Numbers are in the recording machine's byte order (the big-endian byte). A format that cannot
 * be parsed keeps its fields and prints as libtraceevent prints such events ({@code [FAILED TO
 * PARSE]} and {@code name=value} per field).
 *
 * <p>Only the name and id of each format are read at once; its fields and {@code print fmt} are
 * parsed when the format is first asked for: a recording of a few events of a subsystem carries
 * the formats of all of them, and parsing those was most of a small tracepoint file's start.
 */
public final class TracingData {
    private static final byte[] MAGIC = {0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g'};
    private static final Pattern NAME = Pattern.compile("^name: (\\S+)$", Pattern.MULTILINE);
    private static final Pattern ID = Pattern.compile("^ID: (\\d+)$", Pattern.MULTILINE);
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);(?:\\s*signed:(\\d+);)?", Pattern.MULTILINE);
    private static final Pattern PRINT = Pattern.compile("^print fmt: (.*)$", Pattern.MULTILINE);
    /** A {@code %p} conversion that names a kernel function (PrintFormat's, flags and width allowed). */
    private static final Pattern FUNCTION = Pattern.compile("%[-#.0-9zZ*hlL]*p[FSfs]");

    private final ByteOrder order;
    private final int longSize;
    /** The formats not parsed yet, by id, in the order of the tracing data. */
    private final Map<Long, Unparsed> unparsed;
    /** The formats parsed so far. */
    private final Map<Long, EventFormat> parsed = new HashMap<>();
    private final Map<Long, String> printk;

    /** A format's text, with what is read of it at once. */
    private record Unparsed(String system, String name, long id, String text) {}

    private TracingData(ByteOrder order, int longSize, Map<Long, Unparsed> unparsed, Map<Long, String> printk) {
        this.order = order;
        this.longSize = longSize;
        this.unparsed = unparsed;
        this.printk = printk;
    }

    /** The byte order of numbers in the events' raw data. */
    public ByteOrder order() {
        return order;
    }

    public int longSize() {
        return longSize;
    }

    /** Every event format, by tracepoint id (attr.config of a tracepoint event), all parsed. */
    public synchronized Map<Long, EventFormat> events() {
        Map<Long, EventFormat> all = new LinkedHashMap<>();
        unparsed.keySet().forEach(id -> all.put(id, event(id)));
        return all;
    }

    /** The format of tracepoint {@code id}, parsed at the first call, or null. */
    public synchronized EventFormat event(long id) {
        EventFormat e = parsed.get(id);
        if (e == null) {
            Unparsed u = unparsed.get(id);
            if (u == null) {
                return null;
            }
            e = parse(u);
            parsed.put(id, e);
        }
        return e;
    }

    /** Every event's {@code system:name} (EventFormat's qualifiedName) by id, without parsing a format. */
    public Map<Long, String> names() {
        Map<Long, String> names = new LinkedHashMap<>();
        unparsed.forEach((id, u) -> names.put(id, u.system() + ":" + u.name()));
        return names;
    }

    /**
     * Whether some event's {@code print fmt} names kernel functions ({@code %pS} and friends), so that
     * printing its events needs the kernel's symbols; without parsing a format.
     */
    public boolean namesFunctions() {
        for (Unparsed u : unparsed.values()) {
            Matcher p = PRINT.matcher(u.text());
            if (p.find() && FUNCTION.matcher(p.group(1)).find()) {
                return true;
            }
        }
        return false;
    }

    /** The printk strings by address: a pointer field printed with %s shows its string. */
    public Map<Long, String> printk() {
        return printk;
    }

    /**
     * The text perf script prints for one event's raw data ({@code -F trace}).
     *
     * @param raw the sample's RAW data
     * @param functions names kernel addresses for {@code %pS}, as perf gives libtraceevent its kernel symbols
     */
    public String text(EventFormat e, byte[] raw, PrintFormat.FunctionNames functions) {
        TraceText out = new TraceText();
        text(out, e, raw, functions);
        return out.toString();
    }

    /** As {@link #text(EventFormat, byte[], PrintFormat.FunctionNames)}, written at the end of {@code out}. */
    public void text(TraceText out, EventFormat e, byte[] raw, PrintFormat.FunctionNames functions) {
        int start = out.length();
        if (e.print() != null) {
            try {
                e.print().format(out, e, raw, order, longSize, printk, functions);
                return;
            } catch (RuntimeException ex) {
                // a field the format names but the event lacks: as libtraceevent, the fields
                out.truncate(start);
            }
        }
        out.text("[FAILED TO PARSE]" + FieldText.fields(e, raw, order, longSize));
    }

    /**
     * Parses tracing data; {@code base} is the offset of its first byte in the input, for errors.
     *
     * @throws PerfFormatException {@code BAD_FEATURE} when the bytes are not tracing data or end
     *     inside it
     */
    public static TracingData parse(byte[] data, String source, long base) throws PerfFormatException {
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            for (byte m : MAGIC) {
                if (b.get() != m) {
                    throw new PerfFormatException(Kind.BAD_FEATURE, source, base, "not tracing data (no"
                            + " \\x17\\x08Dtracing magic)");
                }
            }
            String version = cString(b);
            b.order(b.get() != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int longSize = b.get();
            b.getInt(); // page size
            named(b, "header_page", source, base);
            named(b, "header_event", source, base);
            Map<Long, Unparsed> events = new LinkedHashMap<>();
            long ftrace = Integer.toUnsignedLong(b.getInt());
            for (long i = 0; i < ftrace; i++) {
                add(events, "ftrace", text64(b, source, base));
            }
            long systems = Integer.toUnsignedLong(b.getInt());
            for (long s = 0; s < systems; s++) {
                String system = cString(b);
                long formats = Integer.toUnsignedLong(b.getInt());
                for (long f = 0; f < formats; f++) {
                    add(events, system, text64(b, source, base));
                }
            }
            Map<Long, String> printk = new HashMap<>();
            if (b.remaining() >= 4) {
                text32(b, source, base); // kallsyms
            }
            if (b.remaining() >= 4) {
                for (String line : text32(b, source, base).split("\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        try {
                            long addr = Long.parseUnsignedLong(line.substring(0, colon).trim().replaceFirst("^0x", ""), 16);
                            printk.put(addr, unquote(line.substring(colon + 1).strip()));
                        } catch (NumberFormatException e) {
                            // perf's strtoull reads 0 here; such a string names nothing
                        }
                    }
                }
            }
            return new TracingData(b.order(), longSize, events, printk);
        } catch (java.nio.BufferUnderflowException e) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, base + b.position(),
                    "tracing data ends inside a section");
        }
    }

    /** tep_register_print_string: without the quotes and a trailing {@code \n}. */
    private static String unquote(String s) {
        String t = s.startsWith("\"") ? s.substring(1) : s;
        t = t.endsWith("\"") ? t.substring(0, t.length() - 1) : t;
        return t.endsWith("\\n") ? t.substring(0, t.length() - 2) : t;
    }

    private static void add(Map<Long, Unparsed> events, String system, String text) {
        Matcher n = NAME.matcher(text);
        Matcher id = ID.matcher(text);
        if (!n.find() || !id.find()) {
            return;
        }
        long eventId = Long.parseLong(id.group(1));
        events.put(eventId, new Unparsed(system, n.group(1), eventId, text));
    }

    /** The fields and {@code print fmt} of a format. */
    private static EventFormat parse(Unparsed u) {
        String text = u.text();
        List<FormatField> common = new ArrayList<>();
        List<FormatField> own = new ArrayList<>();
        Matcher f = FIELD.matcher(text);
        while (f.find()) {
            FormatField field = field(f.group(1).strip(), Integer.parseInt(f.group(2)), Integer.parseInt(f.group(3)),
                    "1".equals(f.group(4)));
            (field.name().startsWith("common_") ? common : own).add(field);
        }
        Matcher p = PRINT.matcher(text);
        String printText = p.find() ? p.group(1) : "";
        PrintFormat print;
        try {
            Map<String, FormatField> byName = new HashMap<>();
            common.forEach(x -> byName.put(x.name(), x));
            own.forEach(x -> byName.put(x.name(), x));
            print = PrintFormat.parse(printText, byName);
        } catch (RuntimeException e) {
            print = null;
        }
        return new EventFormat(u.system(), u.name(), u.id(), common, own, printText, print);
    }

    /** {@code TYPE NAME} or {@code TYPE NAME[N]}, as libtraceevent splits a field declaration. */
    static FormatField field(String decl, int offset, int size, boolean signed) {
        String d = decl;
        int arrayLength = 0;
        boolean array = false;
        int bracket = d.lastIndexOf('[');
        String type;
        String name;
        if (bracket > 0 && d.endsWith("]")) {
            array = true;
            String n = d.substring(bracket + 1, d.length() - 1).strip();
            try {
                arrayLength = n.isEmpty() ? 0 : Integer.parseInt(n);
            } catch (NumberFormatException e) {
                arrayLength = 0;
            }
            d = d.substring(0, bracket).strip();
            int sp = Math.max(d.lastIndexOf(' '), d.lastIndexOf('*'));
            name = d.substring(sp + 1);
            type = d.substring(0, sp + 1).strip() + "[" + n + "]";
        } else {
            int sp = Math.max(d.lastIndexOf(' '), d.lastIndexOf('*'));
            name = d.substring(sp + 1);
            type = d.substring(0, sp + 1).strip();
        }
        if (type.startsWith("__data_loc") || type.startsWith("__rel_loc")) {
            array = true;
        }
        int element;
        if (array && arrayLength > 0) {
            element = size / arrayLength;
        } else if (array && (type.startsWith("__data_loc") || type.startsWith("__rel_loc"))) {
            element = typeSize(type.replaceFirst("^__(data|rel)_loc\\s+", "").replaceAll("\\[.*\\]", "").strip());
        } else if (array) {
            element = 1;
        } else {
            element = size;
        }
        return new FormatField(type, name, offset, size, signed, array, arrayLength, element);
    }

    /** libtraceevent's {@code type_size}: the element size of a dynamic array of a known type. */
    private static int typeSize(String t) {
        return switch (t) {
            case "u8", "s8", "char", "unsigned char" -> 1;
            case "u16", "s16", "short", "unsigned short" -> 2;
            case "u32", "s32", "int", "unsigned int" -> 4;
            case "u64", "s64", "long", "unsigned long", "long long", "unsigned long long" -> 8;
            default -> 0;
        };
    }

    private static void named(ByteBuffer b, String name, String source, long base) throws PerfFormatException {
        long at = b.position();
        String n = cString(b);
        if (!n.equals(name)) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, base + at, "tracing data: expected " + name
                    + ", found " + n);
        }
        text64(b, source, base);
    }

    private static String text64(ByteBuffer b, String source, long base) throws PerfFormatException {
        long at = b.position();
        long size = b.getLong();
        if (size < 0 || size > b.remaining()) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, base + at, "tracing data: a section of "
                    + Long.toUnsignedString(size) + " bytes with " + b.remaining() + " left");
        }
        return bytes(b, (int) size);
    }

    private static String text32(ByteBuffer b, String source, long base) throws PerfFormatException {
        long at = b.position();
        long size = Integer.toUnsignedLong(b.getInt());
        if (size > b.remaining()) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, base + at, "tracing data: a section of "
                    + size + " bytes with " + b.remaining() + " left");
        }
        return bytes(b, (int) size);
    }

    private static String bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static String cString(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // up to the NUL
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.ISO_8859_1);
    }
}
