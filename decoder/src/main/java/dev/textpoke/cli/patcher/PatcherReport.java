package dev.textpoke.cli.patcher;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.patcher.CostMethod;
import dev.textpoke.patcher.CostResult;
import dev.textpoke.patcher.LatencyStats;
import dev.textpoke.patcher.PatcherException;
import dev.textpoke.patcher.RaceResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the patcher commands print: tables for people, JSON Lines for programs, one-line errors. */
final class PatcherReport {
    private PatcherReport() {}

    static final List<String> RACE_HEADER = List.of("protocol", "arch", "emulated", "placement",
            "patches", "executions", "torn", "stale", "trap_hits", "ns/patch",
            "patch_ns min/median/max", "barrier", "barrier_ns min/median/max", "patches/s",
            "guarantee", "holds");

    /** One row of the race table. */
    static List<String> raceRow(RaceResult r) {
        return List.of(r.protocol().label(), r.arch().label(), r.emulated() ? "yes" : "no",
                r.placement().label(), Long.toString(r.patches()), Long.toString(r.executions()),
                Long.toString(r.torn()), Long.toString(r.stale()), Long.toString(r.trapHits()),
                String.format(Locale.ROOT, "%.1f", r.nsPerPatch()), minMedianMax(r.opNanos()),
                r.barrier(), minMedianMax(r.barrierNanos()),
                String.format(Locale.ROOT, "%.0f", r.patchesPerSecond()), r.guarantee().label(),
                r.violatesGuarantee() ? "NO" : "yes");
    }

    /** A row for a protocol that could not run here. */
    static List<String> skippedRow(String protocol, String arch, boolean emulated, String why) {
        List<String> row = new ArrayList<>(List.of(protocol, arch, emulated ? "yes" : "no"));
        row.add("skipped: " + why);
        return row;
    }

    static String minMedianMax(LatencyStats s) {
        return s.count() == 0 ? "-" : s.min() + "/" + s.median() + "/" + s.max();
    }

