package dev.textpoke.pt.decode;

import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.perf.IntelPtInfo;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.pt.time.PacketClock;

/**
 * How a recording's trace must be read: its PT configuration (return compression, MTC period,
 * CYC), the TSC:crystal ratio and the maximum non-turbo ratio from AUXTRACE_INFO, and the
 * conversion of TSC to perf time.
 */
public record TraceSetup(PtConfig config, long tscCtcRatioN, long tscCtcRatioD, int maxNonTurboRatio,
        TscConversion tsc, int maxCandidates) {

    public static TraceSetup of(IntelPtInfo info, PtConfig config) {
        return new TraceSetup(config, info.tscCtcRatioN(), info.tscCtcRatioD(), (int) info.maxNonTurboRatio(),
                info.tscConversion(), 32);
    }

    /** The same with another TSC conversion (TIME_CONV's, which perf prefers when the file has one). */
    public TraceSetup withTsc(TscConversion conversion) {
        return new TraceSetup(config, tscCtcRatioN, tscCtcRatioD, maxNonTurboRatio, conversion, maxCandidates);
    }

    /** A fresh clock for one queue. */
    public PacketClock clock() {
        return new PacketClock(config.mtcPeriod(), tscCtcRatioN, tscCtcRatioD, maxNonTurboRatio);
    }

    public FlowDecoder.Config flowConfig() {
        return new FlowDecoder.Config(config.returnCompression(), tsc::toPerfTime, config.cyc(), maxCandidates);
    }
}
