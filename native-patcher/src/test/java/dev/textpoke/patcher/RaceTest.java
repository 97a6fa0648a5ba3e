package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Short races on the host (x86-64): real executor threads on the other CPU, in a child process.
 * Each is capped at about a second of patching; the assertions are the invariants that hold
 * whatever the timing.
 */
class RaceTest extends WithPatcher {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @BeforeAll
    static void x86Host() {
        assertEquals(Arch.X86_64, patcher.hostArch(), "these races are written for an x86-64 host");
    }

    static RaceSpec spec(Protocol p) {
        return RaceSpec.of(p, Arch.X86_64).withPatches(1_000_000).withMaxNanos(SECOND);
    }

    /** What every race must satisfy: its accounting adds up and it really raced. */
    static void assertConsistent(RaceResult r) {
        assertEquals(r.executions(), r.oldRuns() + r.newRuns() + r.trapHits() + r.torn() + r.stale(),
                "every execution is classified once");
        long kindExecutions = r.kinds().stream().mapToLong(RaceResult.KindCounts::executions).sum();
        assertEquals(r.executions(), kindExecutions, "the per-kind counts add up");
        assertTrue(r.patches() > 0 && r.patches() <= r.requestedPatches());
        assertEquals(r.protocol() == Protocol.BATCH ? r.ops() * r.sites() : r.ops(), r.patches());
        assertTrue(r.oldRuns() > 0 && r.newRuns() > 0,
                "the executors saw both versions, so they raced the patcher: " + r);
        assertEquals(r.ops(), r.opNanos().count());
        assertTrue(r.executorCpuShare() > 0 && r.executorCpuShare() <= 1, "executors ran: " + r);
        assertTrue(r.patcherCpuShare() > 0 && r.patcherCpuShare() <= 1);
        assertTrue(r.opNanos().min() <= r.opNanos().median() && r.opNanos().median() <= r.opNanos().max());
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"NAIVE", "ATOMIC", "INT3", "INT3_SYNC", "MPROTECT", "BATCH"})
    void everyX86ProtocolRacesConsistentlyAndKeepsItsGuarantee(Protocol p) throws PatcherException {
        RaceResult r = patcher.race(spec(p), ProgressListener.NONE);
        assertConsistent(r);
        assertFalse(r.emulated());
        assertFalse(r.violatesGuarantee(), p.label() + " promised " + r.guarantee().label() + ": " + r);
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"INT3_SYNC", "MPROTECT", "BATCH"})
    void mediatedProtocolsNeverTearNorRunStaleCode(Protocol p) throws PatcherException {
        RaceResult r = patcher.race(spec(p), ProgressListener.NONE);
        assertEquals(Guarantee.UNTORN_FRESH, r.guarantee());
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.stale(), r.toString());
        assertEquals(0, r.tornIdle());
        if (p == Protocol.MPROTECT) {
            // The page is not executable for ~15% of each patch: executors that run at all fault.
            assertTrue(r.trapHits() > 0, "executors met the mprotect window");
        }
        assertTrue(r.barrierNanos().count() > 0, "the barrier ran and was timed");
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"INT3", "INT3_SYNC", "BATCH"})
    void breakpointHitsRunTheInstructionBeingInstalled(Protocol p) throws PatcherException {
        // The INT3 is held until the executors have called site 0 (TRAP_HOLD), so the handler
        // runs for sure; the check counts a hit that ran the other version as torn.
        RaceResult r = patcher.race(spec(p).withPatches(20_000).withPlant(Plant.TRAP_HOLD),
                ProgressListener.NONE);
        assertTrue(r.trapHits() > 0, r.toString());
        assertEquals(0, r.tornCauses().trapMismatch(), r.toString());
        assertEquals(0, r.tornCauses().sigtrap(), "every INT3 was one of ours: " + r);
    }

    @Test
    void int3SyncBarriersAreThreePerPatchAndTrapsEmulateTheNewInstruction() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.INT3_SYNC), ProgressListener.NONE);
        // INT3, tail, first byte: three SYNC_CORE calls per patch (every site here has a tail).
        assertEquals(3 * r.ops(), r.barrierNanos().count());
        assertEquals("membarrier-sync-core", r.barrier());
        assertEquals(0, r.tornCauses().trapMismatch());
        assertTrue((r.membarrierQuery() & (1 << 5)) != 0);
    }

    @Test
    void batchPatchesEverySiteWithThreeBarriersPerBatch() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.BATCH), ProgressListener.NONE);
        assertEquals(3 * r.ops(), r.barrierNanos().count());
        assertEquals(r.ops() * 4, r.patches());
    }

    @Test
    void naiveHarnessDetectsAPlantedTornSite() throws PatcherException {
        // Site 0 (jmp32-straddle) gets e9 1f 44 00 00, the state after a byte-wise write's first
        // store: jmp +0x4424 into the guard, so every execution faults with SIGSEGV.
        RaceResult r = patcher.race(spec(Protocol.NAIVE).withPatches(200_000).withPlant(Plant.TORN_FAULT),
                ProgressListener.NONE);
        assertConsistent(r);
        assertTrue(r.torn() > 0 && r.tornCauses().sigsegv() > 0, r.toString());
        assertTrue(r.firstTornSeq() <= r.plantSeq() && r.plantSeq() <= r.lastTornSeq());
        RaceResult.KindCounts straddle = r.kinds().stream()
                .filter(k -> k.kind().equals("jmp32-straddle")).findFirst().orElseThrow();
        assertTrue(straddle.torn() > 0);
    }

    @Test
    void aPlantedTornSiteIsAttributedToItsPatch() throws PatcherException {
        // int3-sync never tears by itself, so every torn execution is the planted one's: at
        // site 0 only, and each while a patch of site 0 was in flight (an execution's window
        // may span later patches too, when its thread is preempted after the fault).
        RaceResult r = patcher.race(spec(Protocol.INT3_SYNC).withPatches(20_000).withPlant(Plant.TORN_FAULT),
                ProgressListener.NONE);
        assertTrue(r.torn() > 0);
        assertEquals(0, r.tornIdle());
        assertTrue(r.firstTornSeq() <= r.plantSeq() && r.plantSeq() <= r.lastTornSeq());
        for (RaceResult.KindCounts k : r.kinds()) {
            assertEquals(k.kind().equals("jmp32-straddle"), k.torn() > 0, k.toString());
        }
    }

    @Test
    void aJumpIntoForeignCodeIsTorn() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.NAIVE).withPatches(200_000).withPlant(Plant.TORN_TAG),
                ProgressListener.NONE);
        assertTrue(r.tornCauses().foreignTag() > 0, r.toString());
    }

    @Test
    void aPatchPublishedBeforeItIsWrittenIsStale() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.INT3_SYNC).withPatches(20_000).withPlant(Plant.STALE),
                ProgressListener.NONE);
        assertTrue(r.stale() > 0, r.toString());
        assertEquals(r.plantSeq(), r.firstStaleSeq());
        assertEquals(r.plantSeq(), r.lastStaleSeq());
        assertTrue(r.violatesGuarantee());
    }

    @Test
    void aDyingChildIsAnErrorNotTheEndOfThisJvm() {
        PatcherException e = assertThrows(PatcherException.class,
                () -> patcher.race(spec(Protocol.NAIVE).withPatches(10_000).withPlant(Plant.CRASH),
                        ProgressListener.NONE));
        assertEquals(PatcherException.Kind.CHILD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("signal 11"), e.getMessage());
    }

    @Test
    void progressIsReported() throws PatcherException {
        long[] last = new long[2];
        RaceResult r = patcher.race(spec(Protocol.INT3_SYNC).withPatches(50_000), (done, total) -> {
            last[0] = done;
            last[1] = total;
        });
        // Reports come every 200 ms while the loop runs, and always once at its end, so the
        // last one says exactly how much was done, however slow the machine is.
        assertEquals(r.ops(), last[0], r.toString());
        assertEquals(50_000, last[1]);
    }
}
