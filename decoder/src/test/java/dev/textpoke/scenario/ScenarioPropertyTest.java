package dev.textpoke.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.scenario.fuzz.RandomScenario;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.score.Truth;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.sim.exec.CplFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random scenarios (random workloads, keys, schedules, interrupts and timing up to perf's default)
 * under the x86 INT3 protocol and the arm64 brk-mediated one decode to exactly what ran: on every
 * CPU no instruction wrong, none missed, no desynchronisation; and every stretch the decoder marks
 * ambiguous is undecidable from the trace: what ran there and what was decoded give the same
 * trace (the same taken/not-taken outcomes, indirect targets and asynchronous transfers for Intel
 * PT; the same atoms, addresses and exceptions for the waypoint trace). Under arm64 nosync, the
 * decode is consistent with what ran.
 */
class ScenarioPropertyTest {
    static final int SEEDS = 12;

    @Test
    void int3RandomScenariosDecodeExactly() throws Exception {
        check(Protocol.byName("x86-int3"), 1000);
    }

    @Test
    void brkRandomScenariosDecodeExactly() throws Exception {
        check(Protocol.byName("arm64-brk"), 2000);
    }

    /**
     * Under arm64 nosync a CPU may run the old or the new word at every visit inside a window, and
     * the decoder follows every reading the trace leaves: no desynchronisation, the unmarked
     * instructions are what ran ({@link UnmarkedPlacement}, which places no stretch on its own),
     * and the scorer, placing each ambiguous stretch where the instructions after it ran at the
     * time the decode gives them, counts nothing wrong or missed. The scorer that measured
     * agreement past the next stretch and looked no further than 48 instructions from a stretch's
     * own length counted 5 of these 12 seeds wrong (up to 16,791 instructions on a CPU).
     */
    @Test
    void nosyncRandomScenariosDecodeConsistentlyWithWhatRan() throws Exception {
        Protocol p = Protocol.byName("arm64-nosync");
        long[] instructions = {0};
        int ran = eachCpu(p, 3000, (what, r, cs, truth, decoded) -> {
            assertEquals(0, cs.desyncs(), what);
            String problem = UnmarkedPlacement.problem(truth, decoded);
            assertNull(problem, what + ": " + problem);
            assertEquals(0, cs.wrong(), what + ": " + cs.runs());
            assertEquals(0, cs.missed(), what + ": " + cs.runs());
            instructions[0] += cs.decoded();
        });
        assertTrue(ran >= SEEDS * 3 / 4, "only " + ran + " of " + SEEDS + " random scenarios ran");
        assertTrue(instructions[0] > 100_000, "instructions " + instructions[0]);
    }

    /** A check of one CPU's decode (textpoke's, replay on) of a random scenario. */
    private interface CpuCheck {
        void check(String what, ProtocolResult r, CpuScore cs, List<Truth> truth,
                List<dev.textpoke.scenario.score.Decoded> decoded) throws Exception;
    }

    /**
     * Runs the random scenarios of {@link #SEEDS} seeds from {@code firstSeed} under {@code p} and
     * checks every CPU; returns how many ran (a random layout that cannot be assembled, a 2-byte
     * jump out of reach, is not a decode).
     */
    private static int eachCpu(Protocol p, long firstSeed, CpuCheck check) throws Exception {
        int ran = 0;
        for (long seed = firstSeed; seed < firstSeed + SEEDS; seed++) {
            ProtocolResult r;
            try {
                r = ScenarioRunner.run(RandomScenario.generate(seed, p), p, RunOptions.defaults().keepingDecodes());
            } catch (ScenarioFileException e) {
                assertEquals(ScenarioFileException.Kind.BAD_WORKLOAD, e.kind(), e.getMessage());
                continue;
            }
            ran++;
            DecoderResult d = r.decode("textpoke", true);
            for (CpuScore cs : d.cpus()) {
                check.check("seed " + seed + " " + p.name() + " cpu " + cs.cpu(), r, cs,
                        ScenarioRunner.truth(r.trace().groundTruth(), cs.cpu(), CplFilter.KERNEL),
                        d.instructions().get(cs.cpu()));
            }
        }
        return ran;
    }

    private static void check(Protocol p, long firstSeed) throws Exception {
        long[] instructions = {0};
        long[] stretches = {0};
        int ran;
        try (InstructionClassifier c = InstructionClassifier.open(p.isa())) {
            ran = eachCpu(p, firstSeed, (what, r, cs, truth, decoded) -> {
                assertEquals(0, cs.wrong(), what + ": " + cs.runs());
                assertEquals(0, cs.missed(), what + ": " + cs.runs());
                assertEquals(0, cs.desyncs(), what);
                instructions[0] += cs.decoded();
                for (Run x : cs.runs()) {
                    if (x.kind() == Run.Kind.AMBIGUOUS) {
                        undecidable(c, p.isa(), x, truth, decoded, what);
                        stretches[0]++;
                    }
                }
            });
        }
        assertTrue(ran >= SEEDS * 3 / 4, p.name() + ": only " + ran + " of " + SEEDS + " random scenarios ran");
        assertTrue(instructions[0] > 100_000, "instructions " + instructions[0]);
        System.out.println(p.name() + ": " + ran + " random scenarios, " + instructions[0] + " instructions, "
                + stretches[0] + " ambiguous stretches checked undecidable");
    }

    /** What ran over the stretch and what was decoded give the trace the same symbols. */
    private static void undecidable(InstructionClassifier c, Isa isa, Run x, List<Truth> truth,
            List<dev.textpoke.scenario.score.Decoded> decoded, String what) {
        int t = (int) x.truthIndex();
        int j = (int) x.decodedIndex();
        List<String> a = symbols(c, isa, truth.subList(t, (int) Math.min(truth.size(), t + x.truthCount() + 1)).stream()
                .map(y -> new Object[] {y.address(), y.hex()}).toList());
        List<String> b = symbols(c, isa, decoded.subList(j, (int) Math.min(decoded.size(), j + x.count() + 1)).stream()
                .map(y -> new Object[] {y.address(), y.hex()}).toList());
        assertEquals(a, b, what + ": the ambiguous stretch " + x + " is decidable: what ran and what was decoded give"
                + " other trace outcomes");
    }

    /**
     * The trace symbols of a path (the last instruction only says where the path goes on): Intel
     * PT: T/N per conditional branch, R per return, the target of indirect transfers, and of
     * asynchronous ones; the waypoint trace: E/N per branch, the target of indirect ones and of
     * exceptions.
     */
    static List<String> symbols(InstructionClassifier c, Isa isa, List<Object[]> path) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            long at = (Long) path.get(i)[0];
            long next = (Long) path.get(i + 1)[0];
            byte[] bytes = Bytes.ofHex((String) path.get(i)[1]).toArray();
            Instruction insn = assertInstanceOf(Instruction.class, c.classify(bytes, 0, bytes.length, at));
            BranchClass k = insn.branchClass();
            boolean fall = next == insn.next();
            String sym = switch (k) {
                case CONDITIONAL -> fall ? "N" : "T";
                case RETURN -> isa == Isa.X86_64 ? "R" : "E@" + Long.toHexString(next);
                case INDIRECT, FAR_TRANSFER -> "E@" + Long.toHexString(next);
                case CALL -> insn.hasTarget() ? (isa == Isa.A64 ? "E" : null) : "E@" + Long.toHexString(next);
                case UNCONDITIONAL_DIRECT -> isa == Isa.A64 ? "E" : null;
                case TRAP -> "X@" + Long.toHexString(next);
                default -> fall ? null : "X@" + Long.toHexString(next);
            };
            if (isa == Isa.A64 && k == BranchClass.CONDITIONAL) {
                sym = fall ? "N" : "E";
            }
            if (sym != null) {
                out.add(sym);
            }
        }
        return out;
    }
}
