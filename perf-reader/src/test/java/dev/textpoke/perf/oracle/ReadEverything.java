package dev.textpoke.perf.oracle;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the reader do everything it can with an input: open it, read every record of every
 * input (a directory's {@code data.N} too), parse every feature; then, opened again, read the
 * records in perf's order ({@link PerfData#ordered()}) and parse each one (every sample field).
 * The negative and fuzz tests drive the reader through this one place, so that what they exercise
 * grows with the reader.
 */
final class ReadEverything {
    /** A record as delivered: where (the enclosing compressed record's offset for inner ones). */
    record Delivered(int input, long offset, int type, int size, boolean inCompressed) {}

    /**
     * What was read.
     *
     * @param records        the records delivered, in order, up to the first failure
     * @param failure        what stopped opening or reading the records, or null
     * @param featureFailure the first failure parsing a feature section, or null
     * @param parsed         records delivered in perf's order and parsed, up to the first failure
     * @param parseFailure   what stopped that second pass (ordering or parsing), or null
     */
    record Outcome(List<Delivered> records, IOException failure, IOException featureFailure, long parsed,
            IOException parseFailure) {}

    private ReadEverything() {}

    /** Reads {@code path}; failures end the reading and are returned, not thrown. */
    static Outcome read(Path path) {
        List<Delivered> records = new ArrayList<>();
        IOException failure = null;
        IOException featureFailure = null;
        try (PerfData data = PerfData.open(path)) {
            try {
                for (int i = 0; i < data.inputCount(); i++) {
                    try (RecordReader r = data.records(i)) {
                        while (r.next()) {
                            RecordView v = r.current();
                            records.add(new Delivered(i, v.offset(), v.type(), v.size(), v.inCompressed()));
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
            for (int id : data.features().ids()) {
                try {
                    data.features().get(id);
                } catch (IOException e) {
                    featureFailure = featureFailure == null ? e : featureFailure;
                }
            }
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        long parsed = 0;
        IOException parseFailure = null;
        try (PerfData data = PerfData.open(path); RecordSource ordered = data.ordered()) {
            RecordParser parser = new RecordParser(data.events());
            while (ordered.next()) {
                parser.parse(ordered.current());
                parsed++;
            }
        } catch (IOException e) {
            parseFailure = e;
        }
        return new Outcome(records, failure, featureFailure, parsed, parseFailure);
    }

    /**
     * One pass for the fuzz test: open, parse every feature, read every record in perf's order and
     * parse it (which reads every raw record too). Returns the first failure, or null.
     */
    static IOException parseAll(Path path) {
        IOException failure = null;
        try (PerfData data = PerfData.open(path)) {
            for (int id : data.features().ids()) {
                try {
                    data.features().get(id);
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            try (RecordSource ordered = data.ordered()) {
                RecordParser parser = new RecordParser(data.events());
                while (ordered.next()) {
                    parser.parse(ordered.current());
                }
            }
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        return failure;
    }
}
