package dev.textpoke.patcher;

import java.util.List;

/**
 * What one race measured (struct tp_result). Every execution is classified against the patch
 * timeline: {@code oldRuns}/{@code newRuns} ran a version the timeline allows, {@code trapHits}
 * went through the breakpoint (or mprotect fault) while a patch was in flight, {@code torn}
 * faulted or returned neither version, {@code stale} ran code a completed patch had replaced.
 * {@code tornIdle} counts torn executions while no patch of their site was in flight, which a
 * correct harness never sees. Sequence numbers count patch operations from 1. The CPU shares
 * (thread CPU time over wall time, 0..1) say how much the threads really ran on a shared machine.
 */
public record RaceResult(
        Protocol protocol, Arch arch, boolean emulated, Placement placement, String barrier,
        Guarantee guarantee, int threads, int sites, int cpusUsed, int patcherCpu,
        long ops, long patches, long executions, long oldRuns, long newRuns, long trapHits,
        long torn, long stale, TornCauses tornCauses, long tornIdle,
        long firstTornSeq, long lastTornSeq, long firstStaleSeq, long lastStaleSeq, long plantSeq,
        long elapsedNanos, LatencyStats opNanos, LatencyStats barrierNanos, long membarrierQuery,
        long logEntries, boolean stoppedEarly, long requestedPatches, double executorCpuShare,
        double patcherCpuShare, List<KindCounts> kinds) {

    /** Why executions were torn. */
    public record TornCauses(long sigsegv, long sigill, long sigbus, long sigtrap, long foreignTag,
            long trapMismatch) {}

    /** Outcomes at the sites of one kind ({@code jmp32-straddle}, ..., {@code b-aligned}). */
    public record KindCounts(String kind, long sites, long executions, long torn, long stale,
            long trapHits) {}

    /** Patcher wall time per site toggle, barriers included. */
    public double nsPerPatch() {
        return patches == 0 ? Double.NaN : (double) elapsedNanos / patches;
    }

    public double patchesPerSecond() {
        return elapsedNanos == 0 ? Double.NaN : patches * 1e9 / elapsedNanos;
    }

    /** The run saw what its protocol promises cannot happen. */
    public boolean violatesGuarantee() {
        return guarantee.violatedBy(torn, stale);
    }
}
