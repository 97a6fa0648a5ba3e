package dev.textpoke.pt.decode;

import dev.textpoke.pt.perf.Sideband;
import dev.textpoke.pt.perf.SidebandEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which task a trace ran in at a time, named as perf script names it: the thread on the CPU from
 * the sideband's ITRACE_START and switch records ({@link Sideband#threadAt}, perf's rule), or in
 * per-thread mode the queue's thread; its command name from the thread's last COMM record at or
 * before the time, "swapper" for the idle task (pid 0) and ":TID" for a thread no COMM names, as
 * perf's threads are born. Read-only once made: the decoding threads share one.
 */
public final class Tasks {
    /** A task: process id, thread id (-1 when no record says) and command name. */
    public record Task(int pid, int tid, String comm) {}

    private final Sideband sideband;
    /** Each thread's COMM records, in delivery order. */
    private final Map<Integer, List<SidebandEvent.Comm>> comms = new HashMap<>();
    /** A thread's process, from its COMM and FORK records (per-thread mode has no switch records). */
    private final Map<Integer, Integer> pids = new HashMap<>();
    /** Each thread's FORK record: a thread no COMM names has its parent's command (perf's thread__fork). */
    private final Map<Integer, SidebandEvent.Fork> forks = new HashMap<>();

    public Tasks(Sideband sideband) {
        this.sideband = sideband;
        for (SidebandEvent e : sideband.events()) {
            if (e instanceof SidebandEvent.Comm c) {
                comms.computeIfAbsent(c.tid(), k -> new ArrayList<>()).add(c);
                pids.putIfAbsent(c.tid(), c.pid());
            } else if (e instanceof SidebandEvent.Fork f) {
                pids.putIfAbsent(f.tid(), f.pid());
                forks.putIfAbsent(f.tid(), f);
            }
        }
    }

    /**
     * The task of queue ({@code cpu}, {@code tid}) at perf time {@code time}: for a per-CPU queue
     * ({@code cpu} >= 0) the thread on that CPU, else the queue's own thread.
     */
    public Task at(int cpu, int tid, long time) {
        int pid;
        int thread;
        if (cpu >= 0) {
            Optional<Sideband.RunningThread> t = sideband.threadAt(cpu, time);
            if (t.isEmpty()) {
                // Before the CPU's first record (as ProcessCode.pidAt): the first thread it names.
                List<Sideband.RunningThread> all = sideband.threadChanges(cpu);
                if (all.isEmpty()) {
                    return new Task(-1, -1, ":-1");
                }
                t = Optional.of(all.get(0));
            }
            pid = t.get().pid();
            thread = t.get().tid();
        } else {
            thread = tid;
            pid = pids.getOrDefault(tid, tid);
        }
        return new Task(pid, thread, comm(pid, thread, time));
    }

    private String comm(int pid, int thread, long time) {
        int tid = thread;
        // a bounded walk up the forks: a damaged file could make them a cycle
        for (int depth = 0; depth < 64; depth++) {
            String name = null;
            for (SidebandEvent.Comm c : comms.getOrDefault(tid, List.of())) {
                if (c.time() <= time || c.time() < 0) {
                    name = c.name();
                }
            }
            if (name != null) {
                return name;
            }
            SidebandEvent.Fork f = forks.get(tid);
            if (f == null || f.ptid() == tid) {
                break;
            }
            // the parent's command when the thread was forked
            tid = f.ptid();
            time = f.time() < 0 ? time : Math.min(time, f.time());
        }
        return pid == 0 && thread == 0 ? "swapper" : ":" + thread;
    }
}
