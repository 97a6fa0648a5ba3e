package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.SiteKind;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.lbr.LbrExport;
import dev.textpoke.sim.lbr.LbrRecorder;
import dev.textpoke.sim.lbr.LbrSample;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LBR recordings of random kernels run by the simulator ({@code dev.textpoke.sim}), whose 2- and
 * 5-byte jump labels and ftrace sites flip through the x86 INT3 protocol and whose kprobes are armed
 * and disarmed while the CPUs run them, with interrupts and exceptions, sampled by the simulated
 * PMU ({@link LbrRecorder}) and written with the TEXT_POKE records and a kcore copy ({@link
 * LbrExport}):
 * <ul>
 *   <li>every instruction {@code textpoke branches --insns} prints for a range is the one the CPU
 *       executed there (ground truth: every instruction of every CPU, with its bytes);
 *   <li>perf's brstackinsn, on the same file, shows other instructions on the ranges that ran
 *       before a modification their sample came after, counted here;
 *   <li>{@code --summary}'s corrected count is the number of ranges whose code at the sample's
 *       time (the announced pokes applied, as the simulator's own timeline has them) is not what
 *       ran; none is inconsistent.
 * </ul>
 * The instruction an asynchronous branch leaves from (an interrupted or faulting instruction, an
 * {@code int3}) did not execute and ends its range without being compared; a stack's final block
 * is the sample's own instruction, which has not executed either.
 */
class SimLbrGroundTruthTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    record Run(SimulatedTrace trace, List<LbrSample> samples, LbrExport export) {}

    static Run run(long seed, int cpus, long period, long ticks, int flips) {
        Program p = RandomProgram.generate(RandomProgramConfig.kernelOnly(30, cpus).withSites(4, 4, 4, 3), seed);
        long start = ClockConfig.defaults().startTsc();
        long end = start + ticks;
        // Syncs of 60 ticks: a stack of 16 branches spans a few hundred ticks, so with the default
        // syncs (2000 ticks) it hardly ever holds code from before a modification that its sample
        // comes after; with these, many do. Each jump label and ftrace site flips {@code flips}
        // times, each kprobe is armed and disarmed {@code flips / 4} times, at seeded random times.
        Int3Protocol int3 = new Int3Protocol(60, 4, RandomProgram.CALL_FUNCTION_VECTOR);
        KprobeProtocol kprobes = new KprobeProtocol(60, 4);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<PatchPlan> plans = new ArrayList<>();
        long from = start + 5_000;
        long span = end - 5_000 - from;
        for (dev.textpoke.sim.program.Site site : p.sites()) {
            boolean kprobe = site.kind() == SiteKind.KPROBE_ARM;
            int n = kprobe ? flips / 4 : flips;
            if (n == 0) {
                continue;
            }
            long slot = span / n;
            boolean on = false;
            for (int k = 0; k < n; k++) {
                long t = from + k * slot + rnd.nextLong(Math.max(1, slot / 4));
                if (kprobe) {
                    plans.add(kprobes.probe(site.address(), site.initial(), site.target(),
                            p.bytes(site.target(), site.initial().length() + 1), t + 200, t + slot / 2, 0));
                } else {
                    plans.add(int3.single(on ? dev.textpoke.sim.patch.Patch.disable(site)
                            : dev.textpoke.sim.patch.Patch.enable(site), t, 0, cpus));
                    on = !on;
                }
            }
        }
        List<Interrupt> irqs = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 40; i++) {
            irqs.add(Interrupt.at(r.nextInt(cpus), start + 1000 + r.nextLong(end - start - 2000), RandomProgram.TIMER_VECTOR));
        }
        List<LbrSample> samples = new ArrayList<>();
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed).cpus(cpus).until(end)
                .interrupts(irqs).groundTruth(true)
                .listener(new LbrRecorder(LbrRecorder.Config.kernel(period), seed, samples::add));
        plans.forEach(b::patches);
        SimulatedTrace t = b.run();
        return new Run(t, samples, new LbrExport(t));
    }

    static String hex(Executed e) {
        return e.ip() + ":" + e.insn().bytes().hex();
    }

    /**
     * What ran, per range of a sample, oldest first, as "address:bytes", as {@code branches --insns}
     * lists them; null for a range not compared (the final block), and an async entry's source
     * (did not execute) is marked {@code ?address}.
     */
    static List<List<String>> truth(LbrSample s, List<Executed> ran) {
        List<List<String>> out = new ArrayList<>();
        int n = s.size();
        out.add(s.fromIndex()[n - 1] >= 0 ? List.of(hex(ran.get((int) s.fromIndex()[n - 1]))) : List.of("?" + s.from()[n - 1]));
        for (int i = n - 2; i >= 0; i--) {
            List<String> r = new ArrayList<>();
            long first = s.nextIndex()[i + 1];
            long last = s.fromIndex()[i] >= 0 ? s.fromIndex()[i] : s.nextIndex()[i] - 1;
            for (long k = first; k <= last; k++) {
                r.add(hex(ran.get((int) k)));
            }
            if (s.fromIndex()[i] < 0) {
                r.add("?" + s.from()[i]);
            }
            out.add(r);
        }
        if (s.from()[0] != s.ip()) {
            out.add(null);
        }
        return out;
    }

    /**
     * Per sample, per range oldest first, the instructions as "address:bytes", the last element
     * "corrected=B ambiguous=B" (the range's flags).
     */
    static List<List<List<String>>> ours(String json) {
        Map<Long, Map<Long, List<String>>> by = new LinkedHashMap<>();
        for (String line : json.split("\n")) {
            Map<String, Object> o = MiniJson.object(line);
            List<String> r = by.computeIfAbsent((Long) o.get("sample"), k -> new LinkedHashMap<>())
                    .computeIfAbsent((Long) o.get("range"), k -> new ArrayList<>());
            String flags = "corrected=" + o.get("corrected") + " ambiguous=" + o.get("ambiguous");
            if (!r.isEmpty()) {
                r.remove(r.size() - 1);
            }
            r.add(Long.parseUnsignedLong(((String) o.get("ip")).substring(2), 16) + ":" + o.get("bytes"));
            r.add(flags);
        }
        List<List<List<String>>> out = new ArrayList<>();
        by.values().forEach(m -> out.add(new ArrayList<>(m.values())));
        return out;
    }

    /** Whether {@code got} (ours or perf's) shows exactly what ran, the unexecuted source aside. */
    static boolean same(List<String> want, List<String> got) {
        if (got.size() != want.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith("?") ? !got.get(i).startsWith(w.substring(1) + ":") : !w.equals(got.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void everyRangeIsWhatRanWhilePerfReadsTheSamplesCode() throws Exception {
        long instructions = 0;
        long ranges = 0;
        long perfWrongRanges = 0;
        long perfWrong = 0;
        long corrected = 0;
        long ambiguousAtAsync = 0;
        Map<SiteKind, Integer> wrongBySite = new java.util.TreeMap<>();
        int[] kinds = new int[SiteKind.values().length];
        for (long seed = 1; seed <= 3; seed++) {
            Run run = run(seed, 2, 4, 500_000, 120);
            Path dir = tmp.resolve("sim" + seed);
            run.export().write(dir, run.samples(), new LbrTraceWriter.Config(4, false, 2));
            for (Poke k : run.trace().pokes()) {
                kinds[k.kind().ordinal()]++;
            }
            CliRun insns = CliRun.of("branches", "--insns", "--json", dir.toString());
            assertEquals(ExitStatus.OK, insns.status(), insns.err());
            List<List<List<String>>> ours = ours(insns.out());
            assertEquals(run.samples().size(), ours.size(), "samples");
            List<List<Executed>> ran = new ArrayList<>();
            for (int cpu = 0; cpu < run.trace().cpus(); cpu++) {
                ran.add(run.trace().groundTruth().instructions(cpu, CplFilter.BOTH));
            }
            PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
            assertEquals(0, p.status(), p.err());
            List<List<PerfBrstackinsnOutput.Block>> perfs = PerfBrstackinsnOutput.parse(p.out());
            assertEquals(run.samples().size(), perfs.size(), "perf's samples");
            CodeTimeline announced = run.trace().announcedCode();
            for (int s = 0; s < ours.size(); s++) {
                LbrSample sample = run.samples().get(s);
                List<List<String>> want = truth(sample, ran.get(sample.cpu()));
                List<PerfBrstackinsnOutput.Block> blocks = perfs.get(s);
                int b = 0;
                for (int r = 0; r < want.size(); r++) {
                    List<String> w = want.get(r);
                    if (w == null) {
                        continue;
                    }
                    List<String> withFlags = ours.get(s).get(r);
                    List<String> got = withFlags.subList(0, withFlags.size() - 1);
                    String flags = withFlags.get(withFlags.size() - 1);
                    assertTrue(same(w, got), "seed " + seed + " sample " + s + " range " + r + ": ran " + w + ", textpoke " + got);
                    boolean executedOnly = w.stream().noneMatch(x -> x.startsWith("?"));
                    if (flags.contains("ambiguous=true")) {
                        // Only what did not execute can be in doubt: the instruction an interrupt,
                        // an exception or an int3 came at, which the code before it explains.
                        assertTrue(!executedOnly, "seed " + seed + " sample " + s + " range " + r + " ambiguous: " + w);
                        ambiguousAtAsync++;
                    }
                    ranges++;
                    instructions += w.stream().filter(x -> !x.startsWith("?")).count();
                    // perf's block for this range: the next one that ends where the range ends.
                    long end = Long.parseLong(got.get(got.size() - 1).split(":")[0]);
                    List<String> theirs = List.of();
                    for (int k = b; k < blocks.size(); k++) {
                        PerfBrstackinsnOutput.Block blk = blocks.get(k);
                        if (blk.jump() && blk.insns().get(blk.insns().size() - 1).address() == end) {
                            theirs = blk.insns().stream().map(x -> x.address() + ":" + x.bytes()).toList();
                            b = k + 1;
                            break;
                        }
                    }
                    if (!same(w, theirs)) {
                        perfWrongRanges++;
                        for (int i = 0; i < w.size(); i++) {
                            if (!w.get(i).startsWith("?") && (i >= theirs.size() || !w.get(i).equals(theirs.get(i)))) {
                                perfWrong++;
                            }
                        }
                    }
                    // The announced code at the sample's time against what ran. perf time has whole
                    // nanoseconds: the sample sees every poke of its nanosecond, as the file orders
                    // them, so the last TSC of that nanosecond stands for it.
                    long at = run.export().tscConversion().lastTscAtOrBefore(run.export().perfTime(sample.tsc()));
                    boolean differs = false;
                    for (String x : w) {
                        if (x.startsWith("?")) {
                            continue;
                        }
                        String[] f = x.split(":");
                        long addr = Long.parseLong(f[0]);
                        byte[] now = announced.bytes(addr, f[1].length() / 2, at).bytes().toArray();
                        if (!HexFormat.of().formatHex(now).equals(f[1])) {
                            differs = true;
                            // Which site: the one whose bytes this instruction holds.
                            for (dev.textpoke.sim.program.Site site : run.trace().program().sites()) {
                                if (site.address() >= addr && site.address() < addr + f[1].length() / 2) {
                                    wrongBySite.merge(site.kind(), 1, Integer::sum);
                                }
                            }
                        }
                    }
                    corrected += differs ? 1 : 0;
                    if (executedOnly) {
                        assertEquals(differs, flags.contains("corrected=true"),
                                "seed " + seed + " sample " + s + " range " + r + ": corrected flag, ran " + w);
                    }
                    if (!same(w, theirs) && !differs) {
                        System.out.println("perf wrong where the sample's code is what ran: seed " + seed + " sample "
                                + s + " range " + r + ": ran " + w + ", perf " + theirs);
                    }
                }
            }
            CliRun summary = CliRun.of("branches", "--summary", "--json", dir.toString());
            assertEquals(ExitStatus.OK, summary.status(), summary.err());
            Map<String, Object> sum = MiniJson.object(summary.out().strip());
            assertEquals(0L, sum.get("inconsistent_ranges"), "seed " + seed);
            assertEquals((long) run.samples().size(), sum.get("samples"));
            // The summary counts the ranges --insns lists, with their flags.
            long listed = 0;
            long correctedFlags = 0;
            long ambiguousFlags = 0;
            for (List<List<String>> sampleRanges : ours) {
                for (List<String> r : sampleRanges) {
                    listed++;
                    String flags = r.get(r.size() - 1);
                    correctedFlags += flags.contains("corrected=true") ? 1 : 0;
                    ambiguousFlags += flags.contains("ambiguous=true") ? 1 : 0;
                }
            }
            assertEquals(listed, sum.get("ranges"), "seed " + seed);
            assertEquals(correctedFlags, sum.get("corrected_ranges"), "seed " + seed);
            assertEquals(ambiguousFlags, sum.get("ambiguous_ranges"), "seed " + seed);
            System.out.println("seed " + seed + ": " + summary.out().strip());
        }
        System.out.printf("simulated LBR: %d ranges, %d instructions, 0 wrong; perf wrong on %d ranges (%d instructions);"
                + " ranges whose sample-time code differs from what ran: %d; ambiguous at an asynchronous branch: %d;"
                + " pokes by kind %s; sites of the instructions perf shows wrong %s%n", ranges, instructions,
                perfWrongRanges, perfWrong, corrected, ambiguousAtAsync, java.util.Arrays.toString(kinds), wrongBySite);
        assertEquals(corrected, perfWrongRanges, "perf is wrong exactly where the sample's code is not what ran");
        for (SiteKind k : List.of(SiteKind.JUMP_LABEL_2, SiteKind.JUMP_LABEL_5, SiteKind.FTRACE, SiteKind.KPROBE_ARM)) {
            assertTrue(wrongBySite.getOrDefault(k, 0) > 0, "stacks across " + k + " flips: " + wrongBySite);
        }
        assertTrue(instructions > 20_000, "instructions compared: " + instructions);
    }
}
