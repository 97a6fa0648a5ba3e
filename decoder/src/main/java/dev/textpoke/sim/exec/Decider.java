package dev.textpoke.sim.exec;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * One CPU's decisions: its position in each script of a {@link Behaviour} and its own random
 * stream. Lookups by address go through a primitive map; nothing allocates per decision.
 */
public final class Decider {
    private static final int KIND_LOOP = 0;
    private static final int KIND_PATTERN = 1;
    private static final int KIND_CHANCE = 2;
    private static final int KIND_DURING = 3;

    private final LongIntMap branchIndex = new LongIntMap();
    private final int[] kind;
    private final int[] period;
    private final boolean[][] pattern;
    private final double[] chance;
    private final BranchScript.During[] during;
    private final int[] position;
    private final LongIntMap targetIndex = new LongIntMap();
    private final long[][] targets;
    private final boolean[] random;
    private final int[] targetPosition;
    private final double defaultChance;
    private final SplittableRandom rng;

    Decider(Map<Long, BranchScript> branches, Map<Long, TargetScript> targetScripts, double defaultChance,
            long seed, int cpu) {
        int n = branches.size();
        kind = new int[n];
        period = new int[n];
        pattern = new boolean[n][];
        chance = new double[n];
        during = new BranchScript.During[n];
        position = new int[n];
        int i = 0;
        // Sorted so that the index of a site never depends on hash order.
        for (long address : branches.keySet().stream().sorted().toList()) {
            BranchScript s = branches.get(address);
            branchIndex.put(address, i);
            if (s instanceof BranchScript.Loop l) {
                kind[i] = KIND_LOOP;
                period[i] = l.iterations();
            } else if (s instanceof BranchScript.Pattern p) {
                kind[i] = KIND_PATTERN;
                boolean[] bits = new boolean[p.outcomes().length()];
                for (int k = 0; k < bits.length; k++) {
                    bits[k] = p.outcomes().charAt(k) == 'T';
                }
                pattern[i] = bits;
                period[i] = bits.length;
            } else if (s instanceof BranchScript.During d) {
                kind[i] = KIND_DURING;
                during[i] = d;
            } else {
                kind[i] = KIND_CHANCE;
                chance[i] = ((BranchScript.Chance) s).taken();
            }
            i++;
        }
        int m = targetScripts.size();
        targets = new long[m][];
        random = new boolean[m];
        targetPosition = new int[m];
        int j = 0;
        for (long address : targetScripts.keySet().stream().sorted().toList()) {
            TargetScript s = targetScripts.get(address);
            targetIndex.put(address, j);
            targets[j] = s.targets().stream().mapToLong(Long::longValue).toArray();
            random[j] = s instanceof TargetScript.Pick;
            j++;
        }
        this.defaultChance = defaultChance;
        this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + cpu * 0xBF58476D1CE4E5B9L + 1);
    }

    /** Whether the conditional branch at {@code address} is taken this time. */
    public boolean taken(long address) {
        return taken(address, Long.MIN_VALUE);
    }

    /**
     * Whether the conditional branch at {@code address}, executed at {@code tsc}, is taken this time
     * (the time matters to {@link BranchScript.During} only).
     */
    public boolean taken(long address, long tsc) {
        int i = branchIndex.get(address, -1);
        if (i < 0) {
            return rng.nextDouble() < defaultChance;
        }
        switch (kind[i]) {
            case KIND_LOOP -> {
                int p = position[i] + 1;
                if (p >= period[i]) {
                    position[i] = 0;
                    return false;
                }
                position[i] = p;
                return true;
            }
            case KIND_PATTERN -> {
                int p = position[i];
                position[i] = p + 1 == period[i] ? 0 : p + 1;
                return pattern[i][p];
            }
            case KIND_DURING -> {
                return during[i].inside(tsc);
            }
            default -> {
                return rng.nextDouble() < chance[i];
            }
        }
    }

    /** The target of the indirect branch or call at {@code address} this time, or 0 when it has no table. */
    public long target(long address) {
        int i = targetIndex.get(address, -1);
        if (i < 0) {
            return 0;
        }
        long[] t = targets[i];
        if (random[i]) {
            return t[rng.nextInt(t.length)];
        }
        int p = targetPosition[i];
        targetPosition[i] = p + 1 == t.length ? 0 : p + 1;
        return t[p];
    }

    /** A draw from the CPU's random stream in {@code [0, bound)}, for policies that need one. */
    public int nextInt(int bound) {
        return rng.nextInt(bound);
    }
}
