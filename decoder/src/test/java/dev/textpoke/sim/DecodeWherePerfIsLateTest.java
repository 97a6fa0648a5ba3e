package dev.textpoke.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.cli.CliRun;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.patch.Flips;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's point: where perf 6.1 is late with code modifications ({@link PerfLatenessTest}'s
 * coarse runs: MTC every 512 crystal ticks, INT3-protocol syncs of 500 cycles, jump labels and
 * ftrace sites flipped), {@code textpoke decode --insns} on the same perf.data lists what ran:
 * per CPU, every instruction it does not mark ambiguous is the one the simulator executed, with
 * the bytes it executed, in order (an ambiguous stretch is skipped, and the decode must meet what
 * ran again right after it: at the place nearest to where the stretch's length puts it, since the
 * JSON does not say which readings were compared). perf, on the same files, decodes sites with their old bytes after
 * the poke and then walks paths the CPUs did not take; and {@code --no-replay} fails outright.
 */
class DecodeWherePerfIsLateTest {
    @TempDir
    static Path tmp;
    private static PerfTool perf;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
    }

    private static final Pattern INSN = Pattern.compile(
            "^\\{\"cpu\":(\\d+),\"time\":-?\\d+,\"type\":\"insn\",\"ip\":\"0x([0-9a-f]+)\",.*\"bytes\":\"([0-9a-f]+)\",.*"
                    + "\"ambiguous\":(true|false)\\}$");

    record Decoded(int cpu, long ip, String bytes, boolean ambiguous) {}

    static SimulatedTrace run(long seed) {
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(2, 0).withSites(6, 6, 8, 0), seed);
        long start = ClockConfig.defaults().startTsc();
        long end = start + 200_000;
        List<PatchPlan> plans = Flips.random(p, new Int3Protocol(500, 20, -1), KprobeProtocol.defaults(), start + 1_000,
                end, 8, 0, 2, seed);
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed)
                .pt(PtModelConfig.defaults(CplFilter.KERNEL).withPt(PtConfig.PERF_DEFAULT.withTiming(true, true, 9, false, 0)))
                .until(end);
        plans.forEach(b::patches);
        return b.run();
    }

    @Test
    void textpokeDecodesWhatRanWherePerfReadsStaleBytes() throws Exception {
        long perfWrong = 0;
        long checked = 0;
        long ambiguous = 0;
        long errorsWithoutReplay = 0;
        for (long seed = 1; seed <= 3; seed++) {
            SimulatedTrace t = run(seed);
            Path dir = tmp.resolve("late" + seed + ".data");
            new PerfDataExport(t).write(dir);
            PerfScript p = PerfScript.run(perf, dir);
            CliRun r = CliRun.of("decode", "--insns", "--json", dir.toString());
            assertEquals(0, r.status(), r.err());
            List<Decoded> ours = new ArrayList<>();
            for (String l : r.out().split("\n")) {
                Matcher m = INSN.matcher(l);
                if (m.matches()) {
                    ours.add(new Decoded(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(2), 16),
                            m.group(3), m.group(4).equals("true")));
                } else {
                    assertTrue(!l.contains("\"type\":\"issue\""), "seed " + seed + ": textpoke reports " + l);
                }
            }
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                List<Executed> truth = t.groundTruth().instructions(cpu, CplFilter.KERNEL);
                int c = cpu;
                List<Decoded> mine = ours.stream().filter(d -> d.cpu() == c).toList();
                String what = "seed " + seed + " cpu " + cpu;
                checked += check(truth, mine, what);
                ambiguous += mine.stream().filter(Decoded::ambiguous).count();
                perfWrong += wrongFrom(truth, p.cpu(cpu));
            }
            CliRun base = CliRun.of("decode", "--summary", "--json", "--no-replay", dir.toString());
            Matcher m = Pattern.compile("\"errors\":(\\d+)").matcher(base.out());
            assertTrue(m.find(), base.out());
            errorsWithoutReplay += Long.parseLong(m.group(1));
        }
        System.out.printf("where perf is late: textpoke %d instructions checked against what ran (%d ambiguous);"
                + " perf wrong from %d instructions on; without replay %d errors%n", checked, ambiguous, perfWrong,
                errorsWithoutReplay);
        assertTrue(checked > 100_000, "checked " + checked);
        assertTrue(perfWrong > 0, "perf was never wrong here: the test shows nothing");
        assertTrue(errorsWithoutReplay > 0, "without replay the decode does not fail");
    }

    /**
     * The decode against what ran: every unambiguous instruction in order, ambiguous runs skipped
     * with the decode meeting what ran again after each. Returns the instructions compared.
     */
    private static long check(List<Executed> truth, List<Decoded> decoded, String what) {
        int t = 0;
        int j = 0;
        long compared = 0;
        while (j < decoded.size()) {
            if (decoded.get(j).ambiguous()) {
                int end = j;
                while (end < decoded.size() && decoded.get(end).ambiguous()) {
                    end++;
                }
                // What ran meets the decode again where the next instructions (up to 32, up to the
                // next ambiguous one) agree: of the places they do (loops repeat), the one nearest
                // to where the stretch's length puts it.
                int anchor = end;
                while (anchor < decoded.size() && anchor < end + 32 && !decoded.get(anchor).ambiguous()) {
                    anchor++;
                }
                int expected = t + (end - j);
                int found = end == decoded.size() ? truth.size() : -1;
                for (int d = 0; found < 0 && d <= truth.size(); d++) {
                    for (int u : new int[] {expected - d, expected + d}) {
                        if (found < 0 && u >= t && u < truth.size() && matches(truth, u, decoded.subList(end, anchor))) {
                            found = u;
                        }
                    }
                    if (expected - d < t && expected + d >= truth.size()) {
                        break;
                    }
                }
                if (found < 0) {
                    fail(what + ": after the ambiguous instructions " + j + ".." + end + " the decode never meets what ran");
                }
                t = found;
                j = end;
                continue;
            }
            Decoded d = decoded.get(j);
            if (t >= truth.size() || !same(truth.get(t), d)) {
                fail(what + ": decoded " + j + " " + Long.toHexString(d.ip()) + " " + d.bytes() + " is not what ran: "
                        + (t < truth.size() ? truth.get(t) : "(nothing)"));
            }
            t++;
            j++;
            compared++;
        }
        assertTrue(truth.size() - t <= 64, what + ": the decode ends " + (truth.size() - t) + " instructions early");
        return compared;
    }

    private static boolean matches(List<Executed> truth, int at, List<Decoded> part) {
        if (at + part.size() > truth.size()) {
            return false;
        }
        for (int i = 0; i < part.size(); i++) {
            if (!same(truth.get(at + i), part.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(Executed e, Decoded d) {
        return e.ip() == d.ip() && e.insn().bytes().hex().equals(d.bytes());
    }

    /** How many of perf's instructions, from its first wrong one on, are not what ran (0 if none is). */
    private static long wrongFrom(List<Executed> truth, List<PerfScript.Insn> perfs) {
        int n = Math.min(truth.size(), perfs.size());
        for (int i = 0; i < n; i++) {
            Executed e = truth.get(i);
            PerfScript.Insn p = perfs.get(i);
            if (e.ip() != p.ip() || !e.insn().bytes().spacedHex().equals(p.bytes())) {
                return perfs.size() - i;
            }
        }
        return 0;
    }
}
