package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.sim.lbr.LbrSample;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import dev.textpoke.sim.program.RandomProgram;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AutoFDO text profiles of simulated LBR recordings ({@link SimLbrGroundTruthTest#run}): with no
 * modification and with jump labels, ftrace sites and kprobes flipping inside the stacks, {@code
 * profile --format autofdo} equals, count for count, the profile computed from the simulated PMU's
 * own samples (the branches the generator recorded, the straight-line code between consecutive
 * ones, the sample ips; kernel addresses relative to {@code _text}). The profile a converter of
 * perf's brstackinsn would make is printed beside it: the branch addresses fix where perf's blocks
 * start and end, so same-length patches (jump labels, ftrace) leave its counts right although its
 * bytes are wrong; they go wrong where perf cannot read a range's code any more (a freed
 * trampoline: {@link AutoFdoGroundTruthTest}) or its walk of an {@code int3}'s stale tail never
 * meets the range's end.
 */
class SimAutoFdoTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    static Map<String, Long> truth(SimLbrGroundTruthTest.Run run, LongPredicate kernel, long base) {
        Map<String, Long> t = new TreeMap<>();
        for (LbrSample s : run.samples()) {
            if (kernel.test(s.ip())) {
                AutoFdoGroundTruthTest.add(t, "a " + Long.toHexString(s.ip() - base));
            }
            for (int i = 0; i < s.size(); i++) {
                if (kernel.test(s.from()[i]) && kernel.test(s.to()[i])) {
                    AutoFdoGroundTruthTest.add(t, "b " + Long.toHexString(s.from()[i] - base) + "->"
                            + Long.toHexString(s.to()[i] - base));
                }
            }
            for (int i = s.size() - 2; i >= 0; i--) {
                long start = s.to()[i + 1];
                long end = s.from()[i];
                if (kernel.test(start) && kernel.test(end) && end >= start && end - start <= (1 << 20)) {
                    AutoFdoGroundTruthTest.add(t, "r " + Long.toHexString(start - base) + "-" + Long.toHexString(end - base));
                }
            }
        }
        return t;
    }

    @Test
    void theProfileIsWhatTheGeneratorRecordedAndPerfsIsNot() throws Exception {
        for (int flips : new int[] {0, 120}) {
            SimLbrGroundTruthTest.Run run = SimLbrGroundTruthTest.run(7, 2, 4, 400_000, flips);
            Path dir = tmp.resolve("autofdo" + flips);
            run.export().write(dir, run.samples(), new LbrTraceWriter.Config(4, false, 2));
            long base = RandomProgram.KERNEL_BASE;
            long end = run.trace().program().kernelSegments().stream()
                    .mapToLong(s -> s.address() + s.bytes().length()).max().orElseThrow();
            LongPredicate kernel = a -> Long.compareUnsigned(a - base, end - base) < 0;
            Map<String, Long> truth = truth(run, kernel, base);
            CliRun ours = CliRun.of("profile", "--format", "autofdo", dir.toString());
            assertEquals(ExitStatus.OK, ours.status(), ours.err());
            assertEquals(truth, AutoFdoGroundTruthTest.parse(ours.out()), flips + " flips");
            assertTrue(truth.size() > 100);
            if (flips > 0) {
                PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
                assertEquals(0, p.status(), p.err());
                Map<String, Long> perfs = AutoFdoGroundTruthTest.perfDerived(PerfBrstackinsnOutput.parse(p.out()),
                        kernel, base);
                System.out.println("simulated, " + flips + " flips per site: perf-derived minus what ran: "
                        + AutoFdoGroundTruthTest.difference(truth, perfs));
            }
        }
    }
}
