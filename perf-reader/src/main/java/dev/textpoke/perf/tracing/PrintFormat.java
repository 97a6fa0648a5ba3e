package dev.textpoke.perf.tracing;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tracepoint's {@code print fmt}, parsed, and the text it gives for one event's raw data, as perf
 * script prints it through libtraceevent (tools/lib/traceevent/event-parse.c: {@code parse_args},
 * {@code print_event_cache}, {@code eval_num_arg}, {@code print_str_arg}). The quirks are kept:
 * arithmetic is unsigned 64-bit; a number is cast to the conversion's length ({@code %d} to int,
 * {@code %ld} to long) and only then printed; {@code %c} prints {@code >c<}; a pointer-sized
 * non-array field printed with {@code %s} is looked up among the tracing data's printk strings,
 * else printed in hex; {@code %pS} prints the address in hex (perf script gives libtraceevent no
 * kernel symbols).
 */
public final class PrintFormat {
    /** A piece of the format: literal text, or one conversion with its argument(s). */
    private record Segment(String text, String conversion, int lengthMod, Kind kind, PrintArg arg, PrintArg width,
            CFormat.Spec spec, char pointerKind, byte[] utf8) {
        Segment(String text, String conversion, int lengthMod, Kind kind, PrintArg arg, PrintArg width) {
            this(text, conversion, lengthMod, kind, arg, width, conversion == null ? null : CFormat.spec(conversion),
                    conversion == null ? 0 : conversion.charAt(conversion.length() - 1),
                    text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private enum Kind { TEXT, DIGIT, POINTER, STRING }

    private final Segment[] segments;
    /** The fields of the event this format belongs to, by name, made at the first event printed. */
    private Map<String, FormatField> fields;
    private EventFormat fieldsOf;
    /** Fields found by the name objects of the parsed arguments: no string comparison after the first event. */
    private final Map<String, FormatField> resolved = new java.util.IdentityHashMap<>();

    /** Evaluates the arguments over one event's data; reused from one event to the next. */
    private final Eval eval = new Eval(resolved);

    private PrintFormat(List<Segment> segments) {
        this.segments = segments.toArray(Segment[]::new);
    }

    private Map<String, FormatField> fields(EventFormat event) {
        if (fieldsOf != event) {
            Map<String, FormatField> m = new java.util.HashMap<>();
            for (FormatField f : event.commonFields()) {
                m.put(f.name(), f);
            }
            for (FormatField f : event.fields()) {
                m.put(f.name(), f);
            }
            fields = m;
            fieldsOf = event;
        }
        return fields;
    }

    /**
     * Parses the text after {@code print fmt: }.
     *
     * @throws IllegalArgumentException when it uses what this parser does not know
     */
    public static PrintFormat parse(String line) {
        return parse(line, Map.of());
    }

    /** As {@link #parse(String)}, with {@code REC->name} bound to the event's field of that name. */
    public static PrintFormat parse(String line, Map<String, FormatField> eventFields) {
        TepParser.Parsed p = TepParser.parse(line, eventFields);
        List<Segment> out = new ArrayList<>();
        List<PrintArg> args = new ArrayList<>(p.args());
        String f = p.format();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c == '\\' && i + 1 < f.length()) {
                char e = f.charAt(i + 1);
                text.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
                i += 2;
            } else if (c == '%' && i + 1 < f.length() && f.charAt(i + 1) == '%') {
                text.append('%');
                i += 2;
            } else if (c == '%') {
                if (text.length() > 0) {
                    out.add(new Segment(text.toString(), null, 0, Kind.TEXT, null, null));
                    text.setLength(0);
                }
                i = conversion(f, i, args, out);
            } else {
                text.append(c);
                i++;
            }
        }
        if (text.length() > 0) {
            out.add(new Segment(text.toString(), null, 0, Kind.TEXT, null, null));
        }
        return new PrintFormat(List.copyOf(out));
    }

    /** One {@code %...} conversion at {@code start}; returns where the format goes on. */
    private static int conversion(String f, int start, List<PrintArg> args, List<Segment> out) {
        int ls = 0;
        PrintArg width = null;
        int i = start + 1;
        for (; i < f.length(); i++) {
            char c = f.charAt(i);
            switch (c) {
                case '#', '.', 'z', 'Z', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> { }
                case 'h' -> ls--;
                case 'l' -> ls++;
                case 'L' -> ls = 2;
                case '*' -> width = take(args);
                case 'p' -> {
                    PrintArg a = take(args);
                    int end = i + 1;
                    if (end < f.length() && "FSfs".indexOf(f.charAt(end)) >= 0) {
                        end++;
                    }
                    out.add(new Segment(null, f.substring(start, end), ls, Kind.POINTER, a, width));
                    return end;
                }
                case 'd', 'u', 'i', 'x', 'X', 'o' -> {
                    out.add(new Segment(null, f.substring(start, i + 1), ls, Kind.DIGIT, take(args), width));
                    return i + 1;
                }
                case 's' -> {
                    out.add(new Segment(null, f.substring(start, i + 1), 0, Kind.STRING, take(args), width));
                    return i + 1;
                }
                default -> {
                    // libtraceevent prints a conversion it does not know as >c< and takes no argument.
                    out.add(new Segment(">" + c + "<", null, 0, Kind.TEXT, null, null));
                    return i + 1;
                }
            }
        }
        return i;
    }

    /** Names kernel addresses for {@code %pS} and friends. */
    public interface FunctionNames {
        /** {@code name}, or {@code name+0xoff} when {@code offset}; null when unknown. */
        String name(long addr, boolean offset);

        FunctionNames NONE = (addr, offset) -> null;
    }

    private static PrintArg take(List<PrintArg> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("more conversions than arguments");
        }
        return args.remove(0);
    }

