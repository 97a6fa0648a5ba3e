package dev.textpoke.pt.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.cases.TextpokeFlow;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.IpChoice;
import dev.textpoke.sim.pt.PtModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * textpoke's flow decoder against libipt's ({@code ptharness insn}, Intel's reference decoder) on
 * more than ten thousand Intel PT streams: the simulator's random kernels and user programs (no
 * code modifications, which libipt cannot follow), traced with random packet choices (timing
 * packets, IP compression, long TNTs, return compression, PSB spacing, interrupts and faults,
 * filters), one stream per CPU; a fifth of them damaged by one changed byte.
 *
 * <p>Whole streams must give the same instructions, one for one, and neither decoder an error.
 * Damaged ones must agree up to the first error either decoder reports (less the instruction libipt
 * returns with its error): the two resynchronise differently after it.
 */
class LibiptFlowDifferentialTest {
    static final int STREAMS = 10_000;
    static final long START = ClockConfig.defaults().startTsc();

    @TempDir
    static Path tmp;
    static InstructionClassifier classifier;
    static LibiptHarness harness;

    @BeforeAll
    static void open() throws Exception {
        classifier = InstructionClassifier.open(Isa.X86_64);
        harness = LibiptHarness.build();
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    /** One stream, its libipt arguments, and what textpoke made of it. */
    record Stream(String what, List<String> harnessArgs, List<String> ours, boolean damaged) {}

    @Test
    void textpokeAndLibiptReconstructTheSameInstructions() throws Exception {
        List<Stream> streams = new ArrayList<>();
        long seed = 0;
        while (streams.size() < STREAMS) {
            seed++;
            streams.addAll(simulate(seed));
        }
        List<List<String>> libipt = harness.insnBatch(streams.stream().map(Stream::harnessArgs).toList());
        long instructions = 0;
        int damaged = 0;
        int damagedWithErrors = 0;
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            List<String> theirs = TextpokeFlow.project(libipt.get(i));
            if (!s.damaged()) {
                if (!theirs.equals(s.ours())) {
                    fail(s.what() + ": " + firstDifference(theirs, s.ours()));
                }
                assertTrue(theirs.stream().noneMatch(l -> l.startsWith("error ")), s.what() + ": libipt errors " + theirs);
                instructions += theirs.size();
                continue;
            }
            damaged++;
            List<String> a = untilError(theirs);
            if (a.size() < theirs.size() && !a.isEmpty()) {
                // libipt returns the instruction at which it failed with the error (ptxed prints
                // it): whether it ran is not known
                a = a.subList(0, a.size() - 1);
            }
            List<String> b = untilError(s.ours());
            if (a.size() < theirs.size() || b.size() < s.ours().size()) {
                damagedWithErrors++;
            }
            int n = Math.min(a.size(), b.size());
            if (!a.subList(0, n).equals(b.subList(0, n))) {
                fail(s.what() + " (damaged, before the first error): " + firstDifference(a.subList(0, n), b.subList(0, n)));
            }
        }
        System.out.printf("libipt flow differential: %d streams (%d programs), %d instructions equal in whole"
                + " streams; %d damaged, %d of them with errors%n", streams.size(), seed, instructions, damaged,
                damagedWithErrors);
        assertTrue(streams.size() >= STREAMS, "streams " + streams.size());
        assertTrue(instructions > 5_000_000, "instructions compared " + instructions);
        assertTrue(damagedWithErrors > damaged / 4, "damaged streams with an error: " + damagedWithErrors + " of " + damaged);
    }

    /**
     * A random program's run as the differentials make it: its code, the harness's options and
     * images (written to {@code dir}, named after {@code prefix} and the seed), and each CPU's
     * stream (empty ones left out).
     */
    record Run(PtModelConfig pc, CodeTimeline code, List<String> options, List<String> images, List<byte[]> cpus,
            List<Integer> cpuNumbers) {}

