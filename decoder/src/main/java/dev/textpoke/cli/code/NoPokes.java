package dev.textpoke.cli.code;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.event.Event;

/**
 * What to tell a user whose perf.data has no code modifications: whether the recording asked for
 * them at all ({@code attr.text_poke}, which perf record sets with {@code --kcore} since perf 5.19,
 * commit f42c0ce573df, and for Intel PT with kernel tracing) or the kernel made none while it ran.
 */
final class NoPokes {
    private NoPokes() {}

    static String why(PerfData data) {
        for (Event e : data.events().events()) {
            if (AttrFlag.TEXT_POKE.get(e.attr().flags()) != 0) {
                return ": the recording asked for them (text_poke), and the kernel made none while it ran";
            }
        }
        return " (TEXT_POKE records): no event of the recording asked for them; perf record --kcore (perf 5.19"
                + " and later) does, e.g. perf record --kcore -e intel_pt//k";
    }
}
