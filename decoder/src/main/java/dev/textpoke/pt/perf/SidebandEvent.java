package dev.textpoke.pt.perf;

import dev.textpoke.io.Bytes;

/**
 * The records a branch-trace decoder needs besides the trace, as plain values: each with the
 * perf time, CPU and thread of its {@code sample_id} (-1 when the attr does not give them) and the
 * offset of its record. What perf 6.1 does with each ({@code perf_session__deliver_event}: the
 * auxtrace hook, {@code intel_pt_process_event}, sees the record first, then the machine is
 * updated; tools/perf/util/session.c, intel-pt.c, machine.c) is said per type.
 */
public sealed interface SidebandEvent permits SidebandEvent.Mmap, SidebandEvent.Comm, SidebandEvent.Fork,
        SidebandEvent.Exit, SidebandEvent.Ksymbol, SidebandEvent.BpfEvent, SidebandEvent.TextPoke,
        SidebandEvent.ItraceStart, SidebandEvent.Switch, SidebandEvent.Lost, AuxWrite {

    /** perf time in ns, -1 when the record has none. */
    long time();

    /** The CPU of the record's sample_id, -1 when it has none. */
    int cpu();

    /** Where the record starts in its input. */
    long recordOffset();

    /**
     * MMAP or MMAP2: a file (or [kernel.kallsyms]_text, a module, [vdso]) mapped at {@code addr}.
     * perf adds a map to the thread's (or the kernel's) maps; instruction walking then reads the
     * mapped file at {@code pgoff + (ip - addr)}. {@code --show-mmap-events} prints it.
     *
     * @param mmap2    an MMAP2 record (then {@code prot}, {@code flags} and the file identity are set)
     * @param cpumode  misc's cpumode: 1 kernel, 2 user
     * @param data     misc MMAP_DATA: a data mapping, not code
     * @param buildId  the build id an MMAP2 carries (misc MMAP_BUILD_ID), else empty
     */
    record Mmap(long time, int cpu, int pid, int tid, long addr, long len, long pgoff, String filename, boolean mmap2,
            int cpumode, boolean data, long prot, long flags, long maj, long min, long ino, Bytes buildId,
            long recordOffset) implements SidebandEvent {
        /** PROT_READ | PROT_EXEC, and MAP_PRIVATE: how a program's code is mapped. */
        public static final long PROT_RX = 0x5;
        public static final long MAP_PRIVATE = 0x2;

        /**
         * An MMAP2 of user code, as the kernel writes it when {@code pid}/{@code tid} maps
         * {@code filename}'s bytes from {@code pgoff} at {@code addr} (no file identity: perf then
         * reads the file at its path).
         */
        public static Mmap userCode(long time, int cpu, int pid, int tid, long addr, long len, long pgoff,
                String filename) {
            return new Mmap(time, cpu, pid, tid, addr, len, pgoff, filename, true, 2, false, PROT_RX, MAP_PRIVATE, 0,
                    0, 0, Bytes.EMPTY, -1);
        }
    }

    /**
     * COMM: thread {@code tid} of {@code pid} is now called {@code name} ({@code exec}: because it
     * exec'd). perf sets the thread's comm; {@code --show-task-events} prints it.
     */
    record Comm(long time, int cpu, int pid, int tid, String name, boolean exec, long recordOffset)
            implements SidebandEvent {
        public static Comm of(long time, int cpu, int pid, int tid, String name) {
            return new Comm(time, cpu, pid, tid, name, false, -1);
        }
    }

    /** FORK: a new thread; perf clones the parent's maps into it. */
    record Fork(long time, int cpu, int pid, int ppid, int tid, int ptid, long recordOffset) implements SidebandEvent {}

    /**
     * EXIT: a thread ended. Without timestamps perf decodes the queue of that thread here ({@code
     * intel_pt_process_timeless_queues}).
     */
    record Exit(long time, int cpu, int pid, int ppid, int tid, int ptid, long recordOffset) implements SidebandEvent {}

    /**
     * KSYMBOL: kernel code appeared (or, {@code unregister}, went) at {@code addr}: a BPF program
     * (type 1), an out-of-line trampoline (type 2: kprobe insn slots, ftrace and BPF trampolines).
     * perf adds (removes) a kernel map with one symbol; {@code --show-bpf-events} prints it.
     */
    record Ksymbol(long time, int cpu, long addr, long len, int ksymType, boolean unregister, String name,
            long recordOffset) implements SidebandEvent {
        public static final int TYPE_BPF = 1;
        public static final int TYPE_OOL = 2;

        public static Ksymbol of(long time, int cpu, long addr, long len, int ksymType, boolean unregister,
                String name) {
            return new Ksymbol(time, cpu, addr, len, ksymType, unregister, name, -1);
        }
    }

    /**
     * BPF_EVENT: a BPF program loaded (type 1) or unloaded (2). perf reads its JIT image from the
     * BPF_PROG_INFO feature into a DSO, so the code a KSYMBOL announced can be walked.
     */
    record BpfEvent(long time, int cpu, int bpfType, int flags, long id, Bytes tag, long recordOffset)
            implements SidebandEvent {}

    /**
     * TEXT_POKE: the kernel replaced {@code oldBytes} at {@code addr} with {@code newBytes}. perf's
     * Intel PT decoder first decodes every queue up to this time, drops its cached walks over the
     * bytes ({@code intel_pt_text_poke}), then {@code machine__process_text_poke} writes the new bytes
     * into its copy of the kernel; {@code --show-text-poke-events} prints it.
     */
    record TextPoke(long time, int cpu, long addr, Bytes oldBytes, Bytes newBytes, long recordOffset)
            implements SidebandEvent {
        public static TextPoke of(long time, int cpu, long addr, Bytes oldBytes, Bytes newBytes) {
            return new TextPoke(time, cpu, addr, oldBytes, newBytes, -1);
        }
    }

    /**
     * ITRACE_START: tracing started on a CPU for thread {@code tid} of {@code pid} (the record's
     * body, not its sample_id). In per-CPU mode perf makes it the CPU's current thread ({@code
     * intel_pt_process_itrace_start}).
     */
    record ItraceStart(long time, int cpu, int pid, int tid, long recordOffset) implements SidebandEvent {
        public static ItraceStart of(long time, int cpu, int pid, int tid) {
            return new ItraceStart(time, cpu, pid, tid, -1);
        }
    }

    /**
     * SWITCH (a task's own, {@code cpuWide} false) or SWITCH_CPU_WIDE: a context switch on {@code
     * cpu}. {@code pid}/{@code tid} are the sample_id's: the task switching out ({@code out}) or
     * in. A CPU-wide record also names the other task ({@code nextPrevPid}/{@code nextPrevTid}: the
     * next one when {@code out}, the previous one when in). perf's {@code intel_pt_context_switch}
     * sets the CPU's current thread from it; {@code --show-switch-events} prints it.
     */
    record Switch(long time, int cpu, int pid, int tid, boolean out, boolean preempt, boolean cpuWide,
            int nextPrevPid, int nextPrevTid, long recordOffset) implements SidebandEvent {
        /**
         * A CPU-wide switch out of {@code pid}/{@code tid} to {@code nextPid}/{@code nextTid}, as
         * {@code perf record -a} gets them ({@code preempt}: the task was still runnable).
         */
        public static Switch out(long time, int cpu, int pid, int tid, int nextPid, int nextTid, boolean preempt) {
            return new Switch(time, cpu, pid, tid, true, preempt, true, nextPid, nextTid, -1);
        }

        /** A CPU-wide switch into {@code pid}/{@code tid} from {@code prevPid}/{@code prevTid}. */
        public static Switch in(long time, int cpu, int pid, int tid, int prevPid, int prevTid) {
            return new Switch(time, cpu, pid, tid, false, false, true, prevPid, prevTid, -1);
        }
    }

    /**
     * LOST: the kernel dropped {@code lost} records of event {@code id} (its ring buffer was full):
     * sideband may be missing. perf counts them and warns at the end.
     */
    record Lost(long time, int cpu, long id, long lost, long recordOffset) implements SidebandEvent {}
}
