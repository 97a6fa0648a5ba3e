package dev.textpoke.sim.exec;

/**
 * How many core cycles things take. Each instruction costs {@code cyclesPerInstruction} plus
 * {@code takenBranch} when control left the fall-through, plus a seeded jitter drawn uniformly from
 * {@code 0..jitter}; an interrupt, exception or trap costs {@code asyncEntry} before the handler's
 * first instruction, and a far transfer (syscall, sysret, iret) {@code farTransfer}. Not a model of
 * any pipeline: its purpose is time that moves at a plausible rate and unevenly, so that timing
 * packets fall at varied places.
 */
public record CostModel(int cyclesPerInstruction, int takenBranch, int jitter, int asyncEntry,
        int farTransfer) {
    public CostModel {
        if (cyclesPerInstruction < 1 || takenBranch < 0 || jitter < 0 || jitter > 255 || asyncEntry < 0
                || farTransfer < 0) {
            throw new IllegalArgumentException("bad cost model " + cyclesPerInstruction + "/" + takenBranch
                    + "/" + jitter + "/" + asyncEntry + "/" + farTransfer);
        }
    }

    /** One cycle per instruction, one more for a taken branch, up to 3 cycles of jitter, 60 per interrupt entry, 30 per far transfer. */
    public static CostModel defaults() {
        return new CostModel(1, 1, 3, 60, 30);
    }

    /** Exactly {@code cycles} per instruction, no extras: for tests that count time. */
    public static CostModel fixed(int cycles) {
        return new CostModel(cycles, 0, 0, 0, 0);
    }
}
