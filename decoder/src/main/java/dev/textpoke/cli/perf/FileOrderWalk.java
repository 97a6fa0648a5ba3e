package dev.textpoke.cli.perf;

import dev.textpoke.cli.Progress;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;

/**
 * Every record of a perf.data in file order, input after input (a directory's {@code data}, then
 * {@code data.N}), as {@code perf report -D} lists them; progress in bytes on the terminal. For
 * commands that describe the file itself rather than its time-ordered events.
 */
final class FileOrderWalk {
    /** Called for each record; the view is valid only during the call. */
    interface Visitor {
        void record(RecordView v) throws IOException;
    }

    private FileOrderWalk() {}

    /** Walks until the end or the first damage, which it throws after finishing the progress line. */
    static void run(PerfData data, Progress progress, Visitor visitor) throws IOException {
        try {
            for (int i = 0; i < data.inputCount(); i++) {
                try (RecordReader r = data.records(i)) {
                    while (r.next()) {
                        visitor.record(r.current());
                        if ((r.count() & 0xfff) == 0) {
                            progress.update(r.position(), data.fileSize(), "bytes");
                        }
                    }
                }
            }
        } finally {
            progress.done();
        }
    }
}
