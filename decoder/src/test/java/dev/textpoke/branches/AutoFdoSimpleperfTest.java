package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code textpoke profile --format autofdo} against simpleperf's own AutoFDO output for its LBR test
 * file ({@code simpleperf inject -i perf_lbr.data --output autofdo}, committed upstream as {@code
 * lbr/inject_lbr.data}): the same binary, build id, address counts and branch counts, and the same
 * ranges, but one. simpleperf pairs an entry's target with the source of the next older entry
 * ({@code ConvertLBRDataToAutoFDO} walks the kernel's newest-first array forwards), which is the
 * wrong way round in time: where consecutive entries differ it counts a range that never ran and
 * misses the one that did. In this file they differ once, in the sample whose older entry is the
 * kernel's return to user space ({@code ffffffffa9e01917 -> 948}) and whose newer one is the loop's
 * jump back ({@code 94d -> 940}): the code from 948 to 94d ran, which textpoke counts, perf's
 * brstackinsn prints and AutoFDO's own perf reader ({@code PerfDataSampleReader}) counts.
 */
class AutoFdoSimpleperfTest {
    private static final Path LBR = TraceFiles.externalTraces().resolve("platform_system_extras/simpleperf/testdata/lbr");

    @Test
    void theProfileIsSimpleperfsButForItsBackwardRanges() throws Exception {
        CliRun run = CliRun.of("profile", "--format", "autofdo", "--binary", "lbr_test_loop",
                LBR.resolve("perf_lbr.data").toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> expected = new ArrayList<>(Files.readAllLines(LBR.resolve("inject_lbr.data")));
        // simpleperf's 2 ranges, and the one it pairs the wrong way round.
        assertEquals("2", expected.get(0));
        expected.set(0, "3");
        expected.add(3, "1948-194d:1");
        assertEquals(expected, run.out().lines().toList());
    }

    @Test
    void loadAddressesAreTheMappedOnes() throws Exception {
        CliRun run = CliRun.of("profile", "--format", "autofdo", "--binary", "lbr_test_loop", "--addresses", "load",
                LBR.resolve("perf_lbr.data").toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        // lbr_test_loop's first mapping: 0x5597dfefc000, file offset 0.
        assertTrue(run.out().contains("\n5597dfefd910-5597dfefd91b:31\n"), run.out());
        assertTrue(run.out().contains("\n5597dfefd94d->5597dfefd940:353\n"), run.out());
    }
}
