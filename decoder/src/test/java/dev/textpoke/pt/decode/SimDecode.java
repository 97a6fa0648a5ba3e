package dev.textpoke.pt.decode;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import dev.textpoke.pt.time.PacketClock;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.pt.PtModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a simulated CPU's Intel PT with textpoke's decoder, in memory, over a chosen code
 * timeline (the simulation's times are TSC ticks and so are the timeline's: the conversion to
 * perf time is the identity). For tests that compare with the simulation's ground truth.
 */
final class SimDecode implements FlowSink {
    final List<Long> ips = new ArrayList<>();
    final List<Instruction> insns = new ArrayList<>();
    final List<Boolean> ambiguous = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<DecodeIssue> issues = new ArrayList<>();
    final List<Placement> placements = new ArrayList<>();
    /** Stretches decoded while several readings fitted: where each starts and ends (decoded indices). */
    final List<int[]> undecided = new ArrayList<>();

    static SimDecode decode(SimulatedTrace t, int cpu, CodeTimeline code, InstructionClassifier classifier) {
        PtModelConfig pc = t.ptConfig();
        PacketClock clock = new PacketClock(pc.pt().mtcPeriod(), pc.tscCtcRatioN(), pc.tscCtcRatioD(),
                t.clock().maxNonTurboRatio());
        byte[] bytes = t.pt(cpu).bytes().toArray();
        EventDecoder events = new EventDecoder(bytes, 0, bytes.length, clock);
        SimDecode sink = new SimDecode();
        FlowDecoder.Config config = new FlowDecoder.Config(pc.pt().returnCompression(), x -> x, pc.pt().cyc(), 32);
        new FlowDecoder(events, new BlockCache(code, new InstructionCache(code, classifier)), config, sink).run();
        return sink;
    }

    @Override
    public void instructions(Block block, int from, int to, long time, boolean amb) {
        for (int i = from; i < to; i++) {
            ips.add(block.instruction(i).address());
            insns.add(block.instruction(i));
            ambiguous.add(amb);
            times.add(time);
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
    }

    @Override
    public void issue(DecodeIssue issue) {
        issues.add(issue);
    }

    @Override
    public void undecided(long instructions) {
        undecided.add(new int[] {(int) (ips.size() - instructions), ips.size()});
    }

    @Override
    public void placement(Placement p) {
        placements.add(p);
    }

    long ambiguousCount() {
        return ambiguous.stream().filter(b -> b).count();
    }
}
