package dev.textpoke.sim.pt;

import dev.textpoke.io.Bytes;
import java.util.List;

/**
 * One CPU's Intel PT trace as the model emitted it: the bytes, which packet is where and when
 * ({@link PacketLog}: every packet, or the timing ones and PSBs), the instructions an injected
 * overflow lost, and checkpoints mapping byte offsets to TSCs (for cutting the stream into AUX
 * chunks with their times).
 *
 * @param startTsc when tracing started on the CPU (the first PSB)
 * @param endTsc   when it stopped (the last packet)
 */
public record PtStream(int cpu, Bytes bytes, PacketLog packets, List<LostRange> lost, long[] checkpointOffsets,
        long[] checkpointTscs, long startTsc, long endTsc) {

    /**
     * An overflow lost the packets of {@code [fromTsc, toTsc)}: the instructions the CPU executed in
     * that time; decoding resumes at {@code resumeIp} (the FUP after the OVF) or at the next
     * TIP.PGE when {@code resumeIp} is -1.
     */
    public record LostRange(long fromTsc, long toTsc, long resumeIp) {}

    /** The TSC by which every byte before {@code offset} had been written. */
    public long tscAtOffset(int offset) {
        long[] offs = checkpointOffsets;
        int lo = 0;
        int hi = offs.length - 1;
        long tsc = endTsc;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offs[mid] >= offset) {
                tsc = checkpointTscs[mid];
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return tsc;
    }
}
