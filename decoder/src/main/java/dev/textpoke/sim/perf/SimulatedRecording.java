package dev.textpoke.sim.perf;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.pt.PtStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated run packaged as {@code perf record -e intel_pt//k --kcore -a} would have recorded
 * it: the kernel image and its symbols as the kcore copy, each CPU's Intel PT stream as one AUX
 * queue, an ITRACE_START per CPU, and a TEXT_POKE per announced modification at its time. perf
 * time is the TSC converted at the machine's TSC frequency (time zero at TSC zero).
 */
public final class SimulatedRecording {
    private SimulatedRecording() {}

    /** The run's TSC conversion: the machine's TSC frequency, perf time 0 at TSC 0. */
    public static TscConversion tsc(SimulatedTrace t) {
        return TscConversion.forFrequency(t.clock().tscHz(), 0);
    }

    /**
     * The recording of a run traced with Intel PT of kernel code only.
     *
     * @throws IllegalArgumentException when the run was not traced, or traced user code
     */
    public static PtRecording of(SimulatedTrace t) {
        if (t.pt().isEmpty()) {
            throw new IllegalArgumentException("the run was not traced with Intel PT");
        }
        if (t.ptConfig().filter() != CplFilter.KERNEL) {
            throw new IllegalArgumentException("only kernel traces are packaged (user code needs its ELF files)");
        }
        Program p = t.program();
        List<Symbol> kernelSymbols = p.symbols().stream().filter(s -> Program.isKernel(s.address())).toList();
        KcoreDir kcore = new KcoreDir(new BaseImage("kcore", p.kernelSegments(), kernelSymbols), List.of());
        TscConversion conv = tsc(t);
        PtRecording.Builder b = PtRecording.builder(kcore).config(t.ptConfig().pt()).traced(true, false)
                .tsc(conv, t.ptConfig().tscCtcRatioN(), t.ptConfig().tscCtcRatioD(), t.clock().maxNonTurboRatio())
                .cpus(t.cpus());
        List<SidebandEvent> sideband = new ArrayList<>();
        for (PtStream s : t.pt()) {
            b.stream(AuxStream.ofCpu(s.cpu(), s.bytes(), conv.toPerfTime(s.endTsc()) + 1000));
            sideband.add(SidebandEvent.ItraceStart.of(conv.toPerfTime(s.startTsc()) - 1000, s.cpu(), 0, 0));
        }
        for (Poke k : t.pokes()) {
            sideband.add(SidebandEvent.TextPoke.of(conv.toPerfTime(k.tsc()), k.cpu(), k.address(), k.oldBytes(),
                    k.newBytes()));
        }
        return b.sideband(sideband).build();
    }
}
