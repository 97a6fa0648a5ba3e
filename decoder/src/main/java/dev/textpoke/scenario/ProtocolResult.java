package dev.textpoke.scenario;

import dev.textpoke.scenario.protocol.Batch;
import dev.textpoke.scenario.protocol.Outcome;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.workload.BuiltProgram;
import dev.textpoke.sim.SimulatedTrace;
import java.nio.file.Path;
import java.util.List;

/**
 * A scenario run under one protocol: the program, the batches, the simulation (ground truth and
 * traces), what the protocol left (announced code, phases, windows, notes), what each CPU did,
 * and each decoder's scores.
 *
 * @param perfData the perf.data directory written for the run, or null (arm64, user space, or removed)
 */
public record ProtocolResult(Scenario scenario, Protocol protocol, BuiltProgram program, List<Batch> batches,
        SimulatedTrace trace, Outcome outcome, List<CpuTruth> truth, List<DecoderResult> decodes, Path perfData) {
    public ProtocolResult {
        batches = List.copyOf(batches);
        truth = List.copyOf(truth);
        decodes = List.copyOf(decodes);
    }

    /** The decode by {@code decoder} with replay on or off, or null. */
    public DecoderResult decode(String decoder, boolean replay) {
        for (DecoderResult d : decodes) {
            if (d.decoder().equals(decoder) && d.replay() == replay) {
                return d;
            }
        }
        return null;
    }
}
