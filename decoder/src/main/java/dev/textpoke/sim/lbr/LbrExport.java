package dev.textpoke.sim.lbr;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.Symbol;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated run's branch-stack samples ({@link LbrRecorder}) as a perf.data directory: what
 * {@code perf record --kcore -a -e BR_INST_RETIRED.NEAR_TAKEN:k -b} would have written on the
 * simulated machine ({@link LbrTraceWriter}): the kernel part of the program as the kcore copy,
 * every announced {@link Poke} as a TEXT_POKE on the CPU that made it, and each sample with its
 * entries (predicted, with their cycles). perf time is the TSC through the kernel's conversion for
 * the TSC's frequency, as {@code PerfDataExport} does for Intel PT.
 */
public final class LbrExport {
    private final SimulatedTrace trace;
    private final TscConversion tsc;

    public LbrExport(SimulatedTrace trace) {
        this.trace = trace;
        this.tsc = TscConversion.forFrequency(trace.clock().tscHz(), 0);
    }

    /** The perf time of a TSC, as perf computes it. */
    public long perfTime(long tscValue) {
        return tsc.toPerfTime(tscValue);
    }

    /** The TSC to perf time conversion the file's times come from. */
    public TscConversion tscConversion() {
        return tsc;
    }

    /** The kernel as a kcore copy holds it: the program's kernel segments and symbols. */
    public BaseImage kernel() {
        Program p = trace.program();
        List<Symbol> symbols = p.symbols().stream().filter(s -> Program.isKernel(s.address())).toList();
        return new BaseImage("kcore", p.kernelSegments(), symbols);
    }

    /** Writes the directory {@code dir} from {@code samples} (in time order, as the recorder gives them). */
    public void write(Path dir, List<LbrSample> samples, LbrTraceWriter.Config config) throws IOException {
        List<Poke> pokes = trace.pokes();
        long start = perfTime(trace.clock().startTsc()) - 1_000;
        try (LbrTraceWriter w = LbrTraceWriter.create(dir, kernel(), config, start)) {
            int k = 0;
            for (LbrSample s : samples) {
                long t = perfTime(s.tsc());
                while (k < pokes.size() && perfTime(pokes.get(k).tsc()) <= t) {
                    poke(w, pokes.get(k++));
                }
                w.sample(t, s.cpu(), 0, 0, s.ip(), s.hwIdx(), entries(s));
            }
            while (k < pokes.size()) {
                poke(w, pokes.get(k++));
            }
        }
    }

    /**
     * Writes samples as the recorder makes them, for runs too long to keep them: the pokes, known
     * before the run (the patch plans'), go out before the first sample at or after their time.
     * Close it after the run. Samples beyond {@code limit} are dropped.
     */
    public static final class Streaming implements java.util.function.Consumer<LbrSample>, java.io.Closeable {
        private final LbrTraceWriter w;
        private final TscConversion tsc;
        private final List<Poke> pokes;
        private final long limit;
        private int next;
        private long written;

        private Streaming(LbrTraceWriter w, TscConversion tsc, List<Poke> pokes, long limit) {
            this.w = w;
            this.tsc = tsc;
            this.pokes = pokes;
            this.limit = limit;
        }

        @Override
        public void accept(LbrSample s) {
            if (written >= limit) {
                return;
            }
            try {
                long t = tsc.toPerfTime(s.tsc());
                while (next < pokes.size() && tsc.toPerfTime(pokes.get(next).tsc()) <= t) {
                    Poke p = pokes.get(next++);
                    w.textPoke(tsc.toPerfTime(p.tsc()), p.cpu(), p.address(), p.oldBytes(), p.newBytes());
                }
                w.sample(t, s.cpu(), 0, 0, s.ip(), s.hwIdx(), entries(s));
                written++;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Samples written so far. */
        public long written() {
            return written;
        }

        @Override
        public void close() throws IOException {
            w.close();
        }
    }

    /** A streaming export of {@code program}'s run into {@code dir}, with {@code pokes} in time order. */
    public static Streaming stream(Path dir, Program program, dev.textpoke.sim.exec.ClockConfig clock,
            List<Poke> pokes, LbrTraceWriter.Config config, long limit) throws IOException {
        TscConversion tsc = TscConversion.forFrequency(clock.tscHz(), 0);
        List<Symbol> symbols = program.symbols().stream().filter(s -> Program.isKernel(s.address())).toList();
        BaseImage kernel = new BaseImage("kcore", program.kernelSegments(), symbols);
        List<Poke> sorted = new ArrayList<>(pokes);
        sorted.sort(java.util.Comparator.comparingLong(Poke::tsc));
        LbrTraceWriter w = LbrTraceWriter.create(dir, kernel, config, tsc.toPerfTime(clock.startTsc()) - 1_000);
        return new Streaming(w, tsc, sorted, limit);
    }

    private void poke(LbrTraceWriter w, Poke p) throws IOException {
        w.textPoke(perfTime(p.tsc()), p.cpu(), p.address(), p.oldBytes(), p.newBytes());
    }

    /** The kernel's entries: from, to, and flags with predicted set and the cycles at bits 4..19. */
    public static List<BranchEntry> entries(LbrSample s) {
        List<BranchEntry> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            out.add(new BranchEntry(s.from()[i], s.to()[i], 2L | (long) s.cycles()[i] << 4));
        }
        return out;
    }
}
