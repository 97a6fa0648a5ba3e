package dev.textpoke.scenario.protocol;

import dev.textpoke.arm64.CmodxProfile;
import dev.textpoke.arm64.CmodxRule;
import dev.textpoke.arm64.CmodxValidator;
import dev.textpoke.arm64.Finding;
import dev.textpoke.arm64.Patch;
import dev.textpoke.arm64.PatchKind;
import dev.textpoke.arm64.Verdict;
import dev.textpoke.arm64.Visibility;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.Modification;
import dev.textpoke.code.Switch;
import dev.textpoke.code.TimelineBuilder;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * arm64's jump-label patching ({@code arch_jump_label_transform_queue}: {@code
 * aarch64_insn_patch_text_nosync} per site, one aligned 32-bit store plus {@code
 * caches_clean_inval_pou} on the patching CPU; {@code arch_jump_label_transform_apply}: one {@code
 * kick_all_cpus_sync} per batch; arch/arm64/kernel/jump_label.c and patching.c). No event is
 * emitted. From a site's store until a CPU takes the batch's IPI, that CPU may run the old or the
 * new word at each fetch ({@link UnsyncedStores}); the decoder is given each store as an uncertain
 * window from the store to the end of the sync (what a log of the patcher's stores would say; a
 * real arm64 trace has not even that).
 *
 * @param storeTicks       one store plus the patcher's local cache maintenance
 * @param syncTicks        from the IPI to the return of {@code kick_all_cpus_sync} when every CPU took it
 */
public record Arm64Nosync(long storeTicks, long syncTicks) implements Protocol {
    public static Arm64Nosync defaults() {
        return new Arm64Nosync(200, 2000);
    }

    @Override
    public String name() {
        return "arm64-nosync";
    }

    @Override
    public Isa isa() {
        return Isa.A64;
    }

    @Override
    public String guarantee() {
        return "from the store until it takes the batch's kick_all_cpus_sync IPI another CPU may execute the old or"
                + " the new word at each fetch, when both are in the CMODX set (Arm ARM DDI 0487 B2.2.5, as "
                + CmodxRule.OLD_OR_NEW_SET.id() + "; herdtools7 aarch64-ifetch coFF allowed); exception entry is"
                + " context-synchronising, so after the IPI only the new word (arch/arm64/kernel/jump_label.c)";
    }

    @Override
    public Applied apply(Setup s) {
        List<MemoryWrite> writes = new ArrayList<>();
        List<Interrupt> ipis = new ArrayList<>();
        List<UnsyncedStores.Store> stores = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        for (Batch b : s.batches()) {
            long t = b.start();
            List<long[]> stored = new ArrayList<>();
            for (SitePatch sp : b.patches()) {
                writes.add(new MemoryWrite(t, s.patcher(), sp.site().address(), sp.site().bytes(sp.from()),
                        sp.site().bytes(sp.to()), sp.site().kind()));
                stored.add(new long[] {t});
                notes.addAll(cmodx(sp));
                t += storeTicks;
            }
            long sync = t;
            for (int c = 0; c < s.cpus(); c++) {
                if (c != s.patcher()) {
                    ipis.add(Interrupt.at(c, sync, s.program().ipiVector()));
                }
            }
            for (int i = 0; i < b.patches().size(); i++) {
                SitePatch sp = b.patches().get(i);
                stores.add(new UnsyncedStores.Store(sp.site().name(), sp.site().address(), sp.site().bytes(sp.from()).toArray(),
                        sp.site().bytes(sp.to()).toArray(), stored.get(i)[0], sync, b.index()));
            }
            ends.add(sync + syncTicks);
        }
        long ipiHandler = s.program().program().vectors().interruptHandler(s.program().ipiVector());
        UnsyncedStores view = new UnsyncedStores(stores, s.patcher(), ipiHandler, s.seed());
        PatchPlan plan = new PatchPlan(writes, List.of(), TrapHandler.none(), ipis);
        return new Applied(plan, view, List.of(view), Behaviour.coinTosses(), ends,
                run -> outcome(run, s, stores, view.windows(), ends, List.copyOf(notes)));
    }

    /** The decoder's timeline: each store a window up to the sync's end (the last CPU's IPI, or the planned end). */
    static Outcome outcome(SimulatedTrace run, Setup s, List<UnsyncedStores.Store> stores, List<Window> windows,
            List<Long> ends, List<String> notes) {
        Map<Integer, Long> syncEnd = new HashMap<>();
        for (Window w : windows) {
            syncEnd.merge(w.batch(), w.to() + 1, Math::max);
        }
        TimelineBuilder tb = CodeTimeline.builder().image(run.image());
        List<Phase> phases = new ArrayList<>();
        for (UnsyncedStores.Store st : stores) {
            long end = Math.max(syncEnd.getOrDefault(st.batch(), st.storeTsc() + 1), ends.get(st.batch()));
            phases.add(new Phase(st.site(), st.address(), st.batch(), -1, "stored; kick_all_cpus_sync under way", st.storeTsc(),
                    end));
            tb.modification(new Modification(st.address(), Bytes.wrapOwned(st.before().clone()),
                    Bytes.wrapOwned(st.after().clone()), Switch.window(st.storeTsc(), end), s.patcher(), kindOf(s, st)));
        }
        for (Window w : windows) {
            phases.add(new Phase(w.site(), w.address(), w.batch(), w.cpu(), "stored, not synchronised (old or new)",
                    w.from(), w.to()));
        }
        try {
            return new Outcome(tb.build(), phases, windows, notes);
        } catch (ImageOverlapException e) {
            throw new IllegalStateException(e);
        }
    }

    private static dev.textpoke.code.SiteKind kindOf(Setup s, UnsyncedStores.Store st) {
        return s.program().siteAt(st.address()).kind();
    }

    /** The CMODX verdict of a site's old and new word, as notes when it is not tear-safe. */
    static List<String> cmodx(SitePatch sp) {
        int before = word(sp.site().bytes(sp.from()));
        int after = word(sp.site().bytes(sp.to()));
        Patch p = new Patch("scenario", null, sp.site().address(), null, -1, sp.site().name(), PatchKind.PATCH,
                List.of(before), List.of(after), true, Visibility.IPI, OptionalLong.empty(), Patch.Reach.NOT_APPLICABLE,
                List.of(), "");
        Verdict v = new CmodxValidator(CmodxProfile.STRICT).check(p);
        List<String> out = new ArrayList<>();
        for (Finding f : v.findings()) {
            out.add(sp.site().name() + ": " + f.rule().id() + ": " + f.detail()
                    + " (another CPU may then execute neither the old nor the new word)");
        }
        return out;
    }

    static int word(Bytes b) {
        return b.get(0) | b.get(1) << 8 | b.get(2) << 16 | b.get(3) << 24;
    }
}
