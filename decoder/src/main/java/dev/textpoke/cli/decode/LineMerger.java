package dev.textpoke.cli.decode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes the lines of several queues in time order: at each step the earliest head line, the
 * lowest queue first on equal times (so the order is the same for any number of threads). As perf
 * script interleaves its per-CPU queues by timestamp.
 */
final class LineMerger {
    private LineMerger() {}

    /** @param written called after each chunk's lines are written (for progress) */
    static void merge(List<? extends QueueLines> sources, OutputStream out, Runnable written) throws IOException {
        int n = sources.size();
        if (n == 1) {
            LineChunk c;
            while ((c = sources.get(0).next()) != null) {
                out.write(c.bytes, 0, c.size);
                written.run();
            }
            return;
        }
        LineChunk[] head = new LineChunk[n];
        int[] line = new int[n];
        for (int i = 0; i < n; i++) {
            head[i] = sources.get(i).next();
        }
        while (true) {
            int best = -1;
            long bestTime = 0;
            for (int i = 0; i < n; i++) {
                if (head[i] != null) {
                    long t = head[i].times[line[i]];
                    if (best < 0 || t < bestTime) {
                        best = i;
                        bestTime = t;
                    }
                }
            }
            if (best < 0) {
                return;
            }
            LineChunk c = head[best];
            int k = line[best];
            // Write every line of this chunk that comes before the other heads, at once.
            long limit = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (i != best && head[i] != null) {
                    long t = head[i].times[line[i]];
                    limit = Math.min(limit, i < best ? t - 1 : t);
                }
            }
            int end = k + 1;
            while (end < c.lines && c.times[end] <= limit) {
                end++;
            }
            out.write(c.bytes, c.start(k), c.ends[end - 1] - c.start(k));
            if (end == c.lines) {
                written.run();
                head[best] = sources.get(best).next();
                line[best] = 0;
            } else {
                line[best] = end;
            }
        }
    }
}
