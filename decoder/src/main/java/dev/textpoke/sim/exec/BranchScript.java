package dev.textpoke.sim.exec;

import java.util.Locale;

/**
 * What a conditional branch does each time a CPU executes it: the outcome the code cannot say
 * (the simulator keeps no registers). Each CPU keeps its own position in a script.
 */
public sealed interface BranchScript permits BranchScript.Loop, BranchScript.Pattern, BranchScript.Chance,
        BranchScript.During {

    /**
     * A loop's back edge run {@code iterations} times per entry: taken {@code iterations - 1}
     * times, then not taken, and again from the start the next time the loop is entered.
     */
    record Loop(int iterations) implements BranchScript {
        public Loop {
            if (iterations < 1) {
                throw new IllegalArgumentException("a loop runs at least once: " + iterations);
            }
        }
    }

    /** Outcomes in order, repeating: {@code "TTN"} is taken, taken, not taken, taken, ... */
    record Pattern(String outcomes) implements BranchScript {
        public Pattern {
            outcomes = outcomes.toUpperCase(Locale.ROOT);
            if (outcomes.isEmpty() || !outcomes.matches("[TN]+")) {
                throw new IllegalArgumentException("a pattern is a non-empty string of T and N: " + outcomes);
            }
        }
    }

    /** Taken with probability {@code taken}, drawn from the CPU's seeded random stream. */
    record Chance(double taken) implements BranchScript {
        public Chance {
            if (!(taken >= 0 && taken <= 1)) {
                throw new IllegalArgumentException("a probability is in [0, 1]: " + taken);
            }
        }
    }

    /**
     * A spin-wait on a flag another CPU sets: taken (the CPU keeps spinning) while its time is
     * inside one of the intervals {@code [from[i], to[i])}, not taken otherwise. Stands for a loop
     * the simulator cannot run from data, such as the stopper threads of {@code stop_machine}
     * ({@code multi_cpu_stop} in kernel/stop_machine.c) waiting for the patcher to finish.
     */
    record During(long[] from, long[] to) implements BranchScript {
        public During {
            from = from.clone();
            to = to.clone();
            if (from.length != to.length) {
                throw new IllegalArgumentException("as many interval starts as ends");
            }
            for (int i = 0; i < from.length; i++) {
                if (to[i] < from[i] || (i > 0 && from[i] < to[i - 1])) {
                    throw new IllegalArgumentException("intervals must be in order and not overlap");
                }
            }
        }

        /** Whether {@code tsc} is inside an interval. */
        public boolean inside(long tsc) {
            int lo = 0;
            int hi = from.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (from[mid] <= tsc) {
                    if (tsc < to[mid]) {
                        return true;
                    }
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return false;
        }
    }

    static BranchScript loop(int iterations) {
        return new Loop(iterations);
    }

    static BranchScript pattern(String outcomes) {
        return new Pattern(outcomes);
    }

    static BranchScript chance(double taken) {
        return new Chance(taken);
    }

    static BranchScript always() {
        return new Pattern("T");
    }

    static BranchScript never() {
        return new Pattern("N");
    }
}
