package dev.textpoke.sim.perf;

import dev.textpoke.io.Bytes;

/**
 * A piece of one CPU's (or thread's) trace as the kernel reports it with a PERF_RECORD_AUX and
 * perf record copies it out with a PERF_RECORD_AUXTRACE: when the AUX area fills or tracing
 * stops, the kernel ends an AUX transaction ({@code perf_aux_output_end}) and perf reads what it
 * wrote. Cutting a stream into several chunks is what a wrapping AUX area does.
 *
 * @param data     the trace bytes the kernel wrote (perf pads its copy to 8 bytes with PAD packets)
 * @param time     perf time (ns) of the AUX record: when the transaction ended, so after every
 *                 timing packet in {@code data}. perf record reads the bytes then, and the
 *                 AUXTRACE's reference is this time's TSC: perf's decoder takes the TSC packets'
 *                 missing top byte from it and does not expect the trace to be newer.
 * @param flags    the AUX record's flags ({@code AuxWrite.TRUNCATED}, {@code PARTIAL}, ...)
 * @param recorded whether perf record copied the bytes (an AUXTRACE follows); false leaves only
 *                 the AUX record, as when a snapshot-mode recording kept no copy of them
 */
public record AuxChunk(Bytes data, long time, long flags, boolean recorded) {
    public AuxChunk {
        if (data == null || data.isEmpty()) {
            throw new IllegalArgumentException("an AUX transaction writes at least one byte");
        }
    }

    /** A chunk perf recorded, with no flags. */
    public static AuxChunk of(Bytes data, long time) {
        return new AuxChunk(data, time, 0, true);
    }
}
