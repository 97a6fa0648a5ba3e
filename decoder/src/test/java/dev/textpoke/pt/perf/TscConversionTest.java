package dev.textpoke.pt.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * perf time and TSC both ways, against three independent oracles: a value perf 6.1 printed for
 * a TSC it printed (the quipper Skylake file), perf's formulas re-derived as exact integer math
 * (the conversions are floors of one fraction), and perf's own edge searches ({@code
 * intel_pt_tsc_start}/{@code _end}, one tick at a time) written out here.
 */
class TscConversionTest {
    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

    @Test
    void quipperTimeIsWhatPerfPrinted() throws Exception {
        // perf -D of the quipper file: cpu 3's first PSB+ holds "TSC 0xbc4cbefc32", then TIP.PGE
        // 0xffffb960d302; perf script --itrace=be reports its first error there as "time
        // 641.256845844 cpu 3 ... ip 0xffffffffb960d302": the TSC converted, nothing added.
        try (PerfData data = PerfData.open(QuipperIntelPt.file(QuipperIntelPt.NAME));
                IntelPtData pt = IntelPtData.read(data)) {
            assertEquals(641_256_845_844L, pt.tsc().toPerfTime(0xbc4cbefc32L));
            // TIME_CONV holds the same three words (perf -D: 31, 1789569706, 18446744041015200657).
            TscConversion fromTimeConv = TscConversion.of(pt.timeConv().orElseThrow());
            assertEquals(641_256_845_844L, fromTimeConv.toPerfTime(0xbc4cbefc32L));
            assertEquals(31, fromTimeConv.timeShift());
            assertEquals(1789569706L, fromTimeConv.timeMult());
            assertEquals(new BigInteger("18446744041015200657").longValue(), fromTimeConv.timeZero());
            // Back again: perf's floor lands on a TSC that converts to the same nanosecond.
            long tsc = pt.tsc().toTsc(641_256_845_844L);
            assertEquals(641_256_845_844L, pt.tsc().toPerfTime(pt.tsc().firstTscAtOrAfter(641_256_845_844L)));
            assertTrue(Math.abs(tsc - 0xbc4cbefc32L) <= 2, "1.2 GHz: a nanosecond is 1.2 ticks");
        }
    }

    @Test
    void bothWaysAreFloorsOfOneFraction() {
        // ns = time_zero + floor(tsc * mult / 2^shift) and tsc = floor((ns - time_zero) * 2^shift / mult),
        // mod 2^64, whenever perf's intermediate products fit 64 bits (shift <= 32, mult < 2^32).
        Random r = new Random(61);
        for (int i = 0; i < 200_000; i++) {
            int shift = r.nextInt(33);
            long mult = 1 + (r.nextLong() & 0xffff_ffffL) % (1L << Math.max(1, Math.min(32, r.nextInt(33))));
            long zero = r.nextLong();
            TscConversion c = TscConversion.of(shift, mult, zero);
            long tsc = r.nextLong() >>> r.nextInt(64);
            BigInteger ns = u(zero).add(u(tsc).multiply(BigInteger.valueOf(mult)).shiftRight(shift)).mod(U64);
            assertEquals(ns.longValue(), c.toPerfTime(tsc), () -> "tsc " + tsc + " " + c);
            long t = r.nextLong();
            BigInteger d = u(t).subtract(u(zero)).mod(U64);
            // perf splits d into quot * mult + rem; the sum is the floor when (rem << shift) fits 64 bits.
            if (BigInteger.valueOf(mult - 1).shiftLeft(shift).bitLength() <= 64) {
                BigInteger back = d.shiftLeft(shift).divide(BigInteger.valueOf(mult)).mod(U64);
                assertEquals(back.longValue(), c.toTsc(t), () -> "ns " + t + " " + c);
            }
        }
    }

    @Test
    void capUserTimeShortWrapsTheCounterFirst() {
        // tsc_to_perf_time: cyc = time_cycles + ((cyc - time_cycles) & time_mask) for a narrow counter.
        TscConversion c = new TscConversion(10, 1000, 5, 0x1_0000_0000L, 0xffff_ffffL, true, true);
        long narrow = 0x1234;
        long widened = 0x1_0000_0000L + ((narrow - 0x1_0000_0000L) & 0xffff_ffffL);
        assertEquals(5 + (widened >>> 10) * 1000 + (((widened & 1023) * 1000) >>> 10), c.toPerfTime(narrow));
        PerfRecord.TimeConv t = new PerfRecord.TimeConv(RecordHeader.of(RecordType.TIME_CONV, 0), 10, 1000, 5, true,
                0x1_0000_0000L, 0xffff_ffffL, 1, 1, Bytes.of(new byte[6]));
        assertEquals(c, TscConversion.of(t));
    }

    @Test
    void edgesAreWhatPerfsStepSearchFinds() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            int shift = 20 + r.nextInt(13);
            long mult = (1L << shift) / (1 + r.nextInt(4000)) + r.nextInt(1000) + 1; // 0.25 to 4000 ticks per ns
            TscConversion c = TscConversion.of(shift, mult, r.nextLong() >>> 1);
            long tsc = (r.nextLong() >>> 16) + 1_000_000;
            long ns = c.toPerfTime(tsc) + r.nextInt(3) - 1;
            assertEquals(perfTscStart(c, ns), c.firstTscAtOrAfter(ns), () -> c + " ns " + ns);
            assertEquals(perfTscEnd(c, ns), c.lastTscAtOrBefore(ns), () -> c + " ns " + ns);
        }
    }

    @Test
    void kernelParametersForAFrequency() {
        // 2.4 GHz: 1/2.4 ns per tick = mult / 2^31.
        TscConversion c = TscConversion.forFrequency(2_400_000_000L, 0);
        assertEquals(31, c.timeShift());
        assertEquals(894784853L, c.timeMult());
        assertEquals(1_000_000_000L, c.toPerfTime(2_400_000_000L) + 1, "floors lose under a nanosecond");
    }

    /** perf's intel_pt_tsc_start (tools/perf/util/intel-pt.c), one tick at a time. */
    private static long perfTscStart(TscConversion c, long ns) {
        long tsc = c.toTsc(ns);
        long tm;
        while (true) {
            tm = c.toPerfTime(tsc);
            if (Long.compareUnsigned(tm, ns) < 0) {
                break;
            }
            tsc -= 1;
        }
        while (Long.compareUnsigned(tm, ns) < 0) {
            tm = c.toPerfTime(++tsc);
        }
        return tsc;
    }

    /** perf's intel_pt_tsc_end. */
    private static long perfTscEnd(TscConversion c, long ns) {
        long tsc = c.toTsc(ns);
        long tm;
        while (true) {
            tm = c.toPerfTime(tsc);
            if (Long.compareUnsigned(tm, ns) > 0) {
                break;
            }
            tsc += 1;
        }
        while (Long.compareUnsigned(tm, ns) > 0) {
            tm = c.toPerfTime(--tsc);
        }
        return tsc;
    }

    private static BigInteger u(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
