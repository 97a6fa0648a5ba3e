package dev.textpoke.pt.flow;

/**
 * Where the flow decoder gets its code: the block starting at an address as it was at a time.
 * {@link BlockCache} over the kernel's {@code CodeTimeline} is one; a composite adds user-space
 * code of the process running at the time.
 */
@FunctionalInterface
public interface CodeBlocks {
    Block at(long ip, long time);
}
