package dev.textpoke.pt.oracle;

import dev.textpoke.perf.oracle.TraceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * libipt as an oracle: the C harness {@code decoder/src/test/c/ptharness.c} (its output formats are
 * described at its top), built with {@code make} against Debian's libipt-dev 2.0.5 into
 * {@code decoder/target/ptharness/} on first use (make rebuilds it when the source changes). A
 * missing gcc or libipt-dev fails the test: {@code ./run-tests} installs them.
 *
 * <p>Modes: {@link #packets} (pt_pkt_decoder), {@link #insn} (pt_insn_decoder as ptxed drives it),
 * and {@code insn-count}/{@code blk-count} through {@link #run} (tight decode loops, for benchmarks).
 */
public final class LibiptHarness {
    private static final long TIMEOUT_SECONDS = 600;

    private final Path binary;

    private LibiptHarness(Path binary) {
        this.binary = binary;
    }

    /** Builds the harness if needed. */
    public static LibiptHarness build() throws IOException, InterruptedException {
        Path root = TraceFiles.root();
        Path src = root.resolve("decoder/src/test/c");
        Path out = root.resolve("decoder/target/ptharness");
        Result r = exec(List.of("make", "--no-print-directory", "-s", "-C", src.toString(), "OUT=" + out), null);
        if (r.status() != 0) {
            throw new IOException("building the libipt harness failed (gcc and libipt-dev are needed;"
                    + " ./run-tests installs them):\n" + r.err());
        }
        return new LibiptHarness(out.resolve("ptharness"));
    }

    /** The harness executable. */
    public Path binary() {
        return binary;
    }

    /** {@code ptharness packets CONFIG... TRACE}: the lines for one trace. */
    public List<String> packets(Path trace, String... config) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(config));
        args.add(trace.toString());
        return run("packets", args);
    }

    /**
     * {@code ptharness packets TRACE...} for many traces in one run: the lines of each, in order.
     */
    public List<List<String>> packets(List<Path> traces) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        traces.forEach(t -> args.add(t.toString()));
        List<String> lines = run("packets", args);
        List<List<String>> out = new ArrayList<>();
        if (traces.size() == 1) {
            out.add(lines);
            return out;
        }
        List<String> current = null;
        int next = 0;
        for (String l : lines) {
            if (l.startsWith("trace ")) {
                if (!l.equals("trace " + traces.get(next))) {
                    throw new IOException("harness output out of order at " + l);
                }
                next++;
                current = new ArrayList<>();
                out.add(current);
            } else if (current == null) {
                throw new IOException("harness output before the first trace: " + l);
            } else {
                current.add(l);
            }
        }
        if (out.size() != traces.size()) {
            throw new IOException("harness printed " + out.size() + " traces of " + traces.size());
        }
        return out;
    }

    /** {@code ptharness insn CONFIG... TRACE IMAGE@ADDR...}. */
    public List<String> insn(Path trace, List<String> config, List<String> images)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(config);
        args.add(trace.toString());
        args.addAll(images);
        return run("insn", args);
    }

    /**
     * {@code ptharness insn-batch}: one {@code insn} run per argument list ({@code CONFIG... TRACE
     * IMAGE@ADDR...}, no spaces inside an argument), in one process; the lines of each, in order.
     */
    public List<List<String>> insnBatch(List<List<String>> runs) throws IOException, InterruptedException {
        Path list = Files.createTempFile("ptharness", ".list");
        try {
            List<String> lines = new ArrayList<>();
            for (List<String> r : runs) {
                for (String a : r) {
                    if (a.isEmpty() || a.chars().anyMatch(Character::isWhitespace)) {
                        throw new IllegalArgumentException("a batch argument without spaces: '" + a + "'");
                    }
                }
                lines.add(String.join(" ", r));
            }
            Files.write(list, lines, StandardCharsets.ISO_8859_1);
            List<List<String>> out = new ArrayList<>();
            for (String l : run("insn-batch", List.of(list.toString()))) {
                if (l.equals("trace " + (out.size() + 1))) {
                    out.add(new ArrayList<>());
                } else if (out.isEmpty()) {
                    throw new IOException("harness output before the first trace: " + l);
                } else {
                    out.get(out.size() - 1).add(l);
                }
            }
            if (out.size() != runs.size()) {
                throw new IOException("harness printed " + out.size() + " traces of " + runs.size());
            }
            return out;
        } finally {
            Files.deleteIfExists(list);
        }
    }

    /** Any mode; a non-zero exit fails. */
    public List<String> run(String mode, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add(mode);
        command.addAll(args);
        Result r = exec(command, Files.createTempFile("ptharness", ".out"));
        if (r.status() != 0) {
            throw new IOException("ptharness " + mode + " exited " + r.status() + ": " + r.err());
        }
        return r.out();
    }

    private record Result(int status, List<String> out, String err) {}

    private static Result exec(List<String> command, Path outFile) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("LC_ALL", "C");
        Path out = outFile != null ? outFile : Files.createTempFile("ptharness-build", ".out");
        Path err = Files.createTempFile("ptharness", ".err");
        try {
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
