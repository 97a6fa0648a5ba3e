package dev.textpoke.branches;

/** What reading a perf.data's branch stacks yields: a sample with its stack, or a damaged one. */
public sealed interface StackItem permits BranchSample, DamagedStack {
    /** The sample's place among the input's samples in file order, from 0. */
    long index();

    /** Where the sample's record starts in the input. */
    long offset();
}
