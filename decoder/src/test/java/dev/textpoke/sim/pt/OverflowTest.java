package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injected overflows: the model loses the packets of each overflow's span and resumes with OVF and
 * a FUP; libipt reports each overflow with the IP the model resumed at, and decodes what ran
 * except one gap per overflow, which lies within the overflow's lost span (widened back to the
 * last flow packet before it: the overflow took the branches pending after it, and libipt stops
 * at the OVF it reads ahead to).
 */
class OverflowTest {
    @TempDir
    Path tmp;

    @Test
    void libiptReportsEachOverflowAndDecodesAroundIt() throws Exception {
        LibiptHarness h = LibiptHarness.build();
        long start = ClockConfig.defaults().startTsc();
        int overflows = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            List<Overflow> ovf = new ArrayList<>();
            long at = start + 2_000;
            for (int k = 0; k < 4; k++) {
                at += 2_000 + r.nextLong(10_000);
                long ticks = 1 + r.nextLong(3_000);
                ovf.add(new Overflow(0, at, ticks));
                at += ticks;
            }
            SimulatedTrace t = SimulatedTrace.builder()
                    .program(RandomProgram.generate(RandomProgramConfig.kernelOnly(30, 1), seed)).seed(seed)
                    .pt(PtModelConfig.defaults(CplFilter.KERNEL).withOverflows(ovf)).logAllPackets(true)
                    .maxInstructions(25_000).run();
            PtStream s = t.pt(0);
            assertEquals(4, s.lost().size());
            Path dir = Files.createDirectories(tmp.resolve("s" + seed));
            LibiptRun run = LibiptRun.of(h, t, 0, dir, false);
            assertEquals(List.of(), run.errors(), "seed " + seed);
            List<String> events = run.events().stream().filter(e -> e.startsWith("event overflow")).toList();
            assertEquals(4, events.size(), run.events().toString());
            for (int k = 0; k < 4; k++) {
                assertEquals("event overflow ip=0x" + Long.toHexString(s.lost().get(k).resumeIp()), events.get(k));
            }
            overflows += align(t, run.ips(), "libipt seed " + seed);
        }
        assertTrue(overflows >= 30, "gaps " + overflows);
    }

    /** perf 6.1 resumes at each overflow's FUP too, with the same gaps. */
    @Test
    void perfDecodesAroundEachOverflow() throws Exception {
        dev.textpoke.perf.oracle.PerfTool perf = dev.textpoke.perf.oracle.PerfTool.in(tmp);
        long start = ClockConfig.defaults().startTsc();
        int gaps = 0;
        for (long seed = 1; seed <= 4; seed++) {
            List<Overflow> ovf = List.of(new Overflow(0, start + 5_000 + seed * 777, 2_000),
                    new Overflow(0, start + 20_000, 300 * seed), new Overflow(1, start + 9_000, 1_000));
            SimulatedTrace t = SimulatedTrace.builder()
                    .program(RandomProgram.generate(RandomProgramConfig.kernelOnly(30, 2), seed)).seed(seed)
                    .pt(PtModelConfig.defaults(CplFilter.KERNEL).withOverflows(ovf)).logAllPackets(true)
                    .maxInstructions(20_000).run();
            Path dir = tmp.resolve("perf" + seed);
            new dev.textpoke.sim.PerfDataExport(t).write(dir);
            dev.textpoke.perf.oracle.PerfTool.Result r = perf.run("script", "-i", dir.toString(), "--itrace=i0ns",
                    "-F", "cpu,ip");
            assertEquals(0, r.status(), r.err());
            for (int cpu = 0; cpu < 2; cpu++) {
                String tag = "[" + String.format("%03d", cpu) + "]";
                List<Long> ips = r.out().stream().map(String::trim).filter(l -> l.startsWith(tag))
                        .map(l -> Long.parseUnsignedLong(l.substring(tag.length()).trim(), 16)).toList();
                gaps += align(t, cpu, ips, "perf seed " + seed + " cpu " + cpu);
            }
        }
        assertTrue(gaps >= 10, "gaps " + gaps);
    }

    private static int align(SimulatedTrace t, List<Long> ips, String what) {
        return align(t, 0, ips, what);
    }

    /** Aligns a decode with what ran: equal but for one contiguous gap per lost span; returns the gaps. */
    private static int align(SimulatedTrace t, int cpu, List<Long> ips, String what) {
        PtStream s = t.pt(cpu);
        List<Executed> truth = t.groundTruth().instructions(cpu, CplFilter.KERNEL);
        int g = 0;
        int d = 0;
        int gap = 0;
        while (d < ips.size()) {
            if (truth.get(g).ip() == ips.get(d)) {
                g++;
                d++;
                continue;
            }
            assertTrue(gap < s.lost().size(), what + ": a gap at " + truth.get(g) + " and no lost span left");
            PtStream.LostRange lost = s.lost().get(gap++);
            long from = lastPacketBefore(s.packets(), lost.fromTsc());
            while (truth.get(g).tsc() < lost.toTsc()) {
                assertTrue(truth.get(g).tsc() >= from, what + ": instruction " + truth.get(g)
                        + " missing outside the lost span from " + from);
                g++;
            }
            assertEquals(lost.resumeIp(), truth.get(g).ip(), what);
        }
        assertEquals(truth.size(), g, what + ": the decode stopped early");
        return gap;
    }

    /**
     * The time of the last flow packet (not a timing one) before {@code tsc}: a decoder that reads
     * ahead over timing packets to an OVF stops after the instructions that packet decided.
     */
    private static long lastPacketBefore(PacketLog log, long tsc) {
        long last = 0;
        for (int i = 0; i < log.size(); i++) {
            if (log.tsc(i) < tsc && !Packets.TIMING.contains(log.type(i))) {
                last = log.tsc(i);
            }
        }
        return last;
    }
}
