package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The crystal clock against exact rational arithmetic, for integral and fractional TSC:crystal ratios. */
class CrystalClockTest {
    @Test
    void edgesAndCountsAgreeWithExactArithmetic() {
        SplittableRandom r = new SplittableRandom(5);
        long[][] ratios = {{200, 2}, {216, 2}, {188, 3}, {1, 1}, {511, 1}, {97, 7}};
        for (long[] nd : ratios) {
            CrystalClock c = new CrystalClock(nd[0], nd[1]);
            BigInteger n = BigInteger.valueOf(nd[0]);
            BigInteger d = BigInteger.valueOf(nd[1]);
            for (int i = 0; i < 10_000; i++) {
                long tsc = i < 5_000 ? r.nextLong(1L << 40) : r.nextLong(1L << 62);
                long ctc = c.ctc(tsc);
                assertEquals(BigInteger.valueOf(tsc).multiply(d).divide(n).longValueExact(), ctc);
                long edge = c.edgeTsc(ctc);
                // ceil(ctc * n / d)
                BigInteger[] qr = BigInteger.valueOf(ctc).multiply(n).divideAndRemainder(d);
                assertEquals(qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1), edge);
                assertTrue(edge <= tsc && c.edgeTsc(ctc + 1) > tsc, "the last edge at or before the TSC");
                assertEquals(tsc - edge, c.fastCounter(tsc));
                assertTrue(c.fastCounter(tsc) < 512, "FC fits its 9 bits");
            }
        }
        assertEquals(8, CrystalClock.nextMtcTick(7, 3));
        assertEquals(16, CrystalClock.nextMtcTick(8, 3));
        assertThrows(IllegalArgumentException.class, () -> new CrystalClock(512, 1));
    }
}
