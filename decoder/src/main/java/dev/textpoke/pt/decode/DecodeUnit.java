package dev.textpoke.pt.decode;

import dev.textpoke.pt.time.PacketClock;
import java.io.Serializable;
import java.util.List;

/**
 * A piece of one queue's trace that decodes on its own: it starts at a PSB (or at the start of
 * trace that follows a gap), with the clock as it was there, and ends where the next unit's PSB+
 * ends: its own decoding stops once it has walked to the IP that PSB+ gives, and the next unit
 * starts from it. At a PSB the decoder's state is the PSB+'s (IP, mode, an empty return stack,
 * and time past every earlier switch), so units decode in any order, in any thread, or on another
 * machine, and their outputs joined in order are the queue's.
 *
 * <p>A plain serialisable value: the bytes are named by file and offset, not held.
 *
 * @param queue the queue's number
 * @param cpu the queue's CPU (-1 in per-thread mode)
 * @param tid the queue's thread (-1 in per-CPU mode): whose user space the trace runs in
 * @param index the unit's place in the queue, from 0
 * @param spans where its bytes are, in order
 * @param length the bytes in all spans
 * @param stopAt offset (in the unit's bytes) of the next unit's PSB, after whose PSB+ decoding
 *     stops; -1 to decode to the end
 * @param continues whether the unit continues the previous one's stream (false for the first and
 *     after lost trace, when the clock starts again from {@code reference})
 * @param reference the TSC reference of the first piece, for the 7-byte TSC packets
 * @param clock the clock at the start, when {@code continues}
 * @param startTime perf time at the start (its PSB's TSC), {@link Long#MIN_VALUE} when not known
 * @param endTime perf time at the next unit's PSB, {@link Long#MAX_VALUE} when not known
 * @param lostBefore what was lost just before this unit, or null
 */
public record DecodeUnit(int queue, int cpu, int tid, int index, List<Span> spans, int length, int stopAt, boolean continues,
        long reference, PacketClock.State clock, long startTime, long endTime, String lostBefore)
        implements Serializable {

    /** {@code length} bytes of {@code input} from {@code fileOffset}; {@code pieceOffset} in its AUXTRACE piece. */
    public record Span(String input, long fileOffset, int length, long recordOffset) implements Serializable {}

    public DecodeUnit {
        spans = List.copyOf(spans);
    }

    /** The file offset of byte {@code offset} of the unit, or -1. */
    public long fileOffset(long offset) {
        long at = 0;
        for (Span s : spans) {
            if (offset < at + s.length()) {
                return s.fileOffset() + (offset - at);
            }
            at += s.length();
        }
        return -1;
    }
}
