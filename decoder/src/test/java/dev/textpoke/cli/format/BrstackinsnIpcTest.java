package dev.textpoke.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * perf prints a block's IPC with C's {@code %.2f} of a float ({@code ip__fprintf_jump}): glibc
 * rounds the float's exact binary value half to even. The fast path agrees with that rule on every
 * block length up to 400 instructions and every cycle count up to 4,000, ties included
 * ({@code 1/8 = 0.125} prints {@code 0.12}).
 */
class BrstackinsnIpcTest {
    @Test
    void ipcIsCsPercentTwoFOfTheFloat() {
        StringBuilder sb = new StringBuilder();
        for (int insn = 1; insn <= 400; insn++) {
            for (int cycles = 1; cycles <= 4000; cycles++) {
                sb.setLength(0);
                BrstackinsnText.ipc(sb, insn, cycles);
                String exact = new BigDecimal((float) insn / cycles).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
                assertEquals(exact, sb.toString(), insn + "/" + cycles);
            }
        }
        sb.setLength(0);
        BrstackinsnText.ipc(sb, 1, 8);
        assertEquals("0.12", sb.toString());
    }
}
