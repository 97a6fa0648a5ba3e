package dev.textpoke.perf.compress;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.textpoke.io.ByteWindow;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One zstd decompression stream for all COMPRESSED/COMPRESSED2 records of one input, as perf keeps
 * one per reader ({@code active_decomp->zstd_decomp} in tools/perf/util/session.c): each record's
 * payload is fed in order, and the decompressed bytes form one stream of ordinary records, which
 * may straddle the boundary between two compressed records.
 *
 * <p>As a {@link ByteWindow.Source} it decompresses on demand into the window, so memory stays
 * bounded however well the data compresses. It reports 0 bytes when it needs the next payload.
 */
public final class ZstdStream implements ByteWindow.Source, AutoCloseable {
    /** The largest payload of one record: header.size is a u16. */
    private static final int MAX_PAYLOAD = 1 << 16;

    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_PAYLOAD);
    private long fedBytes;

    public ZstdStream() {
        in.limit(0);
    }

    /**
     * Appends the compressed bytes {@code [from, from + length)} of {@code src}; earlier input must
     * have been consumed (the window drained) first.
     */
    public void feed(ByteBuffer src, int from, int length) {
        in.compact();
        if (in.remaining() < length) {
            in.flip();
            throw new IllegalStateException("zstd input not consumed before the next chunk");
        }
        in.put(src.duplicate().limit(from + length).position(from));
        in.flip();
        fedBytes += length;
    }

    /** Compressed bytes fed and not yet consumed by the decoder. */
    public int pendingInput() {
        return in.remaining();
    }

    /** Total compressed bytes fed so far. */
    public long fedBytes() {
        return fedBytes;
    }

    /**
     * Decompresses into {@code dst} (a direct buffer) up to its limit; returns the bytes produced,
     * 0 when more input is needed.
     *
     * @throws IOException wrapping the zstd error when the stream is corrupt
     */
    @Override
    public int fill(ByteBuffer dst) throws IOException {
        int before = dst.position();
        while (dst.hasRemaining()) {
            int p = dst.position();
            int inBefore = in.position();
            try {
                ctx.decompressDirectByteBufferStream(dst, in);
            } catch (ZstdException e) {
                throw new IOException("zstd: " + e.getMessage(), e);
            }
            if (dst.position() == p && in.position() == inBefore) {
                break;
            }
        }
        return dst.position() - before;
    }

    @Override
    public void close() {
        ctx.close();
    }
}
