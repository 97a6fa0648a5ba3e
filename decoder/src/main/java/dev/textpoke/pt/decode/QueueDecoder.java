package dev.textpoke.pt.decode;

import dev.textpoke.pt.flow.CodeBlocks;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxQueues;
import java.io.IOException;
import java.util.List;

/**
 * Decodes the units of one queue (one CPU's trace in per-CPU mode) in order, into one sink: the
 * whole queue as one stream, or a step at a time so that a caller can interleave queues.
 */
public final class QueueDecoder implements AutoCloseable {
    private final List<DecodeUnit> units;
    private final UnitDecoder decoder;
    private FlowSink sink;
    private int next;
    private volatile int started;
    private UnitDecoder.Running running;

    public QueueDecoder(List<DecodeUnit> units, TraceSetup setup, CodeBlocks code) {
        this(units, setup, UnitCode.of(code));
    }

    public QueueDecoder(List<DecodeUnit> units, TraceSetup setup, UnitCode code) {
        this.units = List.copyOf(units);
        this.decoder = new UnitDecoder(setup, code);
    }

    /** The units of a whole queue, planned with the default sizes. */
    public static QueueDecoder of(AuxQueues queues, AuxQueue queue, TraceSetup setup, CodeBlocks code)
            throws IOException {
        return new QueueDecoder(UnitPlanner.plan(queues, queue, setup, UnitPlanner.DEFAULT_UNIT,
                QueueChunks.DEFAULT_CHUNK), setup, code);
    }

    public List<DecodeUnit> units() {
        return units;
    }

    /** Decodes every unit into {@code sink}. */
    public void decode(FlowSink sink) throws IOException {
        start(sink);
        while (step()) {
            // unit by unit, block by block
        }
    }

    /** Starts a step-by-step decode into {@code sink} ({@link #step}). */
    public void start(FlowSink sink) {
        this.sink = sink;
        next = 0;
        running = null;
    }

    /**
     * Decodes a little further: one block or event, or the start of the next unit.
     *
     * @return false when the queue is done
     */
    public boolean step() throws IOException {
        if (running != null && running.step()) {
            return true;
        }
        if (next >= units.size()) {
            running = null;
            return false;
        }
        running = decoder.start(units.get(next), sink);
        next++;
        started = next;
        return true;
    }

    /** Units started so far: for progress, read from any thread. */
    public int unitsStarted() {
        return started;
    }

    @Override
    public void close() throws IOException {
        decoder.close();
    }
}
