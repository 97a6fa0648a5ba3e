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
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.time.PacketClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes {@link DecodeUnit}s: reads a unit's bytes, starts the clock where the unit says, and runs
 * a {@link FlowDecoder} from the unit's first PSB to the end of the next unit's PSB+. Offsets in
 * what the sink receives are file offsets. One per thread (it holds the code's caches through
 * {@link CodeBlocks}); files stay open until {@link #close}.
 */
public final class UnitDecoder implements AutoCloseable {
    private final TraceSetup setup;
    private final UnitCode code;
    private final Map<String, FileChannel> files = new HashMap<>();

    public UnitDecoder(TraceSetup setup, CodeBlocks code) {
        this(setup, UnitCode.of(code));
    }

    public UnitDecoder(TraceSetup setup, UnitCode code) {
        this.setup = setup;
        this.code = code;
    }

    /** Decodes {@code unit} into {@code sink}, to its end. */
    public void decode(DecodeUnit unit, FlowSink sink) throws IOException {
        Running r = start(unit, sink);
        while (r.step()) {
            // block by block
        }
    }

    /** Starts decoding {@code unit}; {@link Running#step} goes on. */
    public Running start(DecodeUnit unit, FlowSink sink) throws IOException {
        byte[] data = read(unit);
        FileOffsets out = new FileOffsets(sink, unit);
        if (unit.lostBefore() != null) {
            sink.issue(new DecodeIssue(PtError.LOST, unit.fileOffset(0), unit.startTime() == Long.MIN_VALUE ? 0
                    : unit.startTime(), 0, "trace lost before this piece (" + unit.lostBefore() + ")"));
        }
        PacketClock clock = setup.clock();
        if (unit.continues() && unit.clock() != null) {
            clock.restore(unit.clock());
        } else {
            clock.reposition(unit.reference());
        }
        EventDecoder events = new EventDecoder(data, 0, unit.length(), clock);
        FlowDecoder flow = new FlowDecoder(events, code.forUnit(unit), setup.flowConfig(), out);
        CodeBlocks compat = code.compatForUnit(unit);
        if (compat != null) {
            flow.compatCode(compat);
        }
        if (unit.stopAt() >= 0) {
            flow.stopAfterPsbAt(unit.stopAt());
        }
        return new Running(flow);
    }

    /** A unit being decoded. */
    public static final class Running {
        private final FlowDecoder flow;

        Running(FlowDecoder flow) {
            this.flow = flow;
        }

        /** @return false when the unit is done */
        public boolean step() {
            return flow.step();
        }
    }

    private byte[] read(DecodeUnit unit) throws IOException {
        // A fresh array per unit: units may be decoded one after another by the same thread while
        // the previous one's blocks are still referenced by the output.
        byte[] data = new byte[unit.length()];
        int at = 0;
        for (DecodeUnit.Span s : unit.spans()) {
            FileChannel ch = files.get(s.input());
            if (ch == null) {
                ch = FileChannel.open(Path.of(s.input()), StandardOpenOption.READ);
                files.put(s.input(), ch);
            }
            ByteBuffer dst = ByteBuffer.wrap(data, at, s.length());
            long pos = s.fileOffset();
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw new IOException(s.input() + ": the file ends inside the trace at " + pos);
                }
                pos += n;
            }
            at += s.length();
        }
        return data;
    }

    @Override
    public void close() throws IOException {
        for (FileChannel ch : files.values()) {
            ch.close();
        }
        files.clear();
    }

    /** Turns unit offsets into file offsets on the way to the real sink. */
    private static final class FileOffsets implements FlowSink {
        private final FlowSink sink;
        private final DecodeUnit unit;

        FileOffsets(FlowSink sink, DecodeUnit unit) {
            this.sink = sink;
            this.unit = unit;
        }

        @Override
        public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
            sink.instructions(block, from, to, time, ambiguous);
        }

        @Override
        public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
            sink.branch(kind, from, to, time, inTx);
        }

        @Override
        public void event(TraceEvent e) {
            sink.event(e);
        }

        @Override
        public void issue(DecodeIssue i) {
            sink.issue(new DecodeIssue(i.kind(), unit.fileOffset(i.offset()), i.time(), i.ip(), i.detail()));
        }

        @Override
        public void placement(Placement p) {
            sink.placement(new Placement(p.time(), p.switchTime(), p.ip(), unit.fileOffset(p.offset()), p.newVersion(),
                    p.byPackets(), p.beforeTimestamp()));
        }
    }
}
