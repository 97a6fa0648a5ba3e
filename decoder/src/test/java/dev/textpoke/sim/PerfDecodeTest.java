package dev.textpoke.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.truth.Executed;
import dev.textpoke.sim.truth.Mismatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end path against perf 6.1: a program runs on the simulated machine, the PT model
 * traces it, the run is written as a perf.data directory with its kcore copy, and {@code perf
 * script --itrace=i0ns} decodes exactly the instructions each CPU executed, in order, with their
 * bytes; its timestamps are the last timing packet's, never after the instruction. Kernel code
 * comes from the kcore copy, user code from the file its MMAP2 names.
 */
class PerfDecodeTest {
    @TempDir
    static Path tmp;
    private static PerfTool perf;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
    }

    private record Case(String name, SimulatedTrace trace) {}

    private static SimulatedTrace.Builder base(Program p, PtModelConfig pt, long seed) {
        return SimulatedTrace.builder().program(p).seed(seed).pt(pt).maxInstructions(20_000);
    }

    private static List<Interrupt> interrupts(int cpus, long seed) {
        long s = ClockConfig.defaults().startTsc();
        List<Interrupt> l = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 12; i++) {
            int cpu = r.nextInt(cpus);
            long at = s + 500 + r.nextLong(40_000);
            l.add(i % 4 == 3 ? Interrupt.fault(cpu, at) : Interrupt.at(cpu, at, RandomProgram.TIMER_VECTOR));
        }
        return l;
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        RandomProgramConfig kernel = RandomProgramConfig.kernelOnly(40, 2);
        PtModelConfig k = PtModelConfig.defaults(CplFilter.KERNEL);
        c.add(new Case("loops, calls and returns, compressed", base(RandomProgram.generate(kernel, 1), k, 1).run()));
        c.add(new Case("returns uncompressed", base(RandomProgram.generate(kernel, 2),
                k.withPt(PtConfig.PERF_DEFAULT.withReturnCompression(false)), 2).run()));
        c.add(new Case("interrupts and exceptions, 3 CPUs", base(RandomProgram.generate(kernel.withCpus(3, 0), 3), k, 3)
                .interrupts(interrupts(3, 3)).run()));
        c.add(new Case("MTC every crystal tick, CYC, PSB every 2 KB", base(RandomProgram.generate(kernel, 4),
                k.withPt(PtConfig.PERF_DEFAULT.withTiming(true, true, 0, true, 0).withPsbPeriod(0)), 4).run()));
        c.add(new Case("TSC only, core at 3.6 GHz", base(RandomProgram.generate(kernel, 5),
                k.withPt(PtConfig.PERF_DEFAULT.withTiming(true, false, 0, false, 0)), 5).coreRatio(0, 36).run()));
        c.add(new Case("user CPUs entering the kernel by syscall, //k",
                base(RandomProgram.generate(RandomProgramConfig.defaults().withSites(0, 0, 0, 0).withCpus(2, 1), 6), k, 6)
                        .interrupts(interrupts(2, 6)).run()));
        RandomProgramConfig users = RandomProgramConfig.defaults().withSites(0, 0, 0, 0).withCpus(2, 2);
        c.add(new Case("user code through its MMAP2'd file, //u",
                base(RandomProgram.generate(users, 7), PtModelConfig.defaults(CplFilter.USER), 7)
                        .interrupts(interrupts(2, 7)).run()));
        c.add(new Case("user and kernel, //", base(RandomProgram.generate(users.withCpus(3, 2), 8),
                PtModelConfig.defaults(CplFilter.BOTH), 8).interrupts(interrupts(3, 8)).run()));
        return c;
    }

    @Test
    void perfDecodesExactlyWhatEachCpuExecuted() throws Exception {
        int n = 0;
        for (Case c : cases()) {
            SimulatedTrace t = c.trace();
            PerfDataExport export = new PerfDataExport(t);
            Path dir = tmp.resolve("case" + n++);
            export.write(dir);
            PerfScript s = PerfScript.run(perf, dir, "--symfs", dir.toString());
            CplFilter filter = t.ptConfig().filter();
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                Optional<Mismatch> m = t.groundTruth().firstDifference(cpu, filter, s.ips(cpu));
                assertTrue(m.isEmpty(), c.name() + ": " + m.map(Mismatch::toString).orElse("") + "\n" + s.other());
                List<Executed> truth = t.groundTruth().instructions(cpu, filter);
                List<PerfScript.Insn> decoded = s.cpu(cpu);
                assertTrue(truth.size() > 200, c.name() + ": cpu " + cpu + " ran " + truth.size());
                // perf stamps an instruction with the last timing packet it read: it lags by at most
                // twice the largest gap between two MTC or TSC values (a straight run decoded before
                // the next packet is read may run past the next edge).
                long gap = 0;
                long last = t.pt(cpu).startTsc();
                dev.textpoke.sim.pt.PacketLog log = t.pt(cpu).packets();
                for (int i = 0; i < log.size(); i++) {
                    var ty = log.type(i);
                    if (ty == dev.textpoke.pt.packet.PacketType.MTC || ty == dev.textpoke.pt.packet.PacketType.TSC) {
                        gap = Math.max(gap, log.value(i) - last);
                        last = log.value(i);
                    }
                }
                gap = Math.max(gap, t.pt(cpu).endTsc() - last);
                long maxLag = 0;
                for (int i = 0; i < truth.size(); i++) {
                    maxLag = Math.max(maxLag, export.perfTime(truth.get(i).tsc()) - decoded.get(i).time());
                }
                long bound = export.perfTime(t.clock().startTsc() + 2 * gap) - export.perfTime(t.clock().startTsc());
                assertTrue(maxLag <= bound, c.name() + ": perf lags " + maxLag + " ns, gap " + gap + " ticks");
                for (int i = 0; i < truth.size(); i++) {
                    Executed e = truth.get(i);
                    PerfScript.Insn d = decoded.get(i);
                    assertEquals(e.insn().bytes().spacedHex(), d.bytes(), c.name() + " bytes of " + e);
                    long ns = export.perfTime(e.tsc());
                    // perf estimates the time of a return from the kernel and of the user code after
                    // it (2 cycles per instruction since the last timing packet,
                    // intel_pt_estimate_timestamp): there, and only there, it may run ahead.
                    boolean toUser = e.insn().op() == dev.textpoke.sim.code.Op.IRET
                            || e.insn().op() == dev.textpoke.sim.code.Op.SYSRET;
                    long ahead = filter == CplFilter.BOTH && (e.user() || toUser) ? 1_000 : 0;
                    assertTrue(d.time() <= ns + ahead, c.name() + ": perf's time " + d.time() + " after the instruction's " + ns);
                }
            }
        }
    }
}
