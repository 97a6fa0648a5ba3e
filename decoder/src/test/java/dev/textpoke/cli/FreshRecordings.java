package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.perf.oracle.PerfTool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recordings made on this machine while the tests run, so that the recorded program, its
 * libraries and the kernel are all here to be named: perf record (with {@link PerfTool}'s empty
 * home, whose build-id cache then holds what perf record saw) running {@code
 * traces/record/workload.c}, compiled here as {@code traces/record/record.sh} compiles it.
 */
public final class FreshRecordings {
    private final Path dir;
    private final PerfTool perf;
    private final Path workload;

    private FreshRecordings(Path dir, PerfTool perf, Path workload) {
        this.dir = dir;
        this.perf = perf;
        this.workload = workload;
    }

    /** Compiles the workload into {@code dir}. */
    public static FreshRecordings in(Path dir) throws IOException, InterruptedException {
        return in(dir, "-fno-omit-frame-pointer");
    }

    /** Compiles the workload into {@code dir} with {@code -fno-omit-frame-pointer} or {@code -fomit-frame-pointer}. */
    public static FreshRecordings in(Path dir, String framePointers) throws IOException, InterruptedException {
        Path w = dir.resolve("workload");
        Process gcc = new ProcessBuilder("gcc", "-O2", framePointers, "-g", "-o", w.toString(),
                TestTraces.root().resolve("traces/record/workload.c").toString()).inheritIO().start();
        gcc.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, gcc.exitValue(), "gcc (a test dependency: scripts/ensure-deps test)");
        return new FreshRecordings(dir, PerfTool.in(dir), w);
    }

    public PerfTool perf() {
        return perf;
    }

    public Path workload() {
        return workload;
    }

    /** perf's build-id cache, in the home {@link PerfTool} gives perf. */
    public Path buildIdDir() {
        return dir.resolve("perf-home").resolve(".debug");
    }

    /** {@code perf record -q -o NAME OPTIONS -- workload MS}; returns the file. */
    public Path record(String name, List<String> options, int milliseconds) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("record", "-q", "-o", out.toString()));
        args.addAll(options);
        args.add("--");
        args.add(workload.toString());
        args.add(Integer.toString(milliseconds));
        PerfTool.Result r = perf.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), "perf record: " + r.err());
        return out;
    }

    /** {@code perf script --ns ARGS}'s lines (perf prints microseconds without --ns; textpoke always ns). */
    public List<String> script(String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("script", "--ns"));
        a.addAll(List.of(args));
        PerfTool.Result r = perf.run(a.toArray(String[]::new));
        assertEquals(0, r.status(), "perf script: " + r.err());
        return r.out();
    }

    /**
     * {@code textpoke samples --buildid-dir CACHE OPTIONS FILE} prints what {@code perf script --ns
     * OPTIONS -i FILE} prints, line for line, with the same build-id cache; returns perf's lines.
     */
    public List<String> assertSamplesAsPerfScript(Path file, List<String> options) throws IOException, InterruptedException {
        List<String> perfArgs = new ArrayList<>(options);
        perfArgs.addAll(List.of("-i", file.toString()));
        List<String> perf = script(perfArgs.toArray(String[]::new));
        List<String> args = new ArrayList<>(List.of("samples", "--buildid-dir", buildIdDir().toString()));
        args.addAll(options);
        args.add(file.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> ours = run.out().lines().toList();
        for (int i = 0; i < Math.min(perf.size(), ours.size()); i++) {
            assertEquals(perf.get(i), ours.get(i), file.getFileName() + " " + options + " line " + (i + 1));
        }
        assertEquals(perf.size(), ours.size(), "lines");
        return perf;
    }
}
