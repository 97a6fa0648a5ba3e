package dev.textpoke.pt.flow;

/**
 * Where a code modification took effect in one CPU's flow, when the timing packets alone could
 * not say: its switch time lay inside the time bounds of an instruction that reads its bytes.
 *
 * @param time the decode's time (perf ns) at the visit: the time printed with its instructions
 * @param switchTime the modification's time (perf ns)
 * @param ip the instruction address at the visit where the decoder considered the switch
 * @param offset the trace offset of the event being decoded at that visit
 * @param newVersion whether the new code was chosen at that visit
 * @param byPackets whether the packets decided (exactly one candidate reproduced them); false
 *     when several did and the time estimate chose, and the instructions are marked ambiguous
 * @param beforeTimestamp whether the new code was chosen while the trace's timestamp was still
 *     before the switch time: where a decoder that switches by timestamp alone (perf) reads the
 *     old code
 */
public record Placement(long time, long switchTime, long ip, long offset, boolean newVersion, boolean byPackets,
        boolean beforeTimestamp) {}
