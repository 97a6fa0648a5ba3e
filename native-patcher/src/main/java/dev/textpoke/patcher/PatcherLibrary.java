package dev.textpoke.patcher;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.LongByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JNA binding of {@code libtextpoke_patcher} ({@code native-patcher/src/main/c/include/
 * textpoke_patcher.h}), and the only class that touches JNA.
 *
 * <p>Races and cost measurements never run in this process (they execute torn instructions and
 * install process-wide signal handlers): the driver executable runs them, reading a config
 * struct on stdin and writing a result struct on stdout. This class lays those structs out
 * ({@link #encode}) and reads them back ({@link #decodeRace}, {@link #decodeCost}) with the same
 * JNA mappings it uses for in-process calls. The header keeps every struct free of padding on
 * LP64, so the aarch64 driver's results (run under qemu) read the same way.
 */
public final class PatcherLibrary {

    /** The functions that are safe to call in the JVM: names, the membarrier query, the check. */
    interface Api extends Library {
        String tp_errstr(int code);

        int tp_abi_version();

        int tp_host_arch();

        String tp_protocol_name(int protocol);

        int tp_protocol_supported(int protocol, int arch);

        String tp_placement_name(int placement);

        String tp_site_kind_name(int kind);

        String tp_barrier_name(int barrier);

        void tp_config_init(ConfigStruct config);

        void tp_cost_config_init(CostConfigStruct config);

        int tp_membarrier_query(LongByReference mask);

        int tp_seccomp_mode();

        int tp_check(int sites, long[] opMasks, long ops, LogEntryStruct[] entries, long n,
                int flags, SiteCheckStruct[] perSite);

        long tp_struct_size(String name);
    }

    /** ABI version this binding was written against (TP_ABI_VERSION). */
    static final int ABI_VERSION = 3;
    static final int MAX_SITES = 64;
    static final int MAX_COST_POINTS = 16;
    static final int KIND_COUNT = 5;
    static final int COST_METHODS = 4;
    static final int OUTCOME_COUNT = 5;
    static final int DETAIL_SIZE = 256;

    /** tp_check flags. */
    public static final int CHECK_TRAP_EMULATES = 1;
    public static final int CHECK_TRAP_PAGE_WIDE = 2;

    /** struct tp_config. */
    @FieldOrder({"size", "patches", "max_ns", "cpus", "plant_hold_ns", "protocol", "placement",
        "threads", "sites", "plant", "progress_fd"})
    public static final class ConfigStruct extends Structure {
        public long size;
        public long patches;
        public long max_ns;
        public long cpus;
        public long plant_hold_ns;
        public int protocol;
        public int placement;
        public int threads;
        public int sites;
        public int plant;
        public int progress_fd;
    }

    /** struct tp_stat. */
    @FieldOrder({"count", "min", "median", "p90", "p99", "max", "mean"})
    public static final class StatStruct extends Structure {
        public long count;
        public long min;
        public long median;
        public long p90;
        public long p99;
        public long max;
        public long mean;

        LatencyStats toRecord() {
            return new LatencyStats(count, min, median, p90, p99, max, mean);
        }
    }

    /** struct tp_kind_counts. */
    @FieldOrder({"sites", "executions", "torn", "stale", "trap_hits"})
    public static final class KindCountsStruct extends Structure {
        public long sites;
        public long executions;
        public long torn;
        public long stale;
        public long trap_hits;
    }

    /** struct tp_result. */
    @FieldOrder({"size", "ops", "patches", "executions", "old_runs", "new_runs", "trap_hits",
        "torn", "stale", "torn_sigsegv", "torn_sigill", "torn_sigbus", "torn_sigtrap", "torn_tag",
        "torn_trap_mismatch", "torn_idle", "first_torn_seq", "last_torn_seq", "first_stale_seq",
        "last_stale_seq", "plant_seq", "elapsed_ns", "op_ns", "barrier_ns", "membarrier_query",
        "log_entries", "kind", "error", "sys_errno", "protocol", "arch", "placement", "barrier",
        "threads", "sites", "cpus_used", "patcher_cpu", "stopped_early", "guarantee",
        "executor_share_ppm", "patcher_share_ppm", "detail"})
    public static final class ResultStruct extends Structure {
        public long size;
        public long ops;
        public long patches;
        public long executions;
        public long old_runs;
        public long new_runs;
        public long trap_hits;
        public long torn;
        public long stale;
        public long torn_sigsegv;
        public long torn_sigill;
        public long torn_sigbus;
        public long torn_sigtrap;
        public long torn_tag;
        public long torn_trap_mismatch;
        public long torn_idle;
        public long first_torn_seq;
        public long last_torn_seq;
        public long first_stale_seq;
        public long last_stale_seq;
        public long plant_seq;
        public long elapsed_ns;
        public StatStruct op_ns;
        public StatStruct barrier_ns;
        public long membarrier_query;
        public long log_entries;
        public KindCountsStruct[] kind = new KindCountsStruct[KIND_COUNT];
        public int error;
        public int sys_errno;
        public int protocol;
        public int arch;
        public int placement;
        public int barrier;
        public int threads;
        public int sites;
        public int cpus_used;
        public int patcher_cpu;
        public int stopped_early;
        public int guarantee;
        public int executor_share_ppm;
        public int patcher_share_ppm;
        public byte[] detail = new byte[DETAIL_SIZE];

        public ResultStruct() {}

        ResultStruct(Pointer p) {
            super(p);
            read();
        }
    }

    /** struct tp_cost_config. */
    @FieldOrder({"size", "cpus", "calls", "points", "threads", "rt_priority", "warmup_calls"})
    public static final class CostConfigStruct extends Structure {
        public long size;
        public long cpus;
        public int calls;
        public int points;
        public int[] threads = new int[MAX_COST_POINTS];
        public int rt_priority;
        public int warmup_calls;
    }

    /** struct tp_cost_result. */
    @FieldOrder({"size", "membarrier_query", "stat", "error", "sys_errno", "arch", "points",
        "threads", "cpus_used", "unavailable", "spinner_share_ppm", "detail"})
    public static final class CostResultStruct extends Structure {
        public long size;
        public long membarrier_query;
        public StatStruct[] stat = new StatStruct[MAX_COST_POINTS * COST_METHODS];
        public int error;
        public int sys_errno;
        public int arch;
        public int points;
        public int[] threads = new int[MAX_COST_POINTS];
        public int cpus_used;
        public int unavailable;
        public int[] spinner_share_ppm = new int[MAX_COST_POINTS];
        public byte[] detail = new byte[DETAIL_SIZE];

        public CostResultStruct() {}

        CostResultStruct(Pointer p) {
            super(p);
            read();
        }
    }

    /** struct tp_log_entry. */
    @FieldOrder({"done", "started", "site", "count"})
    public static final class LogEntryStruct extends Structure {
        public int done;
        public int started;
        public int site;
        public int[] count = new int[OUTCOME_COUNT];
    }

    /** struct tp_site_check. */
    @FieldOrder({"executions", "old_runs", "new_runs", "trap_hits", "torn", "stale",
        "trap_mismatch", "torn_idle", "first_torn_seq", "last_torn_seq", "first_stale_seq",
        "last_stale_seq"})
    public static final class SiteCheckStruct extends Structure {
        public long executions;
        public long old_runs;
        public long new_runs;
        public long trap_hits;
        public long torn;
        public long stale;
        public long trap_mismatch;
        public long torn_idle;
        public long first_torn_seq;
        public long last_torn_seq;
        public long first_stale_seq;
        public long last_stale_seq;
    }

    private final Api api;

    private PatcherLibrary(Api api) {
        this.api = api;
    }

    /**
     * Loads the library for this JVM's architecture from the class path (JNA's
     * {@code linux-x86-64/} or {@code linux-aarch64/} resource prefix) and checks that the
     * structs above have the library's sizes.
     */
    public static PatcherLibrary load() throws PatcherException {
        Api api;
        try {
            api = Native.load("textpoke_patcher", Api.class);
        } catch (UnsatisfiedLinkError e) {
            throw new PatcherException(PatcherException.Kind.NOT_BUILT,
                    "cannot load libtextpoke_patcher for " + Arch.host().label()
                            + " (build native-patcher with 'mvn package'): " + e.getMessage());
        }
        PatcherLibrary lib = new PatcherLibrary(api);
        lib.checkLayout();
        return lib;
    }

    private void checkLayout() throws PatcherException {
        if (api.tp_abi_version() != ABI_VERSION) {
            throw new PatcherException(PatcherException.Kind.INTERNAL, "libtextpoke_patcher has ABI "
                    + api.tp_abi_version() + ", this binding " + ABI_VERSION + ": rebuild");
        }
        List<String> wrong = new ArrayList<>();
        check(wrong, "tp_config", new ConfigStruct());
        check(wrong, "tp_result", new ResultStruct());
        check(wrong, "tp_stat", new StatStruct());
        check(wrong, "tp_kind_counts", new KindCountsStruct());
        check(wrong, "tp_cost_config", new CostConfigStruct());
        check(wrong, "tp_cost_result", new CostResultStruct());
        check(wrong, "tp_log_entry", new LogEntryStruct());
        check(wrong, "tp_site_check", new SiteCheckStruct());
        if (!wrong.isEmpty()) {
            throw new PatcherException(PatcherException.Kind.INTERNAL,
                    "the JNA struct layouts do not match libtextpoke_patcher: " + wrong);
        }
    }

    private void check(List<String> wrong, String name, Structure s) {
        long expected = api.tp_struct_size(name);
        if (expected != s.size()) {
            wrong.add(name + " is " + expected + " bytes in C, " + s.size() + " here");
        }
    }

    /** The library's name for an error code (positive or negative). */
    public String errstr(int code) {
        return api.tp_errstr(code);
    }

    /** The architecture the loaded library was built for. */
    public Arch hostArch() {
        return Arch.ofCode(api.tp_host_arch());
    }

    public String protocolName(int code) {
        return api.tp_protocol_name(code);
    }

    public boolean protocolSupported(Protocol p, Arch arch) {
        return api.tp_protocol_supported(p.code(), arch.code()) != 0;
    }

    public String placementName(int code) {
        return api.tp_placement_name(code);
    }

    public String siteKindName(int code) {
        return api.tp_site_kind_name(code);
    }

    public String barrierName(int code) {
        return api.tp_barrier_name(code);
    }

    /** membarrier(MEMBARRIER_CMD_QUERY) in this process: the mask, or the negative error code. */
    public long membarrierQuery() {
        LongByReference mask = new LongByReference();
        int r = api.tp_membarrier_query(mask);
        return r < 0 ? r : mask.getValue();
    }

    /** The seccomp mode of this process, or -1. */
    public int seccompMode() {
        return api.tp_seccomp_mode();
    }

    /** The bytes of a {@code struct tp_config} for a race. */
    byte[] encode(RaceSpec spec, boolean progress) {
        ConfigStruct c = new ConfigStruct();
        api.tp_config_init(c);
        c.patches = spec.patches();
        c.max_ns = spec.maxNanos();
        c.cpus = spec.cpus();
        c.plant_hold_ns = spec.plantHoldNanos();
        c.protocol = spec.protocol().code();
        c.placement = spec.placement().code();
        c.threads = spec.threads();
        c.sites = spec.sites();
        c.plant = spec.plant().code();
        c.progress_fd = progress ? 2 : -1;
        c.write();
        return c.getPointer().getByteArray(0, c.size());
    }

    /** The bytes of a {@code struct tp_cost_config}. */
    byte[] encode(CostSpec spec) {
        CostConfigStruct c = new CostConfigStruct();
        api.tp_cost_config_init(c);
        c.cpus = spec.cpus();
        c.calls = spec.calls();
        c.points = spec.threads().size();
        c.rt_priority = spec.realtimePriority();
        for (int i = 0; i < spec.threads().size(); i++) {
            c.threads[i] = spec.threads().get(i);
        }
        c.write();
        return c.getPointer().getByteArray(0, c.size());
    }

    private static Memory memoryOf(byte[] bytes, int expected, String what) throws PatcherException {
        if (bytes.length != expected) {
            throw new PatcherException(PatcherException.Kind.INTERNAL, "the patcher driver wrote "
                    + bytes.length + " bytes, not one " + what + " of " + expected + " bytes");
        }
        Memory m = new Memory(bytes.length);
        m.write(0, bytes, 0, bytes.length);
        return m;
    }

    /** Reads a {@code struct tp_result} the driver wrote; throws if it reports an error. */
    RaceResult decodeRace(byte[] bytes, RaceSpec spec, boolean emulated) throws PatcherException {
        ResultStruct r = new ResultStruct(
                memoryOf(bytes, new ResultStruct().size(), "struct tp_result"));
        if (r.size != bytes.length) {
            throw new PatcherException(PatcherException.Kind.INTERNAL,
                    "struct tp_result from the driver says it has " + r.size + " bytes");
        }
        if (r.error != 0) {
            throw PatcherException.fromNative(r.error, errstr(r.error), cString(r.detail));
        }
        List<RaceResult.KindCounts> kinds = new ArrayList<>();
        for (int k = 0; k < KIND_COUNT; k++) {
            KindCountsStruct c = r.kind[k];
            if (c.sites > 0) {
                kinds.add(new RaceResult.KindCounts(siteKindName(k), c.sites, c.executions, c.torn,
                        c.stale, c.trap_hits));
            }
        }
        return new RaceResult(
                Protocol.ofCode(r.protocol), Arch.ofCode(r.arch), emulated,
                Placement.ofCode(r.placement), barrierName(r.barrier), Guarantee.ofCode(r.guarantee),
                r.threads, r.sites, r.cpus_used, r.patcher_cpu,
                r.ops, r.patches, r.executions, r.old_runs, r.new_runs, r.trap_hits, r.torn, r.stale,
                new RaceResult.TornCauses(r.torn_sigsegv, r.torn_sigill, r.torn_sigbus,
                        r.torn_sigtrap, r.torn_tag, r.torn_trap_mismatch), r.torn_idle,
                r.first_torn_seq, r.last_torn_seq, r.first_stale_seq, r.last_stale_seq, r.plant_seq,
                r.elapsed_ns, r.op_ns.toRecord(), r.barrier_ns.toRecord(), r.membarrier_query,
                r.log_entries, r.stopped_early != 0, spec.patches(), r.executor_share_ppm / 1e6,
                r.patcher_share_ppm / 1e6, List.copyOf(kinds));
    }

    /** Reads a {@code struct tp_cost_result} the driver wrote; throws if it reports an error. */
    CostResult decodeCost(byte[] bytes, boolean emulated) throws PatcherException {
        CostResultStruct r = new CostResultStruct(
                memoryOf(bytes, new CostResultStruct().size(), "struct tp_cost_result"));
        if (r.error != 0) {
            throw PatcherException.fromNative(r.error, errstr(r.error), cString(r.detail));
        }
        List<CostResult.Point> points = new ArrayList<>();
        for (int p = 0; p < r.points; p++) {
            for (CostMethod m : CostMethod.values()) {
                StatStruct s = r.stat[p * COST_METHODS + m.code()];
                boolean available = (r.unavailable & (1 << m.code())) == 0;
                points.add(new CostResult.Point(m, r.threads[p], available, s.toRecord(),
                        r.spinner_share_ppm[p] / 1e6));
            }
        }
        String reason = r.unavailable != 0 ? cString(r.detail) : null;
        return new CostResult(Arch.ofCode(r.arch), emulated, r.cpus_used, r.membarrier_query,
                List.copyOf(points), reason);
    }

    /**
     * Runs the library's timeline check on logged executions built by hand: {@code opMasks[j]}
     * is the set of sites patch {@code j + 1} toggles. For tests of the check itself.
     */
    public List<SiteOutcome> check(int sites, long[] opMasks, List<LogRecord> log, int flags)
            throws PatcherException {
        if (sites < 1 || sites > MAX_SITES) {
            throw new IllegalArgumentException("sites must be 1 to " + MAX_SITES);
        }
        SiteCheckStruct[] perSite = (SiteCheckStruct[]) new SiteCheckStruct().toArray(sites);
        LogEntryStruct[] entries = null;
        if (!log.isEmpty()) {
            entries = (LogEntryStruct[]) new LogEntryStruct().toArray(log.size());
            for (int i = 0; i < log.size(); i++) {
                LogRecord e = log.get(i);
                entries[i].done = e.done();
                entries[i].started = e.started();
                entries[i].site = e.site();
                System.arraycopy(e.counts(), 0, entries[i].count, 0, OUTCOME_COUNT);
            }
        }
        int r = api.tp_check(sites, opMasks, opMasks.length, entries, log.size(), flags, perSite);
        if (r < 0) {
            throw PatcherException.fromNative(r, errstr(r), "tp_check rejected the log");
        }
        List<SiteOutcome> out = new ArrayList<>();
        for (SiteCheckStruct c : perSite) {
            out.add(new SiteOutcome(c.executions, c.old_runs, c.new_runs, c.trap_hits, c.torn,
                    c.stale, c.trap_mismatch, c.torn_idle, c.first_torn_seq, c.last_torn_seq,
                    c.first_stale_seq, c.last_stale_seq));
        }
        return out;
    }

    /** One hand-built {@code struct tp_log_entry}: counts by enum tp_outcome. */
    public record LogRecord(int done, int started, int site, int[] counts) {
        public LogRecord {
            if (counts.length != OUTCOME_COUNT) {
                throw new IllegalArgumentException("counts needs " + OUTCOME_COUNT + " outcomes");
            }
            counts = counts.clone();
        }
    }

    /** A {@code struct tp_site_check}. */
    public record SiteOutcome(long executions, long oldRuns, long newRuns, long trapHits, long torn,
            long stale, long trapMismatch, long tornIdle, long firstTornSeq, long lastTornSeq, long firstStaleSeq,
            long lastStaleSeq) {}

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
