package dev.textpoke.perf.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tracepoint's text written as bytes into a reused {@link TraceText}: C's printf conversions as
 * libtraceevent applies them, the event's own bytes as the UTF-8 of the ISO-8859-1 characters they
 * are read as, kernel function names, appending after what the buffer holds, and a format that
 * fails on an event's data leaving nothing of its partial text. The formats are read from tracing
 * data built here as perf writes it, and are parsed only when asked for.
 */
class TraceTextTest {
    private static final String COMMON = """
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            """;
    private static final String DEMO = "name: demo\nID: 7\nformat:\n" + COMMON + """
            \tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;
            \tfield:long nr;\toffset:24;\tsize:8;\tsigned:1;
            \tfield:unsigned long arg;\toffset:32;\tsize:8;\tsigned:0;
            \tfield:int prio;\toffset:40;\tsize:4;\tsigned:1;
            \tfield:void * function;\toffset:48;\tsize:8;\tsigned:0;
            \tfield:__data_loc char[] name;\toffset:56;\tsize:4;\tsigned:0;

            print fmt: "comm=%s nr=%ld arg=%lx prio=%03d fn=%ps name=%s u=%u", REC->comm, REC->nr, REC->arg, \
            REC->prio, REC->function, __get_str(name), REC->prio
            """;
    private static final String PLAIN = "name: plain\nID: 8\nformat:\n" + COMMON + """
            \tfield:int a;\toffset:8;\tsize:4;\tsigned:1;
            \tfield:__data_loc char[] s;\toffset:12;\tsize:4;\tsigned:0;

            print fmt: "a=%d s=%s", REC->a, __get_str(s)
            """;
    private static final long FUNCTION = 0xffffffff81000010L;
    private static final PrintFormat.FunctionNames NAMES = (addr, offset) -> addr == FUNCTION ? "do_thing" : null;

    @Test
    void numbersStringsAndFunctionsAreWrittenAsPerfScriptPrintsThem() throws Exception {
        TracingData t = tracingData(DEMO, PLAIN);
        EventFormat demo = t.event(7);
        byte[] raw = demoRaw(-5, 7);
        assertEquals("comm=caf\u00e9 nr=-5 arg=deadbeef prio=007 fn=do_thing name=wq u=7", t.text(demo, raw, NAMES));
        assertEquals("comm=caf\u00e9 nr=-5 arg=deadbeef prio=007 fn=0xffffffff81000010 name=wq u=7",
                t.text(demo, raw, PrintFormat.FunctionNames.NONE));
        // %u of an int: the low 32 bits, unsigned; %03d of -7: the sign counts in the width
        assertEquals("comm=caf\u00e9 nr=-5 arg=deadbeef prio=-07 fn=do_thing name=wq u=4294967289",
                t.text(demo, demoRaw(-5, -7), NAMES));
        assertEquals("comm=caf\u00e9 nr=-9223372036854775808 arg=deadbeef prio=007 fn=do_thing name=wq u=7",
                t.text(demo, demoRaw(Long.MIN_VALUE, 7), NAMES));
    }

    @Test
    void bytesAreAppendedAndAreTheUtf8OfTheText() throws Exception {
        TracingData t = tracingData(DEMO, PLAIN);
        TraceText out = new TraceText();
        out.text("before: ");
        t.text(out, t.event(7), demoRaw(-5, 7), NAMES);
        String expected = "before: comm=caf\u00e9 nr=-5 arg=deadbeef prio=007 fn=do_thing name=wq u=7";
        byte[] bytes = java.util.Arrays.copyOf(out.array(), out.length());
        assertEquals(expected, new String(bytes, StandardCharsets.UTF_8));
        assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, out.length());
        assertEquals(expected, out.toString());
        out.reset();
        assertEquals(0, out.length());
        assertEquals("", out.toString());
    }

    @Test
    void aFormatThatFailsOnTheDataLeavesNoPartialText() throws Exception {
        TracingData t = tracingData(DEMO, PLAIN);
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 8).put((byte) 0).put((byte) 0).putInt(42);
        b.putInt(1);
        b.putInt(200); // __data_loc: offset 200 of a 16-byte record
        TraceText out = new TraceText();
        out.text("x ");
        t.text(out, t.event(8), b.array(), NAMES);
        String text = out.toString();
        assertTrue(text.startsWith("x [FAILED TO PARSE] a=1 s="), text);
        assertFalse(text.contains("a=1 s= "), text);
        assertEquals(text.substring(2), t.text(t.event(8), b.array(), NAMES));
    }

    @Test
    void formatsAreParsedWhenAskedForAndNamedWithoutParsing() throws Exception {
        TracingData t = tracingData(DEMO, PLAIN);
        assertEquals(Map.of(7L, "demo:demo", 8L, "demo:plain"), t.names());
        assertTrue(t.namesFunctions());
        assertFalse(tracingData(PLAIN).namesFunctions());
        assertNull(t.event(9));
        EventFormat demo = t.event(7);
        assertEquals(demo, t.event(7));
        assertEquals(List.of(7L, 8L), List.copyOf(t.events().keySet()));
        assertEquals("demo", t.events().get(7L).name());
        assertEquals(6, demo.fields().size());
        assertEquals(4, demo.commonFields().size());
    }

    /** The DEMO event's data: comm "caf\xe9", nr, arg 0xdeadbeef, prio, function, name "wq". */
    private static byte[] demoRaw(long nr, int prio) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 7).put((byte) 0).put((byte) 0).putInt(1234);
        b.put(new byte[] {'c', 'a', 'f', (byte) 0xe9, 0}).position(24);
        b.putLong(nr).putLong(0xdeadbeefL).putInt(prio).putInt(0).putLong(FUNCTION);
        b.putInt(3 << 16 | 60);
        b.put(new byte[] {'w', 'q', 0});
        return b.array();
    }

    /** Tracing data as perf's tracing_data_get writes it (version 0.6, little-endian), system "demo". */
    private static TracingData tracingData(String... formats) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[] {0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g'});
        o.write("0.6\0".getBytes(StandardCharsets.US_ASCII));
        o.write(0); // little-endian
        o.write(8); // long size
        o.write(le(4, 4096));
        named(o, "header_page", "");
        named(o, "header_event", "");
        o.write(le(4, 0)); // no ftrace formats
        o.write(le(4, 1)); // one system
        o.write("demo\0".getBytes(StandardCharsets.US_ASCII));
        o.write(le(4, formats.length));
        for (String f : formats) {
            byte[] text = f.getBytes(StandardCharsets.ISO_8859_1);
            o.write(le(8, text.length));
            o.write(text);
        }
        o.write(le(4, 0)); // kallsyms
        o.write(le(4, 0)); // printk strings
        return TracingData.parse(o.toByteArray(), "test", 0);
    }

    private static void named(ByteArrayOutputStream o, String name, String text) throws Exception {
        o.write((name + "\0").getBytes(StandardCharsets.US_ASCII));
        o.write(le(8, text.length()));
        o.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] le(int size, long v) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        if (size == 4) {
            b.putInt((int) v);
        } else {
            b.putLong(v);
        }
        return b.array();
    }
}
