package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.packet.Packet;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.FrequencyChange;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timing packets against the SDM's formulas and against libipt's time computation: MTC payloads
 * and placement, TMA's CTC and fast counter as perf and libipt rebuild the crystal edge from them,
 * CYC counts against the executed instructions' times, CBR on frequency changes.
 */
class PtTimingTest {
    @TempDir
    Path tmp;

    private static SimulatedTrace run(PtConfig pt, long seed, int coreRatio, boolean freqChanges) {
        SimulatedTrace.Builder b = SimulatedTrace.builder()
                .program(RandomProgram.generate(RandomProgramConfig.kernelOnly(30, 1), seed)).seed(seed)
                .pt(PtModelConfig.defaults(CplFilter.KERNEL).withPt(pt).withPsbBytes(2048)).logAllPackets(true)
                .coreRatio(0, coreRatio).maxInstructions(40_000);
        if (freqChanges) {
            long s = dev.textpoke.sim.exec.ClockConfig.defaults().startTsc();
            b.frequencyChanges(List.of(new FrequencyChange(0, s + 10_000, 36), new FrequencyChange(0, s + 30_000, 12)));
        }
        return b.run();
    }

    /** The decoded packets with the model's log entries (all packets are logged). */
    private static List<Object[]> packets(SimulatedTrace t) {
        List<Packets.Decoded> d = Packets.decode(t.pt(0).bytes().toArray());
        PacketLog log = t.pt(0).packets();
        assertEquals(d.size(), log.size(), "every packet logged");
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            assertEquals(d.get(i).type(), log.type(i));
            out.add(new Object[] {d.get(i).packet(), log.get(i)});
        }
        return out;
    }

    @Test
    void mtcAndTmaFollowTheCrystalClock() {
        for (int period : new int[] {0, 3, 7}) {
            SimulatedTrace t = run(PtConfig.PERF_DEFAULT.withTiming(true, true, period, false, 0), period, 24, false);
            CrystalClock crystal = t.ptConfig().crystal();
            long r = t.ptConfig().tscCtcRatioN() / t.ptConfig().tscCtcRatioD();
            int mtcs = 0;
            long lastEdge = -1;
            long lastTsc = 0;
            for (Object[] p : packets(t)) {
                PacketLog.Entry e = (PacketLog.Entry) p[1];
                assertTrue(e.tsc() >= lastTsc, "emission times never decrease: " + e);
                lastTsc = e.tsc();
                if (p[0] instanceof Packet.Mtc m) {
                    long edge = e.value();
                    long k = crystal.ctc(edge);
                    assertEquals(edge, crystal.edgeTsc(k), "an MTC stands for a crystal edge");
                    assertEquals(0, k % (1L << period), "whose CTC bit " + period + " flips");
                    assertEquals((k >>> period) & 0xff, m.ctc(), "payload CTC[N+7:N]");
                    assertEquals(edge, e.tsc(), "emitted at its edge");
                    if (lastEdge >= 0) {
                        assertEquals(lastEdge + (1L << period) * r, edge, "consecutive MTCs one period apart");
                    }
                    lastEdge = edge;
                    mtcs++;
                } else if (p[0] instanceof Packet.Tma tma) {
                    long tsc = e.tsc();
                    long ctc = crystal.ctc(tsc);
                    assertEquals(ctc & 0xffff, tma.ctc());
                    assertEquals(tsc - crystal.edgeTsc(ctc), tma.fc());
                    // perf's intel_pt_calc_tma: the last MTC edge at or before the TSC.
                    long perfCtcTimestamp = tsc - tma.fc() - (tma.ctc() & ((1L << period) - 1)) * r;
                    assertEquals(crystal.edgeTsc(ctc - ctc % (1L << period)), perfCtcTimestamp);
                    // libipt's pt_time_update_tma: base = TSC - FC, the last crystal edge.
                    assertEquals(crystal.edgeTsc(ctc), tsc - tma.fc());
                    lastEdge = -1;
                } else if (p[0] instanceof Packet.Tsc tsc) {
                    assertEquals(e.tsc() & 0x00ff_ffff_ffff_ffffL, tsc.tsc());
                }
            }
            assertTrue(mtcs > (period == 7 ? 3 : 10), "MTCs " + mtcs);
        }
    }

    @Test
    void cycCountsTheCoreCyclesBetweenPackets() {
        for (int ratio : new int[] {24, 48, 12}) {
            for (int thresh : new int[] {0, 3, 6}) {
                SimulatedTrace t = run(PtConfig.PERF_DEFAULT.withTiming(true, true, 3, true, thresh), thresh, ratio, false);
                long start = t.pt(0).startTsc();
                long cycles = 0;
                long minimum = thresh == 0 ? 1 : 1L << (thresh - 1);
                int n = 0;
                for (Object[] p : packets(t)) {
                    if (p[0] instanceof Packet.Cyc c) {
                        PacketLog.Entry e = (PacketLog.Entry) p[1];
                        assertTrue(c.cycles() >= minimum, "threshold " + thresh + ": " + c.cycles());
                        cycles += c.cycles();
                        // Core cycles at ratio R are TSC ticks x R / 24; the jitter-free model keeps them exact.
                        long tsc = start + cycles * 24 / ratio;
                        assertTrue(Math.abs(tsc - e.tsc()) <= 1, "CYC sum " + tsc + " vs emission " + e.tsc());
                        n++;
                    }
                }
                assertTrue(n > 100, "CYCs " + n);
            }
        }
    }

    @Test
    void aCbrFollowsEveryFrequencyChange() {
        SimulatedTrace t = run(PtConfig.PERF_DEFAULT, 4, 24, true);
        List<Integer> cbrs = new ArrayList<>();
        for (Object[] p : packets(t)) {
            if (p[0] instanceof Packet.Cbr c) {
                cbrs.add(c.ratio());
            }
        }
        assertEquals(24, cbrs.get(0));
        assertTrue(cbrs.contains(36) && cbrs.contains(12));
        assertEquals(List.of(24, 36, 12), cbrs.stream().distinct().toList());
    }

    /**
     * libipt's time at each of its tick events is a time the model emitted: with CYC (alone or
     * with MTC) the last timing packet plus the cycle counts (calibrated from CBR, exact here) is
     * the start time of the instruction whose packet the CYC preceded, the one libipt just decoded;
     * with MTC and no CYC, a crystal edge or a TSC.
     */
    @Test
    void libiptTimesTheTicksAsTheModelEmittedThem() throws Exception {
        LibiptHarness h = LibiptHarness.build();
        for (long seed = 1; seed <= 9; seed++) {
            boolean cyc = seed % 3 != 1;
            boolean mtc = seed % 3 != 2;
            PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(true, mtc, (int) seed % 4, cyc, 0);
            SimulatedTrace t = run(pt, seed, 24, false);
            Set<Long> values = new HashSet<>();
            PacketLog log = t.pt(0).packets();
            for (int i = 0; i < log.size(); i++) {
                PacketType ty = log.type(i);
                if (ty == PacketType.MTC || ty == PacketType.TSC) {
                    values.add(log.value(i));
                } else if (ty == PacketType.CYC) {
                    values.add(log.tsc(i));
                }
            }
            Path dir = Files.createDirectories(tmp.resolve("s" + seed));
            LibiptRun r = LibiptRun.of(h, t, 0, dir, true);
            assertEquals(List.of(), r.errors());
            List<Executed> insns = t.groundTruth().instructions(0, CplFilter.KERNEL);
            int index = -1;
            int ticks = 0;
            for (String l : r.lines()) {
                if (l.startsWith("insn ")) {
                    index++;
                } else if (l.startsWith("event tick")) {
                    long tsc = Long.parseUnsignedLong(l.substring(l.indexOf("tsc=0x") + 6), 16);
                    assertTrue(values.contains(tsc), "seed " + seed + ": libipt's tick at " + tsc
                            + " is no time the model emitted: " + l);
                    if (cyc && index >= 0) {
                        assertEquals(insns.get(index).tsc(), tsc, "the CYC times the instruction just decoded: " + l);
                    }
                    ticks++;
                }
            }
            assertTrue(ticks > (cyc ? 1000 : 10), "ticks " + ticks);
        }
    }
}
