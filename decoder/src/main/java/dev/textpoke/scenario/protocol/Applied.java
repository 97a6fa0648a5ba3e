package dev.textpoke.scenario.protocol;

import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.ViewFactory;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.patch.PatchPlan;
import java.util.List;
import java.util.function.Function;

/**
 * A protocol applied to a setup, for the simulator: its writes, announcements, IPIs and trap
 * policy ({@link PatchPlan}), the view of the code other CPUs get where memory alone does not say
 * (null when memory does), listeners that view needs, scripts it adds (the stopper's spin), when
 * each batch is over, and what to make of the run afterwards.
 */
public record Applied(PatchPlan plan, ViewFactory view, List<ExecutionListener> listeners, Behaviour behaviour,
        List<Long> batchEnds, Function<SimulatedTrace, Outcome> outcome) {
    public Applied {
        listeners = List.copyOf(listeners);
        batchEnds = List.copyOf(batchEnds);
    }
}
