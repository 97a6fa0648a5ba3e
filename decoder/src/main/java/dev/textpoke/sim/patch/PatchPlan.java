package dev.textpoke.sim.patch;

import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a patching protocol does to the machine: the physical writes (ground truth memory), the
 * TEXT_POKE records it announces (what a decoder learns), the INT3 policy of its handler, and the
 * IPIs its synchronisations send to the other CPUs.
 */
public record PatchPlan(List<MemoryWrite> writes, List<Poke> pokes, TrapHandler trapHandler,
        List<Interrupt> interrupts) {
    public PatchPlan {
        writes = List.copyOf(writes);
        pokes = List.copyOf(pokes);
        Objects.requireNonNull(trapHandler, "trapHandler");
        interrupts = List.copyOf(interrupts);
    }

    public static PatchPlan empty() {
        return new PatchPlan(List.of(), List.of(), TrapHandler.none(), List.of());
    }

    /** Every plan's writes, pokes and IPIs (sorted by time), and their trap policies tried in order. */
    public static PatchPlan merge(List<PatchPlan> plans) {
        List<MemoryWrite> w = new ArrayList<>();
        List<Poke> p = new ArrayList<>();
        List<Interrupt> i = new ArrayList<>();
        List<TrapHandler> handlers = new ArrayList<>();
        for (PatchPlan plan : plans) {
            w.addAll(plan.writes());
            p.addAll(plan.pokes());
            i.addAll(plan.interrupts());
            handlers.add(plan.trapHandler());
        }
        TrapHandler h = TrapHandler.firstOf(handlers);
        w.sort(Comparator.comparingLong(MemoryWrite::tsc));
        p.sort(Comparator.comparingLong(Poke::tsc));
        i.sort(Comparator.comparingLong(Interrupt::tsc));
        return new PatchPlan(w, p, h, i);
    }

    /** This plan followed by {@code other}. */
    public PatchPlan and(PatchPlan other) {
        return merge(List.of(this, other));
    }
}
