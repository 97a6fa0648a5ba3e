package dev.textpoke.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.OldBytesCheck.MismatchCause;
import dev.textpoke.code.OldBytesCheck.Outcome;
import dev.textpoke.io.Bytes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hand-made histories whose answers follow from the kernel's text-poke contract (the state at a
 * TEXT_POKE's time includes it; old bytes are what was there before): jump-label flips, a poke that
 * contradicts the image, trampolines created and freed, an uncertain window.
 */
class CodeTimelineTest {
    private static final long TEXT = 0xffffffff81000000L;
    private static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    /** {@code jmp +0x20}, as a jump label's enabled branch. */
    private static final Bytes JMP5 = Bytes.ofHex("e91b000000");

    /** 64 bytes of text: push rbp; mov rbp,rsp; a nop5 jump-label site at +4; ret and int3s. */
    private static BaseImage kernel() {
        byte[] text = new byte[64];
        java.util.Arrays.fill(text, (byte) 0xcc);
        byte[] head = Bytes.ofHex("554889e5" + "0f1f440000" + "5dc3").toArray();
        System.arraycopy(head, 0, text, 0, head.length);
        return new BaseImage("kcore", List.of(new ImageSegment(TEXT, Bytes.of(text))),
                List.of(new Symbol("do_work", TEXT, 11), new Symbol("after", TEXT + 32, 0)));
    }

