package dev.textpoke.pt.perf;

import java.util.List;

/**
 * The trace of one AUX area: in per-CPU mode ({@code perf record -a}, {@code -C}) one CPU's, in
 * per-thread mode one thread's. perf decodes each queue as one stream through its pieces in file
 * order ({@code auxtrace_queues__add_event} in tools/perf/util/auxtrace.c, keyed by {@code idx}),
 * restarting where a piece does not continue the one before.
 *
 * @param number  the queue's number: the mmap index {@code idx} of its AUXTRACE records
 * @param cpu     the CPU of its first piece (-1 in per-thread mode), as perf's {@code queue->cpu}
 * @param tid     the thread of its first piece (-1 in per-CPU mode)
 * @param buffers the AUXTRACE pieces, in file order
 * @param writes  the AUX records placed on this queue, in perf's delivery order
 * @param gaps    trace the queue does not have, in AUX area order
 */
public record AuxQueue(int number, int cpu, int tid, List<AuxBuffer> buffers, List<AuxWrite> writes,
        List<AuxGap> gaps) {
    public AuxQueue {
        buffers = List.copyOf(buffers);
        writes = List.copyOf(writes);
        gaps = List.copyOf(gaps);
    }

    /** Bytes of trace in the queue (padding included). */
    public long totalSize() {
        long n = 0;
        for (AuxBuffer b : buffers) {
            n += b.size();
        }
        return n;
    }
}
