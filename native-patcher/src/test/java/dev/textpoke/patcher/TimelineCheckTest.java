package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.patcher.PatcherLibrary.LogRecord;
import dev.textpoke.patcher.PatcherLibrary.SiteOutcome;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's timeline check (tp_check) on logs built by hand. Expected classifications are
 * derived here from the definitions (done = patches completed before the call, started =
 * patches started when it returned; version = parity of the completed patches of the site),
 * not from the library's output.
 */
class TimelineCheckTest {
    private static PatcherLibrary lib;

    @BeforeAll
    static void load() throws PatcherException {
        lib = PatcherLibrary.load();
    }

    /** counts in enum tp_outcome order: old, new, trap-old, trap-new, torn. */
    private static LogRecord entry(int done, int started, int site, int old, int neu, int trapOld,
            int trapNew, int torn) {
        return new LogRecord(done, started, site, new int[] {old, neu, trapOld, trapNew, torn});
    }

    private static SiteOutcome one(long[] masks, int flags, LogRecord e) throws PatcherException {
        return lib.check(2, masks, List.of(e), flags).get(e.site());
    }

    // Two patches of site 0 (old -> new -> old), one of site 1 in between: ops 1: s0, 2: s1, 3: s0.
    private static final long[] MASKS = {0b01, 0b10, 0b01};

    @Test
    void beforeAnyPatchOnlyTheOldVersionMayRun() throws PatcherException {
        SiteOutcome c = one(MASKS, 0, entry(0, 0, 0, 7, 2, 0, 0, 0));
        assertEquals(7, c.oldRuns());
        assertEquals(2, c.stale());
        assertEquals(0, c.newRuns());
        assertEquals(9, c.executions());
    }

    @Test
    void afterACompletedPatchTheOldVersionIsStale() throws PatcherException {
        // Patch 1 (site 0) completed before the call, patch 2 touches site 1 only: site 0 is new.
        SiteOutcome c = one(MASKS, 0, entry(1, 2, 0, 3, 5, 0, 0, 0));
        assertEquals(5, c.newRuns());
        assertEquals(3, c.stale());
        assertEquals(1, c.firstStaleSeq(), "the patch whose completion the old runs contradict");
        assertEquals(1, c.lastStaleSeq());
    }

    @Test
    void aPatchInFlightAllowsBothVersions() throws PatcherException {
        SiteOutcome c = one(MASKS, 0, entry(0, 1, 0, 4, 6, 0, 0, 0));
        assertEquals(4, c.oldRuns());
        assertEquals(6, c.newRuns());
        assertEquals(0, c.stale());
    }

    @Test
    void otherSitesPatchesDoNotPutASiteInFlight() throws PatcherException {
        // Site 1 before patch 2: patch 1 touched only site 0, so site 1 must still be old.
        SiteOutcome c = one(MASKS, 0, entry(1, 1, 1, 2, 1, 0, 0, 0));
        assertEquals(2, c.oldRuns());
        assertEquals(1, c.stale());
        // After patch 2 completed site 1 is new, even with patch 3 (site 0) in flight.
        SiteOutcome d = one(MASKS, 0, entry(2, 3, 1, 1, 4, 0, 0, 0));
        assertEquals(4, d.newRuns());
        assertEquals(1, d.stale());
        assertEquals(2, d.firstStaleSeq());
    }

    @Test
    void anEmulatingTrapRunsTheVersionBeingInstalled() throws PatcherException {
        // Patch 1 installs version 1 on site 0: a trap emulating version 0 cannot come from it.
        SiteOutcome c = one(MASKS, PatcherLibrary.CHECK_TRAP_EMULATES, entry(0, 1, 0, 0, 0, 2, 3, 0));
        assertEquals(3, c.trapHits());
        assertEquals(2, c.trapMismatch());
        assertEquals(2, c.torn());
        // Without emulation (mprotect re-executes), both versions may follow a trap.
        SiteOutcome d = one(MASKS, 0, entry(0, 1, 0, 0, 0, 2, 3, 0));
        assertEquals(5, d.trapHits());
        assertEquals(0, d.torn());
        // With patches 1 and 3 both in flight, either version is being installed at some point.
        SiteOutcome e = one(MASKS, PatcherLibrary.CHECK_TRAP_EMULATES, entry(0, 3, 0, 0, 0, 2, 3, 0));
        assertEquals(5, e.trapHits());
        assertEquals(0, e.torn());
    }

