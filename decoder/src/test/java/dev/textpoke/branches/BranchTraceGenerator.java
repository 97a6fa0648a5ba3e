package dev.textpoke.branches;

import java.nio.file.Path;

/**
 * Makes {@code traces/branches/flips.data} (run by {@code traces/branches/generate.sh}): the
 * hand-run of {@link HandTraceGroundTruthTest#scenario()} written by the LBR trace writer, with its
 * kcore copy. The tests regenerate it and compare.
 */
public final class BranchTraceGenerator {
    private BranchTraceGenerator() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "traces/branches").resolve("flips.data");
        HandTraceGroundTruthTest.scenario().write(out);
    }
}
