package dev.textpoke.pt.perf;

/**
 * A PERF_RECORD_AUX: the kernel reporting that it wrote {@code size} bytes into an AUX area at
 * {@code auxOffset} ({@code perf_aux_output_end}, kernel/events/ring_buffer.c), with what went
 * wrong meanwhile in {@code flags}. It is a kernel record, so it has the time and CPU of its
 * {@code sample_id}; placed on its queue, it tells which AUXTRACE piece holds those bytes.
 *
 * <p>What perf does with it: {@code intel_pt_process_event} reports "Lost trace data" (an error
 * item, with {@code --itrace=e}) when TRUNCATED is set, at the record's time; nothing else.
 *
 * @param queue        the queue it was placed on, -1 when no queue matches its event
 * @param buffer       the index in that queue of the piece holding its first byte, -1 when
 *                     none does (the bytes were not recorded)
 * @param recordOffset where the record starts in its input
 */
public record AuxWrite(long time, int cpu, int pid, int tid, long auxOffset, long size, long flags, int queue,
        int buffer, long recordOffset) implements SidebandEvent {
    /** {@code PERF_AUX_FLAG_TRUNCATED}: the area was full; tracing stopped until there was room. */
    public static final long TRUNCATED = 0x01;
    /** {@code PERF_AUX_FLAG_OVERWRITE}: a snapshot of an area in overwrite mode. */
    public static final long OVERWRITE = 0x02;
    /** {@code PERF_AUX_FLAG_PARTIAL}: the bytes have gaps (the hardware lost some). */
    public static final long PARTIAL = 0x04;
    /** {@code PERF_AUX_FLAG_COLLISION}: an AUX sample collided with another. */
    public static final long COLLISION = 0x08;
    /** {@code PERF_AUX_FLAG_PMU_FORMAT_TYPE_MASK}: a PMU-specific format (CoreSight's raw/formatted). */
    public static final long PMU_FORMAT_MASK = 0xff00;

    public boolean truncated() {
        return (flags & TRUNCATED) != 0;
    }

    public boolean overwrite() {
        return (flags & OVERWRITE) != 0;
    }

    public boolean partial() {
        return (flags & PARTIAL) != 0;
    }

    public boolean collision() {
        return (flags & COLLISION) != 0;
    }

    /** The AUX area position after its last byte. */
    public long auxEnd() {
        return auxOffset + size;
    }
}