    /** The value of a constant expression (flag and symbol values in the format). */
    static long constant(PrintArg a) {
        Eval e = new Eval(new java.util.IdentityHashMap<>());
        e.reset(Map.of(), null, ByteOrder.LITTLE_ENDIAN, 8, Map.of());
        return e.num(a);
    }

    /**
     * The text of one event.
     *
     * @param data the event's raw data (PERF_SAMPLE_RAW), from its {@code common_type} on
     * @param printk the tracing data's printk strings by address
     */
    public String format(EventFormat event, byte[] data, ByteOrder order, int longSize, Map<Long, String> printk,
            FunctionNames functions) {
        TraceText out = new TraceText();
        format(out, event, data, order, longSize, printk, functions);
        return out.toString();
    }

    /**
     * As {@link #format(EventFormat, byte[], ByteOrder, int, Map, FunctionNames)}, written at the end
     * of {@code out}; what was written before an exception stays there. A format prints one event at
     * a time (it reuses its evaluator), so one thread uses it at a time.
     */
    public void format(TraceText out, EventFormat event, byte[] data, ByteOrder order, int longSize,
            Map<Long, String> printk, FunctionNames functions) {
        Eval e = eval;
        e.reset(fields(event), data, order, longSize, printk);
        for (Segment s : segments) {
            switch (s.kind()) {
                case TEXT -> out.bytes(s.utf8());
                case DIGIT -> {
                    long w = s.width() == null ? Long.MIN_VALUE : e.num(s.width());
                    CFormat.number(out, s.spec(), w, s.lengthMod(), e.num(s.arg()));
                }
                case POINTER -> pointer(out, e, s, functions);
                case STRING -> e.string(out, s.spec(), s.width() == null ? Long.MIN_VALUE : e.num(s.width()), s.arg());
            }
        }
    }

    /** {@code %p}, and {@code %pS} and friends through print_function. */
    private static void pointer(TraceText out, Eval e, Segment s, FunctionNames functions) {
        if (s.arg() instanceof PrintArg.Text t) {
            out.text(t.value());
            return;
        }
        long v = e.num(s.arg());
        char kind = s.pointerKind();
        if (kind == 'F' || kind == 'S' || kind == 'f' || kind == 's') {
            // print_function: the kernel function and, for S and F, the offset
            String f = functions.name(v, kind == 'S' || kind == 'F');
            if (f != null) {
                out.text(f);
                return;
            }
        } else if (v == 0) {
            out.text("(nil)");
            return;
        }
        out.ascii('0');
        out.ascii('x');
        out.hex(v);
    }

