package dev.textpoke.pt.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.time.PacketClock;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * textpoke's power events against libipt's ({@code ptharness insn}): the simulator's random streams
 * (as {@link LibiptFlowDifferentialTest} makes them) with PWRE and PWRX packets put in after random
 * TNT and TIP packets, where they bind to nothing. Both decoders must still give the same
 * instructions, and the same events with the same values in the same order. (Where among the
 * instructions an event is reported is perf's choice in textpoke, checked against perf in {@code
 * DecodeEventsMatchPerfTest}. PTW and EXSTOP are not put in: libipt binds a PTW without a FUP to
 * the next PTWRITE instruction, which random code does not have, and loses the flow without one.)
 */
class LibiptEventsDifferentialTest {
    static final int STREAMS = 1_500;

    @TempDir
    static Path tmp;
    static InstructionClassifier classifier;
    static LibiptHarness harness;

    @BeforeAll
    static void open() throws Exception {
        classifier = InstructionClassifier.open(Isa.X86_64);
        harness = LibiptHarness.build();
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    record Stream(String what, List<String> harnessArgs, List<String> ours) {}

    @Test
    void textpokeAndLibiptReportTheSameEvents() throws Exception {
        List<Stream> streams = new ArrayList<>();
        long seed = 0;
        while (streams.size() < STREAMS) {
            seed++;
            streams.addAll(simulate(seed));
        }
        List<List<String>> libipt = harness.insnBatch(streams.stream().map(Stream::harnessArgs).toList());
        long events = 0;
        long instructions = 0;
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            List<String> theirs = project(libipt.get(i));
            List<String> ia = only(theirs, "insn ");
            List<String> ib = only(s.ours(), "insn ");
            assertEquals(ia, ib, s.what() + ": instructions differ at " + firstDifference(ia, ib));
            List<String> ea = only(theirs, "event ");
            List<String> eb = only(s.ours(), "event ");
            assertEquals(ea, eb, s.what() + ": events differ at " + firstDifference(ea, eb));
            assertTrue(theirs.stream().noneMatch(l -> l.startsWith("error ")), s.what() + ": libipt errors " + theirs);
            events += only(theirs, "event ").size();
            instructions += only(theirs, "insn ").size();
        }
        System.out.printf("libipt events differential: %d streams, %d events and %d instructions equal%n",
                streams.size(), events, instructions);
        assertTrue(events > 20_000, "events compared " + events);
    }

    private static String firstDifference(List<String> libipt, List<String> ours) {
        int q = 0;
        while (q < libipt.size() && q < ours.size() && libipt.get(q).equals(ours.get(q))) {
            q++;
        }
        return q + ": libipt " + libipt.subList(q, Math.min(libipt.size(), q + 2)) + " textpoke "
                + ours.subList(q, Math.min(ours.size(), q + 2));
    }

