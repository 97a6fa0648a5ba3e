package dev.textpoke.branches;

/**
 * What walking one range of a branch stack found, over the versions its code may have had while it
 * ran.
 *
 * @param walk      the walk kept: the one version that explains the recorded branches best; when
 *                  none can, the code as it was at the sample's time (what perf reads)
 * @param status    what {@code walk} says of the range
 * @param versions  how many different walks the versions possible in the range's time bounds give
 * @param crossing  whether {@code versions > 1}: a modification changed this range's instructions
 *                  within the time it may have run
 * @param corrected whether {@code walk} differs from the code at the sample's time: where a reader
 *                  that uses the sample's time for the whole stack (perf) shows other instructions
 * @param ambiguous whether more than one different walk explains the branches equally well: {@code
 *                  walk} is then one of them
 * @param atSample  the walk of the code at the sample's time
 */
public record RangeResult(Walk walk, WalkStatus status, int versions, boolean crossing, boolean corrected,
        boolean ambiguous, Walk atSample) {

    /** Whether some version of the code can have run here (false also when the code is unknown). */
    public boolean consistent() {
        return status.possible();
    }

    /** Whether no version of the code can have run here, although the code is known. */
    public boolean inconsistent() {
        return !status.possible() && !status.unknown();
    }
}
