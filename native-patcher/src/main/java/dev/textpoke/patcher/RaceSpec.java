package dev.textpoke.patcher;

/**
 * What one race does (struct tp_config). Ranges are checked by the library, whose messages
 * name the limit.
 *
 * @param protocol the protocol
 * @param arch where to run it; not the host's: emulated (aarch64 under qemu-aarch64)
 * @param patches site toggles to perform
 * @param threads executor threads; 0: one per usable CPU other than the patcher's
 * @param sites patch sites
 * @param placement where the sites sit relative to lines and words
 * @param cpus CPUs to use as a bit mask of CPU numbers below 64; 0: the affinity mask
 * @param maxNanos stop early after this much wall time, but never before the planted operation;
 *     0: no limit
 * @param plant a fault planted on purpose midway (tests)
 * @param plantHoldNanos how long the planted fault is held
 * @param denyMembarrier null, or {@code ERRNO[:CMD]}: run the driver under a seccomp filter
 *     that makes membarrier fail so (see the driver's usage)
 */
public record RaceSpec(Protocol protocol, Arch arch, long patches, int threads, int sites,
        Placement placement, long cpus, long maxNanos, Plant plant, long plantHoldNanos,
        String denyMembarrier) {

    public static final long DEFAULT_PATCHES = 100_000;
    public static final int DEFAULT_SITES = 4;
    public static final long DEFAULT_PLANT_HOLD_NANOS = 2_000_000;

    /** The defaults: 100000 patches on 4 sites at the protocol's default placement. */
    public static RaceSpec of(Protocol protocol, Arch arch) {
        return new RaceSpec(protocol, arch, DEFAULT_PATCHES, 0, DEFAULT_SITES,
                protocol.defaultPlacement(), 0, 0, Plant.NONE, DEFAULT_PLANT_HOLD_NANOS, null);
    }

    public RaceSpec withPatches(long n) {
        return new RaceSpec(protocol, arch, n, threads, sites, placement, cpus, maxNanos, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withThreads(int n) {
        return new RaceSpec(protocol, arch, patches, n, sites, placement, cpus, maxNanos, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withSites(int n) {
        return new RaceSpec(protocol, arch, patches, threads, n, placement, cpus, maxNanos, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withPlacement(Placement p) {
        return new RaceSpec(protocol, arch, patches, threads, sites, p, cpus, maxNanos, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withCpus(long mask) {
        return new RaceSpec(protocol, arch, patches, threads, sites, placement, mask, maxNanos, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withMaxNanos(long ns) {
        return new RaceSpec(protocol, arch, patches, threads, sites, placement, cpus, ns, plant,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withPlant(Plant p) {
        return new RaceSpec(protocol, arch, patches, threads, sites, placement, cpus, maxNanos, p,
                plantHoldNanos, denyMembarrier);
    }

    public RaceSpec withDenyMembarrier(String spec) {
        return new RaceSpec(protocol, arch, patches, threads, sites, placement, cpus, maxNanos, plant,
                plantHoldNanos, spec);
    }
}
