package dev.textpoke.scenario.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulated CPUs run: named functions of {@link Stmt}s, what each CPU runs forever, and
 * the interrupts each CPU takes. The same workload compiles to x86-64 and A64, so one scenario runs
 * under every protocol.
 *
 * @param functions  by name, in the order they were given (the first is laid out first)
 * @param cpus       per CPU, the function it calls in an endless loop
 * @param interrupts the interrupts of every CPU
 */
public record Workload(Map<String, Function> functions, List<String> cpus, List<Irq> interrupts) {
    public Workload {
        functions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(functions));
        cpus = List.copyOf(cpus);
        interrupts = List.copyOf(interrupts);
    }

    /** A function: its statements, then a return. */
    public record Function(String name, List<Stmt> body, int line) {
        public Function {
            body = List.copyOf(body);
        }
    }

    /**
     * An interrupt on {@code cpu} at {@code at} ticks after the start (or, with {@code batch} at
     * least 0, {@code at} ticks after that schedule entry's start), whose handler calls {@code
     * handler} (a workload function, or null for a handler that only returns); {@code every}
     * above 0 repeats it until the end.
     */
    public record Irq(int cpu, long at, int batch, long every, String handler, int line) {}
}
