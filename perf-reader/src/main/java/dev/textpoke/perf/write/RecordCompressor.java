package dev.textpoke.perf.write;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The writer's side of PERF_RECORD_COMPRESSED: one zstd compression stream per output, as perf
 * keeps one per session ({@code zstd_compress_stream_to_records}, tools/perf/util/zstd.c). Record
 * bytes are buffered and compressed {@link #PIECE} bytes at a time, each piece flushed so that its
 * compressed bytes decompress to exactly that piece and fit one COMPRESSED record. Pieces are cut
 * wherever they fill, so records span COMPRESSED records, as they do in perf's files; the frame
 * is never ended, as perf never ends it.
 *
 * <p>perf decompresses each COMPRESSED record into a buffer of the COMPRESSED feature's {@code
 * mmap_len} bytes and refuses a record that yields none, so pieces are small and never empty.
 */
final class RecordCompressor implements AutoCloseable {
    /** Uncompressed bytes per COMPRESSED record. */
    static final int PIECE = 32 << 10;

    /** Receives the compressed bytes of one piece. */
    interface Sink {
        void accept(byte[] compressed) throws IOException;
    }

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final ByteBuffer in = ByteBuffer.allocateDirect(PIECE);
    private final ByteBuffer out = ByteBuffer.allocateDirect((int) Zstd.compressBound(PIECE) + 64);
    private long uncompressedBytes;
    private long compressedBytes;

    RecordCompressor(int level) {
        ctx.setLevel(level);
    }

    /** Appends {@code bytes} to the stream; full pieces go to {@code sink}. */
    void write(byte[] bytes, Sink sink) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(in.remaining(), bytes.length - at);
            in.put(bytes, at, n);
            at += n;
            if (!in.hasRemaining()) {
                flush(sink);
            }
        }
    }

    /** Compresses what is buffered, if anything, into one piece. */
    void flush(Sink sink) throws IOException {
        if (in.position() == 0) {
            return;
        }
        in.flip();
        out.clear();
        uncompressedBytes += in.remaining();
        try {
            while (!ctx.compressDirectByteBufferStream(out, in, EndDirective.FLUSH)) {
                if (!out.hasRemaining()) {
                    throw new IllegalStateException("zstd output of one piece exceeds its bound");
                }
            }
        } catch (ZstdException e) {
            throw new IOException("zstd: " + e.getMessage(), e);
        }
        in.clear();
        out.flip();
        byte[] piece = new byte[out.remaining()];
        out.get(piece);
        compressedBytes += piece.length;
        sink.accept(piece);
    }

    long uncompressedBytes() {
        return uncompressedBytes;
    }

    long compressedBytes() {
        return compressedBytes;
    }

    @Override
    public void close() {
        ctx.close();
    }
}
