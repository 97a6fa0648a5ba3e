package dev.textpoke.scenario.protocol;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.Modification;
import dev.textpoke.code.Switch;
import dev.textpoke.code.TimelineBuilder;
import dev.textpoke.isa.Isa;
import dev.textpoke.scenario.workload.WorkloadCompiler;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.BranchScript;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.truth.AsyncEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * arm64's {@code aarch64_insn_patch_text} (arch/arm64/kernel/patching.c): {@code
 * stop_machine_cpuslocked} brings every CPU into {@code multi_cpu_stop} with IRQs masked; the last
 * to arrive stores each word ({@code aarch64_insn_patch_text_nosync}) while the others spin, then
 * they all {@code isb}. No CPU executes the sites while they change, so there is no window; the
 * decoder is given each store as a switch point (any time inside the rendezvous would do).
 *
 * @param rendezvousTicks from the stopper IPI to the first store (every CPU has arrived by then)
 * @param storeTicks      one store plus cache maintenance
 */
public record Arm64StopMachine(long rendezvousTicks, long storeTicks) implements Protocol {
    public static Arm64StopMachine defaults() {
        return new Arm64StopMachine(3000, 200);
    }

    @Override
    public String name() {
        return "arm64-stop-machine";
    }

    @Override
    public Isa isa() {
        return Isa.A64;
    }

    @Override
    public String guarantee() {
        return "no other CPU executes kernel code outside multi_cpu_stop while the words are stored, and each runs"
                + " isb before it leaves (arch/arm64/kernel/patching.c, aarch64_insn_patch_text; kernel/stop_machine.c):"
                + " before the rendezvous the old word, after it the new one";
    }

    @Override
    public Applied apply(Setup s) {
        List<MemoryWrite> writes = new ArrayList<>();
        List<Interrupt> ipis = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        long[] from = new long[s.batches().size()];
        long[] to = new long[s.batches().size()];
        List<long[]> storeTimes = new ArrayList<>();
        for (Batch b : s.batches()) {
            for (int c = 0; c < s.cpus(); c++) {
                ipis.add(Interrupt.at(c, b.start(), WorkloadCompiler.STOP_VECTOR));
            }
            long t = b.start() + rendezvousTicks;
            long first = t;
            for (SitePatch sp : b.patches()) {
                writes.add(new MemoryWrite(t, s.patcher(), sp.site().address(), sp.site().bytes(sp.from()),
                        sp.site().bytes(sp.to()), sp.site().kind()));
                storeTimes.add(new long[] {t, b.index()});
                t += storeTicks;
            }
            from[b.index()] = b.start();
            to[b.index()] = t;
            ends.add(t + storeTicks);
            for (SitePatch sp : b.patches()) {
                phases.add(new Phase(sp.site().name(), sp.site().address(), b.index(), -1,
                        "stop_machine: every CPU in multi_cpu_stop", b.start(), t));
            }
            if (first >= t) {
                throw new IllegalStateException("a batch without stores");
            }
        }
        Behaviour spin = Behaviour.builder().branch(s.program().stopSpin(), new BranchScript.During(from, to)).build();
        PatchPlan plan = new PatchPlan(writes, List.of(), TrapHandler.none(), ipis);
        return new Applied(plan, null, List.of(), spin, ends, run -> outcome(run, s, writes, from, phases));
    }

    private static Outcome outcome(SimulatedTrace run, Setup s, List<MemoryWrite> writes, long[] from,
            List<Phase> phases) {
        TimelineBuilder tb = CodeTimeline.builder().image(run.image());
        for (MemoryWrite w : writes) {
            tb.modification(new Modification(w.address(), w.oldBytes(), w.newBytes(), Switch.point(w.tsc()), w.cpu(),
                    w.kind()));
        }
        List<String> notes = new ArrayList<>();
        long stopper = s.program().program().vectors().interruptHandler(WorkloadCompiler.STOP_VECTOR);
        for (Batch b : s.batches()) {
            long firstStore = writes.stream().filter(w -> w.tsc() >= b.start()).mapToLong(MemoryWrite::tsc).min()
                    .orElse(b.start());
            for (int c = 0; c < s.cpus(); c++) {
                long arrived = -1;
                for (AsyncEvent e : run.groundTruth().asyncEvents(c)) {
                    if (e.kind() == AsyncKind.INTERRUPT && e.to() == stopper && e.tsc() >= b.start()) {
                        arrived = e.tsc();
                        break;
                    }
                }
                boolean running = run.groundTruth().haltTsc(c) > firstStore;
                if (running && (arrived < 0 || arrived > firstStore)) {
                    notes.add("batch " + b.index() + ": cpu " + c + " reached multi_cpu_stop "
                            + (arrived < 0 ? "never" : "at " + arrived) + ", after the first store at " + firstStore
                            + ": the simulated rendezvous did not hold");
                }
            }
        }
        try {
            return new Outcome(tb.build(), phases, List.of(), notes);
        } catch (ImageOverlapException e) {
            throw new IllegalStateException(e);
        }
    }
}
