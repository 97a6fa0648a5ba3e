package dev.textpoke.perf.record;

import java.io.IOException;

/**
 * A stream of records: a {@link RecordReader} (file order), or an ordering of one
 * ({@code dev.textpoke.perf.sort}). The current record is a reused {@link RecordView}, valid until
 * the next call to {@link #next()}.
 */
public interface RecordSource extends AutoCloseable {
    /**
     * Moves to the next record; false at the end.
     *
     * @throws dev.textpoke.perf.PerfFormatException when the input is damaged; the source is
     *     finished then, and the records it returned before stay valid data
     */
    boolean next() throws IOException;

    /** The current record. */
    RecordView current();

    @Override
    void close() throws IOException;
}
