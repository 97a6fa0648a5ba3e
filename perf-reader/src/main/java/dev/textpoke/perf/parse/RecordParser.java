package dev.textpoke.perf.parse;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RawRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.sample.SampleLayout;
import dev.textpoke.perf.sample.SampleParser;

/**
 * Parses a record's body into its {@link PerfRecord}, using the events to find the attr of kernel
 * records (sample layout, {@code sample_id} trailer) as perf does.
 *
 * <p>Errors say where: for a record read from the input, the absolute offset of the bad field; for
 * a record decompressed from a COMPRESSED record, the offset of that COMPRESSED record, with the
 * record's place in the decompressed stream in the message.
 */
public final class RecordParser {
    private final EventSet events;

    public RecordParser(EventSet events) {
        this.events = events;
    }

    /**
     * @throws PerfFormatException {@code BAD_SAMPLE} when a sample does not match its attr's
     *     layout, {@code BAD_BRANCH_STACK} when only its branch stack does not fit, {@code
     *     BAD_RECORD} when another record's body does not match its type's layout
     */
    public PerfRecord parse(RecordView v) throws PerfFormatException {
        return parse(v.cursor(), v.header(), v.inCompressed(), v.offset(), v.decompressedOffset(),
                v.payloadOffset(), eventOf(v));
    }

    /** As {@link #parse(RecordView)} for a kept copy ({@code source} names the input). */
    public PerfRecord parse(RawRecord r, String source) throws PerfFormatException {
        ByteCursor c = r.cursor(source);
        var b = java.nio.ByteBuffer.wrap(r.bytes().toArray()).order(r.order());
        Event e = events.eventOf(b, 0, r.header().type(), r.header().size());
        return parse(c, r.header(), r.compressedAt() >= 0, r.offset(), r.decompressedOffset(),
                r.payloadOffset(), e);
    }

    /** The event of a kernel record (perf's mapping, {@link EventSet#eventOf}); null for others or unknown ids. */
    public Event eventOf(RecordView v) {
        return events.eventOf(v.buffer(), v.start(), v.type(), v.size());
    }

    private PerfRecord parse(ByteCursor c, RecordHeader h, boolean compressed, long offset, long decompressedOffset,
            long payloadOffset, Event event) throws PerfFormatException {
        RecordType type = h.recordType();
        try {
            if (type == null) {
                return new PerfRecord.Unknown(h, c.immutableBytes(c.remaining(), "record body"));
            }
            if (type == RecordType.SAMPLE) {
                if (event == null) {
                    throw c.error("the sample's id names no event of this file");
                }
                return SampleParser.parse(c, h, event.layout(), event.attr().samplePeriod());
            }
            if (!type.isUserType()) {
                SampleLayout layout = event != null ? event.layout()
                        : events.first() != null ? events.first().layout() : null;
                return KernelRecordParser.parse(c, h, type, layout);
            }
            return UserRecordParser.parse(c, h, type, payloadOffset);
        } catch (PerfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            Kind kind = e instanceof SampleParser.BranchStackException ? Kind.BAD_BRANCH_STACK
                    : type == RecordType.SAMPLE ? Kind.BAD_SAMPLE : Kind.BAD_RECORD;
            String name = RecordType.displayName(Integer.toUnsignedLong(h.type()));
            if (compressed) {
                throw new PerfFormatException(kind, e.source(), offset, "in the " + name + " at decompressed offset "
                        + decompressedOffset + " of the records decompressed from the COMPRESSED record here (its byte "
                        + (e.offset() - offset) + "): " + e.problem(), e);
            }
            throw new PerfFormatException(kind, e.source(), e.offset(), name + " at " + offset + ": " + e.problem(), e);
        }
    }
}
