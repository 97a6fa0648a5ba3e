package dev.textpoke.pt.flow;

import dev.textpoke.pt.PtError;

/**
 * Something the decoder reports instead of hiding: a decode error, a gap in the code, an
 * overflow, lost data, a resynchronisation. Decoding goes on after each.
 *
 * @param kind in libipt's vocabulary ({@link PtError})
 * @param offset the trace offset of the packet concerned, in the buffer
 * @param time perf time (ns) at that point, or 0 when the trace had given no time yet
 * @param ip the instruction address concerned, or 0
 * @param detail what happened, for people
 */
public record DecodeIssue(PtError kind, long offset, long time, long ip, String detail) {

    /** Whether the issue means the decoded flow and the trace disagree (not a gap or a loss). */
    public boolean isMismatch() {
        return switch (kind) {
            case BAD_QUERY, RETSTACK_EMPTY, BAD_RETCOMP, BAD_STATUS_UPDATE, BAD_CONTEXT, NO_ENABLE -> true;
            default -> false;
        };
    }
}
