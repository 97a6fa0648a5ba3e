package dev.textpoke.scenario;

import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Decoded;
import java.util.List;

/**
 * One decoder's decode of a run, scored per CPU: textpoke with or without replay, or perf.
 *
 * @param windows per CPU, for protocols with uncertain windows (else empty)
 * @param note    how the decode was made or why it is missing
 * @param instructions per CPU, every instruction decoded, when the run kept them ({@link RunOptions#keepDecodes()})
 */
public record DecoderResult(String decoder, boolean replay, List<CpuScore> cpus, List<WindowStats> windows, String note,
        List<List<Decoded>> instructions) {
    public DecoderResult {
        cpus = List.copyOf(cpus);
        windows = List.copyOf(windows);
        instructions = List.copyOf(instructions);
    }

    public long wrong() {
        return cpus.stream().mapToLong(CpuScore::wrong).sum();
    }

    public long ambiguous() {
        return cpus.stream().mapToLong(CpuScore::ambiguous).sum();
    }

    public long decoded() {
        return cpus.stream().mapToLong(CpuScore::decoded).sum();
    }

    public long desyncs() {
        return cpus.stream().mapToLong(CpuScore::desyncs).sum();
    }

    public long missed() {
        return cpus.stream().mapToLong(CpuScore::missed).sum();
    }
}
