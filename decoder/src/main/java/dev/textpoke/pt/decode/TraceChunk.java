package dev.textpoke.pt.decode;

import dev.textpoke.pt.perf.AuxBuffer;
import java.util.List;

/**
 * Bytes of one queue's trace that decode as one stream: one AUXTRACE piece, or several that
 * continue each other, joined without the padding perf adds after each.
 *
 * @param data the bytes, {@code [0, length)}
 * @param continues whether the chunk continues the previous one's stream (the decoder keeps its
 *     state; it starts at a PSB either way)
 * @param pieces where each piece's bytes start in {@code data}, and the piece: to turn a chunk
 *     offset into a file offset
 * @param reference the first piece's reference TSC, which completes the 7-byte TSC packets
 */
public record TraceChunk(byte[] data, int length, boolean continues, List<Piece> pieces, long reference) {

    /** A piece's bytes from {@code pieceOffset} on start at {@code chunkOffset}. */
    public record Piece(int chunkOffset, long pieceOffset, AuxBuffer buffer) {}

    /** Where {@code offset} in this chunk is in its file, or -1. */
    public long fileOffset(long offset) {
        Piece at = null;
        for (Piece p : pieces) {
            if (p.chunkOffset() <= offset) {
                at = p;
            }
        }
        return at == null ? -1 : at.buffer().payloadOffset() + at.pieceOffset() + (offset - at.chunkOffset());
    }

    /** The piece holding {@code offset}. */
    public AuxBuffer bufferAt(long offset) {
        Piece at = pieces.get(0);
        for (Piece p : pieces) {
            if (p.chunkOffset() <= offset) {
                at = p;
            }
        }
        return at.buffer();
    }
}
