package dev.textpoke.cli.format;

import dev.textpoke.code.WindowSide;
import dev.textpoke.io.Bytes;
import dev.textpoke.scenario.CpuTruth;
import dev.textpoke.scenario.DecoderResult;
import dev.textpoke.scenario.ProtocolResult;
import dev.textpoke.scenario.protocol.Batch;
import dev.textpoke.scenario.protocol.Phase;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.score.RunGroup;
import dev.textpoke.scenario.workload.PatchSite;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.truth.AsyncEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code scenario run --html OUT}: one self-contained page (inline CSS and SVG, no request to
 * anything) per scenario, with a section per protocol: the scores; a timeline with, per site, the
 * bytes memory held (old, new, breakpoint, torn) and the protocol's phases, and per CPU its own
 * phases (windows, stale stretches), its breakpoint hits, and each decoder's decode marked right,
 * wrong, ambiguous or missed along the CPU's time; and the stretches grouped by site and phase.
 * A small script checks, when the page opens, that every CPU and site row is there, and says so in
 * the page's {@code data-check} attribute.
 */
public final class ScenarioHtml {
    static final int WIDTH = 1100;
    static final int LEFT = 190;
    static final int ROW = 18;

    private ScenarioHtml() {}

    public static String page(List<ProtocolResult> results) {
        ProtocolResult first = results.get(0);
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>textpoke scenario ")
                .append(esc(first.scenario().name())).append("</title>\n<style>\n").append(CSS).append("</style></head>\n")
                .append("<body data-check=\"pending\">\n<h1>Scenario ").append(esc(first.scenario().name())).append("</h1>\n<p>")
                .append(esc(first.scenario().description())).append("</p>\n<p class=\"meta\">").append(first.scenario().cpus())
                .append(" CPUs, ").append(first.batches().size()).append(" schedule entries, seed ").append(first.scenario().seed())
                .append(", ").append(first.scenario().duration()).append(" TSC ticks (")
                .append(String.format("%.1f", first.scenario().duration() / (first.trace().clock().tscHz() / 1e6)))
                .append(" &micro;s). ").append(LEGEND).append("</p>\n");
        int section = 0;
        for (ProtocolResult r : results) {
            section(h, r, section++);
        }
        h.append("<script>\n").append(CHECK).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static void section(StringBuilder h, ProtocolResult r, int n) {
        h.append("<section class=\"protocol\" id=\"p").append(n).append("\" data-cpus=\"").append(r.scenario().cpus())
                .append("\" data-sites=\"").append(r.program().sites().size()).append("\">\n<h2>")
                .append(esc(r.protocol().name())).append("</h2>\n<p class=\"guarantee\">").append(esc(r.protocol().guarantee()))
                .append("</p>\n");
        table(h, r);
        timeline(h, r);
        stretches(h, r);
        for (String note : r.outcome().notes()) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        h.append("</section>\n");
    }

    private static void table(StringBuilder h, ProtocolResult r) {
        h.append("<table><tr><th>cpu</th><th>decoder</th><th>replay</th><th>executed</th><th>decoded</th><th>wrong</th>"
                + "<th>ambiguous</th><th>missed</th><th>desyncs</th><th>breakpoint hits</th><th>torn</th><th>stale</th>"
                + "<th>windows (decided: resolved / ambiguous)</th></tr>\n");
        for (int cpu = 0; cpu < r.truth().size(); cpu++) {
            CpuTruth t = r.truth().get(cpu);
            for (DecoderResult d : r.decodes()) {
                CpuScore s = d.cpus().get(cpu);
                String win = d.windows().isEmpty() ? "-" : d.windows().get(cpu).windows() + " (" + d.windows().get(cpu).decided()
                        + ": " + d.windows().get(cpu).resolved() + " / " + d.windows().get(cpu).ambiguous() + ")";
                h.append("<tr><td>").append(cpu).append("</td><td>").append(d.decoder()).append("</td><td>")
                        .append(ScenarioText.replay(d)).append("</td><td>").append(s.executed()).append("</td><td>")
                        .append(s.decoded()).append("</td><td class=\"").append(s.wrong() > 0 ? "bad" : "ok").append("\">")
                        .append(s.wrong()).append("</td><td>").append(s.ambiguous()).append("</td><td class=\"")
                        .append(s.missed() > 0 ? "bad" : "ok").append("\">").append(s.missed()).append("</td><td>")
                        .append(s.desyncs()).append("</td><td>").append(t.trapHits()).append("</td><td>").append(t.torn())
                        .append("</td><td>").append(t.stale()).append("</td><td>").append(win).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    // ---- the timeline ---------------------------------------------------------------------------

    private static void timeline(StringBuilder h, ProtocolResult r) {
        long t0 = r.trace().clock().startTsc();
        long t1 = t0 + r.scenario().duration();
        List<PatchSite> sites = r.program().sites();
        int lanes = r.decodes().size();
        int rows = sites.size() + r.scenario().cpus() * (lanes + 1);
        int height = 30 + rows * ROW + 10;
        h.append("<svg class=\"timeline\" width=\"").append(LEFT + WIDTH + 10).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(LEFT + WIDTH + 10).append(' ').append(height)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        axis(h, r, t0, t1, height);
        int y = 30;
        for (PatchSite s : sites) {
            siteRow(h, r, s, y, t0, t1);
            y += ROW;
        }
        for (int cpu = 0; cpu < r.scenario().cpus(); cpu++) {
            cpuRow(h, r, cpu, y, t0, t1);
            y += ROW;
            for (DecoderResult d : r.decodes()) {
                decodeLane(h, r, d, cpu, y, t0, t1);
                y += ROW;
            }
        }
        h.append("</svg>\n");
    }

    private static double x(long t, long t0, long t1) {
        double f = (double) (t - t0) / Math.max(1, t1 - t0);
        return LEFT + Math.max(0, Math.min(1, f)) * WIDTH;
    }

    private static void axis(StringBuilder h, ProtocolResult r, long t0, long t1, int height) {
        double perUs = r.trace().clock().tscHz() / 1e6;
        double us = (t1 - t0) / perUs;
        // A 1-2-5 step giving at most ten labels: each label is about 50 px wide, WIDTH / 10 apart.
        double raw = Math.max(1e-3, us / 10);
        double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw <= decade ? decade : raw <= 2 * decade ? 2 * decade : raw <= 5 * decade ? 5 * decade : 10 * decade;
        for (int i = 0; i * step <= us * (1 + 1e-9); i++) {
            double u = i * step;
            double x = LEFT + u / us * WIDTH;
            h.append(String.format("<line class=\"grid\" x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\"/>", x, x, height - 10));
            h.append(String.format("<text class=\"tick\" x=\"%.1f\" y=\"14\">%s &micro;s</text>%n", x, trim(u)));
        }
        for (Batch b : r.batches()) {
            double x = x(b.start(), t0, t1);
            h.append(String.format("<line class=\"batch\" x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\"><title>batch %d at %d"
                    + " (%d sites)</title></line>%n", x, x, height - 10, b.index(), b.start() - t0, b.patches().size()));
        }
    }

    private static String trim(double u) {
        return Math.abs(u - Math.rint(u)) < 1e-9 ? String.valueOf(Math.round(u))
                : new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.3f", u)).stripTrailingZeros().toPlainString();
    }

    /** A site: the state memory held over time, with the protocol's phases over it. */
    private static void siteRow(StringBuilder h, ProtocolResult r, PatchSite s, int y, long t0, long t1) {
        h.append("<g class=\"site\" data-site=\"").append(esc(s.name())).append("\"><text class=\"label\" x=\"4\" y=\"")
                .append(y + 12).append("\">").append(esc(s.name())).append(" (").append(esc(s.key())).append(")</text>\n");
        TreeSet<Long> times = new TreeSet<>();
        times.add(t0);
        for (MemoryWrite w : r.trace().writes()) {
            if (w.address() < s.address() + s.length() && s.address() < w.address() + w.newBytes().length()) {
                times.add(w.tsc());
            }
        }
        List<Long> ts = new ArrayList<>(times);
        for (int i = 0; i < ts.size(); i++) {
            long from = ts.get(i);
            long to = i + 1 < ts.size() ? ts.get(i + 1) : t1;
            byte[] b = new byte[s.length()];
            r.trace().memory().read(s.address(), from, WindowSide.NEW, b, 0, b.length);
            String state = state(s, Bytes.wrapOwned(b));
            rect(h, "state " + stateClass(s, state), x(from, t0, t1), y + 2, x(to, t0, t1), ROW - 4,
                    s.name() + ": " + state + " from " + (from - t0) + " (" + Bytes.wrapOwned(b).spacedHex() + ")");
        }
        for (Phase p : r.outcome().phases()) {
            if (p.address() == s.address() && p.cpu() < 0) {
                rect(h, "phase", x(p.from(), t0, t1), y + 1, x(p.to(), t0, t1), ROW - 2, s.name() + ", batch " + p.batch() + ": "
                        + p.name() + " [" + (p.from() - t0) + ", " + (p.to() - t0) + ")");
            }
        }
        h.append("</g>\n");
    }

    /** A CPU: when it ran, its own phases (windows, stale stretches) and its breakpoint hits. */
    private static void cpuRow(StringBuilder h, ProtocolResult r, int cpu, int y, long t0, long t1) {
        long start = r.trace().groundTruth().startTsc(cpu);
        long end = r.trace().groundTruth().haltTsc(cpu);
        CpuTruth t = r.truth().get(cpu);
        h.append("<g class=\"cpu\" data-cpu=\"").append(cpu).append("\"><text class=\"label cpu\" x=\"4\" y=\"").append(y + 12)
                .append("\">cpu ").append(cpu).append(cpu == r.scenario().patcher() ? " (patcher)" : "").append("</text>\n");
        rect(h, "ran", x(start, t0, t1), y + 6, x(end, t0, t1), ROW - 12, "cpu " + cpu + " ran " + t.executed()
                + " instructions, stopped: " + t.halt());
        for (Phase p : r.outcome().phases()) {
            if (p.cpu() == cpu) {
                rect(h, "window", x(p.from(), t0, t1), y + 2, x(p.to(), t0, t1), ROW - 4, p.site() + ", batch " + p.batch()
                        + ": " + p.name() + " [" + (p.from() - t0) + ", " + (p.to() - t0) + ")");
            }
        }
        for (AsyncEvent e : r.trace().groundTruth().asyncEvents(cpu)) {
            if (e.kind() == dev.textpoke.sim.exec.AsyncKind.INT3 && r.program().siteAt(e.from()) != null) {
                double xx = x(e.tsc(), t0, t1);
                h.append(String.format("<circle class=\"trap\" cx=\"%.1f\" cy=\"%d\" r=\"2.5\"><title>breakpoint hit at %s,"
                        + " %d</title></circle>%n", xx, y + ROW / 2, esc(r.program().siteAt(e.from()).name()), e.tsc() - t0));
            }
        }
        if (!t.halt().equals("TIME_LIMIT") && !t.halt().equals("INSTRUCTION_LIMIT")) {
            double xx = x(end, t0, t1);
            h.append(String.format("<text class=\"halt\" x=\"%.1f\" y=\"%d\">&#x2716;<title>stopped: %s</title></text>%n", xx,
                    y + 13, esc(t.halt())));
        }
        h.append("</g>\n");
    }

    /** One decoder's decode of a CPU: right where nothing is marked, its stretches binned by pixel. */
    private static void decodeLane(StringBuilder h, ProtocolResult r, DecoderResult d, int cpu, int y, long t0, long t1) {
        CpuScore s = d.cpus().get(cpu);
        String name = d.decoder() + " " + (d.decoder().equals("perf") ? "" : d.replay() ? "replay" : "no replay");
        h.append("<g class=\"lane\"><text class=\"label lane\" x=\"14\" y=\"").append(y + 12).append("\">")
                .append(esc(name.strip())).append("</text>\n");
        long start = r.trace().groundTruth().startTsc(cpu);
        long end = r.trace().groundTruth().haltTsc(cpu);
        rect(h, "right", x(start, t0, t1), y + 4, x(end, t0, t1), ROW - 8, name.strip() + ", cpu " + cpu + ": "
                + s.correct() + " instructions right, " + s.wrong() + " wrong, " + s.ambiguous() + " ambiguous, " + s.missed()
                + " missed");
        Map<String, long[]> bins = new LinkedHashMap<>();
        Map<String, String> example = new LinkedHashMap<>();
        for (Run x : s.runs()) {
            int px = (int) Math.floor(x(x.tsc(), t0, t1));
            String key = x.kind() + ":" + px;
            long[] b = bins.computeIfAbsent(key, k -> new long[2]);
            b[0]++;
            b[1] += x.count();
            example.putIfAbsent(key, x.site() + " (" + x.phase() + ")" + (x.why().isEmpty() ? "" : ": " + x.why()));
        }
        // Missed first, wrong last: the marks that matter most are drawn on top.
        List<Map.Entry<String, long[]>> ordered = new ArrayList<>(bins.entrySet());
        ordered.sort((a, b) -> Integer.compare(order(a.getKey()), order(b.getKey())));
        for (Map.Entry<String, long[]> e : ordered) {
            String kind = e.getKey().substring(0, e.getKey().indexOf(':')).toLowerCase(java.util.Locale.ROOT);
            int px = Integer.parseInt(e.getKey().substring(e.getKey().indexOf(':') + 1));
            rect(h, kind, px, y + 2, px + 2, ROW - 4, e.getValue()[1] + " " + kind + " in " + e.getValue()[0] + " stretch"
                    + (e.getValue()[0] == 1 ? "" : "es") + "; " + example.get(e.getKey()));
        }
        h.append("</g>\n");
    }

    private static int order(String binKey) {
        return binKey.startsWith("MISSED") ? 0 : binKey.startsWith("AMBIGUOUS") ? 1 : 2;
    }

    private static void rect(StringBuilder h, String cls, double x0, int y, double x1, int height, String title) {
        h.append(String.format("<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s</title></rect>%n",
                cls, x0, y, Math.max(1.0, x1 - x0), height, esc(title)));
    }

    private static String state(PatchSite s, Bytes b) {
        for (Map.Entry<String, Bytes> e : s.states().entrySet()) {
            if (e.getValue().equals(b)) {
                return s.key() + "=" + e.getKey();
            }
        }
        if (b.get(0) == 0xcc) {
            return "int3";
        }
        if (b.length() == 4 && (b.get(3) & 0xff) == 0xd4 && (b.get(2) & 0xe0) == 0x20) {
            return "brk";
        }
        return "torn";
    }

    private static String stateClass(PatchSite s, String state) {
        if (state.equals("int3") || state.equals("brk")) {
            return "trapstate";
        }
        if (state.equals("torn")) {
            return "torn";
        }
        int i = 0;
        for (String k : s.states().keySet()) {
            if (state.equals(s.key() + "=" + k)) {
                return "s" + Math.min(i, 3);
            }
            i++;
        }
        return "torn";
    }

    private static void stretches(StringBuilder h, ProtocolResult r) {
        for (DecoderResult d : r.decodes()) {
            List<Run> runs = new ArrayList<>();
            d.cpus().forEach(c -> runs.addAll(c.runs()));
            if (runs.isEmpty()) {
                continue;
            }
            List<RunGroup> groups = RunGroup.of(runs);
            h.append("<details><summary>").append(esc(d.decoder())).append(" replay ").append(ScenarioText.replay(d))
                    .append(": ").append(runs.size()).append(" stretches not decoded as they ran, in ").append(groups.size())
                    .append(" groups</summary>\n<table><tr><th>kind</th><th>instructions</th><th>stretches</th><th>cpus</th>"
                            + "<th>from tsc</th><th>site</th><th>phase</th><th>first reason</th></tr>\n");
            for (RunGroup g : groups.subList(0, Math.min(50, groups.size()))) {
                h.append("<tr><td>").append(g.kind().name().toLowerCase(java.util.Locale.ROOT)).append("</td><td>")
                        .append(g.instructions()).append("</td><td>").append(g.stretches()).append("</td><td>")
                        .append(g.cpus()).append("</td><td>").append(g.firstTsc()).append("</td><td>").append(esc(g.site()))
                        .append("</td><td>").append(esc(g.phase())).append("</td><td>").append(esc(g.why())).append("</td></tr>\n");
            }
            h.append("</table></details>\n");
        }
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String LEGEND = "Sites: <span class=\"k s0\">old state</span> <span class=\"k s1\">new state</span>"
            + " <span class=\"k trapstate\">int3/brk</span> <span class=\"k torn\">torn</span>"
            + " <span class=\"k phase\">protocol phase</span>; CPUs: <span class=\"k window\">own window or stale stretch</span>;"
            + " decodes: <span class=\"k right\">right</span> <span class=\"k wrong\">wrong</span>"
            + " <span class=\"k ambiguous\">ambiguous</span> <span class=\"k missed\">missed</span>. Hover for details.";

    private static final String CSS = """
            body { font: 13px/1.4 sans-serif; margin: 16px; color: #222; }
            h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; border-top: 1px solid #ccc; padding-top: 8px; }
            .meta, .guarantee { color: #555; max-width: 1300px; }
            .note { color: #a40; }
            table { border-collapse: collapse; margin: 8px 0; font-size: 12px; }
            td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
            td:nth-child(n+6):nth-last-child(-n+3) { text-align: right; }
            td.bad { background: #fdd; } td.ok { background: #efe; }
            .k { display: inline-block; padding: 0 4px; border: 1px solid #999; }
            svg { background: #fafafa; border: 1px solid #ddd; }
            .grid { stroke: #e4e4e4; } .batch { stroke: #888; stroke-dasharray: 3 3; }
            .tick { font-size: 10px; fill: #666; } .label { font-size: 11px; fill: #222; } .label.cpu { font-weight: bold; }
            .label.lane { fill: #555; }
            .s0 { fill: #ddd; background: #ddd; } .s1 { fill: #7aa7e0; background: #7aa7e0; } .s2 { fill: #9ad19a; background: #9ad19a; }
            .s3 { fill: #e0c07a; background: #e0c07a; }
            .trapstate { fill: #a36ad4; background: #a36ad4; } .torn { fill: #e33; background: #e33; }
            .phase { fill: none; stroke: #333; stroke-width: 1; stroke-dasharray: 2 2; background: #fff; }
            .ran { fill: #bbb; } .window { fill: #f7b955; opacity: .7; background: #f7b955; } .trap { fill: #a36ad4; }
            .halt { fill: #e33; font-size: 12px; }
            .right { fill: #cde8cd; background: #cde8cd; } .wrong { fill: #d22; background: #d22; }
            .ambiguous { fill: #f0a020; background: #f0a020; } .missed { fill: #666; background: #666; }
            .k.torn, .k.wrong, .k.missed, .k.trapstate { color: #fff; } .k.window { opacity: 1; }
            details { margin: 6px 0; } summary { cursor: pointer; }
            """;

    /** Checks that every protocol section has its CPU and site rows, and records the result. */
    private static final String CHECK = """
            (function () {
              var sections = document.querySelectorAll('section.protocol');
              var problems = [];
              sections.forEach(function (s) {
                var cpus = s.querySelectorAll('g.cpu').length, sites = s.querySelectorAll('g.site').length;
                if (cpus !== Number(s.dataset.cpus)) { problems.push(s.id + ': ' + cpus + ' cpu rows'); }
                if (sites !== Number(s.dataset.sites)) { problems.push(s.id + ': ' + sites + ' site rows'); }
              });
              document.body.dataset.check = problems.length === 0
                  ? 'ok ' + sections.length + ' protocols' : 'missing ' + problems.join('; ');
            })();
            """;
}
