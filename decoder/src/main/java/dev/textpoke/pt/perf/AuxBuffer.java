package dev.textpoke.pt.perf;

/**
 * One PERF_RECORD_AUXTRACE: a piece of one queue's trace as perf record copied it out of the AUX
 * area ({@code __auxtrace_mmap__read} in tools/perf/util/auxtrace.c), whose {@code size} bytes
 * follow the record outside its header.size.
 *
 * <p>{@code auxOffset} is where the piece starts in the AUX area's running byte count (the
 * kernel's {@code aux_head}, which never wraps), the coordinate AUX records use too. perf pads a
 * piece to 8 bytes with zeros (PAD packets), and {@code size} counts them, so a piece that follows
 * the one before without a gap starts between 0 and 7 bytes before that one's end.
 *
 * @param queue          the queue it belongs to ({@code idx}: the mmap's index)
 * @param index          its position in that queue, from 0
 * @param input          the file its bytes are in (a perf.data, or a directory's {@code data.N})
 * @param recordOffset   where the AUXTRACE record starts in {@code input}
 * @param payloadOffset  where its bytes start in {@code input}
 * @param size           how many bytes ({@code auxtrace.size}, padding included)
 * @param auxOffset      {@code auxtrace.offset}: the AUX area position of the first byte
 * @param reference      {@code auxtrace.reference}: on x86 the TSC when perf read the area
 *                       ({@code intel_pt_reference}), the upper bytes of the 7-byte TSC packets
 * @param cpu            {@code auxtrace.cpu}, -1 in per-thread mode
 * @param tid            {@code auxtrace.tid}, -1 in per-CPU mode
 * @param continues      the piece starts where the queue's previous one ended (perf decodes the
 *                       two as one stream: {@code consecutive})
 * @param overlap        bytes at its start that the previous piece already held (snapshot mode,
 *                       where each snapshot repeats what the area still holds), 0 otherwise
 */
public record AuxBuffer(int queue, int index, String input, long recordOffset, long payloadOffset, long size,
        long auxOffset, long reference, int cpu, int tid, boolean continues, long overlap) {

    /** The AUX area position after the last byte (padding included). */
    public long auxEnd() {
        return auxOffset + size;
    }

    /** Whether {@code auxPosition} lies in this piece. */
    public boolean holds(long auxPosition) {
        return auxPosition - auxOffset >= 0 && auxPosition - auxOffset < size;
    }
}
