package dev.textpoke.sim.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the code cannot say: the outcome of each conditional branch ({@link BranchScript}) and the
 * target of each indirect jump and call ({@link TargetScript}), by instruction address, for every
 * CPU or for one. A conditional branch without a script is taken with {@link #defaultChance()}; an
 * indirect branch without a target table halts its CPU. Immutable; {@link #decider} gives each CPU
 * its own position in every script and its own random stream, so what a CPU does depends on the
 * seed and on nothing another CPU does.
 */
public final class Behaviour {
    /** Scripts keyed by (cpu or {@link #ALL_CPUS}, address). */
    private record Key(int cpu, long address) {}

    public static final int ALL_CPUS = -1;

    private final Map<Key, BranchScript> branches;
    private final Map<Key, TargetScript> targets;
    private final double defaultChance;

    private Behaviour(Builder b) {
        branches = Map.copyOf(b.branches);
        targets = Map.copyOf(b.targets);
        defaultChance = b.defaultChance;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No scripts: every conditional branch is a coin toss, no indirect branch has a target. */
    public static Behaviour coinTosses() {
        return builder().build();
    }

    public double defaultChance() {
        return defaultChance;
    }

    /** The script CPU {@code cpu} follows at {@code address}, or null. */
    public BranchScript branch(int cpu, long address) {
        BranchScript s = branches.get(new Key(cpu, address));
        return s != null ? s : branches.get(new Key(ALL_CPUS, address));
    }

    /** The target table CPU {@code cpu} uses at {@code address}, or null. */
    public TargetScript target(int cpu, long address) {
        TargetScript s = targets.get(new Key(cpu, address));
        return s != null ? s : targets.get(new Key(ALL_CPUS, address));
    }

    /** This behaviour with another's scripts laid over it (the other's win where both have one). */
    public Behaviour with(Behaviour other) {
        Builder b = new Builder();
        b.branches.putAll(branches);
        b.branches.putAll(other.branches);
        b.targets.putAll(targets);
        b.targets.putAll(other.targets);
        b.defaultChance = other.defaultChance;
        return b.build();
    }

    /** A fresh decision state for CPU {@code cpu}: positions at the start of every script. */
    public Decider decider(int cpu, long seed) {
        Map<Long, BranchScript> mineB = new HashMap<>();
        Map<Long, TargetScript> mineT = new HashMap<>();
        branches.forEach((k, s) -> {
            if (k.cpu() == ALL_CPUS) {
                mineB.putIfAbsent(k.address(), s);
            }
        });
        branches.forEach((k, s) -> {
            if (k.cpu() == cpu) {
                mineB.put(k.address(), s);
            }
        });
        targets.forEach((k, s) -> {
            if (k.cpu() == ALL_CPUS) {
                mineT.putIfAbsent(k.address(), s);
            }
        });
        targets.forEach((k, s) -> {
            if (k.cpu() == cpu) {
                mineT.put(k.address(), s);
            }
        });
        return new Decider(mineB, mineT, defaultChance, seed, cpu);
    }

    public static final class Builder {
        private final Map<Key, BranchScript> branches = new HashMap<>();
        private final Map<Key, TargetScript> targets = new HashMap<>();
        private double defaultChance = 0.5;

        /** Every CPU follows {@code script} at the conditional branch at {@code address}. */
        public Builder branch(long address, BranchScript script) {
            branches.put(new Key(ALL_CPUS, address), Objects.requireNonNull(script));
            return this;
        }

        /** CPU {@code cpu} follows {@code script} at {@code address} (over an all-CPU script). */
        public Builder branch(int cpu, long address, BranchScript script) {
            branches.put(new Key(cpu, address), Objects.requireNonNull(script));
            return this;
        }

        /** Every CPU takes its targets at the indirect branch at {@code address} from {@code script}. */
        public Builder target(long address, TargetScript script) {
            targets.put(new Key(ALL_CPUS, address), Objects.requireNonNull(script));
            return this;
        }

        public Builder target(int cpu, long address, TargetScript script) {
            targets.put(new Key(cpu, address), Objects.requireNonNull(script));
            return this;
        }

        /** The probability that a conditional branch without a script is taken. */
        public Builder defaultChance(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("a probability is in [0, 1]: " + p);
            }
            defaultChance = p;
            return this;
        }

        public Behaviour build() {
            return new Behaviour(this);
        }
    }
}
