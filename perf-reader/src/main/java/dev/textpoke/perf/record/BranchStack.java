package dev.textpoke.perf.record;

import dev.textpoke.io.U64s;
import java.util.List;

/**
 * A sample's BRANCH_STACK: {@code {u64 nr; [u64 hw_idx]; {u64 from, to, flags}[nr]; [u64
 * counters[nr]]}}, newest branch first. {@code hw_idx} is there when the attr's branch_sample_type
 * has HW_INDEX ({@code hasHwIdx}); counters when the event's group asks for them.
 */
public record BranchStack(boolean hasHwIdx, long hwIdx, List<BranchEntry> entries, U64s counters) {
    public BranchStack {
        entries = List.copyOf(entries);
        counters = counters == null ? U64s.EMPTY : counters;
    }
}
