package dev.textpoke.cli.decode;

import dev.textpoke.cli.format.LineBuffer;
import java.util.Arrays;

/**
 * Finished output lines of one queue, with their times, handed from a decoding thread to the merger.
 * A chunk is handed over once it holds {@link #TARGET_BYTES} or {@link #MAX_LINES}, but one step of
 * the decoder (a speculation resolved, thousands of instructions at once) may add more: it grows.
 */
final class LineChunk {
    static final int TARGET_BYTES = 1 << 16;
    static final int MAX_LINES = 2048;

    byte[] bytes = new byte[TARGET_BYTES + 512];
    int size;
    long[] times = new long[MAX_LINES];
    /** End of each line in {@link #bytes} (exclusive). */
    int[] ends = new int[MAX_LINES];
    int lines;

    void add(long time, LineBuffer line) {
        int n = line.length();
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
        if (lines == times.length) {
            times = Arrays.copyOf(times, lines * 2);
            ends = Arrays.copyOf(ends, lines * 2);
        }
        System.arraycopy(line.bytes(), 0, bytes, size, n);
        size += n;
        times[lines] = time;
        ends[lines++] = size;
    }

    boolean full() {
        return size >= TARGET_BYTES || lines == MAX_LINES;
    }

    int start(int line) {
        return line == 0 ? 0 : ends[line - 1];
    }
}
