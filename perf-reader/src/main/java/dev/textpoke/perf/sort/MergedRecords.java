package dev.textpoke.perf.sort;

import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.sample.SampleLayout;
import java.io.IOException;
import java.util.List;

/**
 * Merges the ordered records of several inputs of one perf.data directory ({@code data},
 * {@code data.0}, {@code data.1}, ...) into one time order: each input is ordered on its own
 * ({@link OrderedRecords}), and the merge takes the earliest head, the lower input first on
 * equal times. Records an input delivers as read (perf's own records, records without a
 * timestamp) are passed on at once, as perf delivers them on arrival.
 *
 * <p>perf itself reads the inputs round-robin, 2 MB each, into one queue that it flushes only at
 * the end ({@code __perf_session__process_dir_events}); the result is the same time order, except
 * that records with equal timestamps in different inputs may come in another order.
 */
public final class MergedRecords implements RecordSource {
    private final List<OrderedRecords> inputs;
    private final boolean[] ready;
    private final boolean[] done;
    private int last = -1;
    private RecordView current;

    public MergedRecords(List<OrderedRecords> inputs) {
        this.inputs = List.copyOf(inputs);
        this.ready = new boolean[inputs.size()];
        this.done = new boolean[inputs.size()];
    }

    @Override
    public boolean next() throws IOException {
        if (last >= 0) {
            ready[last] = false;
            last = -1;
        }
        int best = -1;
        long bestTime = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (done[i]) {
                continue;
            }
            if (!ready[i]) {
                if (!inputs.get(i).next()) {
                    done[i] = true;
                    continue;
                }
                ready[i] = true;
            }
            long t = inputs.get(i).currentTime();
            if (t == SampleLayout.NONE) {
                best = i;
                break;
            }
            if (best < 0 || Long.compareUnsigned(t, bestTime) < 0) {
                best = i;
                bestTime = t;
            }
        }
        if (best < 0) {
            current = null;
            return false;
        }
        last = best;
        current = inputs.get(best).current();
        return true;
    }

    @Override
    public RecordView current() {
        return current;
    }

    /** The inputs, for their counters. */
    public List<OrderedRecords> inputs() {
        return inputs;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (OrderedRecords o : inputs) {
            try {
                o.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
