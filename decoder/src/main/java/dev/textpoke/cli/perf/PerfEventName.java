package dev.textpoke.cli.perf;

import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.event.Event;
import java.util.Map;

/**
 * The name perf gives an event: the one the file says (EVENT_DESC, EVENT_UPDATE, HEADER_EVENT_TYPE)
 * or, for a file that says none, the one perf makes from the attr ({@code evsel__name} in
 * tools/perf/util/evsel.c): hardware, software, hardware-cache and raw events by their perf
 * names with the modifiers of {@code evsel__add_modifiers} ({@code :u}, {@code :k}, {@code :ppp},
 * {@code :HG}...), tracepoints as {@code system:name} from the tracing data. Other types get a
 * generic name.
 */
public final class PerfEventName {
    // PERF_TYPE_* (include/uapi/linux/perf_event.h)
    private static final long HARDWARE = 0;
    private static final long SOFTWARE = 1;
    private static final long TRACEPOINT = 2;
    private static final long HW_CACHE = 3;
    private static final long RAW = 4;

    /** {@code evsel__hw_names}, indexed by PERF_COUNT_HW_*. */
    private static final String[] HW = {"cycles", "instructions", "cache-references", "cache-misses",
        "branches", "branch-misses", "bus-cycles", "stalled-cycles-frontend", "stalled-cycles-backend",
        "ref-cycles"};
    /** {@code evsel__sw_names}, indexed by PERF_COUNT_SW_*. */
    private static final String[] SW = {"cpu-clock", "task-clock", "page-faults", "context-switches",
        "cpu-migrations", "minor-faults", "major-faults", "alignment-faults", "emulation-faults", "dummy",
        "bpf-output", "cgroup-switches"};
    /** {@code evsel__hw_cache}, {@code evsel__hw_cache_op}, {@code evsel__hw_cache_result} (first names). */
    private static final String[] CACHE = {"L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node"};
    private static final String[][] CACHE_OP = {{"load", "loads"}, {"store", "stores"}, {"prefetch", "prefetches"}};
    private static final String[] CACHE_RESULT = {"refs", "misses"};

    private PerfEventName() {}

    /** perf's name of the event: its own, else made from type and config as perf makes it. */
    public static String of(Event e) {
        return of(e, Map.of());
    }

    /** @param tracepoints {@code system:name} by tracepoint id, from the tracing data */
    static String of(Event e, Map<Long, String> tracepoints) {
        if (e.name() != null && !e.name().isEmpty()) {
            return e.name();
        }
        EventAttr a = e.attr();
        if (a.type() == TRACEPOINT && tracepoints.containsKey(a.config())) {
            return tracepoints.get(a.config());
        }
        long c = a.config();
        if (a.type() == HARDWARE && c >= 0 && c < HW.length) {
            return HW[(int) c] + modifiers(a);
        }
        if (a.type() == SOFTWARE && c >= 0 && c < SW.length) {
            return SW[(int) c] + modifiers(a);
        }
        if (a.type() == HW_CACHE) {
            int cache = (int) (c & 0xff);
            int op = (int) (c >> 8 & 0xff);
            int result = (int) (c >> 16 & 0xff);
            if (cache < CACHE.length && op < CACHE_OP.length && result < CACHE_RESULT.length) {
                String name = result == 0 ? CACHE[cache] + "-" + CACHE_OP[op][1]
                        : CACHE[cache] + "-" + CACHE_OP[op][0] + "-" + CACHE_RESULT[result];
                return name + modifiers(a);
            }
        }
        if (a.type() == RAW) {
            return "r" + Long.toHexString(c) + modifiers(a);
        }
        return e.displayName();
    }

    /** {@code evsel__add_modifiers}: which contexts are counted, and the precise level. */
    private static String modifiers(EventAttr a) {
        long f = a.flags();
        StringBuilder m = new StringBuilder();
        boolean excludeGuestDefault = false;
        boolean excludeKernel = AttrFlag.EXCLUDE_KERNEL.get(f) != 0;
        boolean excludeUser = AttrFlag.EXCLUDE_USER.get(f) != 0;
        boolean excludeHv = AttrFlag.EXCLUDE_HV.get(f) != 0;
        if (excludeKernel || excludeUser || excludeHv) {
            if (!excludeKernel) {
                m.append('k');
            }
            if (!excludeUser) {
                m.append('u');
            }
            if (!excludeHv) {
                m.append('h');
            }
            excludeGuestDefault = true;
        }
        long precise = AttrFlag.PRECISE_IP.get(f);
        if (precise != 0) {
            m.append("ppp", 0, (int) precise);
            excludeGuestDefault = true;
        }
        boolean excludeHost = AttrFlag.EXCLUDE_HOST.get(f) != 0;
        boolean excludeGuest = AttrFlag.EXCLUDE_GUEST.get(f) != 0;
        if (excludeHost || excludeGuest == excludeGuestDefault) {
            if (!excludeHost) {
                m.append('H');
            }
            if (!excludeGuest) {
                m.append('G');
            }
        }
        return m.length() == 0 ? "" : ":" + m;
    }
}
