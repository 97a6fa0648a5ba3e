package dev.textpoke.perf.record;

import dev.textpoke.io.ByteWindow;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.compress.ZstdStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the records of one input in the order perf processes them: each record of the data
 * section (file mode) or stream (pipe mode) and, right after a COMPRESSED/COMPRESSED2 record, the
 * records decompressed from it. Nothing is parsed beyond the header; the current record is a
 * {@link RecordView} into a fixed-size window, so memory does not grow with the input.
 *
 * <p>Bytes that follow a record outside its {@code header.size} (the trace of AUXTRACE, the blob
 * of HEADER_TRACING_DATA) are skipped unless {@link #readPayload} takes them first.
 *
 * <p>After it throws, the reader is finished: {@link #next()} returns false. Every record it
 * returned before stays valid data.
 */
public final class RecordReader implements RecordSource {
    /** Largest record: {@code header.size} is a u16. */
    static final int MAX_RECORD = 0xffff;
    /** The largest window of one input. */
    public static final int WINDOW = 4 << 20;
    private static final int INNER_WINDOW = 1 << 20;
    private static final int OFF_AUXTRACE_SIZE = 8;
    private static final int OFF_TRACING_DATA_SIZE = 8;
    private static final int OFF_COMPRESSED2_DATA_SIZE = 8;
    /**
     * {@code sizeof(struct perf_record_header_tracing_data)} (12 in old files): perf puts the
     * tracing data after such a record. simpleperf instead writes it inside a larger record, so a
     * record larger than this carries no payload after it.
     */
    private static final int TRACING_DATA_RECORD = 16;
    private static final int COMPRESSED2_HEADER = 16;

    private final String source;
    private final ByteWindow outer;
    private final long end;
    private final RecordView view = new RecordView();
    private ZstdStream zstd;
    private ByteWindow inner;
    private long innerBase;
    private boolean innerActive;
    private long lastCompressedAt = -1;
    private long pendingSkip;
    private long pendingSkipAt;
    private long sequence;
    private boolean finished;
    private RecordListener listener;
    private AutoCloseable closeWith;

    /** Sees every record before the caller does: how metadata records (pipe mode) update the session. */
    public interface RecordListener {
        void onRecord(RecordView record) throws IOException;
    }

    /** Installs the one listener (replacing any earlier). */
    public void setListener(RecordListener listener) {
        this.listener = listener;
    }

    /**
     * @param source the input's name for messages
     * @param in     where the records' bytes come from
     * @param order  the input's byte order
     * @param start  absolute offset of the first record
     * @param end    absolute offset where records end ({@code Long.MAX_VALUE}: at the end of the input)
     */
    public RecordReader(String source, ByteWindow.Source in, ByteOrder order, long start, long end) {
        this(source, in, order, start, end, windowFor(end - start));
    }

    /**
     * As above with a window of {@code windowBytes} (at least 64 KB, the largest record): smaller
     * for the many inputs of a perf.data directory, whose readers are all open at once.
     */
    public RecordReader(String source, ByteWindow.Source in, ByteOrder order, long start, long end, int windowBytes) {
        if (windowBytes <= MAX_RECORD) {
            throw new IllegalArgumentException("a window of " + windowBytes + " bytes cannot hold every record");
        }
        this.source = source;
        this.outer = new ByteWindow(in, windowBytes, order, start);
        this.end = end;
        view.setSource(source);
    }

    /**
     * A window for a region of {@code length} bytes: the whole region when it is small, since a
     * 10 KB file needs no 4 MB buffer (allocating and zeroing one costs more than reading the
     * file), but never less than the largest record.
     */
    public static int windowFor(long length) {
        return (int) Math.max(MAX_RECORD + 1, Math.min(WINDOW, length));
    }

    /** Continues on an already started window (pipe mode, whose header was read from it). */
    public RecordReader(String source, ByteWindow window) {
        this.source = source;
        this.outer = window;
        this.end = Long.MAX_VALUE;
        view.setSource(source);
    }

    public String source() {
        return source;
    }

    /** The input's byte order. */
    public ByteOrder order() {
        return outer.buffer().order();
    }

    /** The record read by the last successful {@link #next()}; see {@link RecordView} for its lifetime. */
    public RecordView current() {
        return view;
    }

    /** Records returned so far. */
    public long count() {
        return sequence;
    }

    /** Absolute input offset the reader has reached (after the current record and its payload). */
    public long position() {
        return outer.offset() + pendingSkip;
    }

    /**
     * Moves to the next record.
     *
     * @return false at the end of the input
     * @throws PerfFormatException {@code TRUNCATED} when the input ends inside a record or payload,
     *     {@code BAD_SIZE} for a record size below 8 or a COMPRESSED2 data size beyond its record,
     *     {@code DECOMPRESSION} when the zstd stream is corrupt
     * @throws IOException when reading fails
     */
    public boolean next() throws IOException {
        if (finished) {
            return false;
        }
        try {
            if (innerActive && nextInner()) {
                return notifyListener();
            }
            innerActive = false;
            if (nextOuter()) {
                return notifyListener();
            }
            finished = true;
            checkInnerDrained();
            return false;
        } catch (IOException | RuntimeException e) {
            finished = true;
            throw e;
        }
    }

    private boolean notifyListener() throws IOException {
        if (listener != null) {
            listener.onRecord(view);
        }
        return true;
    }

    private boolean nextOuter() throws IOException {
        skipPending();
        long at = outer.offset();
        if (at >= end) {
            return false;
        }
        if (!outer.ensure(RecordHeader.BYTES)) {
            if (outer.available() == 0 && end == Long.MAX_VALUE) {
                return false;
            }
            if (outer.available() == 0) {
                throw truncated(at, "the file ends here, before the end of the data section at " + end);
            }
            throw truncated(at, "the input ends inside a record header ("
                    + outer.available() + " of 8 bytes)");
        }
        ByteBuffer b = outer.buffer();
        int p = outer.position();
        int size = b.getShort(p + RecordHeader.OFF_SIZE) & 0xffff;
        int type = b.getInt(p + RecordHeader.OFF_TYPE);
        int misc = b.getShort(p + RecordHeader.OFF_MISC) & 0xffff;
        // Only a type of 2^16 or more can be text (see TextInStream): no cost on the records that count.
        String text = (type >>> 16) == 0 ? null : TextInStream.lineAt(b, p, outer.available());
        if (text != null) {
            throw new PerfFormatException(Kind.BAD_RECORD, source, at, "text where a record should start: \""
                    + text + "\"" + (text.startsWith("[ perf record:")
                            ? " (perf record's messages written into its output, as by 2>&1?)" : ""));
        }
        if (size < RecordHeader.BYTES) {
            throw new PerfFormatException(Kind.BAD_SIZE, source, at,
                    "record of type " + Integer.toUnsignedString(type) + " has size " + size
                            + ", less than its 8-byte header");
        }
        if (end != Long.MAX_VALUE && at + size > end) {
            throw truncated(at, RecordType.displayName(Integer.toUnsignedLong(type)) + " record of size "
                    + size + " runs past the end of the data at " + end);
        }
        if (!outer.ensure(size)) {
            throw truncated(at, "the input ends inside a " + RecordType.displayName(Integer.toUnsignedLong(type))
                    + " record of size " + size + " (" + outer.available() + " bytes there)");
        }
        p = outer.position();
        view.set(b, p, type, misc, size, at, sequence++);
        outer.advance(size);
        long payload = payloadSize(b, p, type, size);
        if (payload != 0) {
            view.setPayload(at + size, payload);
            pendingSkip = payload;
            pendingSkipAt = at;
        }
        if (type == RecordType.COMPRESSED.id() || type == RecordType.COMPRESSED2.id()) {
            feedCompressed(b, p, type, size, at);
        }
        return true;
    }

    private boolean nextInner() throws IOException {
        long at = inner.offset();
        try {
            if (!inner.ensure(RecordHeader.BYTES)) {
                return false;
            }
            ByteBuffer b = inner.buffer();
            int p = inner.position();
            int size = b.getShort(p + RecordHeader.OFF_SIZE) & 0xffff;
            int type = b.getInt(p + RecordHeader.OFF_TYPE);
            int misc = b.getShort(p + RecordHeader.OFF_MISC) & 0xffff;
            if (size < RecordHeader.BYTES) {
                throw new PerfFormatException(Kind.BAD_SIZE, source, lastCompressedAt,
                        "in the records decompressed from the COMPRESSED record here: the record at"
                                + " decompressed offset " + at + " has size " + size
                                + ", less than its 8-byte header");
            }
            if (!inner.ensure(size)) {
                return false;
            }
            p = inner.position();
            view.set(b, p, type, misc, size, lastCompressedAt, sequence++);
            view.setCompressed(lastCompressedAt, at);
            inner.advance(size);
            long payload = payloadSize(b, p, type, size);
            if (payload != 0) {
                // Payloads are never compressed by perf; should one appear, it follows in-stream.
                view.setPayload(-1, payload);
                if (inner.skip(payload) < payload) {
                    throw truncated(lastCompressedAt, "in the records decompressed from the"
                            + " COMPRESSED record here: a payload of " + payload + " bytes is cut short");
                }
            }
            return true;
        } catch (PerfFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new PerfFormatException(Kind.DECOMPRESSION, source, lastCompressedAt,
                    "cannot decompress the COMPRESSED record here: " + e.getMessage(), e);
        }
    }

    private static long payloadSize(ByteBuffer b, int p, int type, int size) {
        if (type == RecordType.AUXTRACE.id() && size >= OFF_AUXTRACE_SIZE + 8) {
            return b.getLong(p + OFF_AUXTRACE_SIZE);
        }
        if (type == RecordType.HEADER_TRACING_DATA.id() && size >= OFF_TRACING_DATA_SIZE + 4
                && size <= TRACING_DATA_RECORD) {
            return b.getInt(p + OFF_TRACING_DATA_SIZE) & 0xffffffffL;
        }
        return 0;
    }

    private void feedCompressed(ByteBuffer b, int p, int type, int size, long at) throws PerfFormatException {
        int from = p + RecordHeader.BYTES;
        int length = size - RecordHeader.BYTES;
        if (type == RecordType.COMPRESSED2.id()) {
            if (size < COMPRESSED2_HEADER) {
                throw new PerfFormatException(Kind.BAD_SIZE, source, at,
                        "COMPRESSED2 record of size " + size + " has no room for its data_size");
            }
            long dataSize = b.getLong(p + OFF_COMPRESSED2_DATA_SIZE);
            if (dataSize < 0 || dataSize > size - COMPRESSED2_HEADER) {
                throw new PerfFormatException(Kind.BAD_SIZE, source, at,
                        "COMPRESSED2 data_size " + Long.toUnsignedString(dataSize)
                                + " exceeds the " + (size - COMPRESSED2_HEADER) + " bytes of the record");
            }
            from = p + COMPRESSED2_HEADER;
            length = (int) dataSize;
        }
        if (zstd == null) {
            zstd = new ZstdStream();
            inner = new ByteWindow(zstd, INNER_WINDOW, outer.buffer().order(), 0);
        }
        zstd.feed(b, from, length);
        lastCompressedAt = at;
        innerActive = true;
    }

    private void checkInnerDrained() throws PerfFormatException {
        if (inner != null && (inner.available() > 0 || zstd.pendingInput() > 0)) {
            throw truncated(lastCompressedAt, "the records decompressed from the COMPRESSED records"
                    + " end inside a record (" + inner.available() + " bytes left over at decompressed"
                    + " offset " + inner.offset() + ")");
        }
    }

    private void skipPending() throws IOException {
        if (pendingSkip == 0) {
            return;
        }
        long n = pendingSkip;
        pendingSkip = 0;
        long payloadAt = outer.offset();
        if ((end != Long.MAX_VALUE && payloadAt + n > end) || n < 0) {
            throw truncated(pendingSkipAt, "the payload of " + Long.toUnsignedString(n)
                    + " bytes after this record runs past the end of the data at " + end);
        }
        long done = outer.skip(n);
        if (done < n) {
            throw truncated(pendingSkipAt, "the input ends inside the payload of "
                    + Long.toUnsignedString(n) + " bytes after this record (" + done + " bytes there)");
        }
    }

    /**
     * The payload that follows the current record outside {@code header.size} (AUXTRACE trace,
     * tracing data), read now and no longer skipped.
     *
     * @throws PerfFormatException {@code LIMIT} when the payload is larger than {@code maxBytes},
     *     {@code TRUNCATED} when the input ends first
     */
    public Bytes readPayload(long maxBytes) throws IOException {
        long n = pendingSkip;
        if (n == 0 || view.inCompressed()) {
            return Bytes.EMPTY;
        }
        if (n < 0 || n > maxBytes || n > Integer.MAX_VALUE - 8) {
            throw new PerfFormatException(Kind.LIMIT, source, view.offset(), "payload of "
                    + Long.toUnsignedString(n) + " bytes is larger than the limit of " + maxBytes);
        }
        long at = outer.offset();
        if (end != Long.MAX_VALUE && at + n > end) {
            throw truncated(view.offset(), "the payload of " + n + " bytes after this record runs"
                    + " past the end of the data at " + end);
        }
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < n) {
            int want = (int) Math.min(outer.capacity(), n - done);
            if (!outer.ensure(want) && outer.available() == 0) {
                pendingSkip = 0;
                finished = true;
                throw truncated(view.offset(), "the input ends inside the payload of " + n
                        + " bytes after this record (" + done + " bytes there)");
            }
            int step = Math.min(outer.available(), want);
            outer.buffer().get(outer.position(), out, done, step);
            outer.advance(step);
            done += step;
        }
        pendingSkip = 0;
        return Bytes.wrapOwned(out);
    }

    private PerfFormatException truncated(long at, String problem) {
        return new PerfFormatException(Kind.TRUNCATED, source, at, problem);
    }

    /** Closes {@code resource} with this reader (the channel of a file it alone reads). */
    public void onClose(AutoCloseable resource) {
        this.closeWith = resource;
    }

    @Override
    public void close() throws IOException {
        if (zstd != null) {
            zstd.close();
        }
        if (closeWith != null) {
            try {
                closeWith.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
