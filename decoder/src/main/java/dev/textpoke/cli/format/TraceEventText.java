package dev.textpoke.cli.format;

import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.perf.CbrScale;

/**
 * The values of a PTWRITE, power or transaction event in {@code decode}'s lines: as perf script
 * words them ({@code perf_sample__fprintf_synth_*} in builtin-script.c: C's {@code %#x}, a payload
 * that holds a short string shown as text too), and as JSON fields.
 */
final class TraceEventText {
    /** {@link TraceEvent#TX_BEGIN}, {@link TraceEvent#TX_COMMIT}, {@link TraceEvent#TX_ABORT} in words. */
    private static final String[] TX_WHAT = {"begin", "commit", "abort"};

    private TraceEventText() {}

    /** The values as JSON fields, each after a comma (docs/json.md, "decode"). */
    static void jsonFields(LineBuffer line, TraceEvent e, CbrScale cbr) {
        switch (e.kind()) {
            case PTWRITE -> line.append(",\"ip_bound\":").append(Boolean.toString(e.ipBound()))
                    .append(",\"payload\":\"0x").hex(e.payload(), 1).append('"');
            case CBR -> {
                line.append(",\"ratio\":").dec(e.a(), 1).append(",\"mhz\":").dec(cbr.mhz(e.a()), 1)
                        .append(",\"percent\":");
                int percent = cbr.percent(e.a());
                line.append(percent < 0 ? "null" : Integer.toString(percent));
            }
            case MWAIT -> line.append(",\"hints\":").dec(e.a() & 0xffffffffL, 1).append(",\"extensions\":")
                    .dec(e.b() & 0xffffffffL, 1);
            case PWRE -> line.append(",\"hw\":").append(Boolean.toString(e.a() != 0)).append(",\"cstate\":")
                    .dec(e.b(), 1).append(",\"sub_cstate\":").dec(e.c(), 1);
            case EXSTOP -> line.append(",\"ip_bound\":").append(Boolean.toString(e.ipBound()));
            case PWRX -> line.append(",\"deepest_cstate\":").dec(e.a(), 1).append(",\"last_cstate\":")
                    .dec(e.b(), 1).append(",\"wake_reason\":").dec(e.c(), 1);
            case TRANSACTION -> line.append(",\"what\":").jsonString(TX_WHAT[e.a()]);
        }
    }

    /** The values as perf script prints them after the event's name. */
    static String perfText(TraceEvent e, CbrScale cbr) {
        return switch (e.kind()) {
            case PTWRITE -> "IP: " + (e.ipBound() ? 1 : 0) + " payload: " + cHex(e.payload()) + asText(e.payload());
            case CBR -> {
                int percent = cbr.percent(e.a());
                yield String.format("cbr: %2d freq: %4d MHz", e.a(), cbr.mhz(e.a()))
                        + (percent < 0 ? "" : String.format(" (%3d%%)", percent));
            }
            case MWAIT -> "hints: " + cHex(e.a() & 0xffffffffL) + " extensions: " + cHex(e.b() & 0xffffffffL);
            case PWRE -> "hw: " + e.a() + " cstate: " + e.b() + " sub-cstate: " + e.c();
            case EXSTOP -> "IP: " + (e.ipBound() ? 1 : 0);
            case PWRX -> "deepest cstate: " + e.a() + " last cstate: " + e.b() + " wake reason: " + cHex(e.c());
            case TRANSACTION -> TX_WHAT[e.a()];
        };
    }

    /**
     * A payload that holds a short string, after a space, as perf shows it: its bytes from the
     * lowest, printable ASCII up to the first zero byte and only zero bytes after it; else nothing.
     */
    private static String asText(long payload) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            int b = (int) (payload >>> (8 * i)) & 0xff;
            if (b == 0) {
                return sb.length() > 0 && payload >>> (8 * i) == 0 ? " " + sb : "";
            }
            if (b < 0x20 || b > 0x7e) {
                return "";
            }
            sb.append((char) b);
        }
        return " " + sb;
    }

    /** C's {@code %#x}: "0" for zero, else "0x" and the digits. */
    private static String cHex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }
}
