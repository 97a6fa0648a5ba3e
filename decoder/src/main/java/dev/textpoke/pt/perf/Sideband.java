package dev.textpoke.pt.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sideband of an Intel PT recording, in the order perf delivers it to its tools (time order by
 * FINISHED_ROUND rounds, {@code dev.textpoke.perf.sort}), and what it says about each CPU: which
 * thread ran there when.
 *
 * <p>The current thread of a CPU follows perf's {@code intel_pt_context_switch} and {@code
 * intel_pt_process_itrace_start} (tools/perf/util/intel-pt.c):
 *
 * <ul>
 *   <li>ITRACE_START (per-CPU mode only): the thread its body names;
 *   <li>with {@code have_sched_switch} 3 (CPU-wide switch records, what {@code perf record -a}
 *       asks for): a switch in, the sample_id's thread; a SWITCH_CPU_WIDE out, the next thread it
 *       names;
 *   <li>otherwise (2: a task's own SWITCH records): a switch in, the sample_id's thread; a switch
 *       out changes nothing.
 * </ul>
 *
 * {@code have_sched_switch} 1 (sched:sched_switch tracepoint samples, perf before 4.3) is not read.
 *
 * <p>perf applies a record after decoding every queue up to the record's time (the auxtrace hook
 * runs first), so trace at the record's time or later belongs to the new thread: {@link
 * #threadAt} answers with every record at or before the time applied.
 */
public final class Sideband {
    /** A thread running on a CPU from {@code since} (perf time), told by {@code cause}. */
    public record RunningThread(int pid, int tid, long since, SidebandEvent cause) {}

    private final List<SidebandEvent> events;
    private final TreeMap<Integer, CpuThreads> cpus = new TreeMap<>();
    /** Each thread's COMM records, in delivery order. */
    private final Map<Integer, List<SidebandEvent.Comm>> comms = new HashMap<>();
    /** Each thread's FORK record: a thread no COMM names has its parent's command (perf's thread__fork). */
    private final Map<Integer, SidebandEvent.Fork> forks = new HashMap<>();

    Sideband(List<SidebandEvent> events, long haveSchedSwitch, boolean perCpuMmaps) {
        this.events = List.copyOf(events);
        for (SidebandEvent e : this.events) {
            if (e instanceof SidebandEvent.Comm c) {
                comms.computeIfAbsent(c.tid(), k -> new ArrayList<>()).add(c);
            } else if (e instanceof SidebandEvent.Fork f) {
                forks.putIfAbsent(f.tid(), f);
            }
            if (e instanceof SidebandEvent.ItraceStart s) {
                if (perCpuMmaps && s.cpu() >= 0) {
                    cpu(s.cpu()).add(s.time(), s.pid(), s.tid(), s);
                }
            } else if (e instanceof SidebandEvent.Switch s && s.cpu() >= 0) {
                if (haveSchedSwitch == 3) {
                    if (!s.out()) {
                        cpu(s.cpu()).add(s.time(), s.pid(), s.tid(), s);
                    } else if (s.cpuWide()) {
                        cpu(s.cpu()).add(s.time(), s.nextPrevPid(), s.nextPrevTid(), s);
                    }
                } else if (!s.out()) {
                    cpu(s.cpu()).add(s.time(), s.pid(), s.tid(), s);
                }
            }
        }
    }

    /** Every sideband record, in perf's delivery order. */
    public List<SidebandEvent> events() {
        return events;
    }

    /** The records of one type, in delivery order. */
    public <T extends SidebandEvent> List<T> of(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SidebandEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** The TEXT_POKE records, in delivery order. */
    public List<SidebandEvent.TextPoke> textPokes() {
        return of(SidebandEvent.TextPoke.class);
    }

    /** The CPUs some record says a thread ran on. */
    public List<Integer> cpus() {
        return List.copyOf(cpus.keySet());
    }

    /**
     * The thread running on {@code cpu} at perf time {@code time}: the last ITRACE_START or switch
     * record of that CPU at or before it, in delivery order; empty before the first.
     */
    public Optional<RunningThread> threadAt(int cpu, long time) {
        CpuThreads c = cpus.get(cpu);
        return c == null ? Optional.empty() : c.at(time);
    }

    /**
     * The thread running on {@code cpu} at {@code time} as the decode takes it: {@link #threadAt},
     * and before the CPU's first record (an instruction whose time is not known yet) the first
     * thread a record puts there; empty when none does.
     */
    public Optional<RunningThread> threadOn(int cpu, long time) {
        Optional<RunningThread> t = threadAt(cpu, time);
        if (t.isPresent()) {
            return t;
        }
        List<RunningThread> all = threadChanges(cpu);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** Every change of thread on {@code cpu}, in delivery order. */
    public List<RunningThread> threadChanges(int cpu) {
        CpuThreads c = cpus.get(cpu);
        return c == null ? List.of() : c.all();
    }

    /**
     * The comm of thread {@code tid} at {@code time}: its last COMM record at or before it, else,
     * for a thread forked and never named, its parent's when it was forked (as perf's threads
     * inherit it).
     */
    public Optional<String> commAt(int tid, long time) {
        // a bounded walk up the forks: a damaged file could make them a cycle
        for (int depth = 0; depth < 64; depth++) {
            String name = null;
            for (SidebandEvent.Comm c : comms.getOrDefault(tid, List.of())) {
                if (c.time() <= time || c.time() < 0) {
                    name = c.name();
                }
            }
            if (name != null) {
                return Optional.of(name);
            }
            SidebandEvent.Fork f = forks.get(tid);
            if (f == null || f.ptid() == tid) {
                break;
            }
            tid = f.ptid();
            time = f.time() < 0 ? time : Math.min(time, f.time());
        }
        return Optional.empty();
    }

    private CpuThreads cpu(int cpu) {
        return cpus.computeIfAbsent(cpu, k -> new CpuThreads());
    }

    /** One CPU's changes of thread, in delivery order, in parallel arrays. */
    private static final class CpuThreads {
        private long[] times = new long[8];
        private int[] pids = new int[8];
        private int[] tids = new int[8];
        private final List<SidebandEvent> causes = new ArrayList<>();
        private int n;
        private boolean sorted = true;

        void add(long time, int pid, int tid, SidebandEvent cause) {
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                pids = Arrays.copyOf(pids, n * 2);
                tids = Arrays.copyOf(tids, n * 2);
            }
            sorted &= n == 0 || times[n - 1] <= time;
            times[n] = time;
            pids[n] = pid;
            tids[n] = tid;
            causes.add(cause);
            n++;
        }

        Optional<RunningThread> at(long time) {
            int i;
            if (sorted) {
                // The last change at or before time.
                int lo = 0;
                int hi = n;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (times[mid] <= time) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                i = lo - 1;
            } else {
                // Records perf delivered out of time order: the last one delivered that is not later.
                i = -1;
                for (int k = 0; k < n; k++) {
                    if (times[k] <= time) {
                        i = k;
                    }
                }
            }
            return i < 0 ? Optional.empty() : Optional.of(new RunningThread(pids[i], tids[i], times[i], causes.get(i)));
        }

        List<RunningThread> all() {
            List<RunningThread> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new RunningThread(pids[i], tids[i], times[i], causes.get(i)));
            }
            return out;
        }
    }
}
