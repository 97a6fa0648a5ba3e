package dev.textpoke.pt.perf;

import dev.textpoke.io.U64s;
import dev.textpoke.perf.record.PerfRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PERF_RECORD_AUXTRACE_INFO of type PERF_AUXTRACE_INTEL_PT: {@code u32 type; u32 reserved; u64
 * priv[]}, the private words in the order of perf's {@code intel_pt_info_fmts}
 * (tools/perf/util/intel-pt.h, the enum from INTEL_PT_PMU_TYPE to INTEL_PT_FILTER_STR_LEN), as
 * {@code intel_pt_info_fill} (tools/perf/arch/x86/util/intel-pt.c) writes them and {@code
 * intel_pt_process_auxtrace_info} (tools/perf/util/intel-pt.c) reads them.
 *
 * <pre>
 *  word  field                 what it is
 *    0   pmu_type              attr.type of the intel_pt events
 *    1   time_shift            \
 *    2   time_mult              } TSC to perf time (perf_event_mmap_page), see TscConversion
 *    3   time_zero             /
 *    4   cap_user_time_zero    the three words above are valid
 *    5   tsc_bit               attr.config mask of the PMU format term "tsc"
 *    6   noretcomp_bit         ... of "noretcomp"
 *    7   have_sched_switch     how threads are known: 0 none, 1 sched:sched_switch samples,
 *                              2 context_switch (SWITCH), 3 context_switch CPU-wide (SWITCH_CPU_WIDE)
 *    8   snapshot_mode         perf record -S: buffers overlap
 *    9   per_cpu_mmaps         queues are CPUs (1) or threads (0)
 *   10   mtc_bit               attr.config mask of "mtc"
 *   11   mtc_freq_bits         ... of "mtc_period" (several bits)
 *   12   tsc_ctc_ratio_n       CPUID.15H:EBX
 *   13   tsc_ctc_ratio_d       CPUID.15H:EAX
 *   14   cyc_bit               attr.config mask of "cyc"
 *   15   max_non_turbo_ratio   sysfs caps of the PMU; TSC frequency / 100 MHz
 *   16   filter_str_len        length of the address filter string that follows
 *        filter                NUL-terminated, zero-padded to roundup(len + 1, 8) bytes (absent when len is 0)
 *        cap_event_trace       one more word after the filter (perf 6.1 writes it)
 * </pre>
 *
 * The words came in {@link Generation generations}: perf reads words 10-14 only when all five are
 * there, word 15 when it is there, word 16 and the filter when 16 is there, and cap_event_trace
 * when a word is left after the filter. Words of a group that is not complete, and words after
 * cap_event_trace, are kept in {@link #unreadWords()} so that {@link #encode} gives back the
 * record's words exactly. Values of a generation the record does not have are 0, as perf leaves
 * them.
 *
 * @param filter the address filter ({@code perf record --filter}), "" when there is none
 */
public record IntelPtInfo(
        Generation generation,
        long pmuType,
        long timeShift,
        long timeMult,
        long timeZero,
        long capUserTimeZero,
        long tscBit,
        long noretcompBit,
        long haveSchedSwitch,
        long snapshotMode,
        long perCpuMmaps,
        long mtcBit,
        long mtcFreqBits,
        long tscCtcRatioN,
        long tscCtcRatioD,
        long cycBit,
        long maxNonTurboRatio,
        String filter,
        long capEventTrace,
        U64s unreadWords) {

    /** {@code PERF_AUXTRACE_INTEL_PT} in {@code enum auxtrace_type} (tools/perf/util/auxtrace.h). */
    public static final long AUXTRACE_TYPE = 1;
    /** {@code sizeof(struct perf_record_auxtrace_info)} before the private words. */
    public static final int HEADER_BYTES = 16;

    /** Which words a record has: each generation adds words to the one before. */
    public enum Generation {
        /** Words 0-9, the first perf with Intel PT support. */
        BASE(10),
        /** Words 10-14 too: MTC and CYC (mtc_bit, mtc_freq_bits, TSC:CTC ratio, cyc_bit). */
        MTC_CYC(15),
        /** Word 15 too: max non-turbo ratio. */
        MAX_NONTURBO(16),
        /** Word 16 and the filter string (the 4.14 quipper file has these 17 words). */
        FILTER(17),
        /** cap_event_trace after the filter (perf 6.1 writes 18 words when there is no filter). */
        EVENT_TRACE(18);

        /** Words of the fixed part (without the filter's bytes). */
        public final int words;

        Generation(int words) {
            this.words = words;
        }
    }

    private static final int W_PMU_TYPE = 0;
    private static final int W_TIME_SHIFT = 1;
    private static final int W_TIME_MULT = 2;
    private static final int W_MTC_BIT = 10;
    private static final int W_MTC_FREQ_BITS = 11;
    private static final int W_FILTER_STR_LEN = 16;

    public IntelPtInfo {
        filter = filter == null ? "" : filter;
        unreadWords = unreadWords == null ? U64s.EMPTY : unreadWords;
    }

    /**
     * What perf 6.1 writes for a recording with these values and no address filter.
     *
     * @see #withoutFilter
     */
    public static IntelPtInfo of(long pmuType, TscConversion tsc, long haveSchedSwitch, boolean snapshotMode,
            boolean perCpuMmaps, long tscCtcRatioN, long tscCtcRatioD, long maxNonTurboRatio) {
        return new IntelPtInfo(Generation.EVENT_TRACE, pmuType, tsc.timeShift(), tsc.timeMult(), tsc.timeZero(),
                tsc.capUserTimeZero() ? 1 : 0, PtConfig.Format.KERNEL.tsc(), PtConfig.Format.KERNEL.noretcomp(),
                haveSchedSwitch, snapshotMode ? 1 : 0, perCpuMmaps ? 1 : 0, PtConfig.Format.KERNEL.mtc(),
                PtConfig.Format.KERNEL.mtcPeriod(), tscCtcRatioN, tscCtcRatioD, PtConfig.Format.KERNEL.cyc(),
                maxNonTurboRatio, "", 0, U64s.EMPTY);
    }

    /**
     * Reads the words of an AUXTRACE_INFO record.
     *
     * @param record       the record as parsed
     * @param recordOffset where it starts in {@code source} (errors name the word at fault)
     * @param order        the file's byte order (the filter string is bytes in it)
     * @throws PtPerfFormatException {@code NOT_INTEL_PT} for another trace type, {@code
     *     TRUNCATED_INFO} for fewer than 10 words, {@code BAD_INFO} for a time shift above 63, a zero
     *     time multiplier when cap_user_time_zero is set, a filter longer than the record or not
     *     NUL-terminated
     */
    public static IntelPtInfo parse(PerfRecord.AuxtraceInfo record, long recordOffset, ByteOrder order,
            String source) throws PtPerfFormatException {
        if (record.auxType() != AUXTRACE_TYPE) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.NOT_INTEL_PT, source, recordOffset + 8,
                    "AUXTRACE_INFO of type " + record.auxType() + " is not Intel PT (type 1)");
        }
        long[] w = record.priv().toArray();
        if (w.length < Generation.BASE.words) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.TRUNCATED_INFO, source,
                    wordOffset(recordOffset, w.length), "Intel PT AUXTRACE_INFO has " + w.length
                            + " private words; perf writes at least " + Generation.BASE.words);
        }
        if (Long.compareUnsigned(w[W_TIME_SHIFT], 63) > 0) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_INFO, source,
                    wordOffset(recordOffset, W_TIME_SHIFT), "time_shift " + Long.toUnsignedString(w[W_TIME_SHIFT])
                            + " is more than a 64-bit shift");
        }
        if (w[4] != 0 && w[W_TIME_MULT] == 0) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_INFO, source,
                    wordOffset(recordOffset, W_TIME_MULT), "time_mult is 0 while cap_user_time_zero is set");
        }
        int n = w.length;
        long[] v = new long[Generation.FILTER.words];
        System.arraycopy(w, 0, v, 0, Generation.BASE.words);
        Generation g = Generation.BASE;
        int next = Generation.BASE.words;
        if (n >= Generation.MTC_CYC.words) {
            g = Generation.MTC_CYC;
            System.arraycopy(w, W_MTC_BIT, v, W_MTC_BIT, 5);
            next = Generation.MTC_CYC.words;
        }
        if (n >= Generation.MAX_NONTURBO.words) {
            g = Generation.MAX_NONTURBO;
            v[15] = w[15];
            next = Generation.MAX_NONTURBO.words;
        }
        String filter = "";
        long capEventTrace = 0;
        if (n >= Generation.FILTER.words) {
            g = Generation.FILTER;
            long len = w[W_FILTER_STR_LEN];
            v[W_FILTER_STR_LEN] = len;
            next = Generation.FILTER.words;
            if (len != 0) {
                long room = (long) (n - next) * 8;
                if (Long.compareUnsigned(len, room) >= 0) {
                    throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_INFO, source,
                            wordOffset(recordOffset, W_FILTER_STR_LEN), "filter string of "
                                    + Long.toUnsignedString(len) + " bytes and its NUL do not fit in the record's "
                                    + room + " bytes after it");
                }
                int words = (int) ((len + 1 + 7) / 8);
                byte[] s = stringBytes(w, next, words, order);
                if (s[(int) len] != 0) {
                    throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_INFO, source,
                            wordOffset(recordOffset, next) + len, "filter string is not NUL-terminated");
                }
                filter = new String(s, 0, (int) len, StandardCharsets.ISO_8859_1);
                next += words;
            }
            if (n > next) {
                g = Generation.EVENT_TRACE;
                capEventTrace = w[next];
                next++;
            }
        }
        U64s unread = U64s.of(Arrays.copyOfRange(w, next, n));
        return new IntelPtInfo(g, v[W_PMU_TYPE], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[W_MTC_BIT],
                v[W_MTC_FREQ_BITS], v[12], v[13], v[14], v[15], filter, capEventTrace, unread);
    }

    private static long wordOffset(long recordOffset, int word) {
        return recordOffset < 0 ? -1 : recordOffset + HEADER_BYTES + 8L * word;
    }

    /** The filter's bytes as the producer wrote them: each word in the file's byte order. */
    private static byte[] stringBytes(long[] w, int from, int words, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(words * 8).order(order);
        for (int i = 0; i < words; i++) {
            b.putLong(w[from + i]);
        }
        return b.array();
    }

    /**
     * The private words of this record, as {@code intel_pt_info_fill} lays them out: the words of
     * its generation, the filter padded with zeros, cap_event_trace, then {@link #unreadWords()}.
     *
     * @param order the byte order of the file the words go to (for the filter's bytes)
     */
    public U64s encode(ByteOrder order) {
        long[] fixed = {pmuType, timeShift, timeMult, timeZero, capUserTimeZero, tscBit, noretcompBit,
            haveSchedSwitch, snapshotMode, perCpuMmaps, mtcBit, mtcFreqBits, tscCtcRatioN, tscCtcRatioD, cycBit,
            maxNonTurboRatio, filterLength()};
        int n = Math.min(generation.words, Generation.FILTER.words);
        byte[] s = filter.getBytes(StandardCharsets.ISO_8859_1);
        int filterWords = s.length == 0 || generation.words < Generation.FILTER.words ? 0 : (s.length + 1 + 7) / 8;
        int extra = generation == Generation.EVENT_TRACE ? 1 : 0;
        long[] out = new long[n + filterWords + extra + unreadWords.size()];
        System.arraycopy(fixed, 0, out, 0, n);
        if (filterWords > 0) {
            ByteBuffer b = ByteBuffer.allocate(filterWords * 8).order(order);
            b.put(s);
            for (int i = 0; i < filterWords; i++) {
                out[n + i] = b.getLong(i * 8);
            }
        }
        if (extra == 1) {
            out[n + filterWords] = capEventTrace;
        }
        for (int i = 0; i < unreadWords.size(); i++) {
            out[n + filterWords + extra + i] = unreadWords.get(i);
        }
        return U64s.wrapOwned(out);
    }

    /** The record as perf writes it: type Intel PT, reserved 0, {@link #encode} words. */
    public PerfRecord.AuxtraceInfo toRecord(ByteOrder order) {
        return new PerfRecord.AuxtraceInfo(dev.textpoke.perf.record.RecordHeader.of(
                dev.textpoke.perf.record.RecordType.AUXTRACE_INFO, 0), AUXTRACE_TYPE, 0, encode(order));
    }

    /** {@code filter_str_len}: the filter's length in bytes. */
    public long filterLength() {
        return filter.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    public boolean has(Generation g) {
        return generation.compareTo(g) >= 0;
    }

    /** The TSC conversion these words give (never cap_user_time_short: x86 does not set it). */
    public TscConversion tscConversion() {
        return new TscConversion((int) timeShift, timeMult, timeZero, 0, 0, capUserTimeZero != 0, false);
    }

    /** Which bits of attr.config hold the terms this record names ({@link PtConfig.Format#of}). */
    public PtConfig.Format format() {
        return PtConfig.Format.of(this);
    }

    /** The same record with another filter (and the generation that carries one). */
    public IntelPtInfo withFilter(String f) {
        Generation g = generation.compareTo(Generation.FILTER) < 0 ? Generation.FILTER : generation;
        return new IntelPtInfo(g, pmuType, timeShift, timeMult, timeZero, capUserTimeZero, tscBit, noretcompBit,
                haveSchedSwitch, snapshotMode, perCpuMmaps, mtcBit, mtcFreqBits, tscCtcRatioN, tscCtcRatioD, cycBit,
                maxNonTurboRatio, f, capEventTrace, unreadWords);
    }

    /** The same record as an older perf wrote it: only the words of {@code g}. */
    public IntelPtInfo as(Generation g) {
        boolean t = g.compareTo(Generation.MTC_CYC) >= 0;
        return new IntelPtInfo(g, pmuType, timeShift, timeMult, timeZero, capUserTimeZero, tscBit, noretcompBit,
                haveSchedSwitch, snapshotMode, perCpuMmaps, t ? mtcBit : 0, t ? mtcFreqBits : 0,
                t ? tscCtcRatioN : 0, t ? tscCtcRatioD : 0, t ? cycBit : 0,
                g.compareTo(Generation.MAX_NONTURBO) >= 0 ? maxNonTurboRatio : 0,
                g.compareTo(Generation.FILTER) >= 0 ? filter : "",
                g == Generation.EVENT_TRACE ? capEventTrace : 0, U64s.EMPTY);
    }
}