    @Test
    void aTrapAfterCompletionIsStaleUnlessItIsPageWide() throws PatcherException {
        // Site 1 with no patch of it in flight (patch 3 is site 0's).
        SiteOutcome c = one(MASKS, PatcherLibrary.CHECK_TRAP_EMULATES, entry(2, 3, 1, 0, 4, 0, 0, 0));
        assertEquals(4, c.newRuns());
        SiteOutcome trap = one(MASKS, PatcherLibrary.CHECK_TRAP_EMULATES, entry(2, 3, 1, 0, 0, 0, 4, 0));
        assertEquals(4, trap.stale(), "the breakpoint was still there after its patch completed");
        // mprotect's window covers the whole page: a delayed run of the right version is a hit...
        SiteOutcome page = one(MASKS, PatcherLibrary.CHECK_TRAP_PAGE_WIDE, entry(2, 3, 1, 0, 0, 0, 4, 0));
        assertEquals(4, page.trapHits());
        assertEquals(0, page.stale());
        // ...and a delayed run of the replaced version is still stale.
        SiteOutcome old = one(MASKS, PatcherLibrary.CHECK_TRAP_PAGE_WIDE, entry(2, 3, 1, 0, 0, 4, 0, 0));
        assertEquals(4, old.stale());
    }

    @Test
    void tornIsTornWhateverTheTimelineAndItsWindowIsReported() throws PatcherException {
        SiteOutcome c = one(MASKS, 0, entry(1, 3, 0, 0, 0, 0, 0, 6));
        assertEquals(6, c.torn());
        assertEquals(0, c.tornIdle(), "patch 3 of site 0 was in flight");
        assertEquals(2, c.firstTornSeq(), "the first patch that may have been in flight");
        assertEquals(3, c.lastTornSeq());
    }

    @Test
    void tearingAtRestIsCountedApart() throws PatcherException {
        // Site 1 between patch 2 (its own, completed) and patch 3 (site 0's): at rest.
        SiteOutcome c = one(MASKS, 0, entry(2, 3, 1, 0, 0, 0, 0, 2));
        assertEquals(2, c.torn());
        assertEquals(2, c.tornIdle());
    }

    @Test
    void entriesAreAddedPerSite() throws PatcherException {
        List<SiteOutcome> out = lib.check(2, MASKS, List.of(
                entry(0, 0, 0, 1, 0, 0, 0, 0),
                entry(0, 0, 1, 2, 0, 0, 0, 0),
                entry(3, 3, 0, 5, 0, 0, 0, 0)), 0);
        // After patches 1 and 3, site 0 is back to the old version.
        assertEquals(6, out.get(0).oldRuns());
        assertEquals(2, out.get(1).oldRuns());
    }

    @Test
    void malformedLogsAreRejected() {
        assertThrows(PatcherException.class,
                () -> lib.check(2, MASKS, List.of(entry(0, 0, 2, 1, 0, 0, 0, 0)), 0), "site >= sites");
        assertThrows(PatcherException.class,
                () -> lib.check(2, MASKS, List.of(entry(0, 4, 0, 1, 0, 0, 0, 0)), 0), "started > ops");
        assertThrows(PatcherException.class,
                () -> lib.check(2, MASKS, List.of(entry(2, 1, 0, 1, 0, 0, 0, 0)), 0), "done > started");
    }
}
