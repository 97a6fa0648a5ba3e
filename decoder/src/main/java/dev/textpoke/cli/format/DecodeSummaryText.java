package dev.textpoke.cli.format;

import dev.textpoke.pt.PtError;
import dev.textpoke.pt.decode.DecodeCounts;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.TraceEvent;
import java.util.Map;

/** {@code decode --summary}: the counts as aligned text, or one JSON object. */
public final class DecodeSummaryText {
    private DecodeSummaryText() {}

    /**
     * @param modifications code modifications the timeline replayed
     */
    public static String format(DecodeCounts c, int modifications, boolean json) {
        if (json) {
            JsonLine branches = new JsonLine();
            for (BranchKind k : BranchKind.values()) {
                if (c.branches(k) > 0) {
                    branches.put(k.perfName(), c.branches(k));
                }
            }
            JsonLine events = new JsonLine();
            for (TraceEvent.Kind k : TraceEvent.Kind.values()) {
                if (c.events(k) > 0) {
                    events.put(k.perfName(), c.events(k));
                }
            }
            JsonLine issues = new JsonLine();
            for (Map.Entry<PtError, Long> e : c.issues().entrySet()) {
                issues.put(e.getKey().name(), e.getValue());
            }
            return new JsonLine().put("type", "summary").put("instructions", c.instructions())
                    .put("branches", branches).put("trace_events", events).put("errors", c.errors())
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
        StringBuilder kinds = new StringBuilder();
        for (BranchKind k : BranchKind.values()) {
            if (c.branches(k) > 0) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(k.perfName()).append(' ').append(c.branches(k));
            }
        }
        row(sb, "branches", c.branches() + (kinds.length() == 0 ? "" : " (" + kinds + ")"));
        StringBuilder events = new StringBuilder();
        long eventCount = 0;
        for (TraceEvent.Kind k : TraceEvent.Kind.values()) {
            if (c.events(k) > 0) {
                events.append(events.length() == 0 ? "" : ", ").append(k.perfName()).append(' ').append(c.events(k));
                eventCount += c.events(k);
            }
        }
        if (eventCount > 0) { // a trace without any (no CBR either) keeps the summary it had
            row(sb, "events", eventCount + " (" + events + ")");
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

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(name).append(' ');
        for (int i = name.length(); i < 30; i++) {
            sb.append(' ');
        }
        sb.append(value).append('\n');
    }
}
