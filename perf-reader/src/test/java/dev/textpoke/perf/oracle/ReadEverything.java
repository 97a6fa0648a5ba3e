package dev.textpoke.perf.oracle;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the reader do everything it can with an input: open it, parse every feature, read every
 * record of every input (a directory's {@code data.N} too). The negative and fuzz tests drive
 * the reader through this one place, so that what they exercise grows with the reader.
 */
final class ReadEverything {
    /** What was read: the records delivered (offset and type, in order), and the first failure. */
    record Outcome(List<long[]> records, IOException failure) {}

    private ReadEverything() {}

    /** Reads {@code path}; a failure ends the reading and is returned, not thrown. */
    static Outcome read(Path path) {
        List<long[]> records = new ArrayList<>();
        try (PerfData data = PerfData.open(path)) {
            for (int id : data.features().ids()) {
                data.features().get(id);
            }
            for (int i = 0; i < data.inputCount(); i++) {
                try (RecordReader r = data.records(i)) {
                    while (r.next()) {
                        RecordView v = r.current();
                        records.add(new long[] {v.offset(), v.type(), v.size(), v.inCompressed() ? 1 : 0});
                    }
                }
            }
            return new Outcome(records, null);
        } catch (IOException e) {
            return new Outcome(records, e);
        }
    }
}
