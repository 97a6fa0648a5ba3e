package dev.textpoke.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mask classifier against encodings from the Arm ARM, and against Capstone on many words. */
class A64ClassTest {

    @ParameterizedTest(name = "{2}")
    @CsvSource({
        "d503201f, NOP, NOP (HINT #0)",
        "d503203f, OTHER_HINT, YIELD (HINT #1)",
        "d503205f, OTHER_HINT, WFE (HINT #2)",
        "d503245f, OTHER_HINT, BTI C (HINT #34)",
        "d503233f, OTHER_HINT, PACIASP (HINT #25)",
        "d50323bf, OTHER_HINT, AUTIASP (HINT #29)",
        "d5033fdf, ISB, ISB SY",
        "d50330df, ISB, ISB #0",
        "d5033f9f, OTHER, DSB SY",
        "d5033bbf, OTHER, DMB ISH",
        "14000000, B, B .",
        "17ffffff, B, B .-4",
        "94000000, BL, BL .",
        "d4200000, BRK, BRK #0",
        "d4210000, BRK, BRK #0x800",
        "d4000001, SVC, SVC #0",
        "d4000002, HVC, HVC #0",
        "d4000003, SMC, SMC #0",
        "d4000004, OTHER, unallocated exception-generation (LL=00 opc=000 with op2/LL 4)",
        "54000000, B_COND, B.EQ .",
        "5400000e, B_COND, B.AL .",
        "54000010, OTHER, BC.EQ (FEAT_HBC: bit 4 set)",
        "34000000, CBZ, CBZ W0",
        "b5000000, CBNZ, CBNZ X0",
        "36000000, TBZ, TBZ W0 #0",
        "b7f80000, TBNZ, TBNZ X0 #63",
        "d61f0200, OTHER, BR X16",
        "d65f03c0, OTHER, RET",
        "aa1e03e9, OTHER, MOV X9 X30",
        "00000000, OTHER, UDF #0",
    })
    void masksMatchTheManualsEncodings(String hex, A64Class expected, String name) {
        assertEquals(expected, A64Class.of((int) Long.parseLong(hex, 16)));
    }

    /**
     * Every class's encoding space with random operand bits, plus random words: the masks and
     * Capstone's mnemonic must name the same class.
     */
    @Test
    void masksAgreeWithCapstone() {
        int[][] spaces = { // {fixed bits mask, value}: the operand bits are filled at random
            {0xfc000000, 0x14000000}, {0xfc000000, 0x94000000}, {0xffe0001f, 0xd4200000},
            {0xffe0001f, 0xd4000001}, {0xffe0001f, 0xd4000002}, {0xffe0001f, 0xd4000003},
            {0xfffff0ff, 0xd50330df}, {0xfffff01f, 0xd503201f}, {0xff000000, 0x54000000},
            {0x7f000000, 0x34000000}, {0x7f000000, 0x35000000}, {0x7f000000, 0x36000000},
            {0x7f000000, 0x37000000}, {0xfffff01f, 0xd503301f}, {0xff000000, 0xd4000000},
        };
        Random r = new Random(11);
        byte[] b = new byte[4];
        int checked = 0;
        try (InstructionClassifier capstone = InstructionClassifier.open(Isa.A64)) {
            for (int round = 0; round < 400_000; round++) {
                int w;
                if (round % 2 == 0) {
                    w = r.nextInt();
                } else {
                    int[] s = spaces[r.nextInt(spaces.length)];
                    w = (r.nextInt() & ~s[0]) | s[1];
                }
                b[0] = (byte) w;
                b[1] = (byte) (w >>> 8);
                b[2] = (byte) (w >>> 16);
                b[3] = (byte) (w >>> 24);
                A64Class theirs = CapstoneCrossCheck.fromCapstone(capstone.classify(b, 0x1000));
                assertEquals(theirs, A64Class.of(w), String.format("word %08x", w));
                checked++;
            }
        }
        assertEquals(400_000, checked);
    }
}
