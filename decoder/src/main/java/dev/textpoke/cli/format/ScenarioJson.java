package dev.textpoke.cli.format;

import dev.textpoke.scenario.CpuTruth;
import dev.textpoke.scenario.DecoderResult;
import dev.textpoke.scenario.ProtocolResult;
import dev.textpoke.scenario.WindowStats;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code textpoke scenario run --json}: one object per protocol, decoder (textpoke with replay on
 * and off, perf), and CPU: {@code scenario}, {@code protocol}, {@code isa}, {@code decoder}, {@code
 * replay}, {@code cpu}, {@code executed}, {@code decoded}, {@code correct}, {@code wrong}, {@code
 * ambiguous}, {@code missed}, {@code desyncs}, the CPU's {@code traps}, {@code torn} and {@code
 * stale} site executions, its {@code windows} (when the protocol has them) and its first {@code
 * stretches}. The schema is in docs/json.md; {@code ambiguous} is a count here, as the scenario
 * issue names it, and the page's one exception to its one-type rule (a boolean elsewhere).
 */
public final class ScenarioJson {
    private ScenarioJson() {}

    public static List<String> lines(ProtocolResult r) {
        List<String> out = new ArrayList<>();
        for (DecoderResult d : r.decodes()) {
            for (CpuScore s : d.cpus()) {
                CpuTruth t = r.truth().get(s.cpu());
                JsonLine j = new JsonLine().put("scenario", r.scenario().name()).put("protocol", r.protocol().name())
                        .put("isa", r.protocol().isa() == dev.textpoke.isa.Isa.X86_64 ? "x86_64" : "arm64")
                        .put("decoder", d.decoder()).put("replay", d.replay()).put("cpu", s.cpu())
                        .put("executed", s.executed()).put("decoded", s.decoded()).put("correct", s.correct())
                        .put("wrong", s.wrong()).put("ambiguous", s.ambiguous()).put("missed", s.missed())
                        .put("desyncs", s.desyncs()).put("traps", t.trapHits()).put("torn", t.torn())
                        .put("stale", t.stale()).put("halt", t.halt());
                if (!d.windows().isEmpty()) {
                    WindowStats w = d.windows().get(s.cpu());
                    j.put("windows", new JsonLine().put("windows", w.windows()).put("executed", w.executed())
                            .put("decided", w.decided()).put("resolved", w.resolved()).put("ambiguous", w.ambiguous()));
                }
                List<JsonLine> stretches = new ArrayList<>();
                for (Run x : s.runs().subList(0, Math.min(ScenarioText.STRETCHES, s.runs().size()))) {
                    stretches.add(new JsonLine().put("kind", x.kind().name().toLowerCase(java.util.Locale.ROOT))
                            .put("count", x.count()).put("tsc", x.tsc()).put("address", String.format("0x%x", x.address()))
                            .put("site", x.site()).put("phase", x.phase()).put("why", x.why()));
                }
                j.put("stretches", stretches);
                out.add(j.toString());
            }
        }
        return out;
    }
}
