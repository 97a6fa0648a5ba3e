package dev.textpoke.sim.patch;

import dev.textpoke.code.SiteKind;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Patching schedules over a program's sites, for tests, benchmarks and trace generation: every
 * jump label and ftrace site flipped back and forth through the INT3 protocol, every kprobe armed
 * and disarmed, at seeded random times.
 */
public final class Flips {
    private Flips() {}

    /**
     * Each jump-label and ftrace site flips between its states {@code flips} times within
     * {@code [from, to)} (single-site batches at random times, at least a batch's duration apart per
     * site), and each kprobe site is armed once and disarmed later, by CPU {@code patcher}.
     */
    public static List<PatchPlan> random(Program program, Int3Protocol int3, KprobeProtocol kprobes, long from,
            long to, int flips, int patcher, int cpus, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PatchPlan> plans = new ArrayList<>();
        long batch = 4 * int3.syncTicks() + 16 * int3.writeTicks();
        for (Site s : program.sites()) {
            if (s.kind() == SiteKind.KPROBE_ARM) {
                long span = to - from;
                long arm = from + kprobes.syncTicks() + (long) (rnd.nextDouble() * span / 2);
                long disarm = arm + 2 * kprobes.syncTicks() + (long) (rnd.nextDouble() * span / 3);
                plans.add(kprobes.probe(s.address(), s.initial(), s.target(),
                        program.bytes(s.target(), s.initial().length() + 1), arm, disarm, patcher));
                continue;
            }
            List<Long> times = new ArrayList<>();
            long slot = Math.max(batch, (to - from) / Math.max(1, flips));
            for (int k = 0; k < flips; k++) {
                long t = from + k * slot + (long) (rnd.nextDouble() * Math.max(1, slot - batch));
                if (t + batch <= to) {
                    times.add(t);
                }
            }
            boolean enabled = false;
            for (long t : times) {
                Patch p = enabled ? Patch.disable(s) : Patch.enable(s);
                plans.add(int3.single(p, t, patcher, cpus));
                enabled = !enabled;
            }
        }
        return plans;
    }
}
