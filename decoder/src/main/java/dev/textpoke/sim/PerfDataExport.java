package dev.textpoke.sim;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.io.Bytes;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.sim.pt.PacketLog;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.pt.PtStream;
import dev.textpoke.sim.perf.AuxChunk;
import dev.textpoke.sim.perf.AuxStream;
import dev.textpoke.sim.perf.PtPerfDataWriter;
import dev.textpoke.sim.perf.PtRecording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A traced {@link SimulatedTrace} as a perf.data directory that perf 6.1 decodes: what {@code perf
 * record -e intel_pt//k --kcore -a} would have written on the simulated machine (the packaging is
 * {@link PtPerfDataWriter}'s). The kernel part of the program is the kcore copy and kallsyms; user
 * code is a file in the directory ({@code DIR/program/user.bin}) mapped with MMAP2 as {@code
 * /program/user.bin} by one process whose threads run the user CPUs (perf finds it with {@code
 * --symfs DIR}); every announced {@link Poke} is a TEXT_POKE on the
 * CPU that made it; each CPU's trace is cut into AUX chunks at PSBs, reported when their last byte
 * was written.
 *
 * <p>perf time is the TSC through the kernel's conversion for the TSC's frequency ({@link
 * TscConversion#forFrequency}); {@link #perfTime} converts as perf does.
 */
public final class PerfDataExport {
    /** The process that runs user code, and its threads: {@code USER_PID + cpu}. */
    public static final int USER_PID = 1000;
    /** The user code's file inside the perf.data directory. */
    public static final String USER_FILE = "program/user.bin";
    /**
     * The name the MMAP2 record gives the user code: {@code /program/user.bin}, found by perf with
     * {@code --symfs DIR} (perf prefixes DSO names with the symfs directory), so that the
     * perf.data does not depend on where it lies.
     */
    public static final String USER_FILE_NAME = "/" + USER_FILE;

    private final SimulatedTrace trace;
    private final int chunkBytes;
    private final TscConversion tsc;

    /**
     * @param chunkBytes AUX chunk size (an AUX area's wakeup), at least 64; chunks end at PSBs
     */
    public PerfDataExport(SimulatedTrace trace, int chunkBytes) {
        if (trace.pt().isEmpty()) {
            throw new IllegalArgumentException("the run was not traced with Intel PT");
        }
        if (chunkBytes < 64) {
            throw new IllegalArgumentException("AUX chunks of at least 64 bytes: " + chunkBytes);
        }
        this.trace = trace;
        this.chunkBytes = chunkBytes;
        this.tsc = TscConversion.forFrequency(trace.clock().tscHz(), 0);
    }

    /** Chunks of 16 KB. */
    public PerfDataExport(SimulatedTrace trace) {
        this(trace, 16 * 1024);
    }

    /** The perf time of a TSC, as perf computes it ({@code tsc_to_perf_time}). */
    public long perfTime(long tscValue) {
        return tsc.toPerfTime(tscValue);
    }

    public TscConversion tscConversion() {
        return tsc;
    }

    /** The recording, the user code named {@link #USER_FILE_NAME}. */
    public PtRecording recording() {
        Program p = trace.program();
        PtModelConfig cfg = trace.ptConfig();
        List<ImageSegment> kernelSegments = p.kernelSegments();
        List<Symbol> kernelSymbols = p.symbols().stream().filter(s -> Program.isKernel(s.address())).toList();
        KcoreDir kcore = new KcoreDir(new BaseImage("kcore", kernelSegments, kernelSymbols), List.of());
        boolean user = cfg.filter() != CplFilter.KERNEL;
        PtRecording.Builder b = PtRecording.builder(kcore)
                .config(cfg.pt())
                .traced(cfg.filter().traces(false), cfg.filter().traces(true))
                .tsc(tsc, cfg.tscCtcRatioN(), cfg.tscCtcRatioD(), trace.clock().maxNonTurboRatio())
                .cpus(trace.cpus());
        long start = perfTime(trace.clock().startTsc());
        List<SidebandEvent> sideband = new ArrayList<>();
        boolean anyUser = !p.userSegments().isEmpty();
        if (anyUser) {
            sideband.add(SidebandEvent.Comm.of(start - 3_000, 0, USER_PID, USER_PID, "simulated"));
            long fileOffset = 0;
            for (ImageSegment s : p.userSegments()) {
                sideband.add(SidebandEvent.Mmap.userCode(start - 2_000, 0, USER_PID, USER_PID, s.address(),
                        pageUp(s.bytes().length()), fileOffset, USER_FILE_NAME));
                fileOffset += pageUp(s.bytes().length());
            }
        }
        for (int cpu = 0; cpu < trace.cpus(); cpu++) {
            boolean userCpu = anyUser && p.starts().get(cpu % p.starts().size()).user();
            int pid = userCpu || (anyUser && user) ? USER_PID : 0;
            int tid = pid == 0 ? 0 : USER_PID + cpu;
            if (tid != 0 && tid != USER_PID) {
                sideband.add(new SidebandEvent.Fork(start - 1_500, cpu, USER_PID, USER_PID, tid, USER_PID, -1));
            }
            sideband.add(SidebandEvent.ItraceStart.of(start - 1_000, cpu, pid, tid));
        }
        for (Poke k : trace.pokes()) {
            sideband.add(SidebandEvent.TextPoke.of(perfTime(k.tsc()), k.cpu(), k.address(), k.oldBytes(), k.newBytes()));
        }
        sideband.sort(java.util.Comparator.comparingLong(SidebandEvent::time));
        b.sideband(sideband);
        for (int cpu = 0; cpu < trace.cpus(); cpu++) {
            PtStream s = trace.pt(cpu);
            if (s.bytes().isEmpty()) {
                continue;
            }
            b.stream(new AuxStream(cpu, -1, -1, chunks(s)));
        }
        return b.build();
    }

    /**
     * The stream cut into AUX chunks of about {@code chunkBytes}, each starting at a PSB: the PT
     * driver stops and restarts tracing around each AUX transaction, and a trace restarted with
     * an empty packet byte count begins with PSB+ (SDM Vol. 3C, "Enabling and Disabling Packet
     * Generation with TraceEn"). Each chunk is reported when its last byte was written.
     */
    private List<AuxChunk> chunks(PtStream s) {
        List<Integer> psbs = new ArrayList<>();
        PacketLog log = s.packets();
        for (int i = 0; i < log.size(); i++) {
            if (log.type(i) == PacketType.PSB) {
                psbs.add(log.offset(i));
            }
        }
        int length = s.bytes().length();
        List<AuxChunk> chunks = new ArrayList<>();
        int start = 0;
        int k = 0;
        while (start < length) {
            // The last PSB no further than chunkBytes on, or else the first one after.
            int end = length;
            while (k < psbs.size() && psbs.get(k) <= start) {
                k++;
            }
            int j = k;
            while (j < psbs.size() && psbs.get(j) - start <= chunkBytes) {
                end = psbs.get(j);
                j++;
            }
            if (end == length && j < psbs.size() && length - start > chunkBytes) {
                end = psbs.get(j);
            }
            chunks.add(AuxChunk.of(s.bytes().slice(start, end), perfTime(s.tscAtOffset(end))));
            start = end;
        }
        return chunks;
    }

    /**
     * Writes the perf.data directory {@code dir} ({@code dir/data}, {@code dir/kcore_dir}, and the
     * user code at {@code dir/program/user.bin} when the program has some). {@code dir} must not
     * exist or be empty.
     */
    public void write(Path dir) throws IOException {
        Path userFile = dir.resolve(USER_FILE);
        PtRecording rec = recording();
        PtPerfDataWriter.writeDirectory(rec, dir);
        if (!trace.program().userSegments().isEmpty()) {
            Files.createDirectories(userFile.getParent());
            Files.write(userFile, userFile().toArray());
        }
    }

    private static long pageUp(long n) {
        return (n + 4095) & -4096L;
    }

    /** The user code file's bytes, as {@link #write} lays them out. */
    public Bytes userFile() {
        List<ImageSegment> user = trace.program().userSegments();
        int total = 0;
        for (ImageSegment s : user) {
            total += (int) pageUp(s.bytes().length());
        }
        byte[] file = new byte[total];
        int at = 0;
        for (ImageSegment s : user) {
            s.bytes().copyTo(file, at);
            at += (int) pageUp(s.bytes().length());
        }
        return Bytes.wrapOwned(file);
    }
}
