package dev.textpoke.branches;

/**
 * One range of a walked stack: where it starts and ends, which entry's branch ends it, when it ran
 * as far as the sample says, and what walking it found.
 *
 * @param entry the entry whose branch ends the range ({@code -1} for {@link RangeKind#FINAL}, which
 *              ends at the sample's ip); for {@link RangeKind#OLDEST_BRANCH} the oldest entry
 * @param lo    the earliest time the range can have run ({@code Long.MIN_VALUE}: unknown)
 * @param hi    the latest
 * @param joined for a range between entries that goes from one privilege level to the other (a
 *              ring filter dropped the branch that crossed, e.g. into the kernel: only the way
 *              back was recorded), the walk on to the next entry's source, as perf's brstackinsn
 *              joins the two ranges ({@code end = entries[--i].from}); else null
 */
public record WalkedRange(RangeKind kind, int entry, long start, long end, long lo, long hi, RangeResult result,
        RangeResult joined) {}
