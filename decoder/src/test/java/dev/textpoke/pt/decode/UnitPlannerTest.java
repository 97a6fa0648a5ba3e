package dev.textpoke.pt.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.PerfData;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.sim.perf.AuxStream;
import dev.textpoke.sim.perf.PtPerfDataWriter;
import dev.textpoke.sim.perf.PtRecording;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue cut into units at PSBs decodes to exactly what it decodes to in one piece: the program
 * of {@code FlowDecoderTest} run many times over many PSBs, with its jump-label site enabled in
 * the middle (a TEXT_POKE), written by the writer in AUXTRACE pieces that continue each other.
 */
class UnitPlannerTest {
    static final long BASE = 0xffffffff81000000L;
    static final String PROGRAM = "31c0" + "83c001" + "83f803" + "75f8" + "0f1f440000" + "85c0" + "7401" + "90" + "c3";
    static final int PSBS = 60;
    static final int PASSES = 5;
    /** The site flips between the PSB+s of segment 30 and 31, between two MTCs. */
    static final int FLIP_SEGMENT = 30;

    @TempDir
    Path tmp;

    /** The stream, and the pass kinds it records (true: the site on). */
    static Bytes stream(List<Boolean> passes) {
        PacketEncoder e = new PacketEncoder();
        int ctc = 0;
        for (int psb = 0; psb < PSBS; psb++) {
            long tsc = 1_000_000 + 10_000L * psb;
            e.psb().tsc(tsc).tma(0, 0).cbr(20).modeExec(true, false, true).fup(BASE).psbend();
            for (int pass = 0; pass < PASSES; pass++) {
                // The flip: after the second pass of its segment (by the TSC it is between the MTCs).
                boolean on = psb > FLIP_SEGMENT || psb == FLIP_SEGMENT && pass >= 2;
                passes.add(on);
                e.tnt(on ? 0b110 : 0b1100, on ? 3 : 4);
                if (pass == 0 || pass == 3) {
                    e.mtc(pass == 0 ? 10 : 40);
                }
                e.tip(BASE);
            }
        }
        return Bytes.wrapOwned(e.toByteArray());
    }

    static List<Long> expected(List<Boolean> passes) {
        List<Long> out = new ArrayList<>();
        for (boolean on : passes) {
            long[] offs = on ? new long[] {0, 2, 5, 8, 2, 5, 8, 2, 5, 8, 0x0a, 0x14}
                    : new long[] {0, 2, 5, 8, 2, 5, 8, 2, 5, 8, 0x0a, 0x0f, 0x11, 0x13, 0x14};
            for (long o : offs) {
                out.add(BASE + o);
            }
        }
        return out;
    }

    static final class Ips implements FlowSink {
        final List<Long> ips = new ArrayList<>();
        final List<DecodeIssue> issues = new ArrayList<>();

        @Override
        public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
            for (int i = from; i < to; i++) {
                ips.add(block.instruction(i).address());
            }
        }

        @Override
        public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        }

        @Override
        public void issue(DecodeIssue issue) {
            issues.add(issue);
        }
    }

    @Test
    void unitsDecodeToWhatTheWholeQueueDecodesTo() throws Exception {
        List<Boolean> passes = new ArrayList<>();
        Bytes trace = stream(passes);
        BaseImage image = new BaseImage("kcore", List.of(new ImageSegment(BASE, Bytes.ofHex(PROGRAM))),
                List.of(new Symbol("_stext", BASE, 0x15), new Symbol("prog", BASE, 0x15)));
        // 1 TSC tick is 1 ns; the flip's time: segment 30's PSB plus 2 of the 4 MTC-bounded passes.
        long flip = 1_000_000 + 10_000L * FLIP_SEGMENT + 50;
        PtRecording rec = PtRecording.builder(new KcoreDir(image, List.of())).cpus(1)
                .config(PtConfig.PERF_DEFAULT.withReturnCompression(false).withTiming(true, true, 0, false, 0))
                .tsc(TscConversion.forFrequency(1_000_000_000L, 0), 2, 1, 20)
                .stream(AuxStream.cut(0, trace, 512, end -> 2_000_000L))
                .sideband(new SidebandEvent.ItraceStart(0, 0, 0, 0, -1))
                .sideband(new SidebandEvent.TextPoke(flip, 0, BASE + 0x0a, Bytes.ofHex("0f1f440000"),
                        Bytes.ofHex("e905000000"), -1))
                .build();
        Path dir = tmp.resolve("units.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data);
                InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            CodeTimeline timeline = PerfTimeline.build(data, List.of(KcoreDir.load(data.kcoreDir().orElseThrow()).image()));
            TraceSetup setup = TraceSetup.of(pt.info(), pt.config()).withTsc(pt.tsc());
            AuxQueue q = pt.queues().queues().get(0);
            assertTrue(q.buffers().size() > 3, "several pieces that continue each other");
            List<DecodeUnit> whole = UnitPlanner.plan(pt.queues(), q, setup, Integer.MAX_VALUE, 1 << 20);
            List<DecodeUnit> small = UnitPlanner.plan(pt.queues(), q, setup, 300, 1000);
            assertEquals(1, whole.size());
            assertTrue(small.size() > 8, small.size() + " units");
            Ips one = decode(whole, setup, timeline, c);
            Ips many = decode(small, setup, timeline, c);
            assertEquals(List.of(), one.issues);
            assertEquals(expected(passes), one.ips);
            assertEquals(one.ips, many.ips);
            assertEquals(List.of(), many.issues);
        }
    }

    private static Ips decode(List<DecodeUnit> units, TraceSetup setup, CodeTimeline t, InstructionClassifier c)
            throws Exception {
        Ips sink = new Ips();
        try (QueueDecoder d = new QueueDecoder(units, setup, new BlockCache(t, new InstructionCache(t, c)))) {
            d.decode(sink);
        }
        return sink;
    }
}
