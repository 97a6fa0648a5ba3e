package dev.textpoke.perf.record;

import dev.textpoke.perf.attr.SampleFormat;

/**
 * The {@code sample_id} trailer of a kernel record whose attr has {@code sample_id_all}: the
 * fields of {@code sampleType} among TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER, in that order.
 * Fields the type does not select are -1 (and are not written).
 *
 * @param sampleType the attr's sample_type the trailer was read with
 * @param cpuReserved the u32 after cpu ({@code res}), kept for exact rewriting
 */
public record SampleId(long sampleType, int pid, int tid, long time, long id, long streamId, int cpu,
        int cpuReserved, long identifier) {

    /** Bytes the trailer takes for {@code sampleType}. */
    public static int size(long sampleType) {
        return 8 * Long.bitCount(sampleType & (SampleFormat.TID | SampleFormat.TIME | SampleFormat.ID
                | SampleFormat.STREAM_ID | SampleFormat.CPU | SampleFormat.IDENTIFIER));
    }

    public boolean has(long field) {
        return (sampleType & field) != 0;
    }

    /** The event id: IDENTIFIER when present, else ID, else -1. */
    public long eventId() {
        return has(SampleFormat.IDENTIFIER) ? identifier : has(SampleFormat.ID) ? id : -1;
    }
}
