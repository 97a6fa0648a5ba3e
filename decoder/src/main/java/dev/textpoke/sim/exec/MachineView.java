package dev.textpoke.sim.exec;

/**
 * The state of the simulated machine a listener may read during a callback: each CPU's clock as
 * of the event being reported.
 */
public interface MachineView {
    int cpus();

    /** Core clock cycles CPU {@code cpu} has run (since the simulation started) at the event. */
    long cycles(int cpu);

    /** The TSC of CPU {@code cpu} at the event. */
    long tsc(int cpu);

    /** The current core:bus ratio of CPU {@code cpu} (its CBR). */
    int coreRatio(int cpu);

    /** The clock configuration: TSC rate, start time. */
    ClockConfig clock();

    /** Whether CPU {@code cpu} is at CPL 3 at the event. */
    boolean user(int cpu);
}
