package dev.textpoke.perf.event;

import static dev.textpoke.perf.attr.SampleFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSetTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static EventAttr attr(long sampleType, boolean sampleIdAll) throws Exception {
        byte[] a = PerfFileBuilder.attr(LE, 136, 0, 0, sampleType, sampleIdAll ? 1L << 18 : 0);
        return EventAttr.read(ByteCursor.of(a, LE, "t", 0));
    }

    private static Event eventOf(EventSet s, byte[] rec) {
        ByteBuffer b = ByteBuffer.wrap(rec).order(LE);
        return s.eventOf(b, 0, b.getInt(0), b.getShort(6) & 0xffff);
    }

    @Test
    void emptySetHasNoEvents() {
        EventSet s = new EventSet();
        assertNull(eventOf(s, Enc.record(LE, 9, 0, new byte[8])));
        assertNull(s.first());
        assertFalse(s.sampleIdAll());
    }

    @Test
    void oneEventTakesEveryKernelRecordWhateverItsId() throws Exception {
        EventSet s = new EventSet();
        s.add(attr(IP | ID, true), List.of(5L), null);
        assertSame(s.get(0), eventOf(s, Enc.record(LE, 9, 0, Enc.le().u64(0).u64(999).toArray())));
        assertNull(eventOf(s, Enc.record(LE, 68, 0, new byte[0])));
    }

    @Test
    void samplesMapByIdentifierAndTrailersByIdCountedFromTheEnd() throws Exception {
        EventSet s = new EventSet();
        long st = IDENTIFIER | IP | TID | TIME | CPU;
        s.add(attr(st, true), List.of(10L, 11L), "a");
        s.add(attr(st, true), List.of(20L), "b");
        byte[] sample = Enc.record(LE, 9, 0, Enc.le().u64(20).u64(0x1).u32(1).u32(1).u64(5).u32(0).u32(0).toArray());
        assertEquals("b", eventOf(s, sample).name());
        // COMM with trailer {pid,tid}{time}{cpu,res}{identifier}: identifier is the last u64.
        byte[] comm = Enc.record(LE, 3, 0, Enc.le().u32(1).u32(1).cstring("x", 8)
                .u32(1).u32(1).u64(5).u32(0).u32(0).u64(11).toArray());
        assertEquals("a", eventOf(s, comm).name());
        byte[] synthesized = Enc.record(LE, 3, 0, Enc.le().u32(1).u32(1).cstring("x", 8)
                .u32(0).u32(0).u64(0).u32(0).u32(0).u64(0).toArray());
        assertSame(s.get(0), eventOf(s, synthesized), "id 0 is a synthesized record: the first event");
        byte[] unknown = Enc.record(LE, 9, 0, Enc.le().u64(999).u64(0x1).u32(1).u32(1).u64(5).u32(0).u32(0).toArray());
        assertNull(eventOf(s, unknown));
    }

    @Test
    void withoutSampleIdAllOnTheFirstEventNonSamplesGoToTheFirst() throws Exception {
        EventSet s = new EventSet();
        s.add(attr(IDENTIFIER | IP, false), List.of(1L), "a");
        s.add(attr(IDENTIFIER | IP, true), List.of(2L), "b");
        byte[] comm = Enc.record(LE, 3, 0, Enc.le().u32(1).u32(1).cstring("x", 8).u64(2).toArray());
        assertEquals("a", eventOf(s, comm).name());
    }

    @Test
    void idPositionBeyondTheRecordGivesNoEvent() throws Exception {
        EventSet s = new EventSet();
        s.add(attr(IP | TID | TIME | ID, true), List.of(1L), "a");
        s.add(attr(IP | TID | TIME | ID, true), List.of(2L), "b");
        assertNull(eventOf(s, Enc.record(LE, 9, 0, Enc.le().u64(1).toArray())));
    }

    /** perf's evsel__has_branch_counters: the group leader decides for every member. */
    @Test
    void branchCountersFollowTheGroup() throws Exception {
        EventSet s = new EventSet();
        byte[] plain = PerfFileBuilder.attr(LE, 136, 0, 0, BRANCH_STACK, 0);
        byte[] counters = PerfFileBuilder.attr(LE, 136, 0, 0, BRANCH_STACK, 0);
        ByteBuffer.wrap(counters).order(LE).putLong(72, BranchSampleType.COUNTERS);
        s.add(EventAttr.read(ByteCursor.of(plain, LE, "t", 0)), List.of(1L), "leader");
        s.add(EventAttr.read(ByteCursor.of(counters, LE, "t", 0)), List.of(2L), "member");
        s.add(EventAttr.read(ByteCursor.of(plain, LE, "t", 0)), List.of(3L), "alone");
        assertFalse(s.get(0).layout().branchCounters());
        assertTrue(s.get(1).layout().branchCounters());
        s.setGroups(List.of(new long[] {0, 2}));
        assertTrue(s.get(0).layout().branchCounters());
        assertTrue(s.get(1).layout().branchCounters());
        assertFalse(s.get(2).layout().branchCounters());
        assertEquals(0, s.get(1).leader());
    }
}
