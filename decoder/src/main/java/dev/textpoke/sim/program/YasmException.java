package dev.textpoke.sim.program;

import java.io.IOException;

/**
 * yasm refused a program: {@code line} is the source line of its first error (0 when it named
 * none), {@code problem} its message without the file and line.
 */
public final class YasmException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String problem;

    public YasmException(int line, String problem) {
        super(line > 0 ? "line " + line + ": " + problem : problem);
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
