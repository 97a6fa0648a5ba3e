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
}
