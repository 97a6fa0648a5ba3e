package dev.textpoke.scenario.score;

import java.util.List;

/**
 * One CPU's decode against what it ran: instructions executed (at the traced privilege levels),
 * decoded, decoded right, decoded wrong, marked ambiguous, executed but skipped ({@code missed}),
 * the decoder's desynchronisations, and each wrong, ambiguous or missed stretch.
 */
public record CpuScore(int cpu, long executed, long decoded, long correct, long wrong, long ambiguous, long missed,
        long desyncs, List<Run> runs) {
    public CpuScore {
        runs = List.copyOf(runs);
    }
}
