package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** patcher cost's measurement: what it must report, not how fast things are. */
class CostTest extends WithPatcher {
    @Test
    void everyMethodIsTimedAtEveryThreadCount() throws PatcherException {
        CostResult r = patcher.cost(new CostSpec(Arch.X86_64, List.of(0, 1), 2000, 0, null, 0));
        assertEquals(2 * CostMethod.values().length, r.points().size());
        assertEquals(null, r.unavailableReason());
        for (CostResult.Point p : r.points()) {
            assertTrue(p.available());
            LatencyStats s = p.stats();
            assertEquals(2000, s.count());
            assertTrue(s.min() <= s.median() && s.median() <= s.p90() && s.p90() <= s.p99()
                    && s.p99() <= s.max(), p.toString());
            // No spinner, no share; one spinner ran some of the time (it was started and waited for).
            assertEquals(p.threads() == 0, p.spinnerCpuShare() == 0, p.toString());
            assertTrue(p.spinnerCpuShare() <= 1);
        }
    }

    @Test
    void membarrierDeniedLeavesTheOtherMethods() throws PatcherException {
        CostResult r = patcher.cost(new CostSpec(Arch.X86_64, List.of(0), 500, 0, "ENOSYS", 0));
        for (CostResult.Point p : r.points()) {
            boolean membarrier = p.method() == CostMethod.SYNC_CORE || p.method() == CostMethod.EXPEDITED;
            assertEquals(!membarrier, p.available(), p.toString());
            assertEquals(membarrier ? 0 : 500, p.stats().count());
        }
        assertTrue(r.unavailableReason().contains("seccomp"), r.unavailableReason());
    }

    @Test
    void realtimeSpinnersSharingACpuTakeTurns() throws PatcherException {
        // More spinners than other CPUs: under SCHED_FIFO one that shares a CPU would never start.
        int others = Runtime.getRuntime().availableProcessors() - 1;
        CostResult r = patcher.cost(new CostSpec(Arch.X86_64, List.of(others + 2), 200, 0, null, 1));
        assertEquals(CostMethod.values().length, r.points().size());
    }

    @Test
    void realtimeSpinnersRunAllTheTime() throws PatcherException {
        // SCHED_RR spinners preempt any normal load on their CPU; RT throttling leaves others
        // 5% (sched_rt_runtime_us 950000 of 1000000), so the share is at least about 0.9.
        CostResult r = patcher.cost(new CostSpec(Arch.X86_64, List.of(1), 500, 0, null, 1));
        for (CostResult.Point p : r.points()) {
            assertTrue(p.spinnerCpuShare() > 0.85, p.toString());
        }
    }

    @Test
    void spinningThreadsNeedASecondCpu() {
        PatcherException e = org.junit.jupiter.api.Assertions.assertThrows(PatcherException.class,
                () -> patcher.cost(new CostSpec(Arch.X86_64, List.of(1), 100, 1L, null, 0)));
        assertEquals(PatcherException.Kind.UNSUPPORTED, e.kind());
        assertFalse(e.getMessage().isEmpty());
    }
}
