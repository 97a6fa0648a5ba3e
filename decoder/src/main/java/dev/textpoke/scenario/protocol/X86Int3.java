package dev.textpoke.scenario.protocol;

import dev.textpoke.isa.Isa;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import java.util.ArrayList;
import java.util.List;

/**
 * x86's breakpoint-mediated batch ({@code smp_text_poke_batch_finish}, arch/x86/kernel/alternative.c;
 * the simulator's {@link Int3Protocol}): {@code int3} on every site, sync (an IPI to every other
 * CPU), each tail written and its TEXT_POKE emitted, sync, every first byte, sync.
 *
 * @param syncTicks  one {@code text_poke_sync} (IPI round trip)
 * @param writeTicks between two writes
 */
public record X86Int3(long syncTicks, long writeTicks) implements Protocol {
    public static X86Int3 defaults() {
        return new X86Int3(2000, 20);
    }

    @Override
    public String name() {
        return "x86-int3";
    }

    @Override
    public Isa isa() {
        return Isa.X86_64;
    }

    @Override
    public String guarantee() {
        return "before a site's TEXT_POKE time another CPU runs the old instruction or traps on the int3, after it"
                + " the new one or the int3, whose handler emulates the new instruction (arch/x86/kernel/alternative.c,"
                + " comment above smp_text_poke_batch_finish; x86 instruction fetch is coherent with stores, SDM"
                + " Vol. 3A 8.1.3, with the serialising IPIs of text_poke_sync)";
    }

    @Override
    public Applied apply(Setup s) {
        Int3Protocol p = new Int3Protocol(syncTicks, writeTicks, s.program().ipiVector());
        List<PatchPlan> plans = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        for (Batch b : s.batches()) {
            PatchPlan pp = p.batch(b.patches().stream().map(SitePatch::patch).toList(), b.start(), s.patcher(), s.cpus());
            plans.add(pp);
            long end = pp.writes().get(pp.writes().size() - 1).tsc() + writeTicks + syncTicks;
            ends.add(end);
            phases.addAll(int3Phases(b, pp, end));
        }
        PatchPlan all = PatchPlan.merge(plans);
        return new Applied(all, null, List.of(), Behaviour.coinTosses(), ends,
                run -> new Outcome(run.announcedCode(), phases, List.of(), List.of()));
    }

    /** The three steps of each site, from the plan's writes and pokes. */
    static List<Phase> int3Phases(Batch b, PatchPlan pp, long end) {
        List<Phase> out = new ArrayList<>();
        for (SitePatch sp : b.patches()) {
            long a = sp.site().address();
            long int3 = -1;
            long first = -1;
            for (MemoryWrite w : pp.writes()) {
                if (w.address() == a && w.newBytes().length() == 1 && w.newBytes().get(0) == 0xcc) {
                    int3 = w.tsc();
                } else if (w.address() == a && w.oldBytes().length() == 1 && w.oldBytes().get(0) == 0xcc) {
                    first = w.tsc();
                }
            }
            long poke = pp.pokes().stream().filter(x -> x.address() == a).mapToLong(Poke::tsc).findFirst().orElse(first);
            String n = sp.site().name();
            out.add(new Phase(n, a, b.index(), -1, "int3 (trap; old before TEXT_POKE)", int3, poke));
            out.add(new Phase(n, a, b.index(), -1, "TEXT_POKE, tail written (trap)", poke, first));
            out.add(new Phase(n, a, b.index(), -1, "first byte written (new)", first, end));
        }
        return out;
    }
}
