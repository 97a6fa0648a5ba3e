package dev.textpoke.perf.sort;

import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.sample.SampleLayout;
import java.io.IOException;

/**
 * The records of one input in the order perf delivers them to its tools ({@code ordered_events}
 * in tools/perf/util/ordered-events.c, driven by {@code perf_session__process_event}):
 *
 * <ul>
 *   <li>perf's own records (types 64 and up) and kernel records without a timestamp (no TIME, no
 *       sample_id_all, time 0) are delivered as they are read, ahead of anything still queued;
 *   <li>other kernel records are queued by (timestamp, reading order);
 *   <li>at each FINISHED_ROUND the queue is flushed up to the largest timestamp queued at the
 *       previous FINISHED_ROUND, then the FINISHED_ROUND itself is delivered;
 *   <li>at the end the rest is flushed. A file without FINISHED_ROUND is thus sorted whole.
 * </ul>
 *
 * <p>Why the previous round's maximum: perf record writes a FINISHED_ROUND after each pass over
 * all its per-CPU buffers. A record still in some buffer at the end of pass n, with a timestamp
 * below the largest one written in pass n, is written in pass n + 1 at the latest. So when pass
 * n + 1 has been read, nothing below pass n's maximum can still come:
 *
 * <pre>
 *   pass n       CPU0: 1 2       CPU1: 2 3 4      max(n) = 4
 *   pass n+1     CPU0: 3 4 5     CPU1: 5 6 7      max(n+1) = 7   -> flush every t <= 4
 *   pass n+2     CPU0: 6 7       CPU1: 8 9 10     max(n+2) = 10  -> flush every t <= 7
 * </pre>
 *
 * <p>perf's quirks are kept: a FINISHED_ROUND with an empty queue does not move the flush limit;
 * a record older than what was already flushed is still queued and delivered at the next flush
 * (counted by {@link #unorderedCount()}).
 *
 * <p><b>Memory:</b> queued records are copied ({@link Options#maxQueuedBytes}); with rounds that is
 * about two rounds of records, without rounds the whole input. When the limit is reached the
 * queue is flushed up to the middle of its time span, as perf does when its own queue limit
 * ({@code ordered-events.max-size}) is hit, and {@link #halfFlushes()} counts it: later records
 * older than that middle then come late.
 *
 * <p>Records of an input whose first event has no {@code sample_id_all} are delivered in file
 * order when {@link Options#perfCompatible}, as perf does for file mode ("No sample_id_all
 * support, falling back to unordered processing").
 */
public final class OrderedRecords implements RecordSource {
    /**
     * @param perfCompatible  deliver in file order when a file's first event lacks sample_id_all
     * @param maxQueuedBytes  bytes of queued records before a half flush
     */
    public record Options(boolean perfCompatible, long maxQueuedBytes) {
        public static final long DEFAULT_MAX_QUEUED = 256L << 20;

        public static Options defaults() {
            return new Options(true, DEFAULT_MAX_QUEUED);
        }
    }

    private static final int FINISHED_ROUND = RecordType.FINISHED_ROUND.id();
    private static final long NO_LIMIT = -1;

    private final RecordReader in;
    private final EventSet events;
    private final boolean ordering;
    private final Options options;
    private final TimeQueue queue = new TimeQueue();
    private final RecordArena arena;
    private final RecordView queued = new RecordView();
    private RecordView current;
    private int pendingSlot = -1;
    private long nextFlush;
    private long queueMax;
    private long lastQueued;
    private long lastFlushed;
    private long drainLimit = NO_LIMIT;
    private boolean draining;
    private boolean roundAfterDrain;
    private boolean inputDone;
    private long unordered;
    private long halfFlushes;
    private long currentTime = SampleLayout.NONE;
    private PerfFormatException damage;

    /**
     * @param fileMode whether the input is a file's data section (ordering may then be off, see
     *                 {@link Options#perfCompatible})
     */
    public OrderedRecords(RecordReader in, EventSet events, boolean fileMode, Options options) {
        this.in = in;
        this.events = events;
        this.options = options;
        this.ordering = !(options.perfCompatible() && fileMode && !events.isEmpty() && !events.sampleIdAll());
        this.arena = new RecordArena(in.order());
        queued.setSource(in.source());
    }

    /** Whether records are being ordered (false: file order, see {@link Options#perfCompatible}). */
    public boolean ordering() {
        return ordering;
    }

    @Override
    public RecordView current() {
        return current;
    }

