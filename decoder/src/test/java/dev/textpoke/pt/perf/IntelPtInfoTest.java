package dev.textpoke.pt.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.U64s;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AUXTRACE_INFO of Intel PT: every word of the real quipper file equals what perf 6.1 prints for
 * it; every generation of the record and every filter length round-trips word for word; the
 * filter's bytes sit where perf's {@code intel_pt_info_fill} puts them; damage is named with the
 * offset of the word at fault.
 */
class IntelPtInfoTest {
    private static final long AT = 0x308;

    @Test
    void quipperWordsAreWhatPerfPrints() throws Exception {
        // perf -D prints the words under "PERF_RECORD_AUXTRACE_INFO type: 1" as "  <label>  <value>".
        List<String> dump = QuipperIntelPt.dump(QuipperIntelPt.NAME);
        int start = dump.indexOf(dump.stream().filter(l -> l.contains("PERF_RECORD_AUXTRACE_INFO")).findFirst()
                .orElseThrow());
        Map<String, String> printed = new HashMap<>();
        for (int i = start + 1; i < dump.size() && dump.get(i).startsWith("  "); i++) {
            // intel_pt_info_fmts: a label padded to 20 columns after two spaces, then the value.
            String line = dump.get(i);
            printed.put(line.substring(2, Math.min(22, line.length())).strip(),
                    line.length() > 22 ? line.substring(22).strip() : "");
        }
        try (PerfData data = PerfData.open(QuipperIntelPt.file(QuipperIntelPt.NAME));
                IntelPtData pt = IntelPtData.read(data)) {
            IntelPtInfo i = pt.info();
            assertEquals(AT, pt.infoOffset());
            assertEquals(IntelPtInfo.Generation.FILTER, i.generation());
            assertEquals(printed.get("PMU Type"), Long.toString(i.pmuType()));
            assertEquals(printed.get("Time Shift"), Long.toString(i.timeShift()));
            assertEquals(printed.get("Time Muliplier"), Long.toString(i.timeMult()));
            assertEquals(printed.get("Time Zero"), Long.toUnsignedString(i.timeZero()));
            assertEquals(printed.get("Cap Time Zero"), Long.toString(i.capUserTimeZero()));
            assertEquals(printed.get("TSC bit"), "0x" + Long.toHexString(i.tscBit()));
            assertEquals(printed.get("NoRETComp bit"), "0x" + Long.toHexString(i.noretcompBit()));
            assertEquals(printed.get("Have sched_switch"), Long.toString(i.haveSchedSwitch()));
            assertEquals(printed.get("Snapshot mode"), Long.toString(i.snapshotMode()));
            assertEquals(printed.get("Per-cpu maps"), Long.toString(i.perCpuMmaps()));
            assertEquals(printed.get("MTC bit"), "0x" + Long.toHexString(i.mtcBit()));
            assertEquals(printed.get("MTC freq bits"), "0x" + Long.toHexString(i.mtcFreqBits()));
            assertEquals(printed.get("TSC:CTC numerator"), Long.toString(i.tscCtcRatioN()));
            assertEquals(printed.get("TSC:CTC denominator"), Long.toString(i.tscCtcRatioD()));
            assertEquals(printed.get("CYC bit"), "0x" + Long.toHexString(i.cycBit()));
            assertEquals(printed.get("Max non-turbo ratio"), Long.toString(i.maxNonTurboRatio()));
            assertEquals(printed.get("Filter string len."), Long.toString(i.filterLength()));
            assertEquals(printed.get("Filter string"), i.filter());
            assertEquals(18, printed.size(), "every word perf prints is compared: " + printed.keySet());
            // The header dump names the event intel_pt// with config 0x300e601: perf's default terms.
            assertEquals(PtConfig.PERF_DEFAULT, pt.config());
            assertEquals(0x300e601L, pt.events().get(0).attr().config());
        }
    }

