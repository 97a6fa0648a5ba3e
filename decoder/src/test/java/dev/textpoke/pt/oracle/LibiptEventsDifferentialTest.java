package dev.textpoke.pt.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.cases.TextpokeFlow;
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
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
            assertEquals(ia, ib, s.what() + ": instructions " + LibiptFlowDifferentialTest.firstDifference(ia, ib));
            List<String> ea = only(theirs, "event ");
            List<String> eb = only(s.ours(), "event ");
            assertEquals(ea, eb, s.what() + ": events " + LibiptFlowDifferentialTest.firstDifference(ea, eb));
            assertTrue(theirs.stream().noneMatch(l -> l.startsWith("error ")), s.what() + ": libipt errors " + theirs);
            events += only(theirs, "event ").size();
            instructions += only(theirs, "insn ").size();
        }
        System.out.printf("libipt events differential: %d streams, %d events and %d instructions equal%n",
                streams.size(), events, instructions);
        assertTrue(events > 20_000, "events compared " + events);
    }

    private static List<String> only(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** libipt's lines in {@link TextpokeFlow#project}'s words, with the power events put in. */
    static List<String> project(List<String> libipt) {
        List<String> out = new ArrayList<>();
        for (String l : libipt) {
            String[] f = l.split(" ");
            if (f[0].equals("event") && f[1].equals("pwre")) {
                // libipt reads PWRE's HW from byte 2 bit 3, the SDM and perf from bit 7 (docs/intel-pt.md)
                out.add("event pwre " + f[2] + " " + f[3]);
            } else if (f[0].equals("event") && f[1].equals("pwrx")) {
                out.add("event pwrx " + f[2] + " " + f[3] + (l.contains(" int") ? " int" : "")
                        + (l.contains(" store") ? " store" : "") + (l.contains(" hw") ? " hw" : ""));
            } else {
                out.addAll(TextpokeFlow.project(List.of(l)));
            }
        }
        return out;
    }

    private static List<Stream> simulate(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed * 104729);
        LibiptFlowDifferentialTest.Run run = LibiptFlowDifferentialTest.run(seed, r, tmp, "e", 2, 300);
        List<Stream> out = new ArrayList<>();
        for (int i = 0; i < run.cpus().size(); i++) {
            byte[] bytes = withEvents(run.cpus().get(i), r);
            Path trace = tmp.resolve("e" + seed + "-cpu" + run.cpuNumbers().get(i) + ".pt");
            Files.write(trace, bytes);
            List<String> args = new ArrayList<>(run.options());
            args.add(trace.toString());
            args.addAll(run.images());
            out.add(new Stream("seed " + seed + " cpu " + run.cpuNumbers().get(i) + " " + run.pc(), args,
                    TextpokeFlow.flow(bytes, run.code(), classifier, LibiptEventsDifferentialTest::eventLine)));
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

    /** A textpoke event in the projection's words (the power events put in; null for others). */
    private static String eventLine(TraceEvent e) {
        return switch (e.kind()) {
            case PWRE -> "event pwre state=" + e.b() + " sub=" + e.c();
            // the wake reason's bits (SDM "PWRX Packet"): 0 interrupt, 2 store to the monitored
            // address, 3 hardware
            case PWRX -> "event pwrx last=" + e.b() + " deepest=" + e.a() + ((e.c() & 1) != 0 ? " int" : "")
                    + ((e.c() & 4) != 0 ? " store" : "") + ((e.c() & 8) != 0 ? " hw" : "");
            default -> null;
        };
    }
}
