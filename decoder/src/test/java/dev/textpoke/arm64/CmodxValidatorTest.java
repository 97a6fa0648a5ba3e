package dev.textpoke.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Each rule on the smallest patch that breaks it, and the kernel's own patches that pass. Words are
 * hand-assembled from the Arm ARM C6 encodings (noted next to each).
 */
class CmodxValidatorTest {
    static final long SITE = 0xffff800080010000L;
    static final int NOP = 0xd503201f;
    static final int B_16 = 0x14000004;       // B .+16
    static final int BL_16 = 0x94000004;      // BL .+16
    static final int LDR = 0xf9400020;        // LDR X0, [X1]
    static final int B_EQ_16 = 0x54000080;    // B.EQ .+16 (imm19 = 4, cond = 0)
    static final int CBZ_16 = 0x34000080;     // CBZ W0, .+16
    static final int BTI_C = 0xd503245f;      // HINT #34
    static final int PACIASP = 0xd503233f;    // HINT #25
    static final int BRK_KPROBE = 0xd4200080; // BRK #4 (Linux KPROBES_BRK_IMM)

    final CmodxValidator strict = new CmodxValidator(CmodxProfile.STRICT);
    final CmodxValidator extended = new CmodxValidator(CmodxProfile.EXTENDED);

    static Patch patch(long at, List<Integer> old, List<Integer> now, Visibility v) {
        return new Patch("test", null, at, null, -1, null, PatchKind.PATCH, old, now, true, v,
                OptionalLong.empty(), Patch.Reach.NOT_APPLICABLE, List.of(), "");
    }

    static Patch patch(int old, int now) {
        return patch(SITE, List.of(old), List.of(now), Visibility.IPI);
    }

    private static CmodxRule only(Verdict v) {
        assertFalse(v.tearSafe());
        assertEquals(1, v.findings().size(), v.findings().toString());
        return v.findings().get(0).rule();
    }

    @Test
    void theKernelsJumpLabelAndFtracePairsAreTearSafe() {
        assertTrue(strict.check(patch(NOP, B_16)).tearSafe());
        assertTrue(strict.check(patch(B_16, NOP)).tearSafe());
        assertTrue(strict.check(patch(NOP, BL_16)).tearSafe());
        assertTrue(strict.check(patch(BL_16, 0x94000100)).tearSafe());
        assertTrue(strict.check(patch(NOP, 0xd5033fdf)).tearSafe()); // ISB
        assertTrue(strict.check(patch(0xd4000001, 0xd4000003)).tearSafe()); // SVC -> SMC
    }

    @Test
    void nopToLdrBreaksTheOldOrNewSet() {
        assertEquals(CmodxRule.OLD_OR_NEW_SET, only(strict.check(patch(NOP, LDR))));
        assertEquals(CmodxRule.OLD_OR_NEW_SET, only(extended.check(patch(NOP, LDR))));
    }

    @Test
    void conditionalBranchesNeedTheExtendedProfile() {
        assertEquals(CmodxRule.CONDITIONAL_BRANCH_NEEDS_EXTENDED, only(strict.check(patch(B_16, B_EQ_16))));
        assertEquals(CmodxRule.CONDITIONAL_BRANCH_NEEDS_EXTENDED, only(strict.check(patch(NOP, CBZ_16))));
        assertTrue(extended.check(patch(B_16, B_EQ_16)).tearSafe());
        assertTrue(extended.check(patch(NOP, CBZ_16)).tearSafe());
    }

    @Test
    void aMisalignedSiteBreaksTheAlignedWordRule() {
        assertEquals(CmodxRule.ALIGNED_WORD,
                only(strict.check(patch(SITE + 2, List.of(NOP), List.of(B_16), Visibility.IPI))));
    }

    @Test
    void anUnreachableTargetBreaksTheBranchRange() {
        long far = SITE + (256L << 20);
        Patch p = new Patch("test", null, SITE, null, -1, null, PatchKind.PATCH, List.of(NOP),
                List.of(A64Words.BREAK_FAULT), true, Visibility.IPI, OptionalLong.of(far),
                Patch.Reach.OUT_OF_RANGE, List.of(), "");
        assertEquals(CmodxRule.BRANCH_RANGE, only(strict.check(p)));
        assertFalse(A64Words.reachable(SITE, far));
        assertTrue(A64Words.reachable(SITE, SITE + (128L << 20) - 4));
        assertFalse(A64Words.reachable(SITE, SITE + (128L << 20)));
        assertTrue(A64Words.reachable(SITE, SITE - (128L << 20)));
    }

    @Test
    void btiAndPacHintsAreNotNop() {
        assertEquals(CmodxRule.HINT_IS_NOT_NOP, only(strict.check(patch(NOP, BTI_C))));
        assertEquals(CmodxRule.HINT_IS_NOT_NOP, only(extended.check(patch(PACIASP, NOP))));
    }

    @Test
    void aTwoWordPatchBreaksTheOneInstructionRule() {
        Verdict v = strict.check(patch(SITE, List.of(NOP, NOP), List.of(BL_16, B_16), Visibility.IPI));
        assertEquals(CmodxRule.ONE_WORD, only(v));
    }

    @Test
    void aBranchThatMissesItsIntendedTargetIsReported() {
        Patch p = new Patch("test", null, SITE, null, -1, null, PatchKind.PATCH, List.of(NOP), List.of(B_16),
                true, Visibility.IPI, OptionalLong.of(SITE + 32), Patch.Reach.IN_RANGE, List.of(), "");
        assertEquals(CmodxRule.BRANCH_TARGET, only(strict.check(p)));
    }

    @Test
    void onlyConcurrentRuntimePatchesFailTheRun() {
        Verdict kprobe = strict.check(patch(SITE, List.of(LDR), List.of(BRK_KPROBE), Visibility.STOP_MACHINE));
        assertFalse(kprobe.tearSafe());
        assertFalse(kprobe.failsRun());
        assertTrue(strict.check(patch(NOP, LDR)).failsRun());
        Patch load = new Patch("test", null, SITE, null, -1, null, PatchKind.FTRACE, List.of(NOP),
                List.of(A64Words.MOV_X9_LR), false, Visibility.LOCAL, OptionalLong.empty(),
                Patch.Reach.NOT_APPLICABLE, List.of(), "");
        assertFalse(strict.check(load).tearSafe());
        assertFalse(strict.check(load).failsRun());
    }
}
