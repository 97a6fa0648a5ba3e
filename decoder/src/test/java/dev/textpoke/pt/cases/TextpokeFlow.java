package dev.textpoke.pt.cases;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.time.PacketClock;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * textpoke's flow decoder over a case: the case's program as the only code (no modifications),
 * return compression on (libipt's default), each instruction as {@code insn IP SIZE} and each
 * issue as {@code error KIND}: the parts of the libipt harness's {@code insn} lines that the two
 * decoders share. {@link #project} cuts libipt's lines down to the same.
 */
public final class TextpokeFlow implements PtCaseFlow {
    private final InstructionClassifier classifier;

    public TextpokeFlow(InstructionClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public List<String> flow(PtCase.Built b) throws Exception {
        CodeTimeline code = CodeTimeline.builder()
                .image(new BaseImage(b.pt().name(), List.of(new ImageSegment(b.origin(),
                        Bytes.of(Files.readAllBytes(b.image())))), List.of()))
                .build();
        return flow(b.trace(), code, classifier);
    }

    /** Decodes {@code trace} over {@code code} into the shared line format. */
    public static List<String> flow(byte[] trace, CodeTimeline code, InstructionClassifier classifier) {
        return flow(trace, code, classifier, e -> null);
    }

    /**
     * The same, with the events {@code eventLine} gives a line for (null: none) in order among the
     * instructions.
     */
    public static List<String> flow(byte[] trace, CodeTimeline code, InstructionClassifier classifier,
            Function<TraceEvent, String> eventLine) {
        // no timing configuration: the lines carry no times
        EventDecoder events = new EventDecoder(trace, 0, trace.length, new PacketClock(0, 0, 0, 0));
        List<String> out = new ArrayList<>();
        FlowSink sink = new FlowSink() {
            @Override
            public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
                for (int i = from; i < to; i++) {
                    var insn = block.instruction(i);
                    out.add("insn 0x" + Long.toHexString(insn.address()) + " " + insn.length());
                }
            }

            @Override
            public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
            }

            @Override
            public void event(TraceEvent e) {
                String line = eventLine.apply(e);
                if (line != null) {
                    out.add(line);
                }
            }

            @Override
            public void issue(DecodeIssue issue) {
                out.add("error " + issue.kind().name());
            }
        };
        new FlowDecoder(events, new BlockCache(code, new InstructionCache(code, classifier)),
                FlowDecoder.Config.of(true, t -> t), sink)
                .compatCode(new BlockCache(code, new InstructionCache(code, Compat.CLASSIFIER))).run();
        return out;
    }

    /** A 32-bit classifier for the code of cases in 32-bit mode, shared: tests decode one case at a time. */
    private static final class Compat {
        static final InstructionClassifier CLASSIFIER = InstructionClassifier.open(dev.textpoke.isa.Isa.X86_32);
    }

    /**
     * libipt's {@code insn} lines cut down to {@code insn IP SIZE} and {@code error KIND} (its
     * overflow event counted as an error, as textpoke reports one).
     */
    public static List<String> project(List<String> libipt) {
        List<String> out = new ArrayList<>();
        for (String l : libipt) {
            String[] f = l.split(" ");
            if (f[0].equals("insn")) {
                out.add("insn " + f[1] + " " + f[2]);
            } else if (f[0].equals("error")) {
                out.add("error " + f[3]);
            } else if (f[0].equals("event") && f[1].equals("overflow")) {
                // libipt's overflow event is textpoke's OVERFLOW issue
                out.add("error OVERFLOW");
            }
        }
        return out;
    }

    /** Only the instruction lines. */
    public static List<String> instructions(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("insn ")).toList();
    }
}
