package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, point 9 ("Tracepoint fields"): tracepoint samples print their fields as perf script
 * does, from the event formats in the file's tracing data (the TRACING_DATA feature, or a pipe's
 * HEADER_TRACING_DATA record) through libtraceevent's reading of {@code print fmt}. Oracles: perf
 * script on the tracepoint recordings in {@code traces/recorded/}, and on a recording made here of
 * several hundred tracepoints of ten subsystems, whose formats use flags, symbolic values,
 * dynamic strings, casts, {@code %pS} and libtraceevent's operator quirks.
 */
class TracepointFieldsTest {
    @TempDir
    static Path tmp;

    static FreshRecordings fresh;
    static Path many;
    /** Tracepoints and cpu-clock samples: lines without addresses and lines with them, in one pass. */
    static Path mixed;

    @BeforeAll
    static void record() throws Exception {
        fresh = FreshRecordings.in(tmp);
        many = fresh.record("tracepoints.data", List.of("-e", "sched:*", "-e", "irq:*", "-e", "timer:*", "-e",
                "raw_syscalls:*", "-e", "syscalls:sys_enter_openat", "-e", "syscalls:sys_exit_openat", "-e", "signal:*",
                "-e", "task:*", "-e", "workqueue:*", "-e", "kmem:*"), 40);
        mixed = fresh.record("mixed.data", List.of("-e", "sched:*", "-e", "timer:*", "-e", "raw_syscalls:*",
                "-e", "cpu-clock/period=200000/"), 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"recorded/tracepoints.data", "recorded/tracepoints-pipe.data", "fresh"})
    void tracepointSamplesPrintTheirFieldsAsPerfDoes(String which) throws Exception {
        Path file = which.equals("fresh") ? many : TestTraces.trace(which);
        for (List<String> options : List.of(List.<String>of(), List.of("-F", "comm,tid,cpu,time,event,trace"),
                List.of("-F", "tid,event,trace"))) {
            assertSamplesAsPerfScript(file, options);
        }
    }

    /** perf script's default fields: the tracepoints' text, and ip, sym and dso for cpu-clock samples. */
    @org.junit.jupiter.api.Test
    void tracepointsAmongOtherSamplesPrintAsPerfDoes() throws Exception {
        assertSamplesAsPerfScript(mixed, List.of());
    }

    private static void assertSamplesAsPerfScript(Path file, List<String> options) throws Exception {
        fresh.assertSamplesAsPerfScript(file, options);
    }

    /** The fresh recording exercises what the test claims: many events, none printed as unparsed. */
    @org.junit.jupiter.api.Test
    void theFreshRecordingHasManyKindsOfFormat() throws Exception {
        String out = CliRun.of("samples", "-F", "event,trace", many.toString()).out();
        long events = out.lines().map(l -> l.substring(0, l.indexOf(": ")).strip()).distinct().count();
        assertTrue(events >= 20, events + " events");
        assertTrue(out.contains("prev_state=") && out.contains("gfp_flags=") && out.contains("call_site="), "formats");
        assertTrue(!out.contains("[FAILED TO PARSE]"), "every format parsed");
    }

    /** The mixed recording has what its comparison with perf needs: tracepoint lines before and after cpu-clock lines. */
    @org.junit.jupiter.api.Test
    void theMixedRecordingHasTracepointsBeforeAndAfterSamplesWithAddresses() throws Exception {
        List<String> events = CliRun.of("samples", "-F", "event", mixed.toString()).out().lines().map(String::strip)
                .toList();
        int firstClock = events.indexOf("cpu-clock/period=200000/:");
        assertTrue(firstClock > 0, "a tracepoint before the first cpu-clock sample: " + firstClock);
        assertTrue(events.subList(firstClock, events.size()).stream().anyMatch(e -> e.startsWith("sched:")
                || e.startsWith("raw_syscalls:") || e.startsWith("timer:")), "tracepoints after it");
    }
}
