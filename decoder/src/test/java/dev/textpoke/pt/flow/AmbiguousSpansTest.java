package dev.textpoke.pt.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The marks of merged readings, on small readings whose answer follows from the definition: an
 * instruction is marked when some absorbed reading decoded something else in its place. The
 * decoders' use of them is checked against the simulator's ground truth (ProtocolClaimsTest).
 */
class AmbiguousSpansTest {
    /** A reading: one instruction per letter, the letter naming its address. */
    private static List<Instruction> reading(String letters) {
        List<Instruction> out = new ArrayList<>();
        for (char c : letters.toCharArray()) {
            out.add(new Instruction(0x1000 + c, 1, "nop", "", BranchClass.NONE, false, 0));
        }
        return out;
    }

    private static List<Long> marked(AmbiguousSpans s, long from, long to) {
        return LongStream.range(from, to).filter(s::contains).boxed().toList();
    }

    @Test
    void readingsThatDecodedAlikeMarkNothing() {
        AmbiguousSpans keep = new AmbiguousSpans();
        keep.absorb(new AmbiguousSpans(), 10, reading("ABCD"), reading("ABCD"));
        assertEquals(List.of(), marked(keep, 0, 30));
    }

    @Test
    void whatLiesBetweenTheCommonBeginningAndEndIsMarked() {
        AmbiguousSpans keep = new AmbiguousSpans();
        // A and D are common; B C against X: our B and C (indices 11, 12) are in doubt
        keep.absorb(new AmbiguousSpans(), 10, reading("ABCD"), reading("AXD"));
        assertEquals(List.of(11L, 12L), marked(keep, 0, 30));
    }

    @Test
    void anAbsorbedReadingsMarksFollowTheInstructionsTheyStandFor() {
        // The other reading had marked its D (index 12 in A X D E) against a reading it absorbed.
        AmbiguousSpans other = new AmbiguousSpans();
        other.add(12, 13);
        other.add(3, 5); // and two before the parting, where both readings are the same
        AmbiguousSpans keep = new AmbiguousSpans();
        keep.absorb(other, 10, reading("ABCDE"), reading("AXDE"));
        // ours B C differ (11, 12); our D is at 13: the same instruction as the other's D
        assertEquals(List.of(3L, 4L, 11L, 12L, 13L), marked(keep, 0, 30));
    }

    @Test
    void aMarkInsideTheDifferingPartWidensIt() {
        AmbiguousSpans other = new AmbiguousSpans();
        other.add(11, 14); // the other's X D E: from inside the differing part to its end
        AmbiguousSpans keep = new AmbiguousSpans();
        keep.absorb(other, 10, reading("ABCDE"), reading("AXDE"));
        assertEquals(List.of(11L, 12L, 13L, 14L), marked(keep, 0, 30));
    }

    @Test
    void marksJoinAndTheirBoundariesAreFound() {
        AmbiguousSpans s = new AmbiguousSpans();
        s.add(5, 8);
        s.add(0, 5);
        s.add(20, 20); // empty: nothing
        s.add(12, 15);
        assertTrue(s.contains(0) && s.contains(7) && s.contains(12));
        assertFalse(s.contains(8) || s.contains(20) || s.contains(15));
        assertEquals(8, s.boundaryAfter(0)); // 0..5 and 5..8 are one stretch
        assertEquals(12, s.boundaryAfter(8));
        assertEquals(15, s.boundaryAfter(12));
        assertEquals(Long.MAX_VALUE, s.boundaryAfter(15));
        AmbiguousSpans copy = new AmbiguousSpans();
        copy.add(s);
        s.clear();
        assertFalse(s.contains(0));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 12L, 13L, 14L), marked(copy, 0, 30));
    }
}
