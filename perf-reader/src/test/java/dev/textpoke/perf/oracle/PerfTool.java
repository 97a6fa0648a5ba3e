package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Runs the installed perf as an oracle: {@code PERF_CONFIG=/dev/null}, {@code LC_ALL=C} and an
 * empty {@code HOME} (no build-id cache, so nothing depends on this machine's symbols).
 *
 * <p>perf is a test dependency ({@code ./run-tests} installs Debian's {@code linux-perf}), so a
 * missing perf fails the test. Only with {@code -Dtextpoke.perf.offline=true} do the tests use
 * perf's committed outputs instead ({@code traces/expected/} for the recordings,
 * {@code ../shared/external-traces/_debian-perf-6.1-outputs/} for the external files); see
 * {@link #offline()}.
 */
public final class PerfTool {
    private static final long TIMEOUT_SECONDS = 300;

    private final Path home;

    private PerfTool(Path home) {
        this.home = home;
    }

    /** A perf runner with its own empty home below {@code tmp}. */
    public static PerfTool in(Path tmp) throws IOException {
        return new PerfTool(Files.createDirectories(tmp.resolve("perf-home")));
    }

    /** True when the tests must not run perf and use its committed outputs instead. */
    public static boolean offline() {
        return Boolean.getBoolean("textpoke.perf.offline");
    }

    /** What perf printed, and how it exited. */
    public record Result(int status, List<String> out, String err) {}

    /**
     * Runs {@code perf ARGS}; the caller decides whether a non-zero status is an error (perf exits
     * non-zero on files it reads only in part).
     */
    public Result run(String... args) throws IOException, InterruptedException {
        return run(line -> true, args);
    }

    /**
     * As {@link #run(String...)}, keeping only the output lines {@code keep} accepts: {@code perf
     * report -D} prints a hex dump of every record, which nothing here reads.
     */
    public Result run(Predicate<String> keep, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".txt");
        try {
            Result r = runToFile(out, args);
            // perf prints raw bytes of comm and file names; Latin-1 maps every byte to a char.
            try (Stream<String> lines = Files.lines(out, StandardCharsets.ISO_8859_1)) {
                return new Result(r.status(), lines.filter(keep).toList(), r.err());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs {@code perf ARGS} with its standard output written to {@code stdout} byte for byte
     * (what {@code perf inject -o -} writes is a perf.data stream, not text); the result has no
     * output lines.
     */
    public Result runToFile(Path stdout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("HOME", home.toString());
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("perf " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        try {
            return new Result(p.exitValue(), List.of(), Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /**
     * {@code perf report -D -i FILE}, parsed (whatever the exit status: see {@link Result}). Kept
     * for the rest of the test run: several test classes ask about the same files, and perf's
     * dump of a megabyte file takes seconds.
     */
    public PerfReportDump reportDump(Path file) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        PerfReportDump dump = DUMPS.get(key);
        if (dump == null) {
            dump = PerfReportDump.parse(run(line -> !line.startsWith(". "), "report", "-D", "-i", file.toString()).out());
            DUMPS.put(key, dump);
        }
        return dump;
    }

    /** The dumps made so far in this JVM (a cache of an external program's output, not state). */
    private static final Map<Path, PerfReportDump> DUMPS = new ConcurrentHashMap<>();

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path perf = Path.of(dir.isEmpty() ? "." : dir, "perf");
            if (Files.isExecutable(perf)) {
                return perf.toString();
            }
        }
        return fail("perf is not installed: it is the oracle of these tests. Install it with"
                + " scripts/ensure-deps test (Debian package linux-perf), or run with"
                + " -Dtextpoke.perf.offline=true to compare with perf's committed outputs");
    }
}
