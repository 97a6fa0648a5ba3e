package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dso of a kernel module's address is what perf script prints for it: the module's path when
 * the file's build-id table lists the module (perf made its dso from that entry before the
 * module's MMAP), {@code [name]} when it does not (an MMAP naming the path, in a file whose table
 * lists no module or in a pipe, whose build ids come at the end). The oracle is perf 6.1 on
 * quipper's real recordings, line for line, the call chains' frames too; the fields leave out
 * the kernel's symbols, which perf may take from the machine it runs on.
 */
class SamplesModuleNamesTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        // Each file, with a module perf must name among the call chains' frames and among the
        // samples' ips: by path (the table lists it) or [name].
        String[][] files = {
            {"perf.data.raw-3.4", "(/lib/modules/3.4.0/kernel/net/mac80211/mac80211.ko)", null},
            {"perf.data.callgraph-3.8", "(/lib/modules/3.8.11/kernel/net/mac80211-3.4/mac80211.ko)", null},
            {"perf.data.systemwide.5-3.8", "(/lib/modules/3.8.11/kernel/drivers/net/usb/asix.ko)", null},
            {"perf.data.systemwide.5-3.4", "(/lib/modules/3.4.0/kernel/drivers/net/ethernet/realtek/r8169.ko)", null},
            {"perf.data.throttle-3.8", "(/lib/modules/3.8.11/kernel/drivers/staging/iio/light/isl29018.ko)", null},
            // the table lists mac80211 only: the modules of the frames are [name]
            {"perf.data.raw_callgraph_branch-3.4", "([ath9k])",
                "(/lib/modules/3.4.0/kernel/net/mac80211/mac80211.ko)"},
            // a pipe: its build ids come after the samples
            {"perf.data.piped.target-3.8", "([ath9k])", null},
        };
        for (String[] f : files) {
            out.add(Arguments.of(f[0], List.of("-F", "tid,ip,dso"), f[1]));
            out.add(Arguments.of(f[0], List.of("--hide-call-graph", "-F", "comm,tid,time,ip,dso"),
                    f[2] == null ? f[1] : f[2]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void modulesAreNamedAsPerfNamesThem(String name, List<String> options, String module) throws Exception {
        String file = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata")
                .resolve(name).toString();
        List<String> perfs = SamplesAgainstPerf.assertSameLines(perf, file, options);
        assertTrue(perfs.stream().anyMatch(l -> l.endsWith(module)), "perf names " + module);
    }
}
