package dev.textpoke.perf.feature;

/**
 * Feature ids: bit numbers of {@code adds_features} and {@code feat_id} of HEADER_FEATURE records
 * ({@code enum perf_header_feature}, tools/perf/util/header.h). Names are perf's, without
 * {@code HEADER_}.
 */
public enum FeatureId {
    RESERVED(0), TRACING_DATA(1), BUILD_ID(2), HOSTNAME(3), OSRELEASE(4), VERSION(5), ARCH(6),
    NRCPUS(7), CPUDESC(8), CPUID(9), TOTAL_MEM(10), CMDLINE(11), EVENT_DESC(12), CPU_TOPOLOGY(13),
    NUMA_TOPOLOGY(14), BRANCH_STACK(15), PMU_MAPPINGS(16), GROUP_DESC(17), AUXTRACE(18), STAT(19),
    CACHE(20), SAMPLE_TIME(21), MEM_TOPOLOGY(22), CLOCKID(23), DIR_FORMAT(24), BPF_PROG_INFO(25),
    BPF_BTF(26), COMPRESSED(27), CPU_PMU_CAPS(28), CLOCK_DATA(29), HYBRID_TOPOLOGY(30), PMU_CAPS(31);

    private static final FeatureId[] BY_ID = values();

    private final int id;

    FeatureId(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The feature with this id, or null for an id this reader does not know. */
    public static FeatureId of(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** perf's name, e.g. {@code "hostname"} for display; unknown ids as {@code "feature_<id>"}. */
    public static String displayName(long id) {
        FeatureId f = of(id);
        return f == null ? "feature_" + id : f.name().toLowerCase(java.util.Locale.ROOT);
    }
}
