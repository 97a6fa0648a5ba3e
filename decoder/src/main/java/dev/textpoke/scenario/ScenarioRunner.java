package dev.textpoke.scenario;

import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.Modification;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.etm.EtmTrace;
import dev.textpoke.pt.etm.WaypointDecoder;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowDecoder;
import dev.textpoke.pt.flow.Placement;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.pt.time.PacketClock;
import dev.textpoke.scenario.perf.PerfDataDecode;
import dev.textpoke.scenario.perf.PerfScript;
import dev.textpoke.scenario.protocol.Applied;
import dev.textpoke.scenario.protocol.Batch;
import dev.textpoke.scenario.protocol.Outcome;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.protocol.Setup;
import dev.textpoke.scenario.protocol.SitePatch;
import dev.textpoke.scenario.protocol.Window;
import dev.textpoke.scenario.score.Alignment;
import dev.textpoke.scenario.score.Collector;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Decoded;
import dev.textpoke.scenario.score.Truth;
import dev.textpoke.scenario.spec.KeyInfo;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.scenario.spec.ScheduleEntry;
import dev.textpoke.scenario.workload.BuiltProgram;
import dev.textpoke.scenario.workload.PatchSite;
import dev.textpoke.scenario.workload.Workload;
import dev.textpoke.scenario.workload.WorkloadCompiler;
import dev.textpoke.scenario.workload.WorkloadException;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.etm.EtmModelConfig;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CostModel;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.perf.PtPerfDataWriter;
import dev.textpoke.sim.perf.SimulatedRecording;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.truth.AsyncEvent;
import dev.textpoke.sim.truth.Executed;
import dev.textpoke.sim.truth.GroundTruth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario under a protocol: compiles the workload for the protocol's instruction set,
 * turns the schedule into batches, simulates the CPUs with the protocol's writes, announcements,
 * IPIs, breakpoint handler and views, traces them (Intel PT on x86, the waypoint trace on arm64),
 * decodes the traces with replay and without (x86 kernel traces from the perf.data written for
 * them, as {@code textpoke decode} reads it; perf 6.1 too when asked), and scores every decode
 * against the ground truth.
 */
public final class ScenarioRunner {
    private ScenarioRunner() {}

    /** The protocols a scenario runs under: those it names, else all that apply. */
    public static List<Protocol> protocols(Scenario s) {
        if (s.protocols().isEmpty()) {
            return Protocol.all().stream().filter(p -> applies(s, p)).toList();
        }
        return s.protocols().stream().map(Protocol::byName).toList();
    }

    /**
     * Whether {@code p} applies to {@code s}: its code exists for the protocol's instruction set, and
     * for a user-space protocol it is statements whose interrupts run no workload code (in user
     * space an interrupt runs the kernel).
     */
    public static boolean applies(Scenario s, Protocol p) {
        return s.runsOn(p.isa()) && (!p.userSpace() || s.asm() == null && s.interrupts().stream()
                .allMatch(q -> q.handler() == null));
    }

