package dev.textpoke.pt.decode;

import dev.textpoke.pt.PtError;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.CodeBlocks;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import dev.textpoke.pt.perf.AuxGap;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxQueues;
import dev.textpoke.pt.time.PacketClock;
import java.io.IOException;

/**
 * Decodes one queue of a recording (one CPU's trace in per-CPU mode) from its first piece to its
 * last, chunk by chunk ({@link QueueChunks}), with one {@link FlowDecoder} whose state carries
 * over between chunks that continue each other. Where the queue lacks trace (an AUX record said
 * the area was full or bytes were lost, or pieces do not join), the gap is reported and decoding
 * starts again at the next PSB. Offsets in what the sink receives are file offsets.
 */
public final class QueueDecoder {
    private final AuxQueues queues;
    private final AuxQueue queue;
    private final TraceSetup setup;
    private final CodeBlocks code;
    private final int chunkLimit;
    private QueueChunks chunks;
    private PacketClock clock;
    private FileOffsets out;
    private FlowSink sink;
    private EventDecoder events;
    private FlowDecoder flow;
    private boolean ended;
    private int gapIndex;

    public QueueDecoder(AuxQueues queues, AuxQueue queue, TraceSetup setup, CodeBlocks code) {
        this(queues, queue, setup, code, QueueChunks.DEFAULT_CHUNK);
    }

    public QueueDecoder(AuxQueues queues, AuxQueue queue, TraceSetup setup, CodeBlocks code, int chunkLimit) {
        this.queues = queues;
        this.queue = queue;
        this.setup = setup;
        this.code = code;
        this.chunkLimit = chunkLimit;
    }

    /** Decodes the whole queue into {@code sink}. */
    public void decode(FlowSink sink) throws IOException {
        start(sink);
        while (step()) {
            // chunk by chunk, block by block
        }
    }

    /** Starts a step-by-step decode into {@code sink} ({@link #step}). */
    public void start(FlowSink sink) throws IOException {
        chunks = new QueueChunks(queues, queue, chunkLimit);
        clock = setup.clock();
        out = new FileOffsets(sink);
        this.sink = sink;
        events = null;
        flow = null;
        ended = true;
        gapIndex = 0;
    }

    /**
     * Decodes a little further: one block or event, or the next chunk.
     *
     * @return false when the queue is done
     */
    public boolean step() throws IOException {
        if (!ended) {
            ended = !flow.step();
            return true;
        }
        TraceChunk chunk = chunks.next();
        if (chunk == null) {
            return false;
        }
        out.chunk = chunk;
        if (events == null) {
            clock.reposition(chunk.reference());
            events = new EventDecoder(chunk.data(), 0, chunk.length(), clock);
            flow = new FlowDecoder(events, code, setup.flowConfig(), out);
        } else {
            int firstBuffer = chunk.pieces().isEmpty() ? Integer.MAX_VALUE : chunk.pieces().get(0).buffer().index();
            while (gapIndex < queue.gaps().size() && queue.gaps().get(gapIndex).buffer() <= firstBuffer) {
                AuxGap g = queue.gaps().get(gapIndex++);
                sink.issue(new DecodeIssue(PtError.LOST, chunk.fileOffset(0), g.time(), 0,
                        "trace lost before this piece (" + g.reason() + ", " + g.size() + " bytes)"));
            }
            if (!chunk.continues()) {
                clock.reposition(chunk.reference());
            }
            events.setBuffer(chunk.data(), 0, chunk.length());
            flow.resume(chunk.continues());
        }
        ended = false;
        return true;
    }

    /** Turns chunk offsets into file offsets on the way to the real sink. */
    private static final class FileOffsets implements FlowSink {
        private final FlowSink sink;
        TraceChunk chunk;

        FileOffsets(FlowSink sink) {
            this.sink = sink;
        }

        @Override
        public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
            sink.instructions(block, from, to, time, ambiguous);
        }

        @Override
        public void branch(BranchKind kind, long from, long to, long time) {
            sink.branch(kind, from, to, time);
        }

        @Override
        public void issue(DecodeIssue i) {
            sink.issue(new DecodeIssue(i.kind(), chunk.fileOffset(i.offset()), i.time(), i.ip(), i.detail()));
        }

        @Override
        public void placement(Placement p) {
            sink.placement(new Placement(p.switchTime(), p.ip(), chunk.fileOffset(p.offset()), p.newVersion(),
                    p.byPackets(), p.beforeTimestamp()));
        }
    }
}
