package dev.textpoke.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.io.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A jump label flipped twice over a function: the site decodes as the nop before the first flip,
 * as a jmp to the label's target between, and again as the nop after; each (address, version) is
 * disassembled once however often it is asked for (the nop after is the nop before: the same
 * content has the same version); its neighbours are never disassembled again.
 */
class InstructionCacheTest {
    private static final long TEXT = 0xffffffff81000000L;

    @Test
    void eachInstructionIsDisassembledOncePerVersion() throws Exception {
        // push rbp; nop5 (site); pop rbp; ret
        BaseImage image = new BaseImage("text", List.of(new ImageSegment(TEXT,
                Bytes.ofHex("55" + "0f1f440000" + "5d" + "c3" + "cccccccc"))), List.of());
        CodeTimeline t = CodeTimeline.builder().image(image)
                .textPoke(TEXT + 1, Bytes.ofHex("0f1f440000"), Bytes.ofHex("e902000000"), 100, 0)
                .textPoke(TEXT + 1, Bytes.ofHex("e902000000"), Bytes.ofHex("0f1f440000"), 200, 0)
                .build();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            InstructionCache cache = new InstructionCache(t, c);
            for (int round = 0; round < 50; round++) {
                for (long time : new long[] {0, 99, 100, 150, 199, 200, 5000}) {
                    Instruction site = assertInstanceOf(Instruction.class, cache.at(TEXT + 1, time));
                    if (time >= 100 && time < 200) {
                        assertEquals(BranchClass.UNCONDITIONAL_DIRECT, site.branchClass());
                        assertEquals(TEXT + 1 + 5 + 2, site.target());
                    } else {
                        assertEquals(BranchClass.NONE, site.branchClass());
                        assertEquals(5, site.length());
                    }
                    Instruction ret = assertInstanceOf(Instruction.class, cache.at(TEXT + 7, time));
                    assertEquals(BranchClass.RETURN, ret.branchClass());
                }
            }
            // The site: base, and after the first flip; the second flip restores the base bytes, which
            // the timeline stores once, so it is the base's version again. The ret at +7 lies in the
            // same 16-byte chunk, so it is keyed by the same versions.
            assertEquals(4, cache.misses());
            assertEquals(50 * 7 * 2 - 4, cache.hits());
            assertEquals(new Undecodable(TEXT + 0x1000, 0), cache.at(TEXT + 0x1000, 0));
        }
    }

    @Test
    void aFullTableStartsOverAndStillAnswers() throws Exception {
        BaseImage image = new BaseImage("text", List.of(new ImageSegment(TEXT,
                Bytes.of(new byte[4096]))), List.of());
        CodeTimeline t = CodeTimeline.builder().image(image).build();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            InstructionCache cache = new InstructionCache(t, c, 16);
            for (int i = 0; i < 4096 - 16; i += 2) {
                // 00 00 is add [rax], al: two bytes.
                assertEquals(2, assertInstanceOf(Instruction.class, cache.at(TEXT + i, 0)).length());
            }
            assertEquals((4096 - 16) / 2, cache.misses());
        }
    }
}