    /**
     * Runs {@code s} under {@code p}.
     *
     * @throws ScenarioFileException for a workload or schedule the protocol cannot run (with its line)
     * @throws IOException when a trace cannot be written or perf fails
     */
    public static ProtocolResult run(Scenario s, Protocol p, RunOptions options) throws IOException {
        if (!applies(s, p)) {
            throw new ScenarioFileException(s.file(), -1, 1, ScenarioFileException.Kind.BAD_WORKLOAD, p.name()
                    + " does not apply: " + (s.asm() != null ? "the scenario's assembly is for " + s.asm().sources().keySet()
                            + " kernel code" : "its interrupts run workload code, which in user space they cannot"));
        }
        BuiltProgram bp;
        try {
            if (s.asm() != null) {
                Path tmp = Files.createTempDirectory("textpoke-asm");
                try {
                    bp = dev.textpoke.scenario.workload.AsmCompiler.compile(s.asm(), p.isa(), tmp);
                } finally {
                    deleteTree(tmp);
                }
            } else {
                bp = WorkloadCompiler.compile(s.workload(), p.isa(), p.userSpace());
            }
        } catch (WorkloadException e) {
            throw new ScenarioFileException(s.file(), -1, e.line(), ScenarioFileException.Kind.BAD_WORKLOAD, e.problem());
        }
        ClockConfig clock = ClockConfig.defaults();
        long start = clock.startTsc();
        List<Batch> batches = batches(s, bp, start);
        Applied a = p.apply(new Setup(bp, batches, s.cpus(), s.patcher(), s.seed()));
        for (int i = 0; i + 1 < batches.size(); i++) {
            if (a.batchEnds().get(i) > batches.get(i + 1).start()) {
                throw new ScenarioFileException(s.file(), -1, batches.get(i + 1).line(),
                        ScenarioFileException.Kind.SCHEDULE_ORDER, "under " + p.name() + " the batch before this entry runs"
                                + " until " + (a.batchEnds().get(i) - start) + ": this one, at " + (batches.get(i + 1).start() - start)
                                + ", would start before it ends");
            }
        }
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(bp.program()).cpus(s.cpus()).seed(s.seed())
                .clock(clock).cost(new CostModel(1, 1, s.timing().jitter(), 60, 30)).duration(s.duration())
                .patches(a.plan()).behaviour(a.behaviour()).allowFaults(true).interrupts(interrupts(s, bp, batches, start));
        if (a.view() != null) {
            b.view(a.view());
        }
        for (ExecutionListener l : a.listeners()) {
            b.listener(l);
        }
        CplFilter filter = p.userSpace() ? CplFilter.BOTH : CplFilter.KERNEL;
        if (p.isa() == Isa.X86_64) {
            b.pt(ptConfig(s, filter));
        } else {
            b.etm(EtmModelConfig.timestampLevel(s.timing().etmTimestampLevel(), s.timing().etmSyncBytes()));
        }
        SimulatedTrace t = b.run();
        Outcome outcome = a.outcome().apply(t);
        List<CpuTruth> truth = truth(t, bp, outcome, filter);
        List<Poke> switches = switches(outcome.announced());
        List<DecoderResult> decodes = new ArrayList<>();
        Path perfData = null;
        if (p.isa() == Isa.X86_64 && !p.userSpace()) {
            Path dir = options.workDir() != null ? Files.createDirectories(options.workDir())
                    : Files.createTempDirectory("textpoke-scenario");
            perfData = dir.resolve(s.name() + "-" + p.name() + ".data");
            try {
                deleteTree(perfData);
                PtPerfDataWriter.writeDirectory(SimulatedRecording.of(t), perfData);
                TscConversion conv = SimulatedRecording.tsc(t);
                for (boolean replay : new boolean[] {true, false}) {
                    Map<Integer, Collector> byCpu = PerfDataDecode.decode(perfData, replay);
                    decodes.add(score("textpoke", replay, t, bp, outcome, switches, filter, byCpu,
                            "textpoke decode" + (replay ? "" : " --no-replay") + " of the perf.data", options.keepDecodes()));
                }
                if (options.perf()) {
                    Map<Integer, List<Decoded>> perf = PerfScript.run(perfData, dir.resolve("perf-home"), conv);
                    decodes.add(scorePerf(t, bp, outcome, switches, perf, options.keepDecodes()));
                }
            } finally {
                if (options.workDir() == null) {
                    deleteTree(dir);
                    perfData = null;
                }
            }
        } else {
            for (boolean replay : new boolean[] {true, false}) {
                CodeTimeline code = replay ? outcome.announced() : baseOnly(t);
                Map<Integer, Collector> byCpu = p.isa() == Isa.X86_64 ? decodePt(t, code) : decodeEtm(t, code);
                decodes.add(score("textpoke", replay, t, bp, outcome, switches, filter, byCpu,
                        (p.isa() == Isa.X86_64 ? "Intel PT" : "waypoint trace") + " decoded in memory"
                                + (replay ? " with the " + (p.isa() == Isa.A64 ? "windows" : "announced switches")
                                        : " over the base image"), options.keepDecodes()));
            }
        }
        return new ProtocolResult(s, p, bp, batches, t, outcome, truth, decodes, perfData);
    }

    // ---- the schedule ----------------------------------------------------------------------------

    /** Each schedule entry as the sites whose bytes change, with the states before and after. */
    static List<Batch> batches(Scenario s, BuiltProgram bp, long start) throws ScenarioFileException {
        Map<String, String> state = new LinkedHashMap<>();
        for (KeyInfo k : s.keys().values()) {
            state.put(k.key(), k.initial());
        }
        List<Batch> out = new ArrayList<>();
        for (ScheduleEntry e : s.schedule()) {
            List<SitePatch> patches = new ArrayList<>();
            for (Map.Entry<String, String> set : e.set().entrySet()) {
                String from = state.get(set.getKey());
                if (!from.equals(set.getValue())) {
                    for (PatchSite site : bp.sitesOf(set.getKey())) {
                        patches.add(new SitePatch(site, from, set.getValue()));
                    }
                }
                state.put(set.getKey(), set.getValue());
            }
            if (patches.isEmpty()) {
                throw new ScenarioFileException(s.file(), -1, e.line(), ScenarioFileException.Kind.BAD_VALUE,
                        "this entry sets every key to the state it already has: nothing to patch");
            }
            patches.sort(Comparator.comparingLong(sp -> sp.site().address()));
            out.add(new Batch(out.size(), start + e.at(), patches, e.line()));
        }
        return out;
    }

