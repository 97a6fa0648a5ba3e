package dev.textpoke.cli.branches;

import dev.textpoke.branches.StackTiming;
import picocli.CommandLine.Option;

/** What is assumed of the core clock to bound when the branches of a stack ran ({@link StackTiming}). */
final class TimingOptions {
    @Option(names = "--max-core-mhz", paramLabel = "MHZ", defaultValue = "10000",
            description = "The fastest the core clock runs: an entry's cycles since the newer ones took at least"
                    + " cycles/MHZ microseconds before the sample (default: ${DEFAULT-VALUE}).")
    long maxCoreMhz;

    @Option(names = "--min-core-mhz", paramLabel = "MHZ", defaultValue = "0",
            description = "Assume the core clock never runs slower (and never halts) while the stack is recorded,"
                    + " which bounds how long before the sample the older branches ran; 0 (default) assumes nothing.")
    long minCoreMhz;

    @Option(names = "--skid-ns", paramLabel = "NS", defaultValue = "0",
            description = "With --min-core-mhz: the longest from the newest branch to the sample (default: ${DEFAULT-VALUE}).")
    long skidNs;

    StackTiming timing() {
        try {
            return new StackTiming(maxCoreMhz * 1_000_000, minCoreMhz * 1_000_000, skidNs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--max-core-mhz must be above 0 and at least --min-core-mhz;"
                    + " --skid-ns and --min-core-mhz at least 0");
        }
    }
}
