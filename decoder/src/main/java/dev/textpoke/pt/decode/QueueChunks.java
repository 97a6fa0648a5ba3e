package dev.textpoke.pt.decode;

import dev.textpoke.pt.perf.AuxBuffer;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxQueues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A queue's trace as {@link TraceChunk}s of bounded size, read from the file one piece at a time:
 * pieces that continue each other are joined (perf decodes them as one stream, {@code
 * consecutive}); a run longer than the bound is cut at its last PSB before the bound, and the next
 * chunk starts at that PSB with the decoder's state carried over. So memory does not grow with the
 * trace.
 */
public final class QueueChunks {
    /** Chunks are cut near this many bytes. */
    public static final int DEFAULT_CHUNK = 64 << 20;

    private final AuxQueues queues;
    private final List<AuxBuffer> buffers;
    private final int limit;
    private int nextBuffer;
    /** Bytes carried from the previous chunk (from its last PSB) and their pieces. */
    private byte[] carry = new byte[0];
    private List<TraceChunk.Piece> carryPieces = List.of();

    public QueueChunks(AuxQueues queues, AuxQueue queue) {
        this(queues, queue, DEFAULT_CHUNK);
    }

    public QueueChunks(AuxQueues queues, AuxQueue queue, int limit) {
        this.queues = queues;
        this.buffers = queue.buffers();
        this.limit = Math.max(1 << 12, limit);
    }

    /** The next chunk, or null after the last. */
    public TraceChunk next() throws IOException {
        if (nextBuffer >= buffers.size() && carry.length == 0) {
            return null;
        }
        boolean continues = carry.length > 0 || nextBuffer > 0 && buffers.get(nextBuffer).continues();
        byte[] data = Arrays.copyOf(carry, Math.max(carry.length, 1 << 16));
        int length = carry.length;
        List<TraceChunk.Piece> pieces = new ArrayList<>(carryPieces);
        long reference = carry.length > 0 ? carryPieces.get(0).buffer().reference()
                : buffers.get(nextBuffer).reference();
        carry = new byte[0];
        carryPieces = List.of();
        while (nextBuffer < buffers.size()) {
            AuxBuffer b = buffers.get(nextBuffer);
            if (!pieces.isEmpty() && !b.continues()) {
                break;
            }
            long skip = b.overlap();
            // perf pads each piece to 8 bytes: the next piece's bytes go where the real bytes ended,
            // at their own place in the AUX area.
            if (!pieces.isEmpty()) {
                TraceChunk.Piece last = pieces.get(pieces.size() - 1);
                long at = last.chunkOffset() + (b.auxOffset() + skip) - (last.buffer().auxOffset() + last.pieceOffset());
                if (at >= last.chunkOffset() && at <= length) {
                    length = (int) at;
                }
            }
            long size = b.size() - skip;
            if (size < 0 || size > Integer.MAX_VALUE - 16) {
                nextBuffer++;
                continue;
            }
            if (length + size > limit && length > 0) {
                break;
            }
            data = ensure(data, (int) (length + size));
            int n = queues.read(b, skip, ByteBuffer.wrap(data, length, (int) size));
            pieces.add(new TraceChunk.Piece(length, skip, b));
            length += n;
            nextBuffer++;
            if (length >= limit) {
                break;
            }
        }
        if (nextBuffer < buffers.size() && buffers.get(nextBuffer).continues() && length > 0) {
            // The run goes on: keep the bytes from the last PSB for the next chunk, which starts there.
            int psb = lastPsb(data, length);
            if (psb > 0) {
                carry = Arrays.copyOfRange(data, psb, length);
                List<TraceChunk.Piece> carried = new ArrayList<>();
                for (TraceChunk.Piece p : pieces) {
                    if (p.chunkOffset() + 0L <= psb) {
                        carried.clear();
                        carried.add(new TraceChunk.Piece(0, p.pieceOffset() + (psb - p.chunkOffset()), p.buffer()));
                    } else {
                        carried.add(new TraceChunk.Piece(p.chunkOffset() - psb, p.pieceOffset(), p.buffer()));
                    }
                }
                carryPieces = carried;
                length = psb;
            }
        }
        return new TraceChunk(data, length, continues, List.copyOf(pieces), reference);
    }

    private static byte[] ensure(byte[] data, int size) {
        if (data.length >= size) {
            return data;
        }
        return Arrays.copyOf(data, Math.max(size, (int) Math.min(Integer.MAX_VALUE - 16, data.length * 2L)));
    }

    /** The offset of the last PSB ({@code 02 82} eight times) in {@code data[0, length)}, or -1. */
    static int lastPsb(byte[] data, int length) {
        for (int i = length - 16; i >= 0; i--) {
            if (data[i] == 0x02 && data[i + 1] == (byte) 0x82) {
                boolean all = true;
                for (int j = 2; j < 16; j += 2) {
                    if (data[i + j] != 0x02 || data[i + j + 1] != (byte) 0x82) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    // The start of a run of pairs is where the PSB begins.
                    while (i >= 2 && data[i - 2] == 0x02 && data[i - 1] == (byte) 0x82) {
                        i -= 2;
                    }
                    return i;
                }
            }
        }
        return -1;
    }
}