    /** The timestamp the current record was ordered by, or {@link SampleLayout#NONE} for one delivered as read. */
    public long currentTime() {
        return currentTime;
    }

    /** Records queued with a timestamp below one already delivered (perf's "out of order events"). */
    public long unorderedCount() {
        return unordered;
    }

    /** Times the memory limit forced a flush to the middle of the queue. */
    public long halfFlushes() {
        return halfFlushes;
    }

    /** Bytes the queue holds now (record copies, in whole chunks). */
    public long heldBytes() {
        return arena.heldBytes();
    }

    @Override
    public boolean next() throws IOException {
        releasePending();
        for (;;) {
            if (draining) {
                if (!queue.isEmpty() && (drainLimit == NO_LIMIT
                        || Long.compareUnsigned(queue.time(queue.peek()), drainLimit) <= 0)) {
                    deliverQueued(queue.poll());
                    return true;
                }
                draining = false;
                if (roundAfterDrain) {
                    roundAfterDrain = false;
                    return deliverAsRead();
                }
            }
            if (inputDone) {
                current = null;
                if (damage != null) {
                    PerfFormatException e = damage;
                    damage = null;
                    throw e;
                }
                return false;
            }
            boolean more;
            try {
                more = in.next();
            } catch (PerfFormatException e) {
                // Damaged input: what was read before it is still delivered (the queue is
                // drained, as perf flushes its queue at the end), then the damage is reported.
                damage = e;
                more = false;
            }
            if (!more) {
                inputDone = true;
                startDrain(NO_LIMIT);
                continue;
            }
            RecordView v = in.current();
            int type = v.type();
            if (!ordering || type >= RecordType.USER_TYPE_START || type <= 0) {
                if (ordering && type == FINISHED_ROUND && !queue.isEmpty()) {
                    // perf's OE_FLUSH__ROUND: flush to the previous round's maximum, then remember this one's.
                    long limit = nextFlush;
                    nextFlush = queueMax;
                    if (limit != 0) {
                        startDrain(limit);
                        roundAfterDrain = true;
                        continue;
                    }
                }
                return deliverAsRead();
            }
            long t = events.timeOf(v.buffer(), v.start(), type, v.size());
            if (t == SampleLayout.NONE || t == 0) {
                return deliverAsRead();
            }
            enqueue(v, t);
            if (arena.queuedBytes() > options.maxQueuedBytes()) {
                halfFlush();
            }
        }
    }

    private boolean deliverAsRead() {
        current = in.current();
        currentTime = SampleLayout.NONE;
        return true;
    }

    private void enqueue(RecordView v, long t) throws PerfFormatException {
        if (Long.compareUnsigned(t, lastFlushed) < 0) {
            unordered++;
        }
        if (queue.isEmpty() || Long.compareUnsigned(t, queueMax) >= 0) {
            queueMax = t;
        }
        lastQueued = t;
        if (v.payloadSize() != 0) {
            throw new PerfFormatException(Kind.BAD_RECORD, v.source(), v.offset(),
                    "a kernel record with a payload after it cannot be ordered");
        }
        long loc = arena.put(v.buffer(), v.start(), v.size());
        queue.add(t, v.sequence(), loc, v.offset(), v.inCompressed() ? v.decompressedOffset() : -1, v.size());
    }

    /** perf's OE_FLUSH__HALF: flush to halfway between the oldest queued and the last queued timestamps. */
    private void halfFlush() {
        long first = queue.time(queue.peek());
        long limit = first + (lastQueued - first) / 2;
        nextFlush = limit;
        halfFlushes++;
        startDrain(limit);
    }

    private void startDrain(long limit) {
        drainLimit = limit;
        draining = true;
    }

    private void deliverQueued(int slot) {
        long loc = queue.loc(slot);
        var b = arena.buffer(loc);
        int p = RecordArena.position(loc);
        int size = queue.recordSize(slot);
        queued.set(b, p, b.getInt(p), b.getShort(p + 4) & 0xffff, size, queue.offset(slot), queue.seq(slot));
        long decompressed = queue.decompressed(slot);
        if (decompressed >= 0) {
            queued.setCompressed(queue.offset(slot), decompressed);
        }
        lastFlushed = queue.time(slot);
        currentTime = lastFlushed;
        current = queued;
        pendingSlot = slot;
    }

    private void releasePending() {
        if (pendingSlot >= 0) {
            arena.release(queue.loc(pendingSlot), queue.recordSize(pendingSlot));
            queue.free(pendingSlot);
            pendingSlot = -1;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
