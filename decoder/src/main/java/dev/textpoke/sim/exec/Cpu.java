package dev.textpoke.sim.exec;

/** One simulated CPU's state. Fields are read and written directly by the {@link Executor}. */
final class Cpu {
    final int id;
    final CallStack stack;
    final Decider decider;

    long ip;
    boolean user;
    boolean interruptsEnabled = true;
    HaltReason halted;
    long retired;

    /** Clock: the TSC is {@code tscBase + (cycles - cyclesBase) * tscRatio / coreRatio}. */
    long cycles;
    long tsc;
    long tscBase;
    long cyclesBase;
    int coreRatio;
    final int tscRatio;

    long jitter;

    /** Scheduled interrupts and exceptions, sorted by time; the next is at {@code nextEvent}. */
    long[] eventTsc = new long[0];
    int[] eventVector = new int[0];
    boolean[] eventIsFault = new boolean[0];
    int nextEvent;
    /** Frequency changes, sorted by time. */
    long[] freqTsc = new long[0];
    int[] freqRatio = new int[0];
    int nextFreq;
    /** The earliest time at which an event or frequency change may be due: one comparison per step. */
    long nextCheck = Long.MAX_VALUE;

    Cpu(int id, int stackLimit, Decider decider, long startTsc, int tscRatio, long seed) {
        this.id = id;
        this.stack = new CallStack(stackLimit);
        this.decider = decider;
        this.tsc = startTsc;
        this.tscBase = startTsc;
        this.tscRatio = tscRatio;
        this.coreRatio = tscRatio;
        long j = seed ^ (0x94D049BB133111EBL * (id + 1));
        this.jitter = j == 0 ? 1 : j;
    }

    /** Advances the core clock by {@code n} cycles. */
    void advance(long n) {
        cycles += n;
        if (coreRatio == tscRatio) {
            tsc = tscBase + (cycles - cyclesBase);
        } else {
            tsc = tscBase + (cycles - cyclesBase) * tscRatio / coreRatio;
        }
    }

    /** Idles until the TSC reaches {@code target} (a halted core's clock is not modelled as stopped). */
    void idleUntil(long target) {
        if (target <= tsc) {
            return;
        }
        long needed = ((target - tscBase) * coreRatio + tscRatio - 1) / tscRatio;
        cycles = cyclesBase + needed;
        advance(0);
    }

    /** Changes the core ratio from now on. */
    void setCoreRatio(int ratio) {
        tscBase = tsc;
        cyclesBase = cycles;
        coreRatio = ratio;
    }

    /** Uniform in 0..max, from the CPU's xorshift stream. */
    int nextJitter(int max) {
        long x = jitter;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        jitter = x;
        return (int) (((x >>> 32) * (max + 1)) >>> 32);
    }

    void updateNextCheck() {
        long e = nextEvent < eventTsc.length ? eventTsc[nextEvent] : Long.MAX_VALUE;
        long f = nextFreq < freqTsc.length ? freqTsc[nextFreq] : Long.MAX_VALUE;
        nextCheck = Math.min(e, f);
    }
}
