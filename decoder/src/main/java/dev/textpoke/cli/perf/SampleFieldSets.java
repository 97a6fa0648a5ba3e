package dev.textpoke.cli.perf;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.format.SampleField;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.FeatureId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which fields each event's samples print, decided as perf script decides (tools/perf/
 * builtin-script.c): per kind of event ({@code output_type}: hardware, software, tracepoint,
 * hardware cache, raw, breakpoint, other), from the fields asked for ({@code -F}) or perf's
 * defaults ({@code output[]}), checked against the first event of each kind ({@code
 * perf_session__check_output_opt}, {@code evsel__check_attr}): a default field that event lacks
 * is dropped; a field asked for that it lacks is an error. Events of a kind print that kind's
 * fields, with the values a sample lacking one has (cpu -1, addr 0).
 */
final class SampleFieldSets {
    // PERF_TYPE_* (uapi perf_event.h) and perf's extra output type for the rest.
    private static final int TRACEPOINT = 2;
    private static final int RAW = 4;
    private static final int OTHER = 6;
    private static final long SOFTWARE = 1;
    /** PERF_COUNT_SW_PAGE_FAULTS, _MIN, _MAJ: perf names their sample addresses ({@code sample_addr_correlates_sym}). */
    private static final long PAGE_FAULTS = 2;
    private static final long PAGE_FAULTS_MIN = 5;
    private static final long PAGE_FAULTS_MAJ = 6;
    private static final long COUNT_SW_DUMMY = 9;

    private static final EnumSet<SampleField> HARDWARE = EnumSet.of(SampleField.COMM, SampleField.TID,
            SampleField.CPU, SampleField.TIME, SampleField.EVENT, SampleField.IP, SampleField.SYM,
            SampleField.SYMOFF, SampleField.DSO, SampleField.PERIOD);

    /** perf's defaults for PERF_TYPE_RAW beyond the hardware ones (perf 6.1 {@code output[]}). */
    private static final EnumSet<SampleField> RAW_EXTRA = EnumSet.of(SampleField.ADDR, SampleField.DATA_SRC,
            SampleField.WEIGHT, SampleField.INS_LAT, SampleField.PHYS_ADDR, SampleField.DATA_PAGE_SIZE,
            SampleField.CODE_PAGE_SIZE);

    private final PerfData data;
    private final EnumSet<SampleField> asked;
    private final String file;
    private final Map<Integer, EnumSet<SampleField>> byType = new HashMap<>();

    /** @param asked the fields of {@code -F}, or null for perf's defaults */
    SampleFieldSets(PerfData data, EnumSet<SampleField> asked, String file) {
        this.data = data;
        this.asked = asked;
        this.file = file;
        if (asked != null && asked.contains(SampleField.SYMOFF) && !asked.contains(SampleField.SYM)) {
            throw new CommandError(file + ": symoff asks for offsets into symbols, but sym is not among the"
                    + " fields (perf script: \"Display of offsets requested but symbol is not selected\")");
        }
    }

    /**
     * Whether some event samples call chains: then chains print frame by frame (perf's {@code
     * use_callchain}). Asked at the first sample of each event, when a pipe's events are all known.
     */
    boolean useCallchain() {
        for (Event e : data.events().events()) {
            if (e.attr().has(SampleFormat.CALLCHAIN)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether some sample may print a kernel symbol: symbols are among the fields (asked, or perf's
     * defaults) and some event samples the kernel (its attr does not exclude it).
     */
    boolean mayNameKernelCode() {
        if (asked != null && !asked.contains(SampleField.SYM) && !asked.contains(SampleField.BRSTACKSYM)) {
            return false;
        }
        for (Event e : data.events().events()) {
            if (e.attr().flag(AttrFlag.EXCLUDE_KERNEL) == 0 && !isDummy(e)) {
                return true;
            }
        }
        return false;
    }

    static boolean isPageFault(Event e) {
        long c = e.attr().config();
        return e.attr().type() == SOFTWARE && (c == PAGE_FAULTS || c == PAGE_FAULTS_MIN || c == PAGE_FAULTS_MAJ);
    }

    private static int outputType(long attrType) {
        return attrType >= 0 && attrType < OTHER ? (int) attrType : OTHER;
    }

    /** The fields samples of {@code e} print; decided at the first sample of each kind. */
    EnumSet<SampleField> of(Event e) {
        int type = e == null ? OTHER : outputType(e.attr().type());
        EnumSet<SampleField> f = byType.get(type);
        if (f == null) {
            f = decide(type);
            byType.put(type, f);
        }
        return f;
    }

    private EnumSet<SampleField> decide(int type) {
        Event first = first(type);
        EnumSet<SampleField> fields;
        if (asked != null) {
            fields = EnumSet.copyOf(asked);
            if (first != null && checked(first)) {
                for (SampleField f : fields) {
                    if (!f.availableIn(first.attr().sampleType())) {
                        throw SamplesCommand.missing(file, PerfEventName.of(first, Map.of()).isEmpty() ? "?"
                                : nameFor(first), f.needsName(), f.perfName());
                    }
                }
            }
            return fields;
        }
        fields = EnumSet.copyOf(HARDWARE);
        if (type == TRACEPOINT) {
            fields = EnumSet.of(SampleField.COMM, SampleField.TID, SampleField.CPU, SampleField.TIME,
                    SampleField.EVENT, SampleField.TRACE);
            if (useCallchain() && anyOfTypeHasChain(TRACEPOINT)) {
                fields.addAll(List.of(SampleField.IP, SampleField.SYM, SampleField.SYMOFF, SampleField.DSO));
            }
        } else if (type == RAW) {
            // what memory sampling events (cpu/mem-loads/, ibs_op on some machines) record; the
            // default drops those the samples lack below
            fields.addAll(RAW_EXTRA);
        }
        if (first != null && !isDummy(first)) {
            long st = first.attr().sampleType();
            fields.removeIf(f -> !f.availableIn(st) && f != SampleField.SYM && f != SampleField.SYMOFF
                    && f != SampleField.DSO);
            if (!fields.contains(SampleField.IP)) {
                // sym, symoff and dso are printed with the ip
                fields.removeAll(List.of(SampleField.SYM, SampleField.SYMOFF, SampleField.DSO));
            }
        }
        return fields;
    }

    private String nameFor(Event e) {
        return PerfEventName.of(e, Map.of());
    }

    private boolean anyOfTypeHasChain(int type) {
        for (Event e : data.events().events()) {
            if (outputType(e.attr().type()) == type && e.attr().has(SampleFormat.CALLCHAIN)) {
                return true;
            }
        }
        return false;
    }

    private Event first(int type) {
        for (Event e : data.events().events()) {
            if (outputType(e.attr().type()) == type) {
                return e;
            }
        }
        return null;
    }

    private static boolean isDummy(Event e) {
        return e.attr().type() == SOFTWARE && e.attr().config() == COUNT_SW_DUMMY;
    }

    /**
     * Whether perf script checks the fields against this event: not a dummy, not in a file with
     * STAT or AUX area data ({@code evsel__check_attr}).
     */
    private boolean checked(Event e) {
        return !isDummy(e) && !data.features().has(FeatureId.STAT) && !data.features().has(FeatureId.AUXTRACE);
    }
}
