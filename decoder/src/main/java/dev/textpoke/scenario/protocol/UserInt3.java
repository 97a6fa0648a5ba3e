package dev.textpoke.scenario.protocol;

import dev.textpoke.isa.Isa;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.TrapAction;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.PatchPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * A user-space patcher (a JIT, user-space static keys) using x86's three-phase breakpoint scheme on
 * its own code, with a SIGTRAP handler that emulates the new instruction, and announcing each site
 * in its own log when the tail is written (perf ignores user-space TEXT_POKE: kernel cpumode only;
 * a JIT's jitdump is the user-space analogue). Its syncs are {@code
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)}, which makes every CPU running the
 * process serialise (an IPI; kernel/sched/membarrier.c) — or, without it, nothing: then another
 * CPU may go on running bytes it fetched before, until it next serialises ({@link StaleView}).
 *
 * @param membarrier whether the syncs are membarrier SYNC_CORE
 * @param syncTicks  one membarrier call
 * @param writeTicks between two writes
 */
public record UserInt3(boolean membarrier, long syncTicks, long writeTicks) implements Protocol {
    public static UserInt3 withMembarrier() {
        return new UserInt3(true, 2000, 20);
    }

    public static UserInt3 withoutMembarrier() {
        return new UserInt3(false, 2000, 20);
    }

    @Override
    public String name() {
        return membarrier ? "user-membarrier" : "user-no-membarrier";
    }

    @Override
    public Isa isa() {
        return Isa.X86_64;
    }

    @Override
    public boolean userSpace() {
        return true;
    }

    @Override
    public String guarantee() {
        return membarrier
                ? "as the kernel's INT3 protocol: membarrier SYNC_CORE makes every CPU running the process serialise at"
                        + " each step (include/uapi/linux/membarrier.h; SDM Vol. 3A 8.1.3), so before the announced"
                        + " time the old instruction or a trap, after it the new one or a trap"
                : "none after the first store: a CPU that has not serialised since may run the bytes it fetched before"
                        + " (old, int3, or a mix of steps) for as long as it takes no interrupt (SDM Vol. 3A 8.1.3)";
    }

    @Override
    public Applied apply(Setup s) {
        Int3Protocol p = new Int3Protocol(syncTicks, writeTicks, membarrier ? s.program().ipiVector() : -1);
        List<PatchPlan> plans = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        for (Batch b : s.batches()) {
            PatchPlan pp = p.batch(b.patches().stream().map(SitePatch::patch).toList(), b.start(), s.patcher(), s.cpus());
            plans.add(pp);
            long end = pp.writes().get(pp.writes().size() - 1).tsc() + writeTicks + syncTicks;
            ends.add(end);
            phases.addAll(X86Int3.int3Phases(b, pp, end));
            for (SitePatch sp : b.patches()) {
                ranges.add(new long[] {sp.site().address(), sp.site().length()});
            }
        }
        PatchPlan merged = PatchPlan.merge(plans);
        if (membarrier) {
            return new Applied(merged, null, List.of(), Behaviour.coinTosses(), ends,
                    run -> new Outcome(run.announcedCode(), phases, List.of(), List.of()));
        }
        // A CPU that traps on an int3 it still sees after the patcher is done serialises on the exception
        // and re-executes the site (the handler finds no patch in progress).
        List<Long> sites = ranges.stream().map(r -> r[0]).toList();
        TrapHandler again = (cpu, tsc, trapped, decider) -> sites.contains(trapped.address())
                ? TrapAction.resumeAt(trapped.address()) : null;
        PatchPlan plan = new PatchPlan(merged.writes(), merged.pokes(), merged.trapHandler().orElse(again),
                merged.interrupts());
        StaleView view = new StaleView(ranges, s.patcher());
        return new Applied(plan, view, List.of(view), Behaviour.coinTosses(), ends,
                run -> new Outcome(run.announcedCode(), stalePhases(phases, merged, view, s.cpus()), List.of(), List.of()));
    }

    /** Adds, per CPU, the stretch from each site's last write to the CPU's next serialisation. */
    private static List<Phase> stalePhases(List<Phase> phases, PatchPlan plan, StaleView view, int cpus) {
        List<Phase> out = new ArrayList<>(phases);
        for (Phase ph : phases) {
            if (!ph.name().startsWith("first byte")) {
                continue;
            }
            for (int c = 0; c < cpus; c++) {
                long next = Long.MAX_VALUE;
                for (long t : view.serialisations().get(c)) {
                    if (t >= ph.from()) {
                        next = t;
                        break;
                    }
                }
                if (next > ph.from()) {
                    out.add(new Phase(ph.site(), ph.address(), ph.batch(), c, "stale until serialised", ph.from(), next));
                }
            }
        }
        return out;
    }
}
