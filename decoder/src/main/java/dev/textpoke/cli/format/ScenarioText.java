package dev.textpoke.cli.format;

import dev.textpoke.scenario.CpuTruth;
import dev.textpoke.scenario.DecoderResult;
import dev.textpoke.scenario.ProtocolResult;
import dev.textpoke.scenario.WindowStats;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.score.RunGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of {@code textpoke scenario run}: per protocol a table of every CPU's scores by decoder
 * and replay setting, what the CPUs did at the sites, the uncertain windows, and the first wrong,
 * missed and ambiguous stretches with their site, phase and reason; with {@code --all-protocols}
 * one table of every protocol, summed over the CPUs.
 */
public final class ScenarioText {
    /** Stretches listed per decode. */
    static final int STRETCHES = 8;

    private ScenarioText() {}

    /** The header line of a result. */
    public static String header(ProtocolResult r) {
        return r.scenario().name() + ": " + r.protocol().name() + " (" + isa(r) + "), " + r.scenario().cpus() + " CPUs, "
                + r.program().sites().size() + " site" + (r.program().sites().size() == 1 ? "" : "s") + ", "
                + r.batches().size() + " batch" + (r.batches().size() == 1 ? "" : "es") + ", seed " + r.scenario().seed();
    }

    private static String isa(ProtocolResult r) {
        return r.protocol().isa() == dev.textpoke.isa.Isa.X86_64 ? (r.protocol().userSpace() ? "x86-64 user space" : "x86-64")
                : "arm64";
    }

    /** One protocol's run, per CPU. */
    public static String run(ProtocolResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(header(r)).append('\n');
        sb.append("  guarantee: ").append(r.protocol().guarantee()).append('\n');
        sb.append(String.format("  %-4s %-9s %-6s %9s %9s %7s %9s %7s %7s%n", "cpu", "decoder", "replay", "executed",
                "decoded", "wrong", "ambiguous", "missed", "desyncs"));
        for (int cpu = 0; cpu < r.truth().size(); cpu++) {
            for (DecoderResult d : r.decodes()) {
                CpuScore s = d.cpus().get(cpu);
                sb.append(String.format("  %-4d %-9s %-6s %9d %9d %7d %9d %7d %7d%n", cpu, d.decoder(), replay(d),
                        s.executed(), s.decoded(), s.wrong(), s.ambiguous(), s.missed(), s.desyncs()));
            }
        }
        for (CpuTruth t : r.truth()) {
            sb.append(String.format("  cpu %d: %d breakpoint hits at sites, %d torn and %d stale executions of a site;"
                    + " stopped: %s%n", t.cpu(), t.trapHits(), t.torn(), t.stale(), t.halt()));
        }
        DecoderResult on = r.decode("textpoke", true);
        if (on != null && !on.windows().isEmpty()) {
            for (int cpu = 0; cpu < on.windows().size(); cpu++) {
                WindowStats w = on.windows().get(cpu);
                sb.append(String.format("  cpu %d windows: %d (site stored, CPU not yet synchronised), executed in %d,"
                        + " decided by the decoder %d: resolved from the trace %d, ambiguous %d%n", cpu, w.windows(),
                        w.executed(), w.decided(), w.resolved(), w.ambiguous()));
            }
        }
        for (DecoderResult d : r.decodes()) {
            List<Run> runs = new ArrayList<>();
            d.cpus().forEach(c -> runs.addAll(c.runs()));
            if (runs.isEmpty()) {
                continue;
            }
            List<RunGroup> groups = RunGroup.of(runs);
            sb.append("  ").append(d.decoder()).append(" replay ").append(replay(d)).append(": ").append(runs.size())
                    .append(" stretches not decoded as they ran, by site and phase:\n");
            for (RunGroup g : groups.subList(0, Math.min(STRETCHES, groups.size()))) {
                sb.append("    ").append(group(g)).append('\n');
            }
            if (groups.size() > STRETCHES) {
                sb.append("    ... and ").append(groups.size() - STRETCHES).append(" more groups\n");
            }
        }
        for (String n : r.outcome().notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    /** A group of stretches in one line. */
    public static String group(RunGroup g) {
        return String.format("%d %s in %d stretch%s on cpu %s from tsc %d: %s (%s)%s", g.instructions(),
                g.kind().name().toLowerCase(java.util.Locale.ROOT), g.stretches(), g.stretches() == 1 ? "" : "es",
                g.cpus().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")), g.firstTsc(),
                g.site(), g.phase(), g.why().isEmpty() ? "" : "; first: " + g.why());
    }

    /** A stretch in one line. */
    public static String stretch(Run x) {
        return String.format("cpu %d, %d %s from tsc %d at %x: %s (%s)%s", x.cpu(), x.count(),
                x.kind().name().toLowerCase(java.util.Locale.ROOT), x.tsc(), x.address(), x.site(), x.phase(),
                x.why().isEmpty() ? "" : ": " + x.why());
    }

    static String replay(DecoderResult d) {
        return d.decoder().equals("perf") ? "perf" : d.replay() ? "on" : "off";
    }

    /** Every protocol's run of one scenario, summed over the CPUs, in one table. */
    public static String table(List<ProtocolResult> results) {
        StringBuilder sb = new StringBuilder();
        ProtocolResult first = results.get(0);
        sb.append(first.scenario().name()).append(": ").append(first.scenario().cpus()).append(" CPUs, ")
                .append(first.batches().size()).append(" batches, seed ").append(first.scenario().seed()).append('\n');
        sb.append(String.format("  %-19s %-9s %-6s %9s %7s %9s %7s %7s %6s %6s %6s  %s%n", "protocol", "decoder", "replay",
                "decoded", "wrong", "ambiguous", "missed", "desyncs", "traps", "torn", "stale", "windows"));
        for (ProtocolResult r : results) {
            long traps = r.truth().stream().mapToLong(CpuTruth::trapHits).sum();
            long torn = r.truth().stream().mapToLong(CpuTruth::torn).sum();
            long stale = r.truth().stream().mapToLong(CpuTruth::stale).sum();
            for (DecoderResult d : r.decodes()) {
                sb.append(String.format("  %-19s %-9s %-6s %9d %7d %9d %7d %7d %6d %6d %6d  %s%n", r.protocol().name(),
                        d.decoder(), replay(d), d.decoded(), d.wrong(), d.ambiguous(), d.missed(), d.desyncs(), traps, torn,
                        stale, windows(d)));
            }
        }
        for (ProtocolResult r : results) {
            for (String n : r.outcome().notes()) {
                sb.append("  note (").append(r.protocol().name()).append("): ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    /** Windows summed over CPUs: total / executed in / decided / resolved / ambiguous, or "-". */
    public static String windows(DecoderResult d) {
        if (d.windows().isEmpty()) {
            return "-";
        }
        int w = 0;
        int e = 0;
        int dec = 0;
        int res = 0;
        int amb = 0;
        for (WindowStats s : d.windows()) {
            w += s.windows();
            e += s.executed();
            dec += s.decided();
            res += s.resolved();
            amb += s.ambiguous();
        }
        return d.replay() ? w + " windows, " + e + " executed in, " + dec + " decided: " + res + " resolved, " + amb
                + " ambiguous" : w + " windows";
    }
}
