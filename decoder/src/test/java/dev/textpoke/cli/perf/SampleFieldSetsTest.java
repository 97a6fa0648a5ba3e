package dev.textpoke.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.format.SampleField;
import dev.textpoke.perf.PerfData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whether a sample pass may name kernel code, which decides whether {@code samples} reads the
 * kernel's symbols ahead: only when symbols are printed and some event samples the kernel, as
 * {@code perf evlist -v} reports the events' exclude_kernel. (A pipe's events arrive with its
 * records: {@code samples} reads nothing ahead for one.)
 */
class SampleFieldSetsTest {
    /** Whether perf says some event other than a dummy samples the kernel. */
    private static boolean perfSaysKernelSampled(Path f) throws Exception {
        Process p = new ProcessBuilder("perf", "evlist", "-v", "-i", f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        boolean any = false;
        int events = 0;
        for (String line : out.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("dummy")) {
                continue;
            }
            events++;
            any |= !line.contains("exclude_kernel: 1");
        }
        assertTrue(events > 0, "perf evlist -v printed no event for " + f + ":\n" + out);
        return any;
    }

    @ParameterizedTest
    @ValueSource(strings = {"traces/recorded/callchain-fp.data", "traces/recorded/tracepoints.data",
        "traces/recorded/callchain-dwarf.data",
        "shared:perf_data_converter/src/quipper/testdata/perf.data.branch_stack_hw_index"})
    void kernelSymbolsAreReadAheadOnlyWhenPrintedForKernelSamples(String file) throws Exception {
        Path f = file.startsWith("shared:")
                ? Path.of(System.getProperty("textpoke.shared", "../../shared"), "external-traces", file.substring(7))
                : Path.of(System.getProperty("textpoke.root", "..")).resolve(file);
        boolean kernel = perfSaysKernelSampled(f);
        // Ours sample the kernel; the external recording is of user space alone (exclude_kernel).
        assertEquals(!file.startsWith("shared:"), kernel, "perf evlist -v on " + file);
        try (PerfData data = PerfData.open(f)) {
            assertEquals(kernel, new SampleFieldSets(data, null, file).mayNameKernelCode(), "default fields");
            assertEquals(kernel, new SampleFieldSets(data, EnumSet.of(SampleField.IP, SampleField.SYM), file)
                    .mayNameKernelCode(), "-F ip,sym");
            assertEquals(false, new SampleFieldSets(data, EnumSet.of(SampleField.TIME, SampleField.IP), file)
                    .mayNameKernelCode(), "-F time,ip");
        }
    }
}
