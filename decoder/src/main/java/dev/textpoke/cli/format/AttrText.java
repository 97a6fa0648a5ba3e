package dev.textpoke.cli.format;

import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.ReadFormat;
import dev.textpoke.perf.attr.SampleFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An attr's non-zero fields with perf's names and formats, in the order perf's {@code
 * perf_event_attr__fprintf} prints them ({@code perf report --header-only}'s "# event :" lines).
 */
public final class AttrText {
    private AttrText() {}

    static Map<String, Object> fields(EventAttr a) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "type", a.type(), false);
        put(m, "size", a.declaredSize(), false);
        put(m, "config", a.config(), true);
        put(m, a.freq() ? "sample_freq" : "sample_period", a.samplePeriod(), false);
        if (a.sampleType() != 0) {
            m.put("sample_type", SampleFormat.names(a.sampleType()));
        }
        if (a.readFormat() != 0) {
            m.put("read_format", ReadFormat.names(a.readFormat()));
        }
        for (AttrFlag f : AttrFlag.values()) {
            put(m, f.perfName(), a.flag(f), false);
        }
        put(m, "wakeup_events", a.wakeupEvents(), false);
        put(m, "bp_type", a.bpType(), false);
        put(m, "config1", a.config1(), true);
        put(m, "config2", a.config2(), true);
        if (a.branchSampleType() != 0) {
            m.put("branch_sample_type", BranchSampleType.names(a.branchSampleType()));
        }
        put(m, "sample_regs_user", a.sampleRegsUser(), true);
        put(m, "sample_stack_user", a.sampleStackUser(), false);
        if (a.clockid() != 0) {
            m.put("clockid", a.clockid());
        }
        put(m, "sample_regs_intr", a.sampleRegsIntr(), true);
        put(m, "aux_watermark", a.auxWatermark(), false);
        put(m, "sample_max_stack", a.sampleMaxStack(), false);
        put(m, "aux_sample_size", a.auxSampleSize(), false);
        put(m, "aux_action", a.auxAction(), true);
        put(m, "sig_data", a.sigData(), true);
        put(m, "config3", a.config3(), true);
        if (!a.tail().isEmpty()) {
            m.put("unknown_tail", a.tail().hex());
        }
        return m;
    }

    private static void put(Map<String, Object> m, String name, long v, boolean hex) {
        if (v != 0) {
            m.put(name, hex ? "0x" + Long.toHexString(v) : RecordFields.unsigned(v));
        }
    }

    /** The same fields for JSON: flag-like values as hex strings, counts as integers ({@link JsonTypes}). */
    public static Map<String, Object> json(EventAttr a) {
        return fields(a);
    }

    /** {@code name = value, ...} as perf prints an attr. */
    public static String line(EventAttr a) {
        StringBuilder sb = new StringBuilder();
        for (var e : fields(a).entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(" = ").append(e.getValue());
        }
        return sb.toString();
    }
}
