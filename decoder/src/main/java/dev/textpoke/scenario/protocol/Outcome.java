package dev.textpoke.scenario.protocol;

import dev.textpoke.code.CodeTimeline;
import java.util.List;

/**
 * What a protocol leaves after a run: the code timeline a decoder is given (what the kernel
 * announced, or for arm64 the best a decoder could know), the phases of each site, the windows in
 * which a CPU could run either version, and notes (a guarantee the run could not keep, a CMODX
 * verdict).
 */
public record Outcome(CodeTimeline announced, List<Phase> phases, List<Window> windows, List<String> notes) {
    public Outcome {
        phases = List.copyOf(phases);
        windows = List.copyOf(windows);
        notes = List.copyOf(notes);
    }
}