    /** Evaluates arguments over one event's data. */
    private static final class Eval {
        private final Map<String, FormatField> resolved;
        private Map<String, FormatField> fields;
        private byte[] data;
        private boolean big;
        private int longSize;
        private Map<Long, String> printk;

        Eval(Map<String, FormatField> resolved) {
            this.resolved = resolved;
        }

        /** The event to evaluate over from now on. */
        void reset(Map<String, FormatField> fields, byte[] data, ByteOrder order, int longSize,
                Map<Long, String> printk) {
            this.fields = fields;
            this.data = data;
            this.big = order == ByteOrder.BIG_ENDIAN;
            this.longSize = longSize;
            this.printk = printk;
        }

        private FormatField field(String name) {
            FormatField f = resolved.get(name);
            if (f == null) {
                f = fields.get(name);
                if (f != null) {
                    resolved.put(name, f);
                }
            }
            if (f == null) {
                throw new IllegalArgumentException("no field " + name);
            }
            return f;
        }

        /** {@code tep_read_number}: an unsigned value of 1, 2, 4 or 8 bytes. */
        long read(int offset, int size) {
            if (data == null || offset < 0 || offset + size > data.length) {
                return 0;
            }
            byte[] d = data;
            int o = offset;
            return switch (size) {
                case 1 -> d[o] & 0xffL;
                case 2 -> big ? (d[o] & 0xffL) << 8 | d[o + 1] & 0xffL : d[o] & 0xffL | (d[o + 1] & 0xffL) << 8;
                case 4 -> big ? u32be(d, o) : u32le(d, o);
                case 8 -> big ? u32be(d, o) << 32 | u32be(d, o + 4) : u32le(d, o) | u32le(d, o + 4) << 32;
                default -> 0;
            };
        }

        private static long u32le(byte[] d, int o) {
            return d[o] & 0xffL | (d[o + 1] & 0xffL) << 8 | (d[o + 2] & 0xffL) << 16 | (d[o + 3] & 0xffL) << 24;
        }

        private static long u32be(byte[] d, int o) {
            return (d[o] & 0xffL) << 24 | (d[o + 1] & 0xffL) << 16 | (d[o + 2] & 0xffL) << 8 | d[o + 3] & 0xffL;
        }

        /** Offset of a {@code __data_loc}/{@code __rel_loc} field's data. */
        private int dataOffset(FormatField f) {
            long v = read(f.offset(), f.size());
            int off = (int) (v & 0xffff);
            return f.isRelative() ? off + f.offset() + f.size() : off;
        }

        long num(PrintArg a) {
            if (a instanceof PrintArg.Num n) {
                return n.value();
            }
            if (a instanceof PrintArg.Atom) {
                return 0;
            }
            if (a instanceof PrintArg.Field f) {
                FormatField ff = f.field() != null ? f.field() : field(f.name());
                return read(ff.offset(), ff.size());
            }
            if (a instanceof PrintArg.Cast c) {
                return cast(num(c.item()), c.type());
            }
            if (a instanceof PrintArg.Cond c) {
                return num(c.test()) != 0 ? num(c.then()) : num(c.otherwise());
            }
            if (a instanceof PrintArg.Index x) {
                return index(x);
            }
            if (a instanceof PrintArg.Op o) {
                return op(o);
            }
            if (a instanceof PrintArg.DynamicArrayLength d) {
                return read(field(d.field()).offset(), field(d.field()).size()) >>> 16;
            }
            return 0;
        }

        private long index(PrintArg.Index x) {
            long i = num(x.index());
            PrintArg array = x.array();
            String castType = null;
            while (array instanceof PrintArg.Cast c) {
                castType = castType == null ? c.type() : castType;
                array = c.item();
            }
            int size = longSize;
            long offset;
            if (array instanceof PrintArg.DynamicArray d) {
                FormatField f = field(d.field());
                offset = dataOffset(f) + i * (f.elementSize() > 0 ? f.elementSize() : longSize);
                size = f.elementSize() > 0 ? f.elementSize() : longSize;
            } else if (array instanceof PrintArg.Field fa) {
                FormatField f = field(fa.name());
                size = f.elementSize();
                offset = f.offset() + i * f.elementSize();
            } else {
                return 0;
            }
            long v = read((int) offset, size);
            return castType == null ? v : cast(v, castType.endsWith("*") ? castType.substring(0, castType.length() - 1).strip()
                    : castType);
        }

