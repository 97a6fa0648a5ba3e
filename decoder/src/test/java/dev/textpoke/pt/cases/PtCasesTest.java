package dev.textpoke.pt.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.format.PtPacketText;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.oracle.LibiptPacketView;
import dev.textpoke.pt.packet.PacketDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases of {@code decoder/src/test/ptcases/}, each re-expressing one of libipt's {@code .ptt}
 * tests: assembled with yasm, their packets encoded with our encoder; then our packet decode must
 * equal the case's expected packets and libipt's packet decode, and libipt's instruction flow
 * decoder must produce the case's expected flow (which validates the expectation against Intel's
 * decoder; {@link TextpokeFlowCasesTest} holds textpoke's flow decoder to it).
 */
class PtCasesTest {
    @TempDir
    static Path tmp;
    static LibiptHarness harness;

    @BeforeAll
    static void build() throws Exception {
        harness = LibiptHarness.build();
    }

    @Test
    void thereAreAtLeastFortyCasesEachWithPacketsAndFlow() {
        List<PtCase> all = PtCase.all();
        assertTrue(all.size() >= 40, "cases: " + all.size());
        for (PtCase c : all) {
            assertFalse(c.directives().isEmpty(), c.name() + " has packets");
            assertFalse(c.expectedPackets().isEmpty(), c.name() + " expects packets");
        }
    }

    /**
     * The harness's counting loops (for benchmarks) count what its printing loop prints: every
     * case's instructions, through pt_insn_next and through pt_blk_next.
     */
    @Test
    void countingLoopsCountTheInstructionsOfEveryCase() throws Exception {
        long total = 0;
        for (PtCase c : PtCase.all()) {
            PtCase.Built b = c.build(tmp);
            List<String> flow = new LibiptFlow(harness).flow(b);
            long insns = flow.stream().filter(l -> l.startsWith("insn ")).count();
            long errors = flow.stream().filter(l -> l.startsWith("error ")).count();
            List<String> args = new ArrayList<>(c.harnessOptions());
            args.add(b.traceFile().toString());
            args.add(b.imageArgument());
            String[] ic = harness.run("insn-count", args).get(0).split(" ");
            String[] bc = harness.run("blk-count", args).get(0).split(" ");
            assertEquals(insns, Long.parseLong(ic[1]), c.name() + " insn-count");
            assertEquals(errors, Long.parseLong(ic[5]), c.name() + " insn-count errors");
            assertEquals(insns, Long.parseLong(bc[1]), c.name() + " blk-count");
            total += insns;
        }
        assertTrue(total >= 150, "instructions in all cases: " + total);
    }

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return PtCase.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), c.file().toUri(), () -> run(c)));
    }

    private static void run(PtCase c) throws Exception {
        PtCase.Built b = c.build(tmp);
        // our packets against the case's expectation
        List<String> expected = c.expectedPackets().stream().map(b::substitute).toList();
        assertLines(c.name() + ": packets", expected, ourPackets(b.trace()));
        // our packets against libipt's
        LibiptPacketView.View ours = LibiptPacketView.of(b.trace());
        List<String> libipt = harness.packets(b.traceFile());
        assertTrue(LibiptPacketView.agrees(ours, libipt), c.name() + ": packets differ from libipt's\n  ours:   "
                + ours.lines() + "\n  libipt: " + libipt);
        // libipt's flow against the case's expectation
        List<String> flow = new LibiptFlow(harness).flow(b);
        assertLines(c.name() + ": libipt's flow", c.expectedFlow().stream().map(b::substitute).toList(), flow);
    }

    /** Equal lines, or a failure naming the first difference. */
    static void assertLines(String what, List<String> expected, List<String> actual) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        if (i < expected.size() || i < actual.size()) {
            org.junit.jupiter.api.Assertions.fail(what + " differ at line " + (i + 1) + "\n  expected: "
                    + expected.subList(i, Math.min(expected.size(), i + 4)) + "\n  actual:   "
                    + actual.subList(i, Math.min(actual.size(), i + 4)));
        }
    }

    /** Each packet as {@code OFFSET DESCRIPTION} (perf's description), errors as {@code OFFSET error KIND}. */
    static List<String> ourPackets(byte[] trace) {
        PacketDecoder d = new PacketDecoder(trace, 0, trace.length);
        List<String> out = new ArrayList<>();
        for (;;) {
            try {
                if (d.next() == null) {
                    return out;
                }
                out.add("0x" + Long.toHexString(d.offset()) + " " + PtPacketText.description(d, trace, 0));
            } catch (PtDecodeException e) {
                out.add("0x" + Long.toHexString(e.offset()) + " error " + e.kind());
                if (d.syncForward() < 0) {
                    return out;
                }
            }
        }
    }
}
