package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The aarch64 build under qemu-aarch64 (installed by scripts/ensure-deps test; this test fails
 * when the cross compiler or qemu is missing, it does not skip). Results are labelled emulated:
 * qemu's TCG is not an arm64 core, so they say nothing about CMODX on hardware, but the BRK
 * handler, the signal frames and the membarrier calls are the real code paths.
 */
class EmulatedAarch64Test extends WithPatcher {
    private static RaceSpec spec(Protocol p) {
        return RaceSpec.of(p, Arch.AARCH64).withPatches(200_000).withMaxNanos(TimeUnit.SECONDS.toNanos(1));
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"BRK", "BRK_SYNC"})
    void brkMediatedPatchingCompletesWithoutTearing(Protocol p) throws PatcherException {
        RaceResult r = patcher.race(spec(p), ProgressListener.NONE);
        RaceTest.assertConsistent(r);
        assertTrue(r.emulated());
        assertEquals(Arch.AARCH64, r.arch());
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.tornCauses().trapMismatch());
        assertEquals(Placement.ALIGNED, r.placement());
        assertEquals("b-aligned", r.kinds().get(0).kind());
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"BRK", "BRK_SYNC"})
    void brkHitsRunTheWordBeingInstalled(Protocol p) throws PatcherException {
        // The BRK is held until the executors have called site 0, so the handler runs for sure.
        RaceResult r = patcher.race(spec(p).withPatches(20_000).withPlant(Plant.TRAP_HOLD),
                ProgressListener.NONE);
        assertTrue(r.trapHits() > 0, r.toString());
        assertEquals(0, r.torn(), r.toString());
    }

    @Test
    void brkSyncIsFreshToo() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.BRK_SYNC), ProgressListener.NONE);
        assertEquals(0, r.stale(), r.toString());
        // BRK, then the new word: two SYNC_CORE calls per patch.
        assertEquals(2 * r.ops(), r.barrierNanos().count());
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"NAIVE", "ATOMIC"})
    void unmediatedProtocolsRunAndKeepTheirGuarantee(Protocol p) throws PatcherException {
        RaceResult r = patcher.race(spec(p), ProgressListener.NONE);
        RaceTest.assertConsistent(r);
        // atomic: NOP and B are both in the CMODX set and written with one 32-bit store.
        assertFalse(r.violatesGuarantee(), r.toString());
    }

    @Test
    void aPlantedUndefinedWordIsTorn() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.NAIVE).withPatches(20_000).withPlant(Plant.TORN_FAULT),
                ProgressListener.NONE);
        assertTrue(r.tornCauses().sigill() > 0, "UDF #0 raises SIGILL: " + r);
    }
}
