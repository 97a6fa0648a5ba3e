package dev.textpoke.pt.etm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.scenario.workload.BuiltProgram;
import dev.textpoke.scenario.workload.Stmt;
import dev.textpoke.scenario.workload.Workload;
import dev.textpoke.scenario.workload.WorkloadCompiler;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.etm.EtmModelConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.truth.Executed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The waypoint decoder against the simulator's ground truth, on A64 code that does not change. */
class WaypointDecoderTest {

    static final class Collect implements FlowSink {
        final List<Instruction> insns = new ArrayList<>();
        final List<DecodeIssue> issues = new ArrayList<>();

        @Override
        public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
            for (int i = from; i < to; i++) {
                insns.add(block.instruction(i));
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

    static Workload workload() {
        Map<String, Workload.Function> f = new LinkedHashMap<>();
        f.put("main", new Workload.Function("main", List.of(
                new Stmt.Loop(4, List.of(new Stmt.Call("leaf", 0), new Stmt.Work(2, 0)), 0),
                new Stmt.If(0.4, List.of(new Stmt.Work(3, 0)), List.of(new Stmt.Call("leaf", 0)), 0),
                new Stmt.JumpLabel("k", 4, List.of(new Stmt.Work(2, 0)), 0)), 0));
        f.put("leaf", new Workload.Function("leaf", List.of(new Stmt.Work(5, 0),
                new Stmt.If(0.5, List.of(new Stmt.Work(1, 0)), List.of(), 0)), 0));
        return new Workload(f, List.of("main", "main"), List.of(new Workload.Irq(1, 3000, -1, 7000, "leaf", 0)));
    }

    @Test
    void unchangedCodeDecodesToWhatRan() {
        BuiltProgram bp = WorkloadCompiler.compile(workload(), Isa.A64, false);
        for (int level : new int[] {4, 8, 12, 15}) {
            List<Interrupt> irqs = List.of(Interrupt.at(1, bp.program().starts().size() > 0 ? (1L << 32) + 3000 : 0,
                    bp.irqVectors().get("leaf")), Interrupt.at(0, (1L << 32) + 5000, bp.ipiVector()));
            SimulatedTrace t = SimulatedTrace.builder().program(bp.program()).seed(level)
                    .etm(EtmModelConfig.timestampLevel(level, 512)).interrupts(irqs).duration(60_000).run();
            try (InstructionClassifier c = InstructionClassifier.open(Isa.A64)) {
                CodeTimeline code = t.announcedCode();
                for (int cpu = 0; cpu < 2; cpu++) {
                    byte[] bytes = t.etm(cpu).bytes().toArray();
                    EtmTrace trace = EtmTrace.decode("cpu" + cpu, bytes);
                    assertEquals(List.of(), trace.errors());
                    Collect out = new Collect();
                    new WaypointDecoder("cpu" + cpu, trace, code, new BlockCache(code, new InstructionCache(code, c)), c,
                            WaypointDecoder.Config.defaults(), out).run();
                    assertEquals(List.of(), out.issues, "level " + level + " cpu " + cpu);
                    List<Executed> ran = t.groundTruth().instructions(cpu, CplFilter.BOTH);
                    assertTrue(out.insns.size() > 1000, "decoded " + out.insns.size());
                    assertTrue(ran.size() - out.insns.size() < 64, ran.size() + " ran, " + out.insns.size() + " decoded");
                    for (int i = 0; i < out.insns.size(); i++) {
                        assertEquals(ran.get(i).insn().instruction(), out.insns.get(i), "instruction " + i);
                    }
                }
            }
        }
    }
}
