package dev.textpoke.pt.decode;

import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.event.EventType;
import dev.textpoke.pt.perf.AuxGap;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxQueues;
import dev.textpoke.pt.time.PacketClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a queue into {@link DecodeUnit}s: one pass over its packets with the event layer only (no
 * code is walked, so it costs a fraction of decoding), cutting at the first PSB after every {@code
 * unitBytes} and noting the clock there. The cuts depend only on the trace, never on how many
 * threads decode it, so the output is the same for any.
 */
public final class UnitPlanner {
    /** Units are cut near this many bytes of trace. */
    public static final int DEFAULT_UNIT = 4 << 20;

    private UnitPlanner() {}

    /** {@link #plan} for each queue, the queues on up to {@code threads} threads; in the queues' order. */
    public static List<List<DecodeUnit>> planAll(AuxQueues queues, List<AuxQueue> which, TraceSetup setup,
            int threads) throws IOException {
        List<List<DecodeUnit>> out = new ArrayList<>(java.util.Collections.nCopies(which.size(), List.of()));
        Parallel.run(which.size(), threads, i -> {
            List<DecodeUnit> units = plan(queues, which.get(i), setup, DEFAULT_UNIT, QueueChunks.DEFAULT_CHUNK);
            synchronized (out) {
                out.set(i, units);
            }
        });
        return out;
    }

    public static List<DecodeUnit> plan(AuxQueues queues, AuxQueue queue, TraceSetup setup, int unitBytes,
            int chunkBytes) throws IOException {
        List<DecodeUnit> units = new ArrayList<>();
        QueueChunks chunks = new QueueChunks(queues, queue, chunkBytes);
        PacketClock clock = setup.clock();
        EventDecoder events = null;
        TraceChunk chunk;
        // The unit being planned: where it starts, and what starts it.
        TraceChunk startChunk = null;
        int start = 0;
        boolean continues = false;
        PacketClock.State startClock = null;
        long startTime = Long.MIN_VALUE;
        String lost = null;
        int gapIndex = 0;
        int firstBufferSeen = -1;
        while ((chunk = chunks.next()) != null) {
            if (events == null) {
                clock.reposition(chunk.reference());
                events = new EventDecoder(chunk.data(), 0, chunk.length(), clock);
            } else {
                if (!chunk.continues()) {
                    clock.reposition(chunk.reference());
                }
                events.setBuffer(chunk.data(), 0, chunk.length());
            }
            int firstBuffer = chunk.pieces().get(0).buffer().index();
            StringBuilder gap = new StringBuilder();
            while (gapIndex < queue.gaps().size() && queue.gaps().get(gapIndex).buffer() <= firstBuffer
                    && firstBuffer > firstBufferSeen) {
                AuxGap g = queue.gaps().get(gapIndex++);
                gap.append(gap.length() == 0 ? "" : "; ").append(g.reason()).append(", ").append(g.size()).append(" bytes");
            }
            firstBufferSeen = firstBuffer;
            if (!chunk.continues()) {
                if (startChunk != null) {
                    units.add(unit(queue, units.size(), startChunk, start, startChunk.length(), -1, continues,
                            startClock, startTime, Long.MAX_VALUE, lost));
                }
                startChunk = chunk;
                start = 0;
                continues = false;
                startClock = null;
                startTime = Long.MIN_VALUE;
                lost = gap.length() == 0 ? null : gap.toString();
            }
            EventType t;
            while ((t = events.next()) != EventType.END) {
                if (t != EventType.PSB) {
                    continue;
                }
                int at = (int) events.offset();
                long time = setup.tsc().toPerfTime(events.time());
                // A chunk that continues the one before starts at the PSB the run was cut at: a cut.
                boolean mandatory = chunk.continues() && at == 0 && startChunk != chunk;
                boolean due = startChunk == chunk && at - start >= unitBytes;
                if (!mandatory && !due) {
                    if (startTime == Long.MIN_VALUE) {
                        startTime = time;
                    }
                    continue;
                }
                units.add(unit(queue, units.size(), startChunk, start, chunk, at, (int) events.nextOffset(),
                        continues, startClock, startTime, time, lost));
                lost = null;
                startChunk = chunk;
                start = at;
                continues = true;
                startClock = events.psbClock();
                startTime = time;
            }
        }
        if (startChunk != null) {
            units.add(unit(queue, units.size(), startChunk, start, startChunk.length(), -1, continues, startClock,
                    startTime, Long.MAX_VALUE, lost));
        }
        return units;
    }

    /** A unit inside one chunk, to its end. */
    private static DecodeUnit unit(AuxQueue queue, int index, TraceChunk c, int from, int to, int stopAt,
            boolean continues, PacketClock.State clock, long startTime, long endTime, String lost) {
        List<DecodeUnit.Span> spans = spans(c, from, to);
        return new DecodeUnit(queue.number(), queue.cpu(), queue.tid(), index, spans, to - from, stopAt, continues,
                c.reference(), clock, startTime, endTime, lost);
    }

    /** A unit from {@code from} in chunk {@code a} through the PSB+ at {@code psb} in chunk {@code b}. */
    private static DecodeUnit unit(AuxQueue queue, int index, TraceChunk a, int from, TraceChunk b, int psb,
            int psbEnd, boolean continues, PacketClock.State clock, long startTime, long endTime, String lost) {
        List<DecodeUnit.Span> spans = new ArrayList<>();
        int stopAt;
        if (a == b) {
            spans.addAll(spans(a, from, psbEnd));
            stopAt = psb - from;
        } else {
            spans.addAll(spans(a, from, a.length()));
            stopAt = a.length() - from + psb;
            spans.addAll(spans(b, psb, psbEnd));
        }
        int length = spans.stream().mapToInt(DecodeUnit.Span::length).sum();
        return new DecodeUnit(queue.number(), queue.cpu(), queue.tid(), index, spans, length, stopAt, continues, a.reference(),
                clock, startTime, endTime, lost);
    }

    /** Where chunk bytes {@code [from, to)} are in the file, piece by piece. */
    static List<DecodeUnit.Span> spans(TraceChunk c, int from, int to) {
        List<DecodeUnit.Span> out = new ArrayList<>();
        List<TraceChunk.Piece> pieces = c.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            TraceChunk.Piece p = pieces.get(i);
            int pieceStart = p.chunkOffset();
            int pieceEnd = i + 1 < pieces.size() ? pieces.get(i + 1).chunkOffset() : c.length();
            int a = Math.max(from, pieceStart);
            int b = Math.min(to, pieceEnd);
            if (a < b) {
                long file = p.buffer().payloadOffset() + p.pieceOffset() + (a - pieceStart);
                out.add(new DecodeUnit.Span(p.buffer().input(), file, b - a, p.buffer().recordOffset()));
            }
        }
        return out;
    }
}
