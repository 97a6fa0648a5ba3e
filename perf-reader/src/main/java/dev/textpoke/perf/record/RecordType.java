package dev.textpoke.perf.record;

/**
 * Record types: {@code enum perf_event_type} (include/uapi/linux/perf_event.h, written by the
 * kernel) and {@code enum perf_user_event_type} (tools/lib/perf/include/perf/event.h, written by
 * perf itself), with the names perf prints after {@code PERF_RECORD_} ({@code perf_event__names[]}
 * in tools/perf/util/event.c: the user types drop their {@code HEADER_} prefix).
 */
public enum RecordType {
    MMAP(1), LOST(2), COMM(3), EXIT(4), THROTTLE(5), UNTHROTTLE(6), FORK(7), READ(8), SAMPLE(9),
    MMAP2(10), AUX(11), ITRACE_START(12), LOST_SAMPLES(13), SWITCH(14), SWITCH_CPU_WIDE(15),
    NAMESPACES(16), KSYMBOL(17), BPF_EVENT(18), CGROUP(19), TEXT_POKE(20), AUX_OUTPUT_HW_ID(21),
    CALLCHAIN_DEFERRED(22),

    HEADER_ATTR(64, "ATTR"), HEADER_EVENT_TYPE(65, "EVENT_TYPE"),
    HEADER_TRACING_DATA(66, "TRACING_DATA"), HEADER_BUILD_ID(67, "BUILD_ID"), FINISHED_ROUND(68),
    ID_INDEX(69), AUXTRACE_INFO(70), AUXTRACE(71), AUXTRACE_ERROR(72), THREAD_MAP(73), CPU_MAP(74),
    STAT_CONFIG(75), STAT(76), STAT_ROUND(77), EVENT_UPDATE(78), TIME_CONV(79),
    HEADER_FEATURE(80, "FEATURE"), COMPRESSED(81), FINISHED_INIT(82), COMPRESSED2(83),
    BPF_METADATA(84), SCHEDSTAT_CPU(85), SCHEDSTAT_DOMAIN(86);

    /** {@code PERF_RECORD_USER_TYPE_START}: types from here on are written by perf, not the kernel. */
    public static final int USER_TYPE_START = 64;

    private static final RecordType[] BY_ID = new RecordType[128];

    static {
        for (RecordType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final String perfName;

    RecordType(int id) {
        this(id, null);
    }

    RecordType(int id, String perfName) {
        this.id = id;
        this.perfName = perfName == null ? name() : perfName;
    }

    /** The {@code header.type} value. */
    public int id() {
        return id;
    }

    /** The name perf prints, without the {@code PERF_RECORD_} prefix: {@code "ATTR"}, {@code "MMAP2"}. */
    public String perfName() {
        return perfName;
    }

    /** Whether perf (not the kernel) writes this type; such records carry no sample_id trailer. */
    public boolean isUserType() {
        return id >= USER_TYPE_START;
    }

    /** The type with this id, or null for a type this reader does not know. */
    public static RecordType of(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** {@code PERF_RECORD_X} for known types, {@code PERF_RECORD_UNKNOWN_<id>} otherwise. */
    public static String displayName(long id) {
        RecordType t = of(id);
        return "PERF_RECORD_" + (t == null ? "UNKNOWN_" + id : t.perfName);
    }
}
