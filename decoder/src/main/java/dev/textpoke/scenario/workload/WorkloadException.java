package dev.textpoke.scenario.workload;

/**
 * A workload cannot be compiled or scheduled as written: {@code line} is the scenario file line of
 * the statement at fault (the caller names the file).
 */
public final class WorkloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String problem;

    public WorkloadException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
        this.problem = problem;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
