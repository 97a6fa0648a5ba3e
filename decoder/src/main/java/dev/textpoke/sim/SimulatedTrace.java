package dev.textpoke.sim;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.Modification;
import dev.textpoke.code.Switch;
import dev.textpoke.code.TimelineBuilder;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.sim.code.CodeOverlay;
import dev.textpoke.sim.code.CodeView;
import dev.textpoke.sim.code.InsnTable;
import dev.textpoke.sim.code.OverlayCodeView;
import dev.textpoke.sim.code.TimelineCodeView;
import dev.textpoke.sim.etm.EtmModel;
import dev.textpoke.sim.etm.EtmModelConfig;
import dev.textpoke.sim.etm.EtmStream;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CostModel;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.Executor;
import dev.textpoke.sim.exec.FrequencyChange;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.pt.PtModel;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.pt.PtStream;
import dev.textpoke.sim.truth.GroundTruth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One simulated run, from a program to what it leaves behind: the ground truth (every instruction
 * each CPU ran, with its time and bytes), the memory timeline of every physical write, the
 * TEXT_POKE records the patching announced, and what the listeners made of it. The one-call entry
 * point of tests, benchmarks and scenarios:
 *
 * <pre>{@code
 * SimulatedTrace t = SimulatedTrace.builder()
 *         .program(RandomProgram.generate(config, seed))
 *         .cpus(2).seed(seed)
 *         .patches(Int3Protocol.defaults().single(Patch.enable(site), tsc, 0, 2))
 *         .maxInstructions(100_000)
 *         .run();
 * }</pre>
 */
public final class SimulatedTrace {
    private final Program program;
    private final int cpus;
    private final long seed;
    private final ClockConfig clock;
    private final CodeTimeline memory;
    private final List<MemoryWrite> writes;
    private final List<Poke> pokes;
    private final List<Interrupt> interrupts;
    private final InsnTable insns;
    private final GroundTruth groundTruth;
    private final List<HaltReason> halts;
    private final PtModelConfig ptConfig;
    private final List<PtStream> pt;
    private final List<EtmStream> etm;