    private static List<String> only(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** libipt's lines cut to instructions, errors and the events textpoke reports, in textpoke's words. */
    static List<String> project(List<String> libipt) {
        List<String> out = new ArrayList<>();
        for (String l : libipt) {
            String[] f = l.split(" ");
            switch (f[0]) {
                case "insn" -> out.add("insn " + f[1]);
                case "error" -> out.add("error " + f[3]);
                case "event" -> {
                    switch (f[1]) {
                        case "ptwrite" -> out.add("event ptwrite " + f[2]);
                        case "exstop" -> out.add("event exstop");
                        // libipt reads PWRE's HW from byte 2 bit 3, the SDM and perf from bit 7 (docs/intel-pt.md)
                        case "pwre" -> out.add("event pwre " + f[2] + " " + f[3]);
                        case "pwrx" -> out.add("event pwrx " + f[2] + " " + f[3] + (l.contains(" int") ? " int" : "")
                                + (l.contains(" store") ? " store" : "") + (l.contains(" hw") ? " hw" : ""));
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    private static List<Stream> simulate(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed * 104729);
        int cpus = 1 + r.nextInt(2);
        int user = r.nextInt(cpus + 1);
        CplFilter filter = user == 0 ? CplFilter.KERNEL : CplFilter.values()[r.nextInt(3)];
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(cpus, user).withSites(0, 0, 0, 0),
                seed);
        PtModelConfig pc = LibiptFlowDifferentialTest.config(r, filter);
        SimulatedTrace t = SimulatedTrace.builder().program(p).seed(seed).pt(pc)
                .interrupts(LibiptFlowDifferentialTest.interrupts(r, cpus))
                .maxInstructions(300 + r.nextInt(1_500)).groundTruth(false).run();
        CodeTimeline code = t.announcedCode();
        List<String> images = new ArrayList<>();
        int k = 0;
        for (ImageSegment seg : t.image().segments()) {
            Path f = tmp.resolve("e" + seed + "-" + k++ + ".bin");
            Files.write(f, seg.bytes().toArray());
            images.add(f + "@0x" + Long.toHexString(seg.address()));
        }
        List<String> options = List.of("--mtc-freq", Integer.toString(pc.pt().mtcPeriod()),
                "--nom-freq", Integer.toString(t.clock().maxNonTurboRatio()),
                "--cpuid-0x15-eax", Long.toString(pc.tscCtcRatioD()),
                "--cpuid-0x15-ebx", Long.toString(pc.tscCtcRatioN()));
        List<Stream> out = new ArrayList<>();
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            byte[] plain = t.pt(cpu).bytes().toArray();
            if (plain.length == 0) {
                continue;
            }
            byte[] bytes = withEvents(plain, r);
            Path trace = tmp.resolve("e" + seed + "-cpu" + cpu + ".pt");
            Files.write(trace, bytes);
            List<String> args = new ArrayList<>(options);
            args.add(trace.toString());
            args.addAll(images);
            out.add(new Stream("seed " + seed + " cpu " + cpu + " " + pc, args, ours(bytes, code)));
        }
        return out;
    }

    /** The stream with event packets after a third of its TNT and TIP packets (outside PSB+). */
    static byte[] withEvents(byte[] trace, SplittableRandom r) throws PtDecodeException {
        PacketDecoder d = new PacketDecoder(trace, 0, trace.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int copied = 0;
        boolean inPsb = false;
        PacketType t;
        while ((t = d.next()) != null) {
            if (t == PacketType.PSB) {
                inPsb = true;
            } else if (t == PacketType.PSBEND) {
                inPsb = false;
            }
            boolean after = t == PacketType.TNT_8 || t == PacketType.TNT_64 || t == PacketType.TIP;
            if (!inPsb && after && r.nextInt(3) == 0) {
                int end = (int) d.nextOffset();
                out.write(trace, copied, end - copied);
                copied = end;
                PacketEncoder e = new PacketEncoder();
                if (r.nextBoolean()) {
                    e.pwre(r.nextBoolean(), r.nextInt(16), r.nextInt(16));
                } else {
                    e.pwrx(r.nextInt(16), r.nextInt(16), r.nextInt(16));
                }
                out.write(e.toByteArray(), 0, e.size());
            }
        }
        out.write(trace, copied, trace.length - copied);
        return out.toByteArray();
    }

    /** textpoke's flow decoder: instructions, errors and events in the projection's words. */
    static List<String> ours(byte[] trace, CodeTimeline code) {
        EventDecoder events = new EventDecoder(trace, 0, trace.length, new PacketClock(0, 0, 0, 0));
        List<String> out = new ArrayList<>();
        FlowSink sink = new FlowSink() {
            @Override
            public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
                for (int i = from; i < to; i++) {
                    out.add("insn 0x" + Long.toHexString(block.instruction(i).address()));
                }
            }

            @Override
            public void branch(BranchKind kind, long from, long to, long time) {
            }

            @Override
            public void event(TraceEvent e) {
                switch (e.kind()) {
                    case PTWRITE -> out.add("event ptwrite payload=0x" + Long.toHexString(e.payload()));
                    case EXSTOP -> out.add("event exstop");
                    case PWRE -> out.add("event pwre state=" + e.b() + " sub=" + e.c());
                    // the wake reason's bits (SDM "PWRX Packet"): 0 interrupt, 2 store to the monitored
                    // address, 3 hardware
                    case PWRX -> out.add("event pwrx last=" + e.b() + " deepest=" + e.a()
                            + ((e.c() & 1) != 0 ? " int" : "") + ((e.c() & 4) != 0 ? " store" : "")
                            + ((e.c() & 8) != 0 ? " hw" : ""));
                    default -> { }
                }
            }

            @Override
            public void issue(DecodeIssue issue) {
                out.add("error " + issue.kind().name());
            }
        };
        new FlowDecoder(events, new BlockCache(code, new InstructionCache(code, classifier)),
                FlowDecoder.Config.of(true, x -> x), sink).run();
        return out;
    }
}
