package dev.textpoke.sim.truth;

/**
 * The first place where a decoded instruction stream differs from what a CPU executed.
 *
 * @param position  how many instructions of the filtered streams agreed before it
 * @param expected  what the CPU executed there, or null when the decode has more instructions
 * @param actualIp  what the decode says, or -1 when it ended early
 * @param previous  the last instruction both agree on, or null
 */
public record Mismatch(int cpu, long position, Executed expected, long actualIp, Executed previous) {
    @Override
    public String toString() {
        String want = expected == null ? "the end of the execution"
                : String.format("%x (%s) at tsc %d", expected.ip(), expected.insn().text(), expected.tsc());
        String got = actualIp == -1 ? "the end of the decode" : String.format("%x", actualIp);
        String after = previous == null ? "" : String.format(" after %x (%s)", previous.ip(), previous.insn().text());
        return String.format("cpu %d, instruction %d%s: executed %s, decoded %s", cpu, position, after, want, got);
    }
}
