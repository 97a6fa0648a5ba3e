package dev.textpoke.perf.record;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import java.nio.ByteOrder;

/**
 * A record kept as its bytes, with where it came from: what {@link RecordView#copy()} returns, and
 * what unknown record types parse to.
 *
 * @param offset             absolute offset in the input (of the enclosing compressed record when
 *                           {@code compressedAt >= 0})
 * @param compressedAt       offset of the enclosing COMPRESSED/COMPRESSED2 record, or -1
 * @param decompressedOffset offset in the decompressed stream, or -1
 * @param sequence           position among all records of the input in reading order
 * @param payloadOffset      absolute offset of a payload after the record (AUXTRACE, tracing data), or -1
 * @param payloadSize        its size, 0 when there is none
 * @param order              the input's byte order
 * @param bytes              the whole record, header included
 */
public record RawRecord(
        RecordHeader header,
        long offset,
        long compressedAt,
        long decompressedOffset,
        long sequence,
        long payloadOffset,
        long payloadSize,
        ByteOrder order,
        Bytes bytes) {

    /** A cursor over the record bytes, positioned after the header. */
    public ByteCursor cursor(String source) {
        try {
            return ByteCursor.of(bytes.toArray(), order, source, offset).seek(RecordHeader.BYTES);
        } catch (dev.textpoke.io.InputFormatException e) {
            throw new IllegalStateException("record shorter than its header", e);
        }
    }
}
