package dev.textpoke.branches;

import dev.textpoke.perf.event.Event;
import java.util.List;

/**
 * A sample with a branch stack: where and when it was taken, and its entries, newest first (as the
 * kernel stores them: {@code branches.get(0)} is the last branch before the sample).
 *
 * @param index   the sample's place among the input's samples in file order, from 0
 * @param offset  where its record starts in the input
 * @param time    perf time in ns, or {@link #NO_TIME} when the event does not sample TIME
 * @param cpumode the record's cpumode ({@code PERF_RECORD_MISC_KERNEL} 1, {@code _USER} 2, ...)
 * @param hwIdx   the raw hardware index of the newest entry ({@code PERF_SAMPLE_BRANCH_HW_INDEX}),
 *                or -1 when not sampled or not known
 * @param event   the sample's event
 */
public record BranchSample(long index, long offset, int cpu, int pid, int tid, long time, long ip, int cpumode,
        StackMode mode, long hwIdx, Event event, List<Branch> branches) implements StackItem {
    public static final long NO_TIME = -1;

    public BranchSample {
        branches = List.copyOf(branches);
    }

    public boolean hasTime() {
        return time != NO_TIME;
    }

    /** How many entries the stack holds. */
    public int size() {
        return branches.size();
    }
}