    private SimulatedTrace(Builder b, CodeTimeline memory, List<MemoryWrite> writes, List<Poke> pokes,
            List<Interrupt> interrupts, InsnTable insns, GroundTruth truth, List<HaltReason> halts,
            List<PtStream> pt, List<EtmStream> etm) {
        this.program = b.program;
        this.cpus = b.cpus;
        this.seed = b.seed;
        this.clock = b.clock;
        this.memory = memory;
        this.writes = writes;
        this.pokes = pokes;
        this.interrupts = interrupts;
        this.insns = insns;
        this.groundTruth = truth;
        this.halts = halts;
        this.ptConfig = b.pt;
        this.pt = pt;
        this.etm = etm;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Program program() {
        return program;
    }

    public int cpus() {
        return cpus;
    }

    public long seed() {
        return seed;
    }

    public ClockConfig clock() {
        return clock;
    }

    /** The kernel and user code at the start, with symbols: what a kcore copy or vmlinux holds. */
    public BaseImage image() {
        return program.image("simulated");
    }

    /** Memory over time: the image and every physical write, including states no trace records. */
    public CodeTimeline memory() {
        return memory;
    }

    /** Every physical write, in time order. */
    public List<MemoryWrite> writes() {
        return writes;
    }

    /** The code modifications the kernel announced (TEXT_POKE records to be), in time order. */
    public List<Poke> pokes() {
        return pokes;
    }

    /** Every scheduled interrupt and exception, including the IPIs of patching syncs. */
    public List<Interrupt> interrupts() {
        return interrupts;
    }

    /** The interned instructions: ids in the ground truth and listeners' {@code Insn}s come from here. */
    public InsnTable insns() {
        return insns;
    }

    /** What each CPU executed; null when the run was made without it. */
    public GroundTruth groundTruth() {
        return groundTruth;
    }

    /** Why each CPU stopped. */
    public List<HaltReason> halts() {
        return halts;
    }

    /** The Intel PT configuration the run was traced with, or null when it was not traced. */
    public PtModelConfig ptConfig() {
        return ptConfig;
    }

    /** Each CPU's Intel PT trace, by CPU number; empty when the run was not traced. */
    public List<PtStream> pt() {
        return pt;
    }

    /** CPU {@code cpu}'s Intel PT trace. */
    public PtStream pt(int cpu) {
        if (pt.isEmpty()) {
            throw new IllegalStateException("the run was not traced with Intel PT");
        }
        return pt.get(cpu);
    }

    /** Each CPU's waypoint trace, by CPU number; empty when the run was not traced with it. */
    public List<EtmStream> etm() {
        return etm;
    }

    /** CPU {@code cpu}'s waypoint trace (arm64). */
    public EtmStream etm(int cpu) {
        if (etm.isEmpty()) {
            throw new IllegalStateException("the run was not traced with the waypoint trace model");
        }
        return etm.get(cpu);
    }

    /**
     * What a decoder that applies every TEXT_POKE at its time knows of the code: the image and
     * the announced modifications as switch points (no {@code int3} phases).
     */
    public CodeTimeline announcedCode() {
        TimelineBuilder b = CodeTimeline.builder().image(image());
        for (Poke p : pokes) {
            b.modification(new Modification(p.address(), p.oldBytes(), p.newBytes(), Switch.point(p.tsc()),
                    p.cpu(), p.kind()));
        }
        try {
            return b.build();
        } catch (ImageOverlapException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configures and runs a simulation. */
    public static final class Builder {
        private Program program;
        private int cpus;
        private long seed = 1;
        private Behaviour behaviour;
        private ClockConfig clock = ClockConfig.defaults();
        private CostModel cost = CostModel.defaults();
        private final List<int[]> coreRatios = new ArrayList<>();
        private final List<FrequencyChange> frequencyChanges = new ArrayList<>();
        private final List<Interrupt> interrupts = new ArrayList<>();
        private final List<PatchPlan> plans = new ArrayList<>();
        private final List<MemoryWrite> writes = new ArrayList<>();
        private final List<Poke> pokes = new ArrayList<>();
        private final List<CodeOverlay> overlays = new ArrayList<>();
        private TrapHandler trapHandler = TrapHandler.none();
        private ViewFactory view;
        private long endTsc = Long.MAX_VALUE;
        private long duration = -1;
        private long maxInstructions = Long.MAX_VALUE;
        private boolean groundTruth = true;
        private boolean allowFaults;
        private PtModelConfig pt;
        private EtmModelConfig etm;
        private boolean logAllPackets;
        private final List<ExecutionListener> listeners = new ArrayList<>();

        private Builder() {}

        public Builder program(Program p) {
            program = Objects.requireNonNull(p);
            return this;
        }

        /** How many CPUs run (default: one per start address of the program). */
        public Builder cpus(int n) {
            cpus = n;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Scripts laid over the program's own behaviour. */
        public Builder behaviour(Behaviour b) {
            behaviour = Objects.requireNonNull(b);
            return this;
        }

        public Builder clock(ClockConfig c) {
            clock = Objects.requireNonNull(c);
            return this;
        }

        public Builder cost(CostModel c) {
            cost = Objects.requireNonNull(c);
            return this;
        }

        /** CPU {@code cpu} starts at core ratio {@code ratio} (default: the TSC's). */
        public Builder coreRatio(int cpu, int ratio) {
            coreRatios.add(new int[] {cpu, ratio});
            return this;
        }

        public Builder frequencyChanges(List<FrequencyChange> changes) {
            frequencyChanges.addAll(changes);
            return this;
        }

        public Builder interrupts(List<Interrupt> list) {
            interrupts.addAll(list);
            return this;
        }

        /** A patching protocol's plan: its writes, pokes, IPIs and INT3 policy. */
        public Builder patches(PatchPlan plan) {
            plans.add(Objects.requireNonNull(plan));
            return this;
        }

        /** Physical writes no protocol made (a naive write, a torn one). */
        public Builder writes(List<MemoryWrite> list) {
            writes.addAll(list);
            return this;
        }

        /** TEXT_POKE records no protocol made. */
        public Builder pokes(List<Poke> list) {
            pokes.addAll(list);
            return this;
        }

        /** Views of the code some CPU has instead of memory for a while. */
        public Builder overlays(List<CodeOverlay> list) {
            overlays.addAll(list);
            return this;
        }

        /** An INT3 policy tried after the patching protocols' own. */
        public Builder trapHandler(TrapHandler h) {
            trapHandler = Objects.requireNonNull(h);
            return this;
        }

        /** Wraps the CPUs' code view (after overlays). */
        public Builder view(ViewFactory f) {
            view = Objects.requireNonNull(f);
            return this;
        }

        /** CPUs stop when their TSC reaches {@code tsc}. */
        public Builder until(long tsc) {
            endTsc = tsc;
            return this;
        }

        /** CPUs stop {@code ticks} TSC ticks after the start. */
        public Builder duration(long ticks) {
            duration = ticks;
            return this;
        }

        /** Each CPU stops after {@code n} instructions. */
        public Builder maxInstructions(long n) {
            maxInstructions = n;
            return this;
        }

        /** Whether to record the ground truth (default yes; big benchmark traces leave it out). */
        public Builder groundTruth(boolean on) {
            groundTruth = on;
            return this;
        }

        /** Let CPUs halt on program errors (torn instructions) instead of failing the run. */
        public Builder allowFaults(boolean on) {
            allowFaults = on;
            return this;
        }

        /** Traces every CPU with the Intel PT model. */
        public Builder pt(PtModelConfig config) {
            pt = Objects.requireNonNull(config);
            return this;
        }

        /** Traces every CPU with the waypoint (ETMv4-style) trace model: for A64 programs. */
        public Builder etm(EtmModelConfig config) {
            etm = Objects.requireNonNull(config);
            return this;
        }

        /** Whether the PT model logs every packet, not only PSB+, TSC, TMA, MTC, CBR and OVF (default no). */
        public Builder logAllPackets(boolean on) {
            logAllPackets = on;
            return this;
        }

        public Builder listener(ExecutionListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        /**
         * Runs the simulation.
         *
         * @throws IllegalStateException when a CPU halts on a program error and faults are not allowed
         */
        public SimulatedTrace run() {
            Objects.requireNonNull(program, "program");
            if (cpus == 0) {
                cpus = program.starts().size();
            }
            PatchPlan plan = PatchPlan.merge(plans);
            List<MemoryWrite> allWrites = new ArrayList<>(plan.writes());
            allWrites.addAll(writes);
            allWrites.sort(Comparator.comparingLong(MemoryWrite::tsc));
            List<Poke> allPokes = new ArrayList<>(plan.pokes());
            allPokes.addAll(pokes);
            allPokes.sort(Comparator.comparingLong(Poke::tsc));
            List<Interrupt> allInterrupts = new ArrayList<>(interrupts);
            allInterrupts.addAll(plan.interrupts());
            allInterrupts.removeIf(i -> i.cpu() >= cpus);
            allInterrupts.sort(Comparator.comparingLong(Interrupt::tsc));

            TimelineBuilder tb = CodeTimeline.builder().image(program.image("simulated"));
            for (MemoryWrite w : allWrites) {
                tb.modification(w.modification());
            }
            CodeTimeline memory;
            try {
                memory = tb.build();
            } catch (ImageOverlapException e) {
                throw new IllegalArgumentException("the program's segments overlap: " + e.getMessage(), e);
            }
            InsnTable table = new InsnTable();
            GroundTruth truth = groundTruth ? new GroundTruth(table) : null;
            List<ExecutionListener> all = new ArrayList<>();
            if (truth != null) {
                all.add(truth);
            }
            PtModel model = pt == null ? null : new PtModel(pt, logAllPackets);
            if (model != null) {
                all.add(model);
            }
            EtmModel etmModel = etm == null ? null : new EtmModel(etm);
            if (etmModel != null) {
                all.add(etmModel);
            }
            all.addAll(listeners);
            long end = duration >= 0 ? clock.startTsc() + duration : endTsc;
            List<HaltReason> halts;
            try (InstructionClassifier classifier = InstructionClassifier.open(program.isa())) {
                CodeView v = new TimelineCodeView(memory, classifier, table, cpus);
                if (!overlays.isEmpty()) {
                    v = new OverlayCodeView(v, memory, classifier, table, cpus, overlays);
                }
                if (view != null) {
                    v = view.wrap(v, new ViewFactory.Context(memory, classifier, table, cpus));
                }
                Behaviour b = behaviour == null ? program.behaviour() : program.behaviour().with(behaviour);
                Executor.Builder eb = Executor.builder(v, cpus)
                        .starts(program.starts())
                        .vectors(program.vectors())
                        .behaviour(b)
                        .clock(clock)
                        .cost(cost)
                        .trapHandler(plan.trapHandler().orElse(trapHandler))
                        .interrupts(allInterrupts)
                        .frequencyChanges(frequencyChanges)
                        .seed(seed)
                        .until(end)
                        .maxInstructions(maxInstructions);
                for (int[] r : coreRatios) {
                    eb.coreRatio(r[0], r[1]);
                }
                halts = eb.build().run(all);
            }
            if (!allowFaults) {
                for (int c = 0; c < halts.size(); c++) {
                    if (!halts.get(c).normal()) {
                        throw new IllegalStateException("cpu " + c + " halted: " + halts.get(c)
                                + (truth != null ? String.format(" at %x, tsc %d", truth.haltIp(c), truth.haltTsc(c)) : ""));
                    }
                }
            }
            List<PtStream> streams = new ArrayList<>();
            if (model != null) {
                for (int c = 0; c < cpus; c++) {
                    streams.add(model.stream(c));
                }
            }
            List<EtmStream> etmStreams = new ArrayList<>();
            if (etmModel != null) {
                for (int c = 0; c < cpus; c++) {
                    etmStreams.add(etmModel.stream(c));
                }
            }
            return new SimulatedTrace(this, memory, List.copyOf(allWrites), List.copyOf(allPokes),
                    List.copyOf(allInterrupts), table, truth, List.copyOf(halts), List.copyOf(streams),
                    List.copyOf(etmStreams));
        }
    }
}
