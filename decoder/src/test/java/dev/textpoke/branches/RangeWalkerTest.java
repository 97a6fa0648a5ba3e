package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Modification;
import dev.textpoke.code.SiteKind;
import dev.textpoke.code.Switch;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ranges walked over hand-made code whose instructions are known from the Intel SDM's encodings:
 * what each kind of walk says, which version of a flipped site a range keeps, what an uncertain
 * window leaves ambiguous, and how a range's time bounds narrow the versions it may have had.
 */
class RangeWalkerTest {
    static final long TEXT = 0xffffffff81000000L;
    /**
     * +0 push rbp (55); +1 nop5 site (0f 1f 44 00 00); +6 mov eax,edi (89 f8); +8 lea eax,[rdi+rdi*2]
     * (8d 04 7f); +b pop rbp (5d); +c ret (c3); +d int3 padding; +0x20 the site's target: xor eax,eax
     * (31 c0); +0x22 ret.
     */
    static final String CODE = "55" + "0f1f440000" + "89f8" + "8d047f" + "5d" + "c3" + "cc".repeat(0x20 - 0xd)
            + "31c0" + "c3";
    static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    /** jmp +0x1a from +1: to +0x20. */
    static final Bytes JMP5 = Bytes.ofHex("e91a000000");
    static InstructionClassifier classifier;

