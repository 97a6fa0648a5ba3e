package dev.textpoke.pt.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.time.PacketClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-built programs and packet streams whose instruction flow follows from the SDM's rules,
 * written out instruction by instruction in each test.
 */
class FlowDecoderTest {
    static final long BASE = 0xffffffff81000000L;
    /**
     * <pre>
     * 00: 31 c0           xor eax, eax
     * 02: 83 c0 01        add eax, 1        loop:
     * 05: 83 f8 03        cmp eax, 3
     * 08: 75 f8           jne loop
     * 0a: 0f 1f 44 00 00  nop (a jump-label site; enabled: e9 05 00 00 00, jmp 14)
     * 0f: 85 c0           test eax, eax
     * 11: 74 01           je 14
     * 13: 90              nop
     * 14: c3              ret
     * </pre>
     */
    static final String PROGRAM = "31c0" + "83c001" + "83f803" + "75f8" + "0f1f440000" + "85c0" + "7401" + "90" + "c3";
    static final long SITE = BASE + 0x0a;
    static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    static final Bytes JMP_14 = Bytes.ofHex("e905000000");

    static InstructionClassifier classifier;

    @BeforeAll
    static void open() {
        classifier = InstructionClassifier.open(Isa.X86_64);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    /** One pass through the program with the site off: the loop three times, then test/je/nop/ret. */
    static List<Long> oldPass() {
        List<Long> l = new ArrayList<>(List.of(0x00L, 0x02L, 0x05L, 0x08L, 0x02L, 0x05L, 0x08L, 0x02L, 0x05L, 0x08L,
                0x0aL, 0x0fL, 0x11L, 0x13L, 0x14L));
        l.replaceAll(x -> BASE + x);
        return l;
    }

    /** With the site on: the loop, then jmp 14 and ret. */
    static List<Long> newPass() {
        List<Long> l = new ArrayList<>(List.of(0x00L, 0x02L, 0x05L, 0x08L, 0x02L, 0x05L, 0x08L, 0x02L, 0x05L, 0x08L,
                0x0aL, 0x14L));
        l.replaceAll(x -> BASE + x);
        return l;
    }

    private static CodeTimeline timeline(long pokeTime) throws Exception {
        var b = CodeTimeline.builder().image(new BaseImage("kernel",
                List.of(new ImageSegment(BASE, Bytes.ofHex(PROGRAM))), List.of()));
        if (pokeTime != Long.MAX_VALUE) {
            b.textPoke(SITE, NOP5, JMP_14, pokeTime, 0);
        }
        return b.build();
    }

    private static RecordingSink decode(CodeTimeline timeline, byte[] trace, boolean retComp) {
        PacketClock clock = new PacketClock(0, 2, 1, 0);
        EventDecoder events = new EventDecoder(trace, 0, trace.length, clock);
        BlockCache blocks = new BlockCache(timeline, new InstructionCache(timeline, classifier));
        RecordingSink sink = new RecordingSink();
        new FlowDecoder(events, blocks, FlowDecoder.Config.of(retComp, t -> t), sink).run();
        return sink;
    }

    /** PSB+ with a TSC, a TMA that puts the crystal clock at CTC 0, and a FUP at the program's start. */
    private static PacketEncoder start(long tsc) {
        PacketEncoder e = new PacketEncoder();
        e.psb().tsc(tsc).tma(0, 0).fup(BASE).psbend();
        return e;
    }

    @Test
    void loopsAndReturnsWithoutModifications() throws Exception {
        PacketEncoder e = start(1000);
        // Loop taken, taken, not taken; je not taken (eax is 3); ret to the start, twice.
        e.tnt(0b1100, 4).tip(BASE);
        e.tnt(0b1100, 4).tip(BASE);
        RecordingSink sink = decode(timeline(Long.MAX_VALUE), e.toByteArray(), false);
        List<Long> expected = new ArrayList<>(oldPass());
        expected.addAll(oldPass());
        assertEquals(expected, sink.ips);
        assertEquals(List.of(), sink.issues);
        assertTrue(sink.branches.contains("return " + Long.toHexString(BASE + 0x14) + "->" + Long.toHexString(BASE)));
    }

    @Test
    void aTntBitWhereTheCodeNeedsATipIsReported() throws Exception {
        PacketEncoder e = start(1000);
        e.tnt(0b11000, 5);
        RecordingSink sink = decode(timeline(Long.MAX_VALUE), e.toByteArray(), false);
        assertEquals(oldPass().subList(0, oldPass().size() - 1), sink.ips);
        assertEquals(1, sink.issues.size());
        assertTrue(sink.issues.get(0).isMismatch());
    }

    /**
     * Six passes; the site flips between MTCs, before the fourth pass. The timestamps bound the
     * third to fifth passes only by [t2, t5]: the packets decide (the old code's je needs a TNT bit
     * where the new code's ret takes the TIP).
     */
    @Test
    void packetsPlaceASwitchThatTheTimestampsCannot() throws Exception {
        // CTC ratio 2: MTC payload k means TSC 2k after the TMA's anchor (TSC 1000 at CTC 0).
        PacketEncoder e = start(1000);
        e.tnt(0b1100, 4).tip(BASE);                  // pass 1: old
        e.tnt(0b1100, 4).tip(BASE);                  // pass 2: old
        e.mtc(100);                                  // t2 = 1200
        e.tnt(0b1100, 4).tip(BASE);                  // pass 3: old
        e.tnt(0b110, 3).tip(BASE);                   // pass 4: new
        e.tnt(0b110, 3).tip(BASE);                   // pass 5: new
        e.mtc(200);                                  // t5 = 1400
        e.tnt(0b110, 3).tip(BASE);                   // pass 6: new
        RecordingSink sink = decode(timeline(1300), e.toByteArray(), false);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(oldPass());
        }
        for (int i = 0; i < 3; i++) {
            expected.addAll(newPass());
        }
        assertEquals(expected, sink.ips);
        assertEquals(List.of(), sink.issues);
        assertFalse(sink.ambiguous.contains(true));
        assertTrue(sink.placements.stream().anyMatch(p -> p.newVersion() && p.byPackets() && p.beforeTimestamp()),
                sink.placements.toString());
    }

    /** Without replay the same trace desynchronises in the fourth pass. */
    @Test
    void theBaseImageAloneDesynchronises() throws Exception {
        PacketEncoder e = start(1000);
        e.tnt(0b1100, 4).tip(BASE).tnt(0b1100, 4).tip(BASE).mtc(100);
        e.tnt(0b1100, 4).tip(BASE).tnt(0b110, 3).tip(BASE);
        RecordingSink sink = decode(timeline(Long.MAX_VALUE), e.toByteArray(), false);
        assertFalse(sink.issues.isEmpty());
    }
}
