package dev.textpoke.pt.perf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs perf on a pipe-mode perf.data fed through a real pipe ({@code perf ... -i -}), with {@code
 * PERF_CONFIG=/dev/null}, {@code LC_ALL=C} and an empty {@code HOME}, as {@code
 * dev.textpoke.perf.oracle.PerfTool} runs it otherwise.
 *
 * <p>Why a pipe: perf 6.1 reads the trace bytes after a pipe-mode AUXTRACE record only from a
 * pipe. Given the same bytes as a file ({@code -i FILE}, or a file on standard input) it decodes
 * the first AUXTRACE's bytes and then reads them again as records ("bad event header size",
 * "unexpected end of event stream"): that is why its dump of quipper's piped Intel PT file stops
 * after the first AUXTRACE, while {@code cat FILE | perf report -D -i -} lists both.
 */
public final class PerfViaPipe {
    private PerfViaPipe() {}

    public record Result(int status, List<String> out, String err) {}

    public static Result run(Path home, Path input, String... args) throws IOException, InterruptedException {
        Files.createDirectories(home);
        List<String> command = new ArrayList<>(List.of("perf"));
        command.addAll(List.of(args));
        command.addAll(List.of("-i", "-"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("HOME", home.toString());
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            Files.copy(input, in);
        } catch (IOException e) {
            // perf may stop reading early; what it printed still tells why.
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("perf " + String.join(" ", args) + " did not finish");
        }
        try {
            return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
