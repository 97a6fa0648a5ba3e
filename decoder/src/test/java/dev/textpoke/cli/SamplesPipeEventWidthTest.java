package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pipe's event names are padded to the longest name from the first line on, as perf script pads
 * them (it knows every event from the HEADER_ATTR records at the start of the stream), not from
 * the first sample of the event with the longest name (nor only to the names of events sampled).
 * The oracle is perf 6.1 on quipper's pipe recordings of several events, line for line (fields
 * without kernel symbols where perf would take them from the machine it runs on).
 */
class SamplesPipeEventWidthTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    static Stream<Arguments> cases() {
        List<String> noKernelSymbols = List.of("-F", "comm,tid,time,period,event,ip,dso");
        return Stream.of(
                // cycles:u first, instructions:u from the third sample on
                Arguments.of("perf.data.piped.header_feautres_group_desc-6.8", List.of()),
                Arguments.of("perf.data.piped.header_feautres_group_desc-6.8", noKernelSymbols),
                // cycles, branch-misses and cpu-clock: the longest name, branch-misses, has no sample
                Arguments.of("perf.data.piped.hw_and_sw-3.4", noKernelSymbols));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void eventNamesArePaddedAsPerfPadsThem(String name, List<String> options) throws Exception {
        String file = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata")
                .resolve(name).toString();
        List<String> perfs = SamplesAgainstPerf.assertSameLines(perf, file, options);
        assertTrue(perfs.size() > 5, "samples: " + perfs);
    }
}
