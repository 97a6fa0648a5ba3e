package dev.textpoke.perf.record;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The record a {@link RecordReader} stands on: its place in the input, its header, and its bytes,
 * read in place without copying.
 *
 * <p><b>Lifetime:</b> one view object is reused for every record; it and the buffer it exposes are
 * valid only until the reader moves on. Keep a record with {@link #copy()} or parse it.
 */
public final class RecordView {
    private ByteBuffer buf;
    private int start;
    private int type;
    private int misc;
    private int size;
    private long offset;
    private long compressedAt = -1;
    private long decompressedOffset = -1;
    private long sequence;
    private long payloadSize;
    private long payloadOffset;
    private String source;

    /**
     * Points the view at a record: for record sources (readers, the ordering queue), not for
     * consumers.
     */
    public void set(ByteBuffer buf, int start, int type, int misc, int size, long offset, long sequence) {
        this.buf = buf;
        this.start = start;
        this.type = type;
        this.misc = misc;
        this.size = size;
        this.offset = offset;
        this.sequence = sequence;
        this.compressedAt = -1;
        this.decompressedOffset = -1;
        this.payloadSize = 0;
        this.payloadOffset = -1;
    }

    /** For record sources: the record came out of the COMPRESSED record at {@code compressedAt}. */
    public void setCompressed(long compressedAt, long decompressedOffset) {
        this.compressedAt = compressedAt;
        this.decompressedOffset = decompressedOffset;
    }

    /** For record sources: bytes that follow the record outside header.size. */
    public void setPayload(long payloadOffset, long payloadSize) {
        this.payloadOffset = payloadOffset;
        this.payloadSize = payloadSize;
    }

    /** For record sources: the input's name. */
    public void setSource(String source) {
        this.source = source;
    }

    /** {@code header.type} (unsigned 32-bit, as an int's bits). */
    public int type() {
        return type;
    }

    /** The known type, or null. */
    public RecordType recordType() {
        return RecordType.of(Integer.toUnsignedLong(type));
    }

    public int misc() {
        return misc;
    }

    /** {@code header.size}: bytes of the record including its header (not any trailing payload). */
    public int size() {
        return size;
    }

    public RecordHeader header() {
        return new RecordHeader(type, misc, size);
    }

    /**
     * Absolute offset of the record in its input; for a record decompressed from a COMPRESSED or
     * COMPRESSED2 record, the offset of that enclosing record (as perf reports it).
     */
    public long offset() {
        return offset;
    }

    /** Whether the record came out of a COMPRESSED/COMPRESSED2 record. */
    public boolean inCompressed() {
        return compressedAt >= 0;
    }

    /** Offset of the record in the decompressed stream of its input, or -1 when not compressed. */
    public long decompressedOffset() {
        return decompressedOffset;
    }

    /** Position of the record among all records of its input, from 0, in reading order. */
    public long sequence() {
        return sequence;
    }

    /**
     * Bytes that follow the record outside {@code header.size}: the trace of an AUXTRACE record,
     * the tracing data of a HEADER_TRACING_DATA record; 0 for other types.
     */
    public long payloadSize() {
        return payloadSize;
    }

    /** Absolute offset of that payload in the input, or -1 when there is none. */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** The input's name. */
    public String source() {
        return source;
    }

    public ByteOrder order() {
        return buf.order();
    }

    /** The buffer holding the record at {@link #start()}; read with absolute gets only. */
    public ByteBuffer buffer() {
        return buf;
    }

    /** Index of the record's first header byte in {@link #buffer()}. */
    public int start() {
        return start;
    }

    /** The u64 at {@code off} bytes from the start of the record (header included). */
    public long u64(int off) {
        return buf.getLong(start + off);
    }

    public long u32(int off) {
        return buf.getInt(start + off) & 0xffffffffL;
    }

    public int u16(int off) {
        return buf.getShort(start + off) & 0xffff;
    }

    /** A cursor over the whole record (header included), positioned after the header. */
    public ByteCursor cursor() {
        ByteCursor c = ByteCursor.of(buf.duplicate().position(start).limit(start + size), buf.order(),
                source, offset);
        try {
            return c.seek(RecordHeader.BYTES);
        } catch (dev.textpoke.io.InputFormatException e) {
            throw new IllegalStateException("record shorter than its header", e);
        }
    }

    /** All bytes of the record, header included, as they are in the input. */
    public Bytes bytes() {
        byte[] b = new byte[size];
        buf.get(start, b);
        return Bytes.wrapOwned(b);
    }

    /** An immutable copy that outlives the reader's next step. */
    public RawRecord copy() {
        return new RawRecord(header(), offset, compressedAt, decompressedOffset, sequence,
                payloadOffset, payloadSize, buf.order(), bytes());
    }
}
