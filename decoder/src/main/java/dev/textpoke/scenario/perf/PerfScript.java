package dev.textpoke.scenario.perf;

import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.scenario.score.Decoded;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * perf's own decode of a perf.data, every instruction: {@code PERF_CONFIG=/dev/null perf script
 * --itrace=i0ns --ns -F cpu,time,ip,sym,symoff,insn -i DATA} (with {@code LC_ALL=C} and an empty
 * {@code HOME}, so that no build-id cache or configuration of this machine plays a part). perf
 * switches its copy of the kernel's code when its timestamp reaches each TEXT_POKE ({@code
 * intel_pt_process_event}: every queue decoded up to the record's time, then the bytes written).
 */
public final class PerfScript {
    private static final long TIMEOUT_SECONDS = 300;
    private static final Pattern LINE = Pattern.compile(
            "^\\s*\\[(-?\\d+)\\]\\s+(\\d+)\\.(\\d{9}):\\s+([0-9a-f]+) (\\S+)\\s+insn: ([0-9a-f ]+?)\\s*$");

    private PerfScript() {}

    /** The command line, as shown to users. */
    public static List<String> command(Path data) {
        return List.of("perf", "script", "--itrace=i0ns", "--ns", "-F", "cpu,time,ip,sym,symoff,insn", "-i",
                data.toString());
    }

    /** Whether a {@code perf} is on the PATH. */
    public static boolean available() {
        return executable() != null;
    }

    /**
     * Runs perf and returns the instructions of each CPU, with their times converted to TSC.
     *
     * @throws IOException when perf cannot run or fails
     */
    public static Map<Integer, List<Decoded>> run(Path data, Path home, TscConversion tsc) throws IOException {
        String exe = executable();
        if (exe == null) {
            throw new IOException("perf is not installed (Debian package linux-perf)");
        }
        List<String> cmd = new ArrayList<>(command(data));
        cmd.set(0, exe);
        Files.createDirectories(home);
        Path out = Files.createTempFile(home, "perf", ".out");
        Path err = Files.createTempFile(home, "perf", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("PERF_CONFIG", "/dev/null");
            pb.environment().put("LC_ALL", "C");
            pb.environment().put("HOME", home.toString());
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("perf script did not finish in " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while perf ran", e);
            }
            if (p.exitValue() != 0) {
                throw new IOException("perf script exited " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.ISO_8859_1).strip());
            }
            Map<Integer, List<Decoded>> byCpu = new TreeMap<>();
            try (var lines = Files.lines(out, StandardCharsets.ISO_8859_1)) {
                lines.forEach(l -> {
                    Matcher m = LINE.matcher(l);
                    if (m.find()) {
                        long ns = Long.parseLong(m.group(2)) * 1_000_000_000L + Long.parseLong(m.group(3));
                        byCpu.computeIfAbsent(Integer.parseInt(m.group(1)), c -> new ArrayList<>()).add(new Decoded(
                                Long.parseUnsignedLong(m.group(4), 16), m.group(6).replace(" ", ""), false, tsc.toTsc(ns)));
                    }
                });
            }
            return byCpu;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path perf = Path.of(dir.isEmpty() ? "." : dir, "perf");
            if (Files.isExecutable(perf)) {
                return perf.toString();
            }
        }
        return null;
    }
}
