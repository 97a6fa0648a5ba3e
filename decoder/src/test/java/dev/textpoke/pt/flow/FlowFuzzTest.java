package dev.textpoke.pt.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.time.PacketClock;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Damaged trace never stops the decoder: 100,000 mutated streams (bits flipped, bytes dropped,
 * inserted, cut short, pieces swapped) over a program with a modification in the middle; each
 * decodes to its end with only {@link DecodeIssue}s, in bounded steps.
 */
class FlowFuzzTest {
    static final int CASES = 100_000;

    /** A valid stream: PSB+ now and then, MTCs, passes with the site off and then on. */
    static byte[] stream(SplittableRandom r) {
        PacketEncoder e = new PacketEncoder();
        int ctc = 0;
        for (int psb = 0; psb < 3; psb++) {
            e.psb().tsc(1000 + 400L * psb).tma(ctc, 0).cbr(20).modeExec(true, false, true).fup(FlowDecoderTest.BASE)
                    .psbend();
            for (int pass = 0; pass < 4; pass++) {
                boolean on = psb * 4 + pass >= 6;
                if (on) {
                    e.tnt(0b110, 3);
                } else {
                    e.tnt(0b1100, 4);
                }
                if (r.nextInt(4) == 0) {
                    e.mtc(++ctc & 0xff);
                }
                if (r.nextInt(8) == 0) {
                    e.cyc(r.nextInt(100) + 1);
                }
                e.tip(FlowDecoderTest.BASE);
            }
            e.fup(FlowDecoderTest.BASE + 0x11).tip(FlowDecoderTest.BASE);
        }
        return e.toByteArray();
    }

    static byte[] mutate(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                int n = 1 + r.nextInt(Math.min(8, b.length - at));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                b = out;
            }
            case 2 -> {
                int at = r.nextInt(b.length);
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = (byte) r.nextInt(256);
                System.arraycopy(b, at, out, at + 1, b.length - at);
                b = out;
            }
            case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            case 4 -> {
                for (int i = 0; i < b.length; i++) {
                    if (r.nextInt(16) == 0) {
                        b[i] = (byte) r.nextInt(256);
                    }
                }
            }
            default -> {
                int a = r.nextInt(b.length);
                int c = r.nextInt(b.length);
                byte t = b[a];
                b[a] = b[c];
                b[c] = t;
            }
        }
        return b;
    }

    @Test
    void damagedTraceDecodesToItsEndWithIssuesOnly() throws Exception {
        CodeTimeline timeline = CodeTimeline.builder()
                .image(new dev.textpoke.code.BaseImage("kernel", java.util.List.of(new dev.textpoke.code.ImageSegment(
                        FlowDecoderTest.BASE, dev.textpoke.io.Bytes.ofHex(FlowDecoderTest.PROGRAM))), java.util.List.of()))
                .textPoke(FlowDecoderTest.SITE, FlowDecoderTest.NOP5, FlowDecoderTest.JMP_14, 1900, 0)
                .build();
        FlowDecoderTest.open();
        try {
            BlockCache blocks = new BlockCache(timeline, new InstructionCache(timeline, FlowDecoderTest.classifier));
            SplittableRandom r = new SplittableRandom(20261206);
            long issues = 0;
            for (int c = 0; c < CASES; c++) {
                byte[] trace = mutate(stream(r), r);
                EventDecoder events = new EventDecoder(trace, 0, trace.length, new PacketClock(0, 2, 1, 20));
                RecordingSink sink = new RecordingSink();
                FlowDecoder flow = new FlowDecoder(events, blocks, FlowDecoder.Config.of(r.nextBoolean(), t -> t), sink);
                long steps = 0;
                while (flow.step()) {
                    steps++;
                    assertTrue(steps < 10_000_000L, "case " + c + " does not end");
                }
                issues += sink.issues.size();
            }
            assertTrue(issues > CASES / 10, "the mutations damage the trace: " + issues + " issues");
        } finally {
            FlowDecoderTest.close();
        }
    }
}