    static List<Interrupt> interrupts(Scenario s, BuiltProgram bp, List<Batch> batches, long start) {
        List<Interrupt> out = new ArrayList<>();
        long end = start + s.duration();
        for (Workload.Irq q : s.interrupts()) {
            int vector = bp.irqVectors().get(q.handler() == null ? "" : q.handler());
            long t = (q.batch() >= 0 ? batches.get(q.batch()).start() : start) + q.at();
            do {
                out.add(Interrupt.at(q.cpu(), t, vector));
                t += q.every();
            } while (q.every() > 0 && t < end);
        }
        return out;
    }

    static PtModelConfig ptConfig(Scenario s, CplFilter filter) {
        PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(true, s.timing().mtc(), s.timing().mtcPeriod(), s.timing().cyc(),
                s.timing().cycThresh()).withReturnCompression(s.timing().returnCompression())
                .withPsbPeriod(s.timing().psbPeriod());
        return PtModelConfig.defaults(filter).withPt(pt);
    }

    // ---- decoding ---------------------------------------------------------------------------------

    private static Map<Integer, Collector> decodePt(SimulatedTrace t, CodeTimeline code) {
        Map<Integer, Collector> out = new HashMap<>();
        PtModelConfig pc = t.ptConfig();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                PacketClock clock = new PacketClock(pc.pt().mtcPeriod(), pc.tscCtcRatioN(), pc.tscCtcRatioD(),
                        t.clock().maxNonTurboRatio());
                byte[] bytes = t.pt(cpu).bytes().toArray();
                Collector sink = new Collector(x -> x);
                FlowDecoder.Config config = new FlowDecoder.Config(pc.pt().returnCompression(), x -> x, pc.pt().cyc(), 32);
                new FlowDecoder(new EventDecoder(bytes, 0, bytes.length, clock),
                        new BlockCache(code, new InstructionCache(code, c)), config, sink).run();
                out.put(cpu, sink);
            }
        }
        return out;
    }

    private static Map<Integer, Collector> decodeEtm(SimulatedTrace t, CodeTimeline code) {
        Map<Integer, Collector> out = new HashMap<>();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.A64)) {
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                String name = "cpu " + cpu + " waypoint trace";
                EtmTrace trace = EtmTrace.decode(name, t.etm(cpu).bytes().toArray());
                Collector sink = new Collector(x -> x);
                new WaypointDecoder(name, trace, code, new BlockCache(code, new InstructionCache(code, c)), c,
                        WaypointDecoder.Config.defaults(), sink).run();
                out.put(cpu, sink);
            }
        }
        return out;
    }

    private static CodeTimeline baseOnly(SimulatedTrace t) {
        try {
            return CodeTimeline.builder().image(t.image()).build();
        } catch (ImageOverlapException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- scoring ------------------------------------------------------------------------------------

    private static DecoderResult score(String decoder, boolean replay, SimulatedTrace t, BuiltProgram bp, Outcome o,
            List<Poke> switches, CplFilter filter, Map<Integer, Collector> byCpu, String note, boolean keep) {
        List<CpuScore> cpus = new ArrayList<>();
        List<List<Decoded>> kept = new ArrayList<>();
        List<WindowStats> windows = new ArrayList<>();
        SiteAttribution why = new SiteAttribution(bp, o.phases(), switches, decoder);
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            Collector c = byCpu.get(cpu);
            List<Decoded> decoded = c == null ? List.of() : c.insns();
            long desyncs = c == null ? 0 : c.issues().stream().filter(ScenarioRunner::desync).count();
            List<Truth> truth = truth(t.groundTruth(), cpu, filter);
            cpus.add(Alignment.score(cpu, truth, decoded, desyncs, why));
            if (keep) {
                kept.add(decoded);
            }
            if (!o.windows().isEmpty()) {
                windows.add(windowStats(cpu, o.windows(), truth, c == null || !replay ? List.of() : c.placements()));
            }
        }
        return new DecoderResult(decoder, replay, cpus, windows, note, kept);
    }

    private static DecoderResult scorePerf(SimulatedTrace t, BuiltProgram bp, Outcome o, List<Poke> switches,
            Map<Integer, List<Decoded>> perf, boolean keep) {
        List<CpuScore> cpus = new ArrayList<>();
        List<List<Decoded>> kept = new ArrayList<>();
        SiteAttribution why = new SiteAttribution(bp, o.phases(), switches, "perf");
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            List<Truth> truth = truth(t.groundTruth(), cpu, CplFilter.KERNEL);
            cpus.add(Alignment.score(cpu, truth, perf.getOrDefault(cpu, List.of()), 0, why));
            if (keep) {
                kept.add(perf.getOrDefault(cpu, List.of()));
            }
        }
        return new DecoderResult("perf", true, cpus, List.of(), String.join(" ", PerfScript.command(Path.of("DATA")))
                .replace("DATA", "the perf.data"), kept);
    }

    private static boolean desync(DecodeIssue i) {
        return i.isMismatch() || i.kind() == dev.textpoke.pt.PtError.NOMAP || i.kind() == dev.textpoke.pt.PtError.BAD_INSN;
    }

    static List<Truth> truth(GroundTruth g, int cpu, CplFilter filter) {
        List<Truth> out = new ArrayList<>();
        GroundTruth.Cursor c = g.cursor(cpu);
        while (c.next()) {
            if (c.isInstruction() && filter.traces(c.user())) {
                out.add(new Truth(c.insn().address(), hex(c.insn().bytes()), c.tsc()));
            }
        }
        return out;
    }

    private static String hex(Bytes b) {
        return b.hex();
    }

    /** A CPU's windows: executed in (from the truth), decided and resolved (from the decoder's placements). */
    private static WindowStats windowStats(int cpu, List<Window> all, List<Truth> truth, List<Placement> placements) {
        int windows = 0;
        int executed = 0;
        int decided = 0;
        int resolved = 0;
        for (Window w : all) {
            if (w.cpu() != cpu) {
                continue;
            }
            windows++;
            for (Truth x : truth) {
                if (x.address() == w.address() && x.tsc() >= w.from() && x.tsc() < w.to()) {
                    executed++;
                    break;
                }
            }
            boolean any = false;
            boolean allByPackets = true;
            for (Placement p : placements) {
                if (p.ip() == w.address() && p.switchTime() == w.from()) {
                    any = true;
                    allByPackets &= p.byPackets();
                }
            }
            if (any) {
                decided++;
                if (allByPackets) {
                    resolved++;
                }
            }
        }
        return new WindowStats(windows, executed, decided, resolved, decided - resolved);
    }

    /** What each CPU did at the sites, from the ground truth. */
    private static List<CpuTruth> truth(SimulatedTrace t, BuiltProgram bp, Outcome o, CplFilter filter) {
        List<CpuTruth> out = new ArrayList<>();
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            long executed = 0;
            long torn = 0;
            long stale = 0;
            GroundTruth.Cursor c = t.groundTruth().cursor(cpu);
            while (c.next()) {
                if (!c.isInstruction() || !filter.traces(c.user())) {
                    continue;
                }
                executed++;
                PatchSite site = siteOf(bp, c.insn().address());
                if (site == null) {
                    continue;
                }
                Bytes ran = c.insn().bytes();
                boolean known = false;
                for (Bytes st : site.states().values()) {
                    known |= st.equals(ran.length() >= st.length() ? ran.slice(0, st.length()) : ran);
                }
                if (!known || c.insn().address() != site.address()) {
                    torn++;
                    continue;
                }
                byte[] expected = new byte[ran.length()];
                o.announced().read(site.address(), c.tsc(), dev.textpoke.code.WindowSide.NEW, expected, 0, expected.length);
                if (!ran.contentEquals(expected, 0, expected.length)) {
                    stale++;
                }
            }
            long traps = 0;
            for (AsyncEvent e : t.groundTruth().asyncEvents(cpu)) {
                if (e.kind() == AsyncKind.INT3 && siteOf(bp, e.from()) != null) {
                    traps++;
                }
            }
            out.add(new CpuTruth(cpu, executed, traps, torn, stale, t.halts().get(cpu).toString()));
        }
        return out;
    }

    private static PatchSite siteOf(BuiltProgram bp, long address) {
        for (PatchSite s : bp.sites()) {
            if (address >= s.address() && address < s.address() + s.length()) {
                return s;
            }
        }
        return null;
    }

    /** The switch times the decoder was given, as pokes (a window's start for a window). */
    private static List<Poke> switches(CodeTimeline announced) {
        List<Poke> out = new ArrayList<>();
        for (AppliedModification am : announced.modifications()) {
            Modification m = am.modification();
            out.add(new Poke(m.switching().start(), m.cpu(), m.address(), m.oldBytes(), m.newBytes(), m.kind()));
        }
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
