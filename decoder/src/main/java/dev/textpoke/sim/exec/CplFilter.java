package dev.textpoke.sim.exec;

/**
 * Which privilege levels a tracer records, as perf's event modifiers choose them: {@code :k}
 * (IA32_RTIT_CTL.OS), {@code :u} (.USER), or both.
 */
public enum CplFilter {
    KERNEL, USER, BOTH;

    /** Whether code running at CPL 3 ({@code user}) or CPL 0 is recorded. */
    public boolean traces(boolean user) {
        return this == BOTH || (this == USER) == user;
    }

    /** perf's modifier: {@code k}, {@code u}, or empty. */
    public String perfModifier() {
        return this == KERNEL ? "k" : this == USER ? "u" : "";
    }
}
