package dev.textpoke.branches;

import java.util.List;

/**
 * A sample's branch stack with its ranges walked, oldest first: the oldest entry's branch, the
 * ranges between entries, the final block up to the sample's ip. A stack that is not a history of
 * every taken branch is not walked: {@code notWalked} says why, and {@code ranges} is empty.
 */
public record WalkedStack(BranchSample sample, NotWalked notWalked, List<WalkedRange> ranges) {
    /** Why a stack's ranges were not walked. */
    public enum NotWalked {
        /** An LBR call-stack mode stack: the hardware's call stack, not consecutive branches. */
        CALL_STACK,
        /** The event records only some kinds of branch: consecutive entries enclose taken branches. */
        FILTERED,
        /** The stack has no entries. */
        EMPTY
    }

    public WalkedStack {
        ranges = List.copyOf(ranges);
    }

    /** Whether some range of known code can have run in no version of it. */
    public boolean inconsistent() {
        for (WalkedRange r : ranges) {
            if (r.result().inconsistent()) {
                return true;
            }
        }
        return false;
    }
}