    @Test
    void everyGenerationRoundTripsWordForWord() throws Exception {
        Random r = new Random(9);
        for (IntelPtInfo.Generation g : IntelPtInfo.Generation.values()) {
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                for (int len = 0; len <= 24; len++) {
                    if (len > 0 && g.compareTo(IntelPtInfo.Generation.FILTER) < 0) {
                        continue;
                    }
                    IntelPtInfo info = random(r, g, filter(len));
                    U64s words = info.encode(order);
                    int filterWords = len == 0 ? 0 : (len + 8) / 8;
                    assertEquals(Math.min(g.words, 17) + filterWords + (g == IntelPtInfo.Generation.EVENT_TRACE ? 1 : 0),
                            words.size(), g + " with a filter of " + len);
                    IntelPtInfo back = IntelPtInfo.parse(record(words), AT, order, "x");
                    assertEquals(info, back, g + " " + order + " filter " + len);
                    assertEquals(words, back.encode(order));
                }
            }
        }
    }

    @Test
    void filterBytesAreWherePerfWritesThem() throws Exception {
        // intel_pt_info_fill: strncpy into &priv[17], zero-padded to roundup(len + 1, 8); then
        // cap_event_trace. In a file, the words are in the file's order and the chars in memory order.
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            String f = "filter _text @ /proc/kcore";
            IntelPtInfo info = IntelPtInfo.of(8, TscConversion.of(31, 894784853L, 0), 3, false, true, 84, 2, 24)
                    .withFilter(f);
            U64s w = info.encode(order);
            ByteBuffer file = ByteBuffer.allocate(w.size() * 8).order(order);
            for (int i = 0; i < w.size(); i++) {
                file.putLong(w.get(i));
            }
            byte[] bytes = file.array();
            assertEquals(f.length(), w.get(16));
            assertEquals(f, new String(bytes, 17 * 8, f.length(), StandardCharsets.US_ASCII));
            int padded = (f.length() + 1 + 7) / 8 * 8;
            for (int i = 17 * 8 + f.length(); i < 17 * 8 + padded; i++) {
                assertEquals(0, bytes[i]);
            }
            assertEquals(17 + padded / 8 + 1, w.size());
        }
    }

    @Test
    void wordsOfAnIncompleteGroupAreKeptButNotRead() throws Exception {
        // 12 words: perf reads words 10-14 only when all five are there (intel_pt_has(CYC_BIT)).
        long[] w = new long[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = i + 1;
        }
        w[1] = 31;
        IntelPtInfo info = IntelPtInfo.parse(record(U64s.of(w)), AT, ByteOrder.LITTLE_ENDIAN, "x");
        assertEquals(IntelPtInfo.Generation.BASE, info.generation());
        assertEquals(0, info.mtcBit());
        assertEquals(U64s.of(11, 12), info.unreadWords());
        assertEquals(U64s.of(w), info.encode(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void damageNamesTheWord() {
        PtPerfFormatException e = assertThrows(PtPerfFormatException.class, () -> IntelPtInfo.parse(
                new PerfRecord.AuxtraceInfo(header(), 3, 0, U64s.of(new long[20])), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.NOT_INTEL_PT, e.kind());
        assertEquals(AT + 8, e.offset());

        e = assertThrows(PtPerfFormatException.class,
                () -> IntelPtInfo.parse(record(U64s.of(new long[9])), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.TRUNCATED_INFO, e.kind());
        assertEquals(AT + 16 + 9 * 8, e.offset());

        long[] w = new long[18];
        w[1] = 64;
        e = assertThrows(PtPerfFormatException.class,
                () -> IntelPtInfo.parse(record(U64s.of(w)), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.BAD_INFO, e.kind());
        assertEquals(AT + 16 + 8, e.offset());

        long[] m = new long[18];
        m[4] = 1;
        e = assertThrows(PtPerfFormatException.class,
                () -> IntelPtInfo.parse(record(U64s.of(m)), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.BAD_INFO, e.kind());
        assertEquals(AT + 16 + 2 * 8, e.offset());

        // A filter that (with its NUL) needs more than the one word left after word 16.
        long[] f = new long[18];
        f[16] = 8;
        e = assertThrows(PtPerfFormatException.class,
                () -> IntelPtInfo.parse(record(U64s.of(f)), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.BAD_INFO, e.kind());
        assertEquals(AT + 16 + 16 * 8, e.offset());

        // Three characters and no NUL in the word that holds them.
        long[] n = new long[18];
        n[16] = 3;
        n[17] = 0x0000_0000_0043_4241L;
        assertEquals("ABC", assertDoesNotThrow(n).filter());
        n[17] = 0x0000_0000_4543_4241L;
        e = assertThrows(PtPerfFormatException.class,
                () -> IntelPtInfo.parse(record(U64s.of(n)), AT, ByteOrder.LITTLE_ENDIAN, "x"));
        assertEquals(PtPerfFormatException.Kind.BAD_INFO, e.kind());
        assertEquals(AT + 16 + 17 * 8 + 3, e.offset());
    }

    @Test
    void perfSixOneWritesEighteenWords() {
        IntelPtInfo i = IntelPtInfo.of(8, TscConversion.of(31, 1, 0), 3, false, true, 84, 2, 24);
        assertEquals(18, i.encode(ByteOrder.LITTLE_ENDIAN).size());
        assertTrue(i.has(IntelPtInfo.Generation.FILTER));
        assertEquals(PtConfig.Format.KERNEL, i.format());
    }

    private static IntelPtInfo assertDoesNotThrow(long[] w) {
        try {
            return IntelPtInfo.parse(record(U64s.of(w)), AT, ByteOrder.LITTLE_ENDIAN, "x");
        } catch (PtPerfFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static String filter(int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    private static IntelPtInfo random(Random r, IntelPtInfo.Generation g, String filter) {
        IntelPtInfo full = new IntelPtInfo(IntelPtInfo.Generation.EVENT_TRACE, r.nextInt(64), r.nextInt(64),
                r.nextLong() & 0xffff_ffffL | 1, r.nextLong(), 1, r.nextLong(), r.nextLong(), r.nextInt(4), r.nextInt(2),
                r.nextInt(2), r.nextLong(), r.nextLong(), r.nextInt(), r.nextInt(), r.nextLong(), r.nextInt(64),
                filter, r.nextInt(2), U64s.EMPTY);
        return full.as(g);
    }

    private static PerfRecord.AuxtraceInfo record(U64s words) {
        return new PerfRecord.AuxtraceInfo(header(), IntelPtInfo.AUXTRACE_TYPE, 0, words);
    }

    private static RecordHeader header() {
        return RecordHeader.of(RecordType.AUXTRACE_INFO, 0);
    }
}