    private static CodeTimeline flips() throws ImageOverlapException {
        return CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, NOP5, JMP5, 100, 1)
                .textPoke(TEXT + 4, JMP5, NOP5, 200, 0)
                .textPoke(TEXT + 4, NOP5, JMP5, 300, 1)
                .build();
    }

    @Test
    void aFlipTakesEffectAtItsTimeForwardsAndBackwards() throws Exception {
        CodeTimeline t = flips();
        long[] times = {99, 100, 199, 200, 299, 300, Long.MAX_VALUE, Long.MIN_VALUE};
        Bytes[] expected = {NOP5, JMP5, JMP5, NOP5, NOP5, JMP5, JMP5, NOP5};
        for (int i = 0; i < times.length; i++) {
            assertEquals(expected[i], t.bytes(TEXT + 4, 5, times[i]).bytes(), "at " + times[i]);
        }
        for (int i = times.length - 1; i >= 0; i--) {
            assertEquals(expected[i], t.bytes(TEXT + 4, 5, times[i]).bytes(), "at " + times[i]);
        }
        // The bytes around the site never change.
        assertEquals(Bytes.ofHex("554889e5"), t.bytes(TEXT, 4, 250).bytes());
        assertEquals(Bytes.ofHex("5dc3"), t.bytes(TEXT + 9, 2, 250).bytes());
    }

    @Test
    void flipsMatchTheirOldBytesAndAreJumpLabels() throws Exception {
        CodeTimeline t = flips();
        assertEquals(3, t.modificationCount());
        for (AppliedModification m : t.modifications()) {
            assertEquals(Outcome.MATCHED, m.check().outcome());
            assertEquals(Boolean.TRUE, m.check().oldMatches());
            assertEquals(SiteKind.JUMP_LABEL_5, m.modification().kind());
        }
        assertEquals(List.of(), t.unmatched());
        assertEquals(Optional.of(new SymbolOffset("do_work", 4)), t.symbolize(TEXT + 4, 0));
        assertEquals(List.of(0, 1, 2), t.history(TEXT, 16).stream().map(AppliedModification::index).toList());
        assertEquals(List.of(), t.history(TEXT + 9, 4));
    }

    @Test
    void versionsChangeWithTheBytesAndOnlyThen() throws Exception {
        CodeTimeline t = flips();
        assertEquals(t.version(TEXT, 100), t.version(TEXT, 150));
        assertNotEquals(t.version(TEXT, 99), t.version(TEXT, 100));
        assertNotEquals(t.version(TEXT, 199), t.version(TEXT, 200));
        // Far from the site nothing ever changed.
        assertEquals(t.version(TEXT + 40, 0), t.version(TEXT + 40, 1000));
    }

    @Test
    void aPokeThatContradictsTheBaseImageIsAWrongBaseline() throws Exception {
        // The image has nop5 but the kernel had already enabled the key: a vmlinux, not kcore.
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, JMP5, NOP5, 100, 0).build();
        OldBytesCheck c = t.modification(0).check();
        assertEquals(Outcome.MISMATCHED, c.outcome());
        assertEquals(Boolean.FALSE, c.oldMatches());
        assertEquals(Optional.of(MismatchCause.WRONG_BASELINE), c.cause());
        assertEquals(NOP5, c.model().bytes());
        // Reported, not hidden: the new bytes still hold afterwards.
        assertEquals(NOP5, t.bytes(TEXT + 4, 5, 100).bytes());
        assertEquals(List.of(t.modification(0)), t.unmatched());
    }

    @Test
    void aPokeWhoseOldBytesDisagreeWithAnEarlierPokeMeansOneWasLost() throws Exception {
        Bytes jmpElsewhere = Bytes.ofHex("e920000000");
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, NOP5, JMP5, 100, 0)
                .textPoke(TEXT + 4, jmpElsewhere, NOP5, 200, 0).build();
        assertEquals(Outcome.MATCHED, t.modification(0).check().outcome());
        OldBytesCheck c = t.modification(1).check();
        assertEquals(Optional.of(MismatchCause.LOST_MODIFICATION), c.cause());
        assertEquals(JMP5, c.model().bytes());
    }

    @Test
    void twoPokesInTheWrongOrderAreReportedAsMisordered() throws Exception {
        // Really: nop5 -> jmp at 100, then jmp -> nop5 at 200; the trace has their times swapped.
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, JMP5, NOP5, 100, 0)
                .textPoke(TEXT + 4, NOP5, JMP5, 200, 0).build();
        assertEquals(Optional.of(MismatchCause.MISORDERED), t.modification(0).check().cause());
        // It flips back to the model's bytes, so the second one matches.
        assertEquals(Outcome.MATCHED, t.modification(1).check().outcome());
    }

    @Test
    void aSwappedRetargetingMismatchesTwiceAndIsMisordered() throws Exception {
        // Really: nop5 -> jmp A at 100, then jmp A -> jmp B at 200 (a static call retargeted).
        Bytes jmpB = Bytes.ofHex("e940000000");
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, JMP5, jmpB, 100, 0)
                .textPoke(TEXT + 4, NOP5, JMP5, 200, 0).build();
        assertEquals(Optional.of(MismatchCause.MISORDERED), t.modification(0).check().cause());
        assertEquals(Optional.of(MismatchCause.MISORDERED), t.modification(1).check().cause());
    }

    @Test
    void modificationsAddedOutOfOrderAreAppliedInTimeOrder() throws Exception {
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(TEXT + 4, JMP5, NOP5, 200, 0)
                .textPoke(TEXT + 4, NOP5, JMP5, 100, 1).build();
        assertEquals(100, t.modification(0).modification().time());
        assertEquals(List.of(), t.unmatched());
    }

    @Test
    void aTrampolineIsCreatedFilledAndFreedWithItsRegion() throws Exception {
        long tramp = 0xffffffffc0400000L;
        Bytes code = Bytes.ofHex("f30f1efa" + "e800000000" + "c3");
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .regionRegistered("ftrace_trampoline", RegionType.OUT_OF_LINE, tramp, 4096, 10, Optional.empty())
                .textPoke(tramp, Bytes.EMPTY, code, 20, 2)
                .textPoke(tramp, code, Bytes.EMPTY, 30, 2)
                .regionUnregistered("ftrace_trampoline", RegionType.OUT_OF_LINE, tramp, 4096, 40)
                .build();
        // Before it is filled and after it is freed, the trampoline's bytes are a gap, not an error.
        assertTrue(t.bytes(tramp, code.length(), 15).noneKnown());
        assertEquals(code, t.bytes(tramp, code.length(), 25).bytes());
        assertTrue(t.bytes(tramp, code.length(), 25).allKnown());
        assertTrue(t.bytes(tramp, code.length(), 35).noneKnown());
        assertEquals(0, t.read(tramp, 35, WindowSide.NEW, new byte[4], 0, 4));

        assertEquals(SiteKind.TRAMPOLINE_CREATE, t.modification(0).modification().kind());
        assertEquals(SiteKind.TRAMPOLINE_FREE, t.modification(1).modification().kind());
        assertEquals(Outcome.MATCHED, t.modification(0).check().outcome());
        assertEquals(Outcome.MATCHED, t.modification(1).check().outcome());

        assertEquals(Optional.of(new SymbolOffset("ftrace_trampoline", 4)), t.symbolize(tramp + 4, 25));
        assertEquals(Optional.empty(), t.symbolize(tramp + 4, 45));
        Region r = t.regionAt(tramp, 25).orElseThrow();
        assertEquals(10, r.from());
        assertEquals(40, r.to());
    }

    @Test
    void aTrampolineFilledWhereNothingWasAnnouncedIsNotCovered() throws Exception {
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(0xffffffffc0400000L, Bytes.EMPTY, Bytes.ofHex("c3"), 20, 0).build();
        assertEquals(Outcome.NOT_COVERED, t.modification(0).check().outcome());
        assertEquals(null, t.modification(0).check().oldMatches());
        assertEquals(Bytes.ofHex("c3"), t.bytes(0xffffffffc0400000L, 1, 20).bytes());
    }

    @Test
    void aPokeOutsideEveryImageIsNotCoveredAndStillKnownAfterwards() throws Exception {
        long addr = 0xffffffffa0000000L;
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .textPoke(addr, NOP5, JMP5, 50, 0).build();
        assertEquals(Outcome.NOT_COVERED, t.modification(0).check().outcome());
        assertTrue(t.bytes(addr, 5, 49).noneKnown());
        assertEquals(JMP5, t.bytes(addr, 5, 50).bytes());
    }

    @Test
    void aBpfProgramsImageHoldsWhileItLives() throws Exception {
        long prog = 0xffffffffc0010000L;
        Bytes jited = Bytes.ofHex("0f1f440000" + "6690" + "55" + "4889e5" + "c9c3");
        CodeTimeline t = CodeTimeline.builder().image(kernel())
                .regionRegistered("bpf_prog_6deef7357e7b4530", RegionType.BPF, prog, jited.length(), 10,
                        Optional.of(jited))
                .textPoke(prog, NOP5, Bytes.ofHex("e8aabbccdd"), 20, 0)
                .regionUnregistered("bpf_prog_6deef7357e7b4530", RegionType.BPF, prog, jited.length(), 90)
                .build();
        assertTrue(t.bytes(prog, jited.length(), 5).noneKnown());
        assertEquals(jited, t.bytes(prog, jited.length(), 10).bytes());
        assertEquals(Bytes.ofHex("e8aabbccdd"), t.bytes(prog, 5, 20).bytes());
        assertTrue(t.bytes(prog, jited.length(), 90).noneKnown());
        assertEquals(SiteKind.BPF_TEXT, t.modification(0).modification().kind());
        assertEquals(Outcome.MATCHED, t.modification(0).check().outcome());
    }

    @Test
    void aRegionUnregisteredWithoutRegistrationExistedBeforeTheTrace() throws Exception {
        long page = 0xffffffffc0200000L;
        CodeTimeline t = CodeTimeline.builder()
                .regionUnregistered("kprobe_insn_page", RegionType.OUT_OF_LINE, page, 4096, 70).build();
        Region r = t.regions().get(0);
        assertEquals(Long.MIN_VALUE, r.from());
        assertEquals(70, r.to());
        assertEquals(Optional.of(new SymbolOffset("kprobe_insn_page", 0x10)), t.symbolize(page + 0x10, 0));
    }

    @Test
    void insideAnUncertainWindowBothSidesCanBeQueried() throws Exception {
        Modification m = new Modification(TEXT + 4, NOP5, JMP5, Switch.window(100, 150), 3, SiteKind.JUMP_LABEL_5);
        CodeTimeline t = CodeTimeline.builder().image(kernel()).modification(m).build();
        for (WindowSide side : WindowSide.values()) {
            assertEquals(NOP5, t.bytes(TEXT + 4, 5, 99, side).bytes());
            assertEquals(JMP5, t.bytes(TEXT + 4, 5, 150, side).bytes());
        }
        assertEquals(JMP5, t.bytes(TEXT + 4, 5, 120, WindowSide.NEW).bytes());
        assertEquals(NOP5, t.bytes(TEXT + 4, 5, 120, WindowSide.OLD).bytes());
        assertEquals(List.of(0), t.inFlight(TEXT, 16, 120).stream().map(AppliedModification::index).toList());
        assertEquals(List.of(), t.inFlight(TEXT, 16, 150));
        assertNotEquals(t.version(TEXT + 4, 120, WindowSide.OLD), t.version(TEXT + 4, 120, WindowSide.NEW));
        assertEquals(t.version(TEXT + 4, 99, WindowSide.NEW), t.version(TEXT + 4, 120, WindowSide.OLD));
    }

    @Test
    void addressesNoImageCoversAreGaps() throws Exception {
        CodeTimeline t = CodeTimeline.builder().image(kernel()).build();
        CodeBytes b = t.bytes(TEXT + 60, 8, 0);
        assertEquals(4, b.knownPrefix());
        assertFalse(b.isKnown(4));
        assertEquals("cc cc cc cc ?? ?? ?? ??", b.toString());
        assertEquals(0, t.read(TEXT - 16, 0, WindowSide.NEW, new byte[16], 0, 16));
        assertEquals(Optional.empty(), t.symbolize(TEXT - 16, 0));
    }

    @Test
    void symbolsWithoutSizeExtendToTheNextSymbol() throws Exception {
        CodeTimeline t = CodeTimeline.builder().image(kernel()).build();
        assertEquals(Optional.of(new SymbolOffset("do_work", 10)), t.symbolize(TEXT + 10, 0));
        // do_work has a size of 11: the padding after it belongs to no symbol.
        assertEquals(Optional.empty(), t.symbolize(TEXT + 11, 0));
        assertEquals(Optional.of(new SymbolOffset("after", 0x1f)), t.symbolize(TEXT + 63, 0));
    }

    @Test
    void overlappingImagesAreRejectedNamingBoth() {
        BaseImage other = new BaseImage("vmlinux",
                List.of(new ImageSegment(TEXT + 32, Bytes.of(new byte[64]))), List.of());
        ImageOverlapException e = assertThrows(ImageOverlapException.class,
                () -> CodeTimeline.builder().image(kernel()).image(other).build());
        assertTrue(e.getMessage().contains("kcore") && e.getMessage().contains("vmlinux"), e.getMessage());
    }

    @Test
    void adjacentImagesAreFine() throws Exception {
        BaseImage next = new BaseImage("next", List.of(new ImageSegment(TEXT + 64, Bytes.ofHex("90"))), List.of());
        CodeTimeline t = CodeTimeline.builder().image(kernel()).image(next).build();
        assertEquals(Bytes.ofHex("cc90"), t.bytes(TEXT + 63, 2, 0).bytes());
    }

    @Test
    void aModificationMustChangeSomethingAndStayInTheAddressSpace() {
        assertThrows(IllegalArgumentException.class,
                () -> new Modification(TEXT, Bytes.EMPTY, Bytes.EMPTY, Switch.point(0), 0, SiteKind.OTHER));
        assertThrows(IllegalArgumentException.class,
                () -> new Modification(-2, NOP5, JMP5, Switch.point(0), 0, SiteKind.OTHER));
        assertThrows(IllegalArgumentException.class, () -> Switch.window(5, 5));
    }
}
