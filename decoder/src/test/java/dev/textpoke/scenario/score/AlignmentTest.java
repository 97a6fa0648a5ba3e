package dev.textpoke.scenario.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scorer on decodes whose score is known by construction: what ran is a loop of a few
 * distinct instructions repeated (as the scenario workloads repeat their handlers), and the decode
 * is what ran, with stretches replaced by another reading marked ambiguous, or with instructions
 * changed or dropped unmarked.
 */
class AlignmentTest {
    /** One pass of the loop: 20 instructions, each its own address. */
    private static final int PERIOD = 20;

    private static List<Truth> ran(int passes) {
        List<Truth> out = new ArrayList<>();
        for (int i = 0; i < passes * PERIOD; i++) {
            out.add(new Truth(0x1000 + 4L * (i % PERIOD), "aa", i));
        }
        return out;
    }

    private static Decoded right(Truth t) {
        return new Decoded(t.address(), t.hex(), false, t.tsc());
    }

    /** Another reading of {@code count} instructions (other bytes), marked ambiguous. */
    private static void otherReading(List<Decoded> out, int count) {
        for (int i = 0; i < count; i++) {
            out.add(new Decoded(0x9000 + 4L * i, "bb", true, 0));
        }
    }

    private static CpuScore score(List<Truth> truth, List<Decoded> decoded) {
        return Alignment.score(0, truth, decoded, 0, Attribution.none());
    }

    @Test
    void aDecodeOfWhatRanIsAllCorrect() {
        List<Truth> truth = ran(50);
        CpuScore s = score(truth, truth.stream().map(AlignmentTest::right).toList());
        assertEquals(truth.size(), s.correct());
        assertEquals(0, s.wrong() + s.missed() + s.ambiguous());
    }

    @Test
    void ambiguousStretchesCloseTogetherAreNotMisplaced() {
        // Two readings marked ambiguous with only three instructions between them that are right:
        // fewer than an anchor. The scorer once placed the first stretch a few hundred executed
        // instructions further on (where eight instructions agree), and counted the decode after
        // it wrong and the instructions it had jumped over missed.
        List<Truth> truth = ran(60);
        List<Decoded> decoded = new ArrayList<>();
        int at = 0;
        for (; at < 400; at++) {
            decoded.add(right(truth.get(at)));
        }
        otherReading(decoded, 12); // stands for 10 executed instructions
        at += 10;
        for (int k = 0; k < 3; k++, at++) {
            decoded.add(right(truth.get(at)));
        }
        otherReading(decoded, 7); // stands for 7
        at += 7;
        for (; at < truth.size(); at++) {
            decoded.add(right(truth.get(at)));
        }
        CpuScore s = score(truth, decoded);
        assertEquals(0, s.wrong(), "wrong");
        assertEquals(0, s.missed(), "missed");
        assertEquals(19, s.ambiguous());
        assertEquals(truth.size() - 17, s.correct());
    }

    @Test
    void unmarkedDifferencesAreStillWrongAndMissed() {
        List<Truth> truth = ran(40);
        List<Decoded> decoded = new ArrayList<>();
        for (int i = 0; i < truth.size(); i++) {
            if (i >= 300 && i < 305) {
                decoded.add(new Decoded(0x9000 + 4L * i, "bb", false, 0)); // five read wrong, unmarked
            } else if (i >= 500 && i < 503) {
                continue; // three not decoded
            } else {
                decoded.add(right(truth.get(i)));
            }
        }
        CpuScore s = score(truth, decoded);
        assertEquals(5, s.wrong());
        assertEquals(5 + 3, s.missed());
        assertEquals(0, s.ambiguous());
    }

    /**
     * What ran: the loop, with an interrupt handler (three instructions of their own) entered in
     * pass {@code irqPass} after the loop's sixth instruction, and the site (the loop's eleventh
     * instruction) holding bytes {@code site[p]} in pass p. Times are the instruction's index.
     */
    private static List<Truth> loopWithInterrupt(String[] site, int irqPass) {
        List<Truth> out = new ArrayList<>();
        for (int p = 0; p < site.length; p++) {
            for (int i = 0; i < PERIOD; i++) {
                out.add(new Truth(0x1000 + 4L * i, i == 10 ? site[p] : "aa", out.size()));
                if (p == irqPass && i == 5) {
                    for (int k = 0; k < 3; k++) {
                        out.add(new Truth(0x5000 + 4L * k, "dd", out.size()));
                    }
                }
            }
        }
        return out;
    }

    /** The decode of {@code t} with the time a trace gives: the last timing packet's, every 50 ticks. */
    private static Decoded stamped(Truth t, boolean ambiguous) {
        return new Decoded(t.address(), t.hex(), ambiguous, t.tsc() / 50 * 50);
    }

    private static String[] sites(int passes, String bytes) {
        String[] out = new String[passes];
        java.util.Arrays.fill(out, bytes);
        return out;
    }

    @Test
    void aStretchStandingForFarFewerInstructionsThanItHasIsPlacedWhereTheyRan() {
        // A reading with 100 instructions where 30 ran (a loop read with more passes than ran):
        // after it, every pass of the loop agrees with the decode until the interrupt, and only
        // the decode's times tell that the stretch ends 30 instructions on, not 70 or 90. Placed
        // there, the interrupt the decode shows in pass 40 is where it ran.
        List<Truth> truth = loopWithInterrupt(sites(60, "aa"), 40);
        List<Decoded> decoded = new ArrayList<>();
        for (int i = 0; i < truth.size(); i++) {
            if (i == 400) {
                for (int k = 0; k < 100; k++) {
                    decoded.add(new Decoded(0x1000 + 4L * (k % PERIOD), "aa", true, 400 / 50 * 50));
                }
                i += 29;
            } else {
                decoded.add(stamped(truth.get(i), false));
            }
        }
        CpuScore s = score(truth, decoded);
        assertEquals(0, s.wrong(), "wrong " + s.runs());
        assertEquals(0, s.missed(), "missed " + s.runs());
        assertEquals(100, s.ambiguous());
    }

    @Test
    void aReadingThatLaterPassesHappenToMatchDoesNotMoveTheStretch() {
        // The site holds "cc" in passes 30 and 31 and "aa" in every other; the decoder reads it
        // as "aa", ambiguous, in passes 30 to 33. After pass 30's stretch the decode agrees with
        // what ran for the rest of the pass (the gap) at the pass itself, and for longer a pass
        // on (whose site held "aa" as the decode reads the next one): agreement measured past the
        // gap once placed the stretch a pass on, and the interrupt in pass 45 counted wrong.
        String[] site = sites(60, "aa");
        site[30] = "cc";
        site[31] = "cc";
        List<Truth> truth = loopWithInterrupt(site, 45);
        List<Decoded> decoded = new ArrayList<>();
        for (int i = 0; i < truth.size(); i++) {
            int pass = i / PERIOD; // the interrupt comes after pass 33
            boolean window = pass >= 30 && pass <= 33 && i % PERIOD == 10;
            Truth t = truth.get(i);
            decoded.add(window ? new Decoded(t.address(), "aa", true, t.tsc() / 50 * 50) : stamped(t, false));
        }
        CpuScore s = score(truth, decoded);
        assertEquals(0, s.wrong(), "wrong " + s.runs());
        assertEquals(0, s.missed(), "missed " + s.runs());
        assertEquals(4, s.ambiguous());
    }
}