        private long op(PrintArg.Op o) {
            long l = o.left() == null ? 0 : num(o.left());
            long r = num(o.right());
            return switch (o.op()) {
                case "!" -> r == 0 ? 1 : 0;
                case "~" -> ~r;
                case "||" -> l != 0 || r != 0 ? 1 : 0;
                case "&&" -> l != 0 && r != 0 ? 1 : 0;
                case "|" -> l | r;
                case "&" -> l & r;
                case "^" -> l ^ r;
                case "<" -> Long.compareUnsigned(l, r) < 0 ? 1 : 0;
                case ">" -> Long.compareUnsigned(l, r) > 0 ? 1 : 0;
                case "<=" -> Long.compareUnsigned(l, r) <= 0 ? 1 : 0;
                case ">=" -> Long.compareUnsigned(l, r) >= 0 ? 1 : 0;
                case "<<" -> l << r;
                case ">>" -> l >>> r;
                case "==" -> l == r ? 1 : 0;
                case "!=" -> l != r ? 1 : 0;
                case "+" -> l + r;
                case "-" -> l - r;
                case "*" -> l * r;
                case "/" -> r == 0 ? 0 : Long.divideUnsigned(l, r);
                case "%" -> r == 0 ? 0 : Long.remainderUnsigned(l, r);
                default -> 0;
            };
        }

        /** {@code eval_type_str}: a cast masks to the type's width (and never sign-extends). */
        private static long cast(long v, String type) {
            if (type.endsWith("*") || type.startsWith("struct")) {
                return v;
            }
            String t = type.startsWith("unsigned ") ? type.substring(9) : type;
            return switch (t) {
                case "u8", "s8", "char" -> v & 0xff;
                case "u16", "s16", "short" -> v & 0xffff;
                case "u32", "s32", "int" -> v & 0xffffffffL;
                default -> v;
            };
        }

        /** {@code print_str_arg}: the text of an argument printed with {@code %s} (or a width/precision form). */
        void string(TraceText out, CFormat.Spec spec, long width, PrintArg a) {
            if (width == Long.MIN_VALUE && spec.width() == 0 && spec.precision() < 0) {
                write(out, a); // nothing to pad or cut
            } else {
                out.text(CFormat.string(spec, width, text(a)));
            }
        }

        /** What {@link #text} gives, written without making a String of the event's own bytes. */
        private void write(TraceText out, PrintArg a) {
            if (a instanceof PrintArg.Field f) {
                FormatField ff = f.field() != null ? f.field() : field(f.name());
                if (!ff.array() && ff.size() == longSize) {
                    long addr = read(ff.offset(), ff.size());
                    String p = printk.get(addr);
                    if (p != null) {
                        out.text(p);
                    } else {
                        out.hex(addr);
                    }
                    return;
                }
                int len = ff.size() != 0 ? ff.size() : data.length - ff.offset();
                cString(out, ff.offset(), len);
            } else if (a instanceof PrintArg.StringOf s) {
                FormatField f = field(s.field());
                int off = dataOffset(f);
                cString(out, off, data.length - off);
            } else {
                out.text(text(a));
            }
        }

