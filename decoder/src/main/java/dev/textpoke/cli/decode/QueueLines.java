package dev.textpoke.cli.decode;

import dev.textpoke.cli.format.DecodeFormat;
import dev.textpoke.pt.decode.QueueDecoder;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One queue's output lines, a chunk at a time: decodes until a chunk is full or the queue ends.
 * Runs in the caller's thread ({@link #next}) or, wrapped by {@link ThreadedLines}, in its own.
 */
class QueueLines {
    private final QueueDecoder decoder;
    private LineChunk current = new LineChunk();
    private boolean done;
    /**
     * Chunks the merger has written, to be filled again: an {@code --insns} run hands over tens of
     * gigabytes of lines, and zeroing a new chunk for each 64 KB of them cost more than the copy.
     * Concurrent: with {@link ThreadedLines} the merger gives back what the decoding thread takes.
     */
    private final ConcurrentLinkedQueue<LineChunk> free = new ConcurrentLinkedQueue<>();

    /** @param format must write its lines with {@link #line} of this object (see {@link #target()}) */
    QueueLines(QueueDecoder decoder) {
        this.decoder = decoder;
    }

    /** Where the queue's {@link DecodeFormat} writes its lines. */
    DecodeFormat.Lines target() {
        return (time, line) -> current.add(time, line);
    }

    /** The next chunk of lines, or null when the queue has no more. */
    LineChunk next() throws IOException {
        while (!done && !current.full()) {
            if (!decoder.step()) {
                done = true;
            }
        }
        if (current.lines == 0) {
            return null;
        }
        LineChunk c = current;
        LineChunk again = free.poll();
        current = again != null ? again.clear() : new LineChunk();
        return c;
    }

    /** Gives back a chunk {@link #next} returned, once its lines are written. */
    void recycle(LineChunk c) {
        free.offer(c);
    }
}
