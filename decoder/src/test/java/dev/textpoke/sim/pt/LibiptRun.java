package dev.textpoke.sim.pt;

import dev.textpoke.code.ImageSegment;
import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.sim.SimulatedTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * libipt's instruction decoder (pt_insn_decoder, as ptxed drives it, through pt-packets' C
 * harness) over one CPU's simulated trace and the program's code as a static image.
 */
record LibiptRun(List<Long> ips, List<String> events, List<String> errors, List<String> lines) {

    static LibiptRun of(LibiptHarness harness, SimulatedTrace t, int cpu, Path dir, boolean ticks)
            throws IOException, InterruptedException {
        Path trace = dir.resolve("cpu" + cpu + ".pt");
        Files.write(trace, t.pt(cpu).bytes().toArray());
        List<String> images = new ArrayList<>();
        int k = 0;
        for (ImageSegment s : t.program().segments()) {
            Path f = dir.resolve("seg" + k++ + ".bin");
            Files.write(f, s.bytes().toArray());
            images.add(f + "@0x" + Long.toHexString(s.address()));
        }
        PtModelConfig c = t.ptConfig();
        List<String> config = new ArrayList<>(List.of("--mtc-freq", String.valueOf(c.pt().mtcPeriod()),
                "--nom-freq", String.valueOf(t.clock().maxNonTurboRatio()),
                "--cpuid-0x15-eax", String.valueOf(c.tscCtcRatioD()),
                "--cpuid-0x15-ebx", String.valueOf(c.tscCtcRatioN())));
        if (ticks) {
            config.add("--tick");
            config.add("--tsc");
        }
        List<String> lines = harness.insn(trace, config, images);
        List<Long> ips = new ArrayList<>();
        List<String> events = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("insn ")) {
                ips.add(Long.parseUnsignedLong(l.split(" ")[1].substring(2), 16));
            } else if (l.startsWith("event ")) {
                events.add(l);
            } else if (l.startsWith("error ")) {
                errors.add(l);
            }
        }
        return new LibiptRun(ips, events, errors, lines);
    }
}
