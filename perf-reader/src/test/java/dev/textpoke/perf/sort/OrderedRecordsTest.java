package dev.textpoke.perf.sort;

import static dev.textpoke.perf.attr.SampleFormat.IP;
import static dev.textpoke.perf.attr.SampleFormat.TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.ByteWindow;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FINISHED_ROUND rule on hand-made streams. "R" is a FINISHED_ROUND, "C" a COMM without
 * timestamp, a number a sample with that time; the expected orders follow perf's
 * ordered_events (flush to the previous round's maximum; untimed and perf records on arrival).
 */
class OrderedRecordsTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static List<String> order(String stream, OrderedRecords.Options o, boolean sampleIdAll, boolean fileMode)
            throws Exception {
        EventSet events = new EventSet();
        events.add(EventAttr.read(ByteCursor.of(PerfFileBuilder.attr(LE, 136, 0, 0, IP | TIME,
                sampleIdAll ? 1L << 18 : 0), LE, "t", 0)), List.of(1L), "e");
        Enc e = Enc.le();
        for (String tok : stream.trim().split("\\s+")) {
            switch (tok) {
                case "R" -> e.bytes(Enc.record(LE, 68, 0, new byte[0]));
                // A COMM whose sample_id time is 0: perf delivers it at once (ordered_events__queue's -ETIME).
                case "C" -> e.bytes(Enc.record(LE, 3, 0, Enc.le().u32(1).u32(1).cstring("c", 8).u64(0).toArray()));
                default -> e.bytes(Enc.record(LE, 9, 0, Enc.le().u64(0x1000).u64(Long.parseLong(tok)).toArray()));
            }
        }
        RecordReader in = new RecordReader("t", ByteWindow.stream(Channels.newChannel(
                new ByteArrayInputStream(e.toArray()))), LE, 0, Long.MAX_VALUE);
        List<String> out = new ArrayList<>();
        try (OrderedRecords r = new OrderedRecords(in, events, fileMode, o)) {
            while (r.next()) {
                var v = r.current();
                out.add(switch (v.type()) {
                    case 68 -> "R";
                    case 3 -> "C";
                    default -> Long.toString(v.u64(16));
                });
            }
        }
        return out;
    }

    private static List<String> order(String stream) throws Exception {
        return order(stream, OrderedRecords.Options.defaults(), true, true);
    }

    private static List<String> l(String s) {
        return List.of(s.trim().split("\\s+"));
    }

    @Test
    void aRoundAloneIsDeliveredAsRead() throws Exception {
        assertEquals(l("R"), order("R"));
    }

    @Test
    void withoutRoundsTheWholeInputIsSortedAtTheEnd() throws Exception {
        assertEquals(l("1 2 3 4 5"), order("5 4 3 2 1"));
    }

    @Test
    void eachRoundFlushesUpToThePreviousRoundsMaximum() throws Exception {
        // Pass n: 1 2 | 2 3 4 (max 4). Pass n+1: 3 4 5 | 5 6 7 (max 7) -> flush <= 4. Pass n+2 ... -> flush <= 7.
        assertEquals(l("R 1 2 2 3 3 4 4 R 5 5 6 6 7 7 R 8 9 10"),
                order("1 2 2 3 4 R 3 4 5 5 6 7 R 6 7 8 9 10 R"));
    }

    @Test
    void untimedAndPerfRecordsComeOnArrivalAheadOfQueuedOnes() throws Exception {
        assertEquals(l("C R 1 2 3"), order("3 C 2 R 1"));
    }

    @Test
    void aRoundOnAnEmptyQueueLeavesTheLimitAndTheNextRoundFlushesNothing() throws Exception {
        // First round: nothing queued, the limit stays 0. Second: flush <= 0 (nothing), limit 9. Third: <= 9.
        assertEquals(l("R R 5 7 9 R"), order("R 9 5 R 7 R"));
    }

    @Test
    void lateRecordsBelowTheFlushedTimeAreStillDeliveredAtTheNextFlush() throws Exception {
        // R1: limit 0, nothing; R2: flush <= 5; then 1 arrives below the flushed 5: R3 flushes <= 6.
        assertEquals(l("R 5 R 1 6 R"), order("5 R 6 R 1 R"));
    }

    @Test
    void withoutSampleIdAllAFileIsDeliveredInFileOrderAsPerfDoes() throws Exception {
        assertEquals(l("3 1 R 2"), order("3 1 R 2", OrderedRecords.Options.defaults(), false, true));
        assertEquals(l("R 1 2 3"), order("3 1 R 2", OrderedRecords.Options.defaults(), false, false));
    }

    @Test
    void theMemoryLimitFlushesToTheMiddleOfTheQueuedTimeSpan() throws Exception {
        // Every sample record is 24 bytes; a limit of 100 bytes holds 4. The 5th queues and triggers a
        // flush to first + (last - first) / 2 = 10 + (50 - 10) / 2 = 30.
        OrderedRecords.Options tight = new OrderedRecords.Options(true, 100);
        assertEquals(l("10 20 30 5 40 50"), order("20 10 40 30 50 5", tight, true, true));
    }
}
