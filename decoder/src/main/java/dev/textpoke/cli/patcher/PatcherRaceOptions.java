package dev.textpoke.cli.patcher;

import dev.textpoke.patcher.Arch;
import dev.textpoke.patcher.Placement;
import dev.textpoke.patcher.Protocol;
import dev.textpoke.patcher.RaceSpec;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Options shared by {@code patcher race} and {@code patcher compare}. */
final class PatcherRaceOptions {
    @Option(names = "--arch", paramLabel = "ARCH", converter = PatcherConverters.ArchConverter.class,
            description = "x86-64 or aarch64 (default: this machine's; the other one runs under"
                    + " qemu-aarch64 and is labelled emulated).")
    Arch arch;

    @Option(names = "--threads", paramLabel = "N",
            description = "Executor threads (default 0: one per usable CPU other than the patcher's).")
    int threads;

    @Option(names = "--patches", paramLabel = "M", defaultValue = "" + RaceSpec.DEFAULT_PATCHES,
            description = "Site toggles per run (default: ${DEFAULT-VALUE}).")
    long patches;

    @Option(names = "--sites", paramLabel = "K", defaultValue = "" + RaceSpec.DEFAULT_SITES,
            description = "Patch sites (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--placement", paramLabel = "P", converter = PatcherConverters.PlacementConverter.class,
            description = "mixed, straddle or aligned (default: mixed; aligned for atomic). Straddling"
                    + " sites cross a 64-byte line and an 8-byte boundary; aligned ones are the control.")
    Placement placement;

    @Option(names = "--cpus", paramLabel = "LIST", converter = PatcherConverters.CpuListConverter.class,
            description = "CPUs to use, e.g. 0,1 or 0-3 (default: the affinity mask). The patcher runs"
                    + " on the first, executors on the others.")
    long cpus;

    @Option(names = "--max-seconds", paramLabel = "S", defaultValue = "600",
            description = "Stop a run early after this many seconds of patching (default: ${DEFAULT-VALUE}).")
    long maxSeconds;

    @Option(names = "--deny-membarrier", paramLabel = "ERRNO[:CMD]",
            description = "Run under a seccomp filter that makes membarrier (or command CMD only) fail"
                    + " with ENOSYS, EPERM or EINVAL, as a sandbox or an older kernel would.")
    String denyMembarrier;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            converter = PatcherConverters.RunCountConverter.class,
            description = "Run each protocol N times; the table then shows totals and min/median/max"
                    + " over the runs (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "One JSON object per run.")
    boolean json;

    Arch arch(Arch host) {
        return arch != null ? arch : host;
    }

    RaceSpec spec(Protocol protocol, Arch arch) {
        return RaceSpec.of(protocol, arch)
                .withPatches(patches)
                .withThreads(threads)
                .withSites(sites)
                .withPlacement(placement != null ? placement : protocol.defaultPlacement())
                .withCpus(cpus)
                .withMaxNanos(TimeUnit.SECONDS.toNanos(Math.max(0, maxSeconds)))
                .withDenyMembarrier(denyMembarrier);
    }
}
