package dev.textpoke.scenario.protocol;

import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import java.util.ArrayList;
import java.util.List;

/**
 * A naive multi-byte write of live x86 code: the new bytes stored one at a time, first to last (a
 * {@code memcpy} into text, as {@code text_poke_early} does while only one CPU runs), with no
 * breakpoint and no sync; the write is announced when it is complete. Nothing keeps another CPU
 * from fetching the site while some bytes are new and the rest old: the SDM permits it only for
 * a single store within one 16-byte-aligned fetch, and otherwise requires that the executing CPUs
 * not run the code being written (SDM Vol. 3A 8.1.3, "Handling Self- and Cross-Modifying Code").
 *
 * @param byteTicks between two byte stores
 */
public record X86Naive(long byteTicks) implements Protocol {
    public static X86Naive defaults() {
        return new X86Naive(200);
    }

    @Override
    public String name() {
        return "x86-naive";
    }

    @Override
    public Isa isa() {
        return Isa.X86_64;
    }

    @Override
    public String guarantee() {
        return "none: between the first and the last byte store another CPU may fetch a mix of old and new bytes"
                + " (a torn instruction); the SDM's cross-modifying code rules (Vol. 3A 8.1.3) are not followed";
    }

    @Override
    public Applied apply(Setup s) {
        List<MemoryWrite> writes = new ArrayList<>();
        List<Poke> pokes = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (Batch b : s.batches()) {
            long t = b.start();
            for (SitePatch sp : b.patches()) {
                Bytes from = sp.site().bytes(sp.from());
                Bytes to = sp.site().bytes(sp.to());
                long a = sp.site().address();
                int n = to.length();
                long first = t;
                for (int j = 0; j < n; j++) {
                    if (from.get(j) != to.get(j)) {
                        writes.add(new MemoryWrite(t, s.patcher(), a + j, from.slice(j, j + 1), to.slice(j, j + 1),
                                sp.site().kind()));
                        if (j + 1 < n) {
                            phases.add(new Phase(sp.site().name(), a, b.index(), -1,
                                    "torn: " + (j + 1) + " of " + n + " bytes new", t, t + byteTicks));
                        }
                        t += byteTicks;
                    }
                }
                pokes.add(new Poke(t, s.patcher(), a, from, to, sp.site().kind()));
                phases.add(new Phase(sp.site().name(), a, b.index(), -1, "written (new)", t, t + byteTicks));
                if (first == t) {
                    t += byteTicks;
                }
            }
            ends.add(t + byteTicks);
        }
        PatchPlan plan = new PatchPlan(writes, pokes, TrapHandler.none(), List.of());
        return new Applied(plan, null, List.of(), Behaviour.coinTosses(), ends,
                run -> new Outcome(run.announcedCode(), phases, List.of(), List.of()));
    }
}