    /** The per-kind breakdown and notes printed under a single race. */
    static void raceDetails(PrintWriter out, RaceResult r) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("site kind", "sites", "executions", "torn", "stale", "trap_hits"));
        for (RaceResult.KindCounts k : r.kinds()) {
            rows.add(List.of(k.kind(), Long.toString(k.sites()), Long.toString(k.executions()),
                    Long.toString(k.torn()), Long.toString(k.stale()), Long.toString(k.trapHits())));
        }
        out.println();
        table(out, rows);
        RaceResult.TornCauses c = r.tornCauses();
        if (r.torn() > 0) {
            out.printf(Locale.ROOT, "%ntorn: %d SIGSEGV, %d SIGILL, %d SIGBUS, %d SIGTRAP, %d foreign tag,"
                    + " %d trap mismatch; %d with no patch of the site in flight; patches %d..%d%n",
                    c.sigsegv(), c.sigill(), c.sigbus(), c.sigtrap(), c.foreignTag(), c.trapMismatch(),
                    r.tornIdle(), r.firstTornSeq(), r.lastTornSeq());
        }
        if (r.stale() > 0) {
            out.printf(Locale.ROOT, "stale: after patches %d..%d%n", r.firstStaleSeq(), r.lastStaleSeq());
        }
        if (r.stoppedEarly()) {
            out.printf(Locale.ROOT, "stopped early: %d of %d patches (--max-seconds)%n", r.patches(),
                    r.requestedPatches());
        }
        out.printf(Locale.ROOT, "%d executor thread%s on %d CPUs, on a CPU %.0f%% of the time; patcher on"
                + " CPU %d, %.0f%%; kernel %s%n", r.threads(), r.threads() == 1 ? "" : "s", r.cpusUsed(),
                100 * r.executorCpuShare(), r.patcherCpu(), 100 * r.patcherCpuShare(), kernel());
    }

    static JsonLine raceJson(RaceResult r) {
        RaceResult.TornCauses c = r.tornCauses();
        Map<String, Object> causes = new LinkedHashMap<>();
        causes.put("sigsegv", c.sigsegv());
        causes.put("sigill", c.sigill());
        causes.put("sigbus", c.sigbus());
        causes.put("sigtrap", c.sigtrap());
        causes.put("foreign_tag", c.foreignTag());
        causes.put("trap_mismatch", c.trapMismatch());
        List<JsonLine> kinds = new ArrayList<>();
        for (RaceResult.KindCounts k : r.kinds()) {
            kinds.add(new JsonLine().put("kind", k.kind()).put("sites", k.sites())
                    .put("executions", k.executions()).put("torn", k.torn()).put("stale", k.stale())
                    .put("trap_hits", k.trapHits()));
        }
        return new JsonLine()
                .put("protocol", r.protocol().label())
                .put("arch", r.arch().label())
                .put("emulated", r.emulated())
                .put("placement", r.placement().label())
                .put("threads", r.threads())
                .put("sites", r.sites())
                .put("cpus", r.cpusUsed())
                .put("patcher_cpu", r.patcherCpu())
                .put("patches", r.patches())
                .put("requested_patches", r.requestedPatches())
                .put("ops", r.ops())
                .put("executions", r.executions())
                .put("old_runs", r.oldRuns())
                .put("new_runs", r.newRuns())
                .put("torn", r.torn())
                .put("stale", r.stale())
                .put("trap_hits", r.trapHits())
                .put("torn_idle", r.tornIdle())
                .put("torn_causes", causes)
                .put("first_torn_seq", r.firstTornSeq())
                .put("last_torn_seq", r.lastTornSeq())
                .put("first_stale_seq", r.firstStaleSeq())
                .put("last_stale_seq", r.lastStaleSeq())
                .put("ns_per_patch", r.nsPerPatch())
                .put("patches_per_s", r.patchesPerSecond())
                .put("elapsed_ns", r.elapsedNanos())
                .put("patch_ns", stats(r.opNanos()))
                .put("barrier", r.barrier())
                .put("barrier_calls", r.barrierNanos().count())
                .put("barrier_ns", stats(r.barrierNanos()))
                .putHex("membarrier_query", r.membarrierQuery())
                .put("guarantee", r.guarantee().label())
                .put("violated", r.violatesGuarantee())
                .put("stopped_early", r.stoppedEarly())
                .put("log_entries", r.logEntries())
                .put("executor_cpu_share", r.executorCpuShare())
                .put("patcher_cpu_share", r.patcherCpuShare())
                .put("by_kind", kinds)
                .put("kernel", kernel());
    }

    static JsonLine skippedJson(String protocol, String arch, boolean emulated, String why) {
        return new JsonLine().put("protocol", protocol).put("arch", arch).put("emulated", emulated)
                .put("skipped", why);
    }

    private static Map<String, Object> stats(LatencyStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("min", s.min());
        m.put("median", s.median());
        m.put("p90", s.p90());
        m.put("p99", s.p99());
        m.put("max", s.max());
        m.put("mean", s.mean());
        return m;
    }

    static final List<String> COST_HEADER = List.of("method", "threads", "calls", "min_ns", "median_ns",
            "p90_ns", "p99_ns", "max_ns", "median/sync-core", "spinners on CPU");

    /** The cost table: by method, then by number of spinning threads. */
    static void costTable(PrintWriter out, CostResult r) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(COST_HEADER);
        for (CostMethod m : CostMethod.values()) {
            for (CostResult.Point p : r.points()) {
                if (p.method() != m) {
                    continue;
                }
                if (!p.available()) {
                    rows.add(List.of(m.label(), Integer.toString(p.threads()), "unavailable"));
                    continue;
                }
                LatencyStats s = p.stats();
                rows.add(List.of(m.label(), Integer.toString(p.threads()), Long.toString(s.count()),
                        Long.toString(s.min()), Long.toString(s.median()), Long.toString(s.p90()),
                        Long.toString(s.p99()), Long.toString(s.max()), ratio(r, p), share(p)));
            }
        }
        table(out, rows);
        if (r.unavailableReason() != null) {
            out.println();
            out.println("unavailable: " + r.unavailableReason());
        }
        out.printf(Locale.ROOT, "%n%s%s, %d CPUs, membarrier QUERY 0x%x, kernel %s%n", r.arch().label(),
                r.emulated() ? " (emulated)" : "", r.cpusUsed(), r.membarrierQuery(), kernel());
    }

    static String share(CostResult.Point p) {
        return p.threads() == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * p.spinnerCpuShare());
    }

    private static String ratio(CostResult r, CostResult.Point p) {
        for (CostResult.Point q : r.points()) {
            if (q.method() == CostMethod.SYNC_CORE && q.threads() == p.threads() && q.available()
                    && q.stats().median() > 0) {
                return String.format(Locale.ROOT, "%.2f", (double) p.stats().median() / q.stats().median());
            }
        }
        return "-";
    }

    static JsonLine costJson(CostResult r, CostResult.Point p) {
        JsonLine j = new JsonLine().put("method", p.method().label()).put("arch", r.arch().label())
                .put("emulated", r.emulated()).put("threads", p.threads()).put("available", p.available());
        if (!p.available()) {
            return j.put("reason", r.unavailableReason());
        }
        LatencyStats s = p.stats();
        return j.put("calls", s.count()).put("min_ns", s.min()).put("median_ns", s.median())
                .put("p90_ns", s.p90()).put("p99_ns", s.p99()).put("max_ns", s.max())
                .put("mean_ns", s.mean()).put("spinner_cpu_share", p.spinnerCpuShare())
                .putHex("membarrier_query", r.membarrierQuery());
    }

    /** Left-aligned columns two spaces apart; rows may be shorter than the header. */
    static void table(PrintWriter out, List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> row : rows) {
            // A row's last cell may run long (a reason); it does not widen the column.
            for (int i = 0; i < row.size() - (row.size() < columns ? 1 : 0); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                sb.append(row.get(i));
                if (i < row.size() - 1) {
                    sb.append(" ".repeat(Math.max(0, width[i] - row.get(i).length()) + 2));
                }
            }
            out.println(sb);
        }
    }

    /** One line on stderr for a run that could not happen, and the exit status it means. */
    static int fail(PrintWriter err, String command, PatcherException e) {
        err.println("textpoke: " + command + ": " + e.getMessage());
        return status(e);
    }

    static int status(PatcherException e) {
        return switch (e.kind()) {
            case INVALID, UNSUPPORTED, NOT_BUILT -> ExitStatus.BAD_INPUT;
            case CHILD_FAILED, INTERNAL -> ExitStatus.INTERNAL;
        };
    }

    private static String kernel() {
        return System.getProperty("os.version", "?");
    }
}
