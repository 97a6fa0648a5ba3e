package dev.textpoke.pt.perf;

/**
 * Trace that a queue does not have: the decoder cannot go on from the bytes before it as if the
 * bytes after it followed, and reports the gap instead.
 *
 * @param auxOffset    the AUX area position where the missing bytes start
 * @param size         how many are missing, -1 when unknown (tracing stopped: nothing was
 *                     written, so there is no count)
 * @param buffer       the queue's piece where trace resumes after the gap (its index; {@code
 *                     buffers().size()} when the gap is at the end)
 * @param bufferOffset where in that piece trace resumes (a gap can fall inside a piece: one
 *                     AUXTRACE piece may hold what several AUX records reported)
 * @param time         perf time of the record that tells of it, -1 when none does
 */
public record AuxGap(Reason reason, long auxOffset, long size, int buffer, long bufferOffset, long time) {
    public enum Reason {
        /**
         * An AUX record with TRUNCATED: the area was full and the hardware stopped tracing until
         * perf made room. Everything the CPU did meanwhile is missing.
         */
        TRUNCATED,
        /** An AUX record with PARTIAL: the hardware lost bytes inside the range it reports. */
        PARTIAL,
        /**
         * AUX records report bytes that no AUXTRACE piece holds: perf record did not copy them
         * (snapshot mode, where only snapshots are kept, or a recording cut short).
         */
        NOT_RECORDED,
        /** Two pieces of the queue are not contiguous in the AUX area and no AUX record explains it. */
        DISCONTINUITY,
    }
}
