package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Environments that cannot run a protocol give one clear message. membarrier's failures are
 * produced for real, by a seccomp filter in the child (the driver's --deny-membarrier), as a
 * container runtime or an older kernel would produce them.
 */
class UnsupportedTest extends WithPatcher {
    // enum membarrier_cmd (include/uapi/linux/membarrier.h)
    private static final int REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6;
    private static PatcherException fails(RaceSpec spec) {
        return assertThrows(PatcherException.class, () -> patcher.race(spec, ProgressListener.NONE));
    }

    private static RaceSpec spec(Protocol p) {
        return RaceSpec.of(p, Arch.X86_64).withPatches(1000);
    }

    @Test
    void oneCpuIsNotEnough() {
        PatcherException e = fails(spec(Protocol.NAIVE).withCpus(1L));
        assertEquals(PatcherException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void membarrierDeniedBySeccompSaysSo() {
        for (String errno : List.of("ENOSYS", "EPERM")) {
            PatcherException e = fails(spec(Protocol.INT3_SYNC).withDenyMembarrier(errno));
            assertEquals(PatcherException.Kind.UNSUPPORTED, e.kind());
            assertTrue(e.concernsMembarrierOnly());
            assertTrue(e.getMessage().contains("seccomp") && e.getMessage().contains(errno),
                    e.getMessage());
        }
    }

    @Test
    void aKernelWithoutSyncCoreIsNamed() {
        // EINVAL from REGISTER_PRIVATE_EXPEDITED_SYNC_CORE is what a kernel without
        // CONFIG_ARCH_HAS_MEMBARRIER_SYNC_CORE answers (kernel/sched/membarrier.c).
        PatcherException e = fails(spec(Protocol.INT3_SYNC)
                .withDenyMembarrier("EINVAL:" + REGISTER_PRIVATE_EXPEDITED_SYNC_CORE));
        assertEquals(PatcherException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("SYNC_CORE"), e.getMessage());
    }

    @Test
    void protocolsWithoutMembarrierDoNotNeedIt() throws PatcherException {
        RaceResult r = patcher.race(spec(Protocol.INT3).withDenyMembarrier("ENOSYS"), ProgressListener.NONE);
        assertEquals(1000, r.patches());
    }

    @Test
    void atomicCannotPatchStraddlingSites() {
        PatcherException e = fails(spec(Protocol.ATOMIC).withPlacement(Placement.STRADDLE));
        assertEquals(PatcherException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("aligned"), e.getMessage());
    }

    @Test
    void protocolsOfTheOtherArchitectureAreRefused() {
        PatcherException e = fails(RaceSpec.of(Protocol.INT3, Arch.AARCH64));
        assertEquals(PatcherException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("brk, brk-sync, naive, atomic"), e.getMessage());
    }

    @Test
    void rangesAreTheLibrarys() {
        PatcherException e = fails(spec(Protocol.NAIVE).withSites(65));
        assertEquals(PatcherException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("sites must be 1 to 64"), e.getMessage());
    }
}
