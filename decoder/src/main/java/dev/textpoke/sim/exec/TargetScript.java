package dev.textpoke.sim.exec;

import java.util.List;

/**
 * Where an indirect jump or call goes each time a CPU executes it (a jump table's entries, a
 * function pointer's possible values). Each CPU keeps its own position.
 */
public sealed interface TargetScript permits TargetScript.Cycle, TargetScript.Pick {

    /** The targets in order, repeating. */
    record Cycle(List<Long> targets) implements TargetScript {
        public Cycle {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a target table has at least one target");
            }
        }
    }

    /** One of the targets, uniformly, from the CPU's seeded random stream. */
    record Pick(List<Long> targets) implements TargetScript {
        public Pick {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a target table has at least one target");
            }
        }
    }

    static TargetScript cycle(long... targets) {
        return new Cycle(java.util.Arrays.stream(targets).boxed().toList());
    }

    static TargetScript pick(long... targets) {
        return new Pick(java.util.Arrays.stream(targets).boxed().toList());
    }

    /** The targets this script may choose. */
    default List<Long> targets() {
        return this instanceof Cycle c ? c.targets() : ((Pick) this).targets();
    }
}
