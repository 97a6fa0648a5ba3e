package dev.textpoke.cli.patcher;

import dev.textpoke.patcher.CostMethod;
import dev.textpoke.patcher.CostResult;
import dev.textpoke.patcher.RaceResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Repeated runs of one protocol ({@code --repeat N}) as one table row: totals where they add
 * up (patches, torn, stale), and min/median/max over the runs of each per-run figure. The
 * machine is shared and noisy, so a single run's latency says little; the spread across runs
 * says how much.
 */
final class PatcherSummary {
    private PatcherSummary() {}

    static final List<String> HEADER = List.of("protocol", "arch", "emulated", "placement", "runs",
            "patches", "executions", "torn", "torn/run min/med/max", "stale", "trap_hits/run min/med/max",
            "ns/patch min/med/max", "patch_ns min", "patch_ns median min/med/max", "patch_ns max",
            "barrier_ns min", "barrier_ns median min/med/max", "barrier_ns max",
            "executors on CPU min/med/max", "guarantee", "holds");

    static List<String> row(List<RaceResult> runs) {
        RaceResult first = runs.get(0);
        boolean holds = runs.stream().noneMatch(RaceResult::violatesGuarantee);
        boolean barrier = first.barrierNanos().count() > 0;
        return List.of(first.protocol().label(), first.arch().label(), first.emulated() ? "yes" : "no",
                first.placement().label(), Integer.toString(runs.size()),
                Long.toString(sum(runs, RaceResult::patches)), Long.toString(sum(runs, RaceResult::executions)),
                Long.toString(sum(runs, RaceResult::torn)), spread(runs, r -> r.torn(), "%.0f"),
                Long.toString(sum(runs, RaceResult::stale)), spread(runs, r -> r.trapHits(), "%.0f"),
                spread(runs, RaceResult::nsPerPatch, "%.1f"),
                Long.toString(runs.stream().mapToLong(r -> r.opNanos().min()).min().orElse(0)),
                spread(runs, r -> r.opNanos().median(), "%.0f"),
                Long.toString(runs.stream().mapToLong(r -> r.opNanos().max()).max().orElse(0)),
                barrier ? Long.toString(runs.stream().mapToLong(r -> r.barrierNanos().min()).min().orElse(0)) : "-",
                barrier ? spread(runs, r -> r.barrierNanos().median(), "%.0f") : "-",
                barrier ? Long.toString(runs.stream().mapToLong(r -> r.barrierNanos().max()).max().orElse(0)) : "-",
                spread(runs, r -> 100 * r.executorCpuShare(), "%.0f%%"), first.guarantee().label(),
                holds ? "yes" : "NO");
    }

    /** Per-kind counts summed over the runs. */
    static List<List<String>> kinds(List<RaceResult> runs) {
        Map<String, long[]> byKind = new LinkedHashMap<>();
        for (RaceResult r : runs) {
            for (RaceResult.KindCounts k : r.kinds()) {
                long[] t = byKind.computeIfAbsent(k.kind(), x -> new long[4]);
                t[0] += k.executions();
                t[1] += k.torn();
                t[2] += k.stale();
                t[3] += k.trapHits();
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("site kind", "executions", "torn", "stale", "trap_hits"));
        byKind.forEach((kind, t) -> rows.add(List.of(kind, Long.toString(t[0]), Long.toString(t[1]),
                Long.toString(t[2]), Long.toString(t[3]))));
        return rows;
    }

    private static long sum(List<RaceResult> runs, java.util.function.ToLongFunction<RaceResult> f) {
        return runs.stream().mapToLong(f).sum();
    }

    /** "min/median/max" of a figure over the runs (the median of an even count is the upper one). */
    static <T> String spread(List<T> runs, ToDoubleFunction<T> f, String format) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return String.format(Locale.ROOT, format + "/" + format + "/" + format, v[0], v[v.length / 2],
                v[v.length - 1]);
    }

    static final List<String> COST_HEADER = List.of("method", "threads", "runs", "calls/run", "min_ns",
            "median_ns min/med/max", "p99_ns min/med/max", "max_ns", "median/sync-core",
            "spinners on CPU min/med/max");

    /** Repeated cost measurements: per method and thread count, the spread of the runs' medians. */
    static void costTable(PrintWriter out, List<CostResult> runs) {
        CostResult first = runs.get(0);
        List<List<String>> rows = new ArrayList<>();
        rows.add(COST_HEADER);
        for (CostMethod m : CostMethod.values()) {
            for (CostResult.Point p : first.points()) {
                if (p.method() != m) {
                    continue;
                }
                if (!p.available()) {
                    rows.add(List.of(m.label(), Integer.toString(p.threads()), "unavailable"));
                    continue;
                }
                List<CostResult.Point> same = runs.stream().map(r -> point(r, m, p.threads())).toList();
                List<CostResult.Point> syncCore = runs.stream()
                        .map(r -> point(r, CostMethod.SYNC_CORE, p.threads())).toList();
                String ratio = syncCore.get(0).available()
                        ? String.format(Locale.ROOT, "%.2f", median(same) / median(syncCore)) : "-";
                rows.add(List.of(m.label(), Integer.toString(p.threads()), Integer.toString(runs.size()),
                        Long.toString(p.stats().count()),
                        Long.toString(same.stream().mapToLong(q -> q.stats().min()).min().orElse(0)),
                        spread(same, q -> q.stats().median(), "%.0f"),
                        spread(same, q -> q.stats().p99(), "%.0f"),
                        Long.toString(same.stream().mapToLong(q -> q.stats().max()).max().orElse(0)),
                        ratio, p.threads() == 0 ? "-" : spread(same, q -> 100 * q.spinnerCpuShare(), "%.0f%%")));
            }
        }
        PatcherReport.table(out, rows);
        if (first.unavailableReason() != null) {
            out.println();
            out.println("unavailable: " + first.unavailableReason());
        }
    }

    private static CostResult.Point point(CostResult r, CostMethod m, int threads) {
        return r.points().stream().filter(q -> q.method() == m && q.threads() == threads).findFirst()
                .orElseThrow();
    }

    private static double median(List<CostResult.Point> points) {
        double[] v = points.stream().mapToDouble(q -> q.stats().median()).sorted().toArray();
        return v[v.length / 2];
    }
}
