package dev.textpoke.scenario.protocol;

import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The brk-mediated scheme proposed for arm64 in the 2019 text-poke discussion (Peter Zijlstra,
 * LKML 20191111203243.GT4131@hirez.programming.kicks-ass.net) and never merged: a {@code brk} on
 * every site, sync ({@code kick_all_cpus_sync}), an event per site (the switch point, as x86's
 * TEXT_POKE), the new words, sync. A CPU that hits a {@code brk} takes a breakpoint exception
 * whose handler emulates the new word ({@link A64Emulation}). Every step is one word in the CMODX
 * set (old, BRK, new), so a CPU that has not yet synchronised runs the word before a store or the
 * one after ({@link UnsyncedStores}).
 *
 * @param storeTicks one store plus local cache maintenance
 * @param syncTicks  one {@code kick_all_cpus_sync}
 */
public record Arm64Brk(long storeTicks, long syncTicks) implements Protocol {
    /** BRK #0x7: a breakpoint immediate of its own (kprobes use #0x4, uprobes #0x5; arch/arm64/include/asm/brk-imm.h). */
    static final int BRK_WORD = 0xd4200000 | 0x7 << 5;

    public static Arm64Brk defaults() {
        return new Arm64Brk(20, 2000);
    }

    @Override
    public String name() {
        return "arm64-brk";
    }

    @Override
    public Isa isa() {
        return Isa.A64;
    }

    @Override
    public String guarantee() {
        return "before a site's event another CPU runs the old word or hits the brk, after it the new word or the brk,"
                + " whose handler emulates the new word (the scheme of LKML 20191111203243.GT4131@hirez.programming."
                + "kicks-ass.net; each store is old-or-new by Arm ARM DDI 0487 B2.2.5, BRK being in the CMODX set)";
    }

    @Override
    public Applied apply(Setup s) {
        List<MemoryWrite> writes = new ArrayList<>();
        List<Poke> pokes = new ArrayList<>();
        List<Interrupt> ipis = new ArrayList<>();
        List<UnsyncedStores.Store> stores = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        List<long[]> handled = new ArrayList<>();
        List<A64Emulation> emulations = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        Bytes brk = Bytes.of((byte) BRK_WORD, (byte) (BRK_WORD >>> 8), (byte) (BRK_WORD >>> 16), (byte) (BRK_WORD >>> 24));
        for (int bi = 0; bi < s.batches().size(); bi++) {
            Batch b = s.batches().get(bi);
            long next = bi + 1 < s.batches().size() ? s.batches().get(bi + 1).start() : Long.MAX_VALUE;
            long t = b.start();
            List<Long> brkAt = new ArrayList<>();
            for (SitePatch sp : b.patches()) {
                writes.add(new MemoryWrite(t, s.patcher(), sp.site().address(), sp.site().bytes(sp.from()), brk,
                        sp.site().kind()));
                brkAt.add(t);
                t += storeTicks;
            }
            long sync1 = t;
            ipis(ipis, s, sync1);
            t = sync1 + syncTicks;
            List<Long> events = new ArrayList<>();
            for (SitePatch sp : b.patches()) {
                pokes.add(new Poke(t, s.patcher(), sp.site().address(), sp.site().bytes(sp.from()),
                        sp.site().bytes(sp.to()), sp.site().kind()));
                events.add(t);
                t += storeTicks;
            }
            List<Long> newAt = new ArrayList<>();
            for (SitePatch sp : b.patches()) {
                writes.add(new MemoryWrite(t, s.patcher(), sp.site().address(), brk, sp.site().bytes(sp.to()),
                        sp.site().kind()));
                newAt.add(t);
                t += storeTicks;
            }
            long sync2 = t;
            ipis(ipis, s, sync2);
            long end = sync2 + syncTicks;
            ends.add(end);
            for (int i = 0; i < b.patches().size(); i++) {
                SitePatch sp = b.patches().get(i);
                String n = sp.site().name();
                long a = sp.site().address();
                stores.add(new UnsyncedStores.Store(n, a, sp.site().bytes(sp.from()).toArray(), brk.toArray(), brkAt.get(i),
                        sync1, b.index()));
                stores.add(new UnsyncedStores.Store(n, a, brk.toArray(), sp.site().bytes(sp.to()).toArray(), newAt.get(i),
                        sync2, b.index()));
                phases.add(new Phase(n, a, b.index(), -1, "brk stored (old or brk)", brkAt.get(i), sync1));
                phases.add(new Phase(n, a, b.index(), -1, "brk synced (brk; event)", sync1, newAt.get(i)));
                phases.add(new Phase(n, a, b.index(), -1, "new word stored (brk or new)", newAt.get(i), end));
                int neu = Arm64Nosync.word(sp.site().bytes(sp.to()));
                try {
                    emulations.add(new A64Emulation(a, neu));
                } catch (IllegalArgumentException e) {
                    notes.add(sp.site().name() + ": " + e.getMessage());
                    emulations.add(null);
                }
                handled.add(new long[] {a, brkAt.get(i), next});
            }
        }
        TrapHandler h = (cpu, tsc, trapped, decider) -> {
            for (int i = 0; i < handled.size(); i++) {
                long[] w = handled.get(i);
                if (trapped.address() == w[0] && w[1] <= tsc && tsc < w[2] && emulations.get(i) != null) {
                    return emulations.get(i).action();
                }
            }
            return null;
        };
        long ipiHandler = s.program().program().vectors().interruptHandler(s.program().ipiVector());
        UnsyncedStores view = new UnsyncedStores(stores, s.patcher(), ipiHandler, s.seed());
        PatchPlan plan = new PatchPlan(writes, pokes, h, ipis);
        List<String> n = List.copyOf(notes);
        return new Applied(plan, view, List.of(view), Behaviour.coinTosses(), ends, run -> {
            List<String> all = new ArrayList<>(n);
            for (Window w : view.windows()) {
                // The second store must wait until every CPU synchronised with the first.
                for (UnsyncedStores.Store st : stores) {
                    if (st.address() == w.address() && st.batch() == w.batch() && st.storeTsc() > w.from()
                            && st.storeTsc() < w.to() && java.util.Arrays.equals(st.before(), brk.toArray())) {
                        all.add("batch " + w.batch() + ": cpu " + w.cpu() + " synchronised with the brk only at "
                                + w.to() + ", after the new word was stored: the simulated sync did not wait");
                    }
                }
            }
            return new Outcome(run.announcedCode(), phases, List.of(), all);
        });
    }

    private static void ipis(List<Interrupt> ipis, Setup s, long at) {
        for (int c = 0; c < s.cpus(); c++) {
            if (c != s.patcher()) {
                ipis.add(Interrupt.at(c, at, s.program().ipiVector()));
            }
        }
    }
}
