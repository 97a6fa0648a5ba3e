package dev.textpoke.cli.format;

import dev.textpoke.pt.PtError;
import dev.textpoke.pt.decode.DecodeCounts;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.TraceEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** {@code decode --summary}: the counts as aligned text, or one JSON object. */
public final class DecodeSummaryText {
    private DecodeSummaryText() {}

    /**
     * @param modifications code modifications the timeline replayed
     */
    public static String format(DecodeCounts c, int modifications, boolean json) {
        Map<String, Long> branches = nonZero(BranchKind.values(), BranchKind::perfName, c::branches);
        Map<String, Long> events = nonZero(TraceEvent.Kind.values(), TraceEvent.Kind::perfName, c::events);
        if (json) {
            JsonLine issues = new JsonLine();
            for (Map.Entry<PtError, Long> e : c.issues().entrySet()) {
                issues.put(e.getKey().name(), e.getValue());
            }
            return new JsonLine().put("type", "summary").put("instructions", c.instructions())
                    .put("branches", json(branches)).put("trace_events", json(events)).put("errors", c.errors())
                    .put("issues", issues)
                    .put("ambiguous_instructions", c.ambiguous()).put("gaps", c.gaps())
                    .put("pokes_applied", modifications)
                    .put("switches_considered", c.placements())
                    .put("placed_by_packets", c.placedByPackets())
                    .put("placed_by_estimate", c.placedByEstimate())
                    .put("placed_before_timestamp", c.placedBeforeTimestamp()) + "\n";
        }
        StringBuilder sb = new StringBuilder();
        row(sb, "instructions", Long.toString(c.instructions()));
        row(sb, "branches", c.branches() + (branches.isEmpty() ? "" : " (" + listed(branches) + ")"));
        if (!events.isEmpty()) { // a trace without any (no CBR either) keeps the summary it had
            row(sb, "events", events.values().stream().mapToLong(Long::longValue).sum() + " (" + listed(events) + ")");
        }
        StringBuilder errs = new StringBuilder();
        for (Map.Entry<PtError, Long> e : c.issues().entrySet()) {
            if (e.getKey() == PtError.NOMAP || e.getKey() == PtError.LOST) {
                continue;
            }
            errs.append(errs.length() == 0 ? "" : ", ").append(e.getKey().name()).append(' ').append(e.getValue())
                    .append(" (first at offset 0x").append(Long.toHexString(c.firstIssue(e.getKey()).offset()))
                    .append(')');
        }
        row(sb, "errors", c.errors() + (errs.length() == 0 ? "" : ": " + errs));
        row(sb, "ambiguous", c.ambiguous() + " instructions");
        row(sb, "gaps", c.gaps() + " (no code known; decoding resumed at the next IP)");
        long lost = c.issues().getOrDefault(PtError.LOST, 0L);
        if (lost > 0) {
            row(sb, "lost trace", Long.toString(lost));
        }
        row(sb, "pokes applied", modifications + " (code modifications replayed)");
        row(sb, "switches placed", c.placements() + ": " + c.placedByPackets() + " by the packets, "
                + c.placedByEstimate() + " by the time estimate (where other readings fit the packets too)");
        row(sb, "placed before the timestamps", c.placedBeforeTimestamp()
                + " (new code the packets prove while the timestamps were still before the switch)");
        return sb.toString();
    }

    /** The kinds with a count, in the kinds' order, by their names. */
    private static <K> Map<String, Long> nonZero(K[] kinds, Function<K, String> name, ToLongFunction<K> count) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (K k : kinds) {
            if (count.applyAsLong(k) > 0) {
                out.put(name.apply(k), count.applyAsLong(k));
            }
        }
        return out;
    }

    private static JsonLine json(Map<String, Long> counts) {
        JsonLine j = new JsonLine();
        counts.forEach(j::put);
        return j;
    }

    /** "call 5, return 3". */
    private static String listed(Map<String, Long> counts) {
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(name).append(' ');
        for (int i = name.length(); i < 30; i++) {
            sb.append(' ');
        }
        sb.append(value).append('\n');
    }
}
