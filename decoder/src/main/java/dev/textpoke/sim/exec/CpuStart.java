package dev.textpoke.sim.exec;

/** Where a CPU starts: its first instruction, and whether it runs at CPL 3 there. */
public record CpuStart(long ip, boolean user) {
    public static CpuStart kernel(long ip) {
        return new CpuStart(ip, false);
    }

    public static CpuStart user(long ip) {
        return new CpuStart(ip, true);
    }
}