    @BeforeAll
    static void open() {
        classifier = InstructionClassifier.open(Isa.X86_64);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    static BaseImage image() {
        return new BaseImage("text", List.of(new ImageSegment(TEXT, Bytes.ofHex(CODE))), List.of());
    }

    static RangeWalker walker(CodeTimeline t) {
        return new RangeWalker(t, new InstructionCache(t, classifier), Isa.X86_64.maxLength());
    }

    static long k(int off) {
        return TEXT + off;
    }

    @Test
    void whatAWalkSays() throws Exception {
        RangeWalker w = walker(CodeTimeline.builder().image(image()).build());
        long max = Long.MAX_VALUE;
        long min = Long.MIN_VALUE;
        // push; nop5; mov; lea; pop; ret: a ret explains any target.
        RangeResult r = w.walk(k(0), k(0xc), k(0x100), RangeKind.BETWEEN, min, max, 0);
        assertEquals(WalkStatus.EXPLAINED, r.status());
        assertEquals(6, r.walk().size());
        assertFalse(r.crossing() || r.corrected() || r.ambiguous());
        assertSame(r.walk(), w.walk(k(0), k(0xc), k(0x200), RangeKind.BETWEEN, min, max, 5).walk(), "walked once");
        // Ending on the mov: an interrupt there (mov does not branch).
        assertEquals(WalkStatus.ASYNC, w.walk(k(0), k(6), k(0x100), RangeKind.BETWEEN, min, max, 0).status());
        // Ending inside the nop: the boundaries step over it.
        assertEquals(WalkStatus.MISALIGNED, w.walk(k(0), k(3), k(0x100), RangeKind.BETWEEN, min, max, 0).status());
        // Through the ret to the int3s: a taken branch before the end.
        RangeResult left = w.walk(k(8), k(0xd), k(0x100), RangeKind.BETWEEN, min, max, 0);
        assertEquals(WalkStatus.LEFT_RANGE, left.status());
        assertTrue(left.inconsistent());
        assertEquals(WalkStatus.BACKWARDS, w.walk(k(8), k(0), 0, RangeKind.BETWEEN, min, max, 0).status());
        assertEquals(WalkStatus.TOO_LONG, w.walk(k(0), k(0x10000), 0, RangeKind.BETWEEN, min, max, 0).status());
        assertEquals(WalkStatus.NO_CODE, w.walk(k(0x1000), k(0x1004), 0, RangeKind.BETWEEN, min, max, 0).status());
        assertEquals(WalkStatus.PRIVILEGE_CHANGE, w.walk(0x401000, k(0), 0, RangeKind.BETWEEN, min, max, 0).status());
        assertFalse(w.walk(k(0x1000), k(0x1004), 0, RangeKind.BETWEEN, min, max, 0).inconsistent(), "unknown, not wrong");
    }

    /** The site flips nop5 -> jmp at 100 and back at 200. */
    static CodeTimeline flips() throws Exception {
        return CodeTimeline.builder().image(image())
                .textPoke(k(1), NOP5, JMP5, 100, 0)
                .textPoke(k(1), JMP5, NOP5, 200, 0).build();
    }

    @Test
    void aRangeKeepsTheVersionThatExplainsItsBranches() throws Exception {
        RangeWalker w = walker(flips());
        long min = Long.MIN_VALUE;
        // Through the site to the ret, sampled at 150 (jmp then): only the nop lets the code reach
        // the ret without a taken branch, so the range ran before 100.
        RangeResult through = w.walk(k(0), k(0xc), k(0x100), RangeKind.BETWEEN, min, 150, 150);
        assertEquals(WalkStatus.EXPLAINED, through.status());
        assertArrayEquals(NOP5.toArray(), bytes(through.walk(), 1));
        assertTrue(through.crossing());
        assertTrue(through.corrected(), "perf, reading at 150, shows the jmp");
        assertFalse(through.ambiguous());
        // Ending at the site with the site's target: the jmp explains it, the nop would be an interrupt.
        RangeResult taken = w.walk(k(0), k(1), k(0x20), RangeKind.BETWEEN, min, 250, 250);
        assertArrayEquals(JMP5.toArray(), bytes(taken.walk(), 1));
        assertEquals(WalkStatus.EXPLAINED, taken.status());
        assertTrue(taken.corrected(), "the nop is back at 250");
        // Bounds that hold only one version: no crossing, and no correction when it is the sample's.
        RangeResult early = w.walk(k(0), k(0xc), k(0x100), RangeKind.BETWEEN, min, 99, 99);
        assertFalse(early.crossing() || early.corrected());
        RangeResult inside = w.walk(k(0), k(1), k(0x20), RangeKind.BETWEEN, 100, 199, 199);
        assertFalse(inside.crossing() || inside.corrected());
        // A range that needs the jmp and the nop at once is explained by no version.
        RangeResult neither = w.walk(k(1), k(0x22), k(0x300), RangeKind.BETWEEN, min, 300, 300);
        assertTrue(neither.inconsistent());
    }

    @Test
    void bothSidesOfAWindowThatExplainARangeLeaveItAmbiguous() throws Exception {
        // An arm64-like nosync store: mov eax,edi -> mov eax,esi (89 f0) somewhere in [100, 200).
        CodeTimeline t = CodeTimeline.builder().image(image())
                .modification(new Modification(k(6), Bytes.ofHex("89f8"), Bytes.ofHex("89f0"), Switch.window(100, 200),
                        0, SiteKind.OTHER)).build();
        RangeWalker w = walker(t);
        RangeResult in = w.walk(k(0), k(0xc), k(0x100), RangeKind.BETWEEN, 150, 150, 150);
        assertTrue(in.ambiguous());
        assertTrue(in.crossing());
        assertEquals(2, in.versions());
        assertEquals(WalkStatus.EXPLAINED, in.status());
        RangeResult after = w.walk(k(0), k(0xc), k(0x100), RangeKind.BETWEEN, 200, 300, 300);
        assertFalse(after.ambiguous() || after.crossing());
        assertArrayEquals(Bytes.ofHex("89f0").toArray(), bytes(after.walk(), 2));
    }

    @Test
    void theFinalBlockEndsWithTheSamplesInstruction() throws Exception {
        RangeWalker w = walker(flips());
        // A final block that is only the site, sampled at 150: the jmp, which was there at 150.
        RangeResult f = w.walk(k(1), k(1), k(1), RangeKind.FINAL, Long.MIN_VALUE, 150, 150);
        assertFalse(f.ambiguous());
        assertArrayEquals(JMP5.toArray(), bytes(f.walk(), 0));
    }

    static byte[] bytes(Walk w, int i) {
        byte[] b = new byte[w.instruction(i).length()];
        w.bytes(i, b, 0);
        return b;
    }

    @Test
    void cyclesMoveTheOlderBranchesBack() {
        List<Branch> b = List.of(new Branch(1, 2, 2L | 100L << 4, -1), new Branch(3, 4, 2L | 0xffffL << 4, -1),
                new Branch(5, 6, 2L | 50L << 4, -1));
        BranchSample s = new BranchSample(0, 0, 0, 0, 0, 10_000, 0, 1, StackMode.ALL_BRANCHES, -1, null, b);
        long[] lo = new long[3];
        long[] hi = new long[3];
        new StackTiming(1_000_000_000L, 0, 0).bounds(s, lo, hi);
        // 1 GHz: a cycle is a nanosecond; the newest ran before the sample, the next 100 cycles before it.
        assertArrayEquals(new long[] {10_000, 9_900, 9_900 - 0xffff}, hi);
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE}, lo);
        // Assuming at least 500 MHz and a 10 ns skid: lower bounds, up to the saturated count.
        new StackTiming(1_000_000_000L, 500_000_000L, 10).bounds(s, lo, hi);
        assertArrayEquals(new long[] {9_990, 9_990 - 200, Long.MIN_VALUE}, lo);
        BranchSample timeless = new BranchSample(0, 0, 0, 0, 0, BranchSample.NO_TIME, 0, 1, StackMode.ALL_BRANCHES,
                -1, null, b);
        StackTiming.DEFAULT.bounds(timeless, lo, hi);
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE}, hi);
    }

    @Test
    void onlyAHistoryOfEveryBranchIsWalked() throws Exception {
        StackWalker sw = new StackWalker(walker(flips()), StackTiming.DEFAULT);
        List<Branch> b = List.of(new Branch(k(0xc), k(0x20), 0, -1), new Branch(k(0x22), k(0), 0, -1));
        for (StackMode m : new StackMode[] {StackMode.CALL_STACK, StackMode.FILTERED}) {
            WalkedStack w = sw.walk(new BranchSample(0, 0, 0, 0, 0, 300, k(0x20), 1, m, -1, null, b));
            assertTrue(w.ranges().isEmpty());
            assertEquals(m == StackMode.CALL_STACK ? WalkedStack.NotWalked.CALL_STACK : WalkedStack.NotWalked.FILTERED,
                    w.notWalked());
        }
        WalkedStack all = sw.walk(new BranchSample(0, 0, 0, 0, 0, 300, k(0x21), 1, StackMode.ALL_BRANCHES, -1, null, b));
        assertEquals(List.of(RangeKind.OLDEST_BRANCH, RangeKind.BETWEEN, RangeKind.FINAL),
                all.ranges().stream().map(WalkedRange::kind).toList());
        // The final block from the newest target (+0x20) to the ip, which lies inside xor: misaligned.
        assertEquals(WalkStatus.MISALIGNED, all.ranges().get(2).result().status());
        assertEquals(WalkStatus.EXPLAINED, all.ranges().get(1).result().status());
        // A sample taken at the newest branch itself has no final block (perf's rule).
        WalkedStack at = sw.walk(new BranchSample(0, 0, 0, 0, 0, 300, k(0xc), 1, StackMode.ALL_BRANCHES, -1, null, b));
        assertEquals(2, at.ranges().size());
        assertEquals(StackMode.ALL_BRANCHES, StackMode.of(dev.textpoke.perf.attr.BranchSampleType.HW_INDEX));
        assertEquals(StackMode.FILTERED, StackMode.of(1L << 4));
        assertEquals(StackMode.ALL_BRANCHES, StackMode.of(1L << 3 | 1L << 4));
    }
}