        private String text(PrintArg a) {
            if (a instanceof PrintArg.Text t) {
                return t.value();
            }
            if (a instanceof PrintArg.Num n) {
                return Long.toUnsignedString(n.value());
            }
            if (a instanceof PrintArg.Atom at) {
                return at.text();
            }
            if (a instanceof PrintArg.Field f) {
                FormatField ff = f.field() != null ? f.field() : field(f.name());
                if (!ff.array() && ff.size() == longSize) {
                    long addr = read(ff.offset(), ff.size());
                    String p = printk.get(addr);
                    return p != null ? p : Long.toHexString(addr);
                }
                int len = ff.size() != 0 ? ff.size() : data.length - ff.offset();
                return cString(ff.offset(), len);
            }
            if (a instanceof PrintArg.StringOf s) {
                FormatField f = field(s.field());
                int off = dataOffset(f);
                return cString(off, data.length - off);
            }
            if (a instanceof PrintArg.Flags fl) {
                long v = num(fl.value());
                StringBuilder sb = new StringBuilder();
                boolean printed = false;
                for (PrintArg.Named n : fl.flags()) {
                    if (v == 0 && n.value() < 0) {
                        sb.append(n.name());
                        break;
                    }
                    if (n.value() > 0 && (v & n.value()) == n.value()) {
                        if (printed) {
                            sb.append(fl.delim());
                        }
                        sb.append(n.name());
                        printed = true;
                        v &= ~n.value();
                    }
                }
                if (v != 0) {
                    if (printed) {
                        sb.append(fl.delim());
                    }
                    sb.append("0x").append(Long.toHexString(v));
                }
                return sb.toString();
            }
            if (a instanceof PrintArg.Symbolic sy) {
                long v = num(sy.value());
                for (PrintArg.Named n : sy.symbols()) {
                    if (n.value() == v) {
                        return n.name();
                    }
                }
                return "0x" + Long.toHexString(v);
            }
            if (a instanceof PrintArg.Hex h) {
                int off = dataAt(h.data());
                long len = num(h.length());
                StringBuilder sb = new StringBuilder();
                for (long i = 0; i < len && off + i < data.length; i++) {
                    if (i > 0 && h.spaced()) {
                        sb.append(' ');
                    }
                    sb.append(String.format("%02x", data[(int) (off + i)] & 0xff));
                }
                return sb.toString();
            }
            if (a instanceof PrintArg.IntArray ia) {
                int off = dataAt(ia.data());
                long count = num(ia.count());
                int el = (int) num(ia.elementSize());
                StringBuilder sb = new StringBuilder();
                for (long i = 0; i < count; i++) {
                    if (i > 0) {
                        sb.append(' ');
                    }
                    if (el == 1 || el == 2 || el == 4 || el == 8) {
                        sb.append(Long.toUnsignedString(read(off, el)));
                        off += el;
                    } else {
                        sb.append("BAD SIZE:").append(el).append(" 0x").append(Integer.toHexString(data[off] & 0xff));
                        off += 1;
                    }
                }
                return sb.toString();
            }
            if (a instanceof PrintArg.Bitmask bm) {
                FormatField f = field(bm.field());
                long v = read(f.offset(), f.size());
                int size = (int) (v >>> 16);
                int off = (int) (v & 0xffff) + (f.isRelative() ? f.offset() + f.size() : 0);
                return bitmask(off, size);
            }
            if (a instanceof PrintArg.Cond c) {
                return num(c.test()) != 0 ? text(c.then()) : text(c.otherwise());
            }
            // Other operators yield a number; libtraceevent prints only ?: as a string.
            return "";
        }

        /** Where the data of a {@code __print_hex}/{@code __print_array} argument starts. */
        private int dataAt(PrintArg a) {
            if (a instanceof PrintArg.DynamicArray d) {
                return dataOffset(field(d.field()));
            }
            if (a instanceof PrintArg.Field f) {
                return field(f.name()).offset();
            }
            throw new IllegalArgumentException("not an array");
        }

        /** {@code print_bitmask_to_seq}: hex, most significant byte first, a comma every 32 bits. */
        private String bitmask(int off, int size) {
            StringBuilder sb = new StringBuilder();
            for (int len = 0; len < size; len++) {
                int index = big ? size - (len + 1) : len;
                String hex = off + index < data.length ? String.format("%02x", data[off + index] & 0xff) : "00";
                sb.insert(0, hex);
                if (((len + 1) & 3) == 0 && len + 1 < size) {
                    sb.insert(0, ',');
                }
            }
            return sb.toString();
        }

        /** As {@link #cString(int, int)}, written; it fails where that fails. */
        private void cString(TraceText out, int off, int len) {
            int end = off;
            while (end < Math.min(data.length, off + len) && data[end] != 0) {
                end++;
            }
            int count = Math.max(0, end - off);
            java.util.Objects.checkFromIndexSize(off, count, data.length);
            out.latin1(data, off, count);
        }

        private String cString(int off, int len) {
            int end = off;
            while (end < Math.min(data.length, off + len) && data[end] != 0) {
                end++;
            }
            return new String(data, off, Math.max(0, end - off), StandardCharsets.ISO_8859_1);
        }
    }
}