    /**
     * @param maxCpus the program runs on 1 to {@code maxCpus} CPUs
     * @param instructions it runs {@code instructions} to twice as many instructions, about
     */
    static Run run(long seed, SplittableRandom r, Path dir, String prefix, int maxCpus, int instructions)
            throws Exception {
        int cpus = 1 + r.nextInt(maxCpus);
        int user = r.nextInt(cpus + 1);
        CplFilter filter = user == 0 ? CplFilter.KERNEL : CplFilter.values()[r.nextInt(3)];
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(cpus, user).withSites(0, 0, 0, 0), seed);
        PtModelConfig pc = config(r, filter);
        SimulatedTrace t = SimulatedTrace.builder().program(p).seed(seed).pt(pc).interrupts(interrupts(r, cpus))
                .maxInstructions(instructions + r.nextInt(instructions * 5)).groundTruth(false).run();
        List<String> images = new ArrayList<>();
        int k = 0;
        for (ImageSegment seg : t.image().segments()) {
            Path f = dir.resolve(prefix + seed + "-" + k++ + ".bin");
            Files.write(f, seg.bytes().toArray());
            images.add(f + "@0x" + Long.toHexString(seg.address()));
        }
        List<String> options = List.of("--mtc-freq", Integer.toString(pc.pt().mtcPeriod()),
                "--nom-freq", Integer.toString(t.clock().maxNonTurboRatio()),
                "--cpuid-0x15-eax", Long.toString(pc.tscCtcRatioD()),
                "--cpuid-0x15-ebx", Long.toString(pc.tscCtcRatioN()));
        List<byte[]> streams = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            byte[] bytes = t.pt(cpu).bytes().toArray();
            if (bytes.length > 0) {
                streams.add(bytes);
                numbers.add(cpu);
            }
        }
        return new Run(pc, t.announcedCode(), options, images, streams, numbers);
    }

    /** One random program run; its CPUs' streams, a fifth of them damaged. */
    private static List<Stream> simulate(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed * 7919);
        Run run = run(seed, r, tmp, "s", 3, 500);
        PtModelConfig pc = run.pc();
        CodeTimeline code = run.code();
        List<String> images = run.images();
        List<String> options = run.options();
        List<Stream> out = new ArrayList<>();
        for (int i = 0; i < run.cpus().size(); i++) {
            byte[] bytes = run.cpus().get(i);
            int cpu = run.cpuNumbers().get(i);
            boolean damage = r.nextInt(5) == 0;
            String what = "seed " + seed + " cpu " + cpu + " " + pc;
            if (damage) {
                int at = r.nextInt(bytes.length);
                int old = bytes[at] & 0xff;
                bytes[at] = (byte) (old ^ (1 + r.nextInt(255)));
                what += " byte " + at + " " + Integer.toHexString(old) + "->" + Integer.toHexString(bytes[at] & 0xff);
            }
            Path trace = tmp.resolve("s" + seed + "-cpu" + cpu + ".pt");
            Files.write(trace, bytes);
            List<String> args = new ArrayList<>(options);
            args.add(trace.toString());
            args.addAll(images);
            out.add(new Stream(what, args, TextpokeFlow.flow(bytes, code, classifier), damage));
        }
        return out;
    }

    static PtModelConfig config(SplittableRandom r, CplFilter filter) {
        boolean coarse = r.nextBoolean();
        PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(r.nextInt(4) != 0, !coarse || r.nextBoolean(),
                        coarse ? 6 + r.nextInt(4) : r.nextInt(4), !coarse && r.nextInt(3) == 0, r.nextInt(4))
                .withReturnCompression(r.nextInt(4) != 0);
        return PtModelConfig.defaults(filter).withPt(pt)
                .withIpChoice(r.nextBoolean() ? IpChoice.RANDOM : IpChoice.SMALLEST, r.nextLong())
                .withLongTnt(r.nextBoolean())
                .withPsbBytes(r.nextBoolean() ? 0 : 64 + r.nextInt(2048));
    }

    static List<Interrupt> interrupts(SplittableRandom r, int cpus) {
        List<Interrupt> irqs = new ArrayList<>();
        for (int i = 0, n = r.nextInt(6); i < n; i++) {
            int cpu = r.nextInt(cpus);
            long at = START + r.nextLong(20_000);
            irqs.add(r.nextInt(4) == 0 ? Interrupt.fault(cpu, at) : Interrupt.at(cpu, at, RandomProgram.TIMER_VECTOR));
        }
        return irqs;
    }

    private static List<String> untilError(List<String> lines) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("error ")) {
            i++;
        }
        return lines.subList(0, i);
    }

    /** Where two line lists first differ, with a few lines around it: for a failure's message. */
    static String firstDifference(List<String> libipt, List<String> ours) {
        int i = 0;
        while (i < libipt.size() && i < ours.size() && libipt.get(i).equals(ours.get(i))) {
            i++;
        }
        return "differ at line " + (i + 1) + " of " + libipt.size() + "/" + ours.size() + "\n  libipt:   "
                + libipt.subList(Math.max(0, i - 2), Math.min(libipt.size(), i + 4)) + "\n  textpoke: "
                + ours.subList(Math.max(0, i - 2), Math.min(ours.size(), i + 4));
    }
}
