package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 2 ("Empty callchain"): a sample whose recorded call chain is empty printed its
 * header line and no frame ({@code callchain-dwarf.data} at 1604.370090389; every sample of
 * {@code fibo.compressed2.pipe.data}), where perf prints the IP its unwinder starts from; and the
 * default fields printed an {@code addr} of 0 that perf does not print for the event.
 */
class EmptyCallchainTest {
    @TempDir
    Path tmp;

    /** --call-graph dwarf: the kernel-only chain is empty for user-mode samples; perf prints the user IP. */
    @Test
    void aDwarfSampleWithAnEmptyChainPrintsItsIpAsPerfDoes() throws Exception {
        Path file = TestTraces.trace("recorded/callchain-dwarf.data");
        PerfTool.Result perf = PerfTool.in(tmp).run("script", "--ns", "-i", file.toString());
        CliRun run = CliRun.of("samples", file.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertEquals(perf.out(), run.out().lines().toList());
        List<String> lines = run.out().lines().toList();
        int at = lines.indexOf("workload  9242  1604.370090389:    5000000 cpu-clock: ");
        assertTrue(at >= 0, run.out());
        assertEquals("\t            1314 [unknown] (/tmp/tmp.5mt7bjoQpu/workload)", lines.get(at + 1));
    }

    /**
     * perf 6.1 cannot read COMPRESSED2; every sample has an empty chain (exclude_callchain_user and
     * _kernel, --call-graph dwarf) and user registers and stack: each gets the user-mode IP from its
     * registers (as the independent record walk reads them) as its one frame.
     */
    @Test
    void everySampleOfTheFiboRecordingHasAFrame() throws Exception {
        Path file = TraceFiles.externalTraces().resolve("linux-perf-data/tests/fixtures/fibo.compressed2.pipe.data");
        CliRun run = CliRun.of("samples", "--json", "-F", "ip", file.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<Map<String, Object>> samples = run.out().lines().map(MiniJson::object).toList();
        assertEquals(547, samples.size());
        CliRun dump = CliRun.of("dump", "--json", file.toString());
        List<Map<String, Object>> regs = dump.out().lines().map(MiniJson::object)
                .filter(o -> "PERF_RECORD_SAMPLE".equals(o.get("type"))).toList();
        assertEquals(547, regs.size());
        for (int i = 0; i < samples.size(); i++) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> frames = (List<Map<String, Object>>) samples.get(i).get("frames");
            assertEquals(1, frames.size(), "sample " + i);
            @SuppressWarnings("unchecked")
            Map<String, Object> user = (Map<String, Object>) regs.get(i).get("user_regs");
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) user.get("values");
            // sample_regs_user 0xff0fff: IP is bit 8, the ninth value
            assertEquals(values.get(8), frames.get(0).get("ip"), "sample " + i);
        }
        String text = CliRun.of("samples", file.toString()).out();
        assertTrue(text.lines().filter(l -> l.startsWith("\t")).count() >= 547, "a frame line per sample");
    }

    /** perf's default fields for a software event have no addr: page-fault samples (with ADDR) show none. */
    @Test
    void defaultFieldsPrintNoAddrWherePerfPrintsNone() throws Exception {
        Path file = TestTraces.trace("recorded/sample-fields.data");
        PerfTool.Result perf = PerfTool.in(tmp).run("script", "--ns", "-i", file.toString());
        CliRun run = CliRun.of("samples", file.toString());
        assertEquals(perf.out(), run.out().lines().toList());
        Path dwarf = TestTraces.trace("recorded/callchain-dwarf.data");
        assertTrue(CliRun.of("samples", dwarf.toString()).out().lines().noneMatch(l -> l.matches(".*cpu-clock: +0$")));
    }
}
