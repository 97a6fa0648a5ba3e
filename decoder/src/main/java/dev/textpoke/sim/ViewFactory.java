package dev.textpoke.sim;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.sim.code.CodeView;
import dev.textpoke.sim.code.InsnTable;

/**
 * Wraps the view every CPU fetches through, for a protocol that shows a CPU other bytes than memory
 * for a while (see {@link dev.textpoke.sim.code.OverlayCodeView}).
 */
@FunctionalInterface
public interface ViewFactory {
    /** What a wrapping view may use: memory, the classifier and the interning table of the run. */
    record Context(CodeTimeline memory, InstructionClassifier classifier, InsnTable table, int cpus) {}

    CodeView wrap(CodeView memoryView, Context context);
}
