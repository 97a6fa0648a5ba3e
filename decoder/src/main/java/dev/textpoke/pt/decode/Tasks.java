package dev.textpoke.pt.decode;

import dev.textpoke.pt.perf.Sideband;
import java.util.Optional;

/**
 * Which task a trace ran in at a time, named as perf script names it: the thread on the CPU from
 * the sideband ({@link Sideband#threadOn}, perf's rule), or in per-thread mode the queue's thread
 * and its process ({@link ProcessCode#pidAt}); its command from the sideband ({@link
 * Sideband#commAt}), "swapper" for the idle task (pid 0) and ":TID" for a thread no COMM names, as
 * perf's threads are born. Read-only: the decoding threads share one.
 */
public final class Tasks {
    /** A task: process id, thread id (-1 when no record says) and command name. */
    public record Task(int pid, int tid, String comm) {}

    private final Sideband sideband;
    private final ProcessCode processes;

    public Tasks(Sideband sideband, ProcessCode processes) {
        this.sideband = sideband;
        this.processes = processes;
    }

    /**
     * The task of queue ({@code cpu}, {@code tid}) at perf time {@code time}: for a per-CPU queue
     * ({@code cpu} >= 0) the thread on that CPU, else the queue's own thread.
     */
    public Task at(int cpu, int tid, long time) {
        int pid;
        int thread;
        if (cpu >= 0) {
            Optional<Sideband.RunningThread> t = sideband.threadOn(cpu, time);
            if (t.isEmpty()) {
                return new Task(-1, -1, ":-1");
            }
            pid = t.get().pid();
            thread = t.get().tid();
        } else {
            thread = tid;
            pid = processes.pidAt(cpu, tid, time);
        }
        String comm = sideband.commAt(thread, time).orElse(pid == 0 && thread == 0 ? "swapper" : ":" + thread);
        return new Task(pid, thread, comm);
    }
}
