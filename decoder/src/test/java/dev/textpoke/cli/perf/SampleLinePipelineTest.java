package dev.textpoke.cli.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.OutputClosedException;
import dev.textpoke.cli.format.SampleField;
import dev.textpoke.cli.format.SampleFields;
import dev.textpoke.cli.format.SampleFormatter;
import dev.textpoke.code.space.Location;
import dev.textpoke.perf.tracing.PrintFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lines printed on the pipeline's thread are, byte for byte and in order, what the formatter
 * prints in the caller's thread given the same samples and settings, across batches; a failure in
 * printing reaches the caller; what was handed over before the caller's own failure is printed.
 */
class SampleLinePipelineTest {
    private static final SampleFormatter.Namer NONE = new SampleFormatter.Namer() {
        @Override
        public Location locate(int pid, long addr, long time, boolean kernel) {
            throw new AssertionError("named an address");
        }

        @Override
        public long objectAddress(int pid, long addr, long time, boolean kernel) {
            throw new AssertionError("named an address");
        }
    };
    private static final EnumSet<SampleField> FIELDS = EnumSet.of(SampleField.COMM, SampleField.TID,
            SampleField.PERIOD, SampleField.EVENT);

    /** What the pipeline is given for sample {@code i}, and the settings in force then. */
    private static String comm(int i) {
        return i % 3 == 0 ? "perf" : "kworker/u4:" + i % 7;
    }

    private static String event(int i) {
        return i < 3000 ? "sched:sched_switch" : i % 2 == 0 ? "raw_syscalls:sys_enter" : "a";
    }

    private static int width(int i) {
        return i < 3000 ? 18 : 22; // a longer name seen first at sample 3000
    }

    private static boolean callchain(int i) {
        return i >= 12000;
    }

    private static void fill(SampleFields s, int i) {
        s.tid = 1000 + i % 97;
        s.period = 1L << (i % 40);
    }

    @Test
    void linesAreWhatTheFormatterPrintsHereInOrderAcrossBatches() {
        int n = 2 * SampleLinePipeline.SAMPLES + 123;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        SampleFormatter direct = new SampleFormatter(false, NONE);
        SampleFields one = new SampleFields();
        for (int i = 0; i < n; i++) {
            fill(one, i);
            direct.eventWidth(width(i));
            direct.useCallchain(callchain(i));
            direct.text(expected::write, one, FIELDS, comm(i), event(i), one.period, null, false);
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SampleLinePipeline lines = new SampleLinePipeline(new SampleFormatter(false, NONE), got::write,
                PrintFormat.FunctionNames.NONE, -1);
        for (int i = 0; i < n; i++) {
            SampleFields s = lines.next();
            fill(s, i);
            lines.add(FIELDS, comm(i), event(i), s.period, null, null, false, width(i), callchain(i));
        }
        lines.finish();
        assertTrue(got.size() > 0);
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
    }

    @Test
    void aFailureInPrintingReachesTheCallerAndPrintingStops() {
        AtomicInteger written = new AtomicInteger();
        OutputClosedException closed = new OutputClosedException(new IOException("Broken pipe"));
        SampleLinePipeline lines = new SampleLinePipeline(new SampleFormatter(false, NONE), (b, off, len) -> {
            if (written.incrementAndGet() > 10) {
                throw closed;
            }
        }, PrintFormat.FunctionNames.NONE, -1);
        OutputClosedException thrown = assertThrows(OutputClosedException.class, () -> {
            for (int i = 0; i < 100 * SampleLinePipeline.SAMPLES; i++) {
                SampleFields s = lines.next();
                fill(s, i);
                lines.add(FIELDS, comm(i), event(i), s.period, null, null, false, width(i), callchain(i));
            }
            lines.finish();
        });
        assertSame(closed, thrown);
        assertEquals(11, written.get());
        lines.close();
        assertThrows(OutputClosedException.class, lines::finish);
    }

    @Test
    void closeAfterTheCallersFailurePrintsWhatWasHandedOver() {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SampleLinePipeline lines = new SampleLinePipeline(new SampleFormatter(false, NONE), got::write,
                PrintFormat.FunctionNames.NONE, -1);
        for (int i = 0; i < 10; i++) {
            SampleFields s = lines.next();
            fill(s, i);
            lines.add(FIELDS, comm(i), event(i), s.period, null, null, false, width(i), false);
        }
        lines.close();
        assertEquals(10, got.toString().lines().count());
        lines.close();
    }

    @Test
    void onlyLinesThatNameNoAddressArePure() {
        assertTrue(SampleLinePipeline.pure(EnumSet.of(SampleField.COMM, SampleField.TID, SampleField.PID,
                SampleField.CPU, SampleField.TIME, SampleField.PERIOD, SampleField.EVENT, SampleField.TRACE)));
        for (SampleField f : EnumSet.of(SampleField.IP, SampleField.ADDR, SampleField.BRSTACK, SampleField.SYM,
                SampleField.DSO)) {
            assertFalse(SampleLinePipeline.pure(EnumSet.of(SampleField.TIME, f)), f.toString());
        }
    }
}
