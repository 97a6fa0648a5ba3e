package dev.textpoke.sim.perf;

import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * The trace of one AUX area: a CPU's in per-CPU mode ({@code perf record -a}), a thread's in
 * per-thread mode ({@code cpu} -1), as the chunks the kernel wrote one after the other.
 *
 * @param cpu the CPU traced, -1 in per-thread mode
 * @param pid the traced thread's process in per-thread mode, -1 in per-CPU mode
 * @param tid the traced thread in per-thread mode, -1 in per-CPU mode
 */
public record AuxStream(int cpu, int pid, int tid, List<AuxChunk> chunks) {
    /**
     * perf record pads each AUXTRACE's bytes to 8 with zeros ({@code PERF_AUXTRACE_RECORD_ALIGNMENT})
     * and perf decodes a queue's pieces as one stream, so the padding after a chunk lands in the
     * stream: harmless (PAD packets) when the chunk ends between packets, as a chunk cut at a PSB
     * does, or when its size is a multiple of 8 (Intel PT's AUX transactions are: quipper's Skylake
     * ones are of 16), but inside a packet otherwise. The writer pads; where to cut is the caller's.
     */
    public static final int ALIGNMENT = 8;

    public AuxStream {
        chunks = List.copyOf(chunks);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a stream has at least one chunk");
        }
        if ((cpu < 0) == (tid < 0)) {
            throw new IllegalArgumentException("a stream is a CPU's (per-CPU mode) or a thread's (per-thread mode)");
        }
    }

    /** One CPU's trace in one chunk, reported at {@code time}. */
    public static AuxStream ofCpu(int cpu, Bytes trace, long time) {
        return new AuxStream(cpu, -1, -1, List.of(AuxChunk.of(trace, time)));
    }

    /**
     * One CPU's trace cut into chunks of {@code chunkSize} bytes (a multiple of {@link #ALIGNMENT};
     * the last chunk may be shorter), as an AUX area of that size wraps: a chunk is reported at
     * {@code timeAtEnd.applyAsLong(end)}, where {@code end} is the offset in {@code trace} after its
     * last byte. Packets may straddle chunks, as they straddle a wrapping AUX area; perf 6.1 (on
     * 64 bits) does not join such a packet and resyncs at the next PSB, so for a file perf must
     * decode whole, cut between packets (build the chunks and use the constructor).
     */
    public static AuxStream cut(int cpu, Bytes trace, int chunkSize, IntToLongFunction timeAtEnd) {
        if (chunkSize <= 0 || chunkSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a positive multiple of " + ALIGNMENT);
        }
        List<AuxChunk> chunks = new ArrayList<>();
        for (int at = 0; at < trace.length(); at += chunkSize) {
            int end = Math.min(trace.length(), at + chunkSize);
            chunks.add(AuxChunk.of(trace.slice(at, end), timeAtEnd.applyAsLong(end)));
        }
        return new AuxStream(cpu, -1, -1, chunks);
    }

    /** A thread's trace (per-thread mode). */
    public static AuxStream ofThread(int pid, int tid, List<AuxChunk> chunks) {
        return new AuxStream(-1, pid, tid, chunks);
    }

    public boolean perCpu() {
        return cpu >= 0;
    }
}
