package dev.textpoke.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.TraceRecipe;
import dev.textpoke.sim.truth.Executed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code textpoke simulate} and the traces {@code traces/pt/generate.sh} makes with it: each
 * command of the script, run here, writes exactly the committed bytes (their sha256 in
 * SHA256SUMS); perf 6.1 decodes each committed trace to exactly the instructions its run
 * executed, except {@code coarse-pokes.data}, where perf is late with the pokes; bad options exit 2.
 */
class SimulateCommandTest {
    @TempDir
    static Path tmp;
    private static PerfTool perf;
    private static final Path PT = TraceFiles.root().resolve("traces/pt");
    private static final Pattern SIM = Pattern.compile("^sim (\\S+) (.*)$");

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
    }

    /** The {@code sim NAME ARGS} lines of generate.sh, in order (the big trace's under {@code "$dir"}). */
    static Map<String, List<String>> allCommands() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PT.resolve("generate.sh"))) {
            Matcher m = SIM.matcher(line.trim());
            if (m.matches()) {
                out.put(m.group(1), List.of(m.group(2).trim().split("\\s+")));
            }
        }
        return out;
    }

    /** The committed traces' commands. */
    static Map<String, List<String>> commands() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>(allCommands());
        out.keySet().removeIf(k -> !k.endsWith(".data"));
        return out;
    }

    static Map<String, String> sha256s(Path dir, String prefix) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                out.put(prefix + dir.relativize(f).toString().replace('\\', '/'), HexFormat.of().formatHex(h));
            }
        }
        return out;
    }

    static Map<String, String> committedSums() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PT.resolve("SHA256SUMS"))) {
            String[] f = line.split("\\s+", 2);
            out.put(f[1].replaceFirst("^\\./", ""), f[0]);
        }
        return out;
    }

    /** The recipe of one of the script's commands. */
    static TraceRecipe recipe(List<String> args) {
        SimulateCommand c = new SimulateCommand();
        List<String> all = new ArrayList<>(List.of("-o", "unused"));
        all.addAll(args);
        new CommandLine(c).parseArgs(all.toArray(String[]::new));
        return c.recipe();
    }

    @Test
    void everyCommandOfTheScriptWritesTheCommittedBytes() throws Exception {
        Map<String, List<String>> commands = commands();
        assertEquals(List.of("kernel.data", "pokes.data", "coarse-pokes.data", "user.data", "cyc.data"),
                List.copyOf(commands.keySet()));
        Map<String, String> committed = committedSums();
        Map<String, String> made = new LinkedHashMap<>();
        for (var e : commands.entrySet()) {
            Path out = tmp.resolve("made").resolve(e.getKey());
            List<String> args = new ArrayList<>(List.of("simulate", "-o", out.toString()));
            args.addAll(e.getValue());
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("wrote " + out), r.out());
            made.putAll(sha256s(out, e.getKey() + "/"));
        }
        assertEquals(committed, made);
        // And the committed files are what SHA256SUMS says.
        Map<String, String> onDisk = new LinkedHashMap<>();
        for (String name : commands.keySet()) {
            onDisk.putAll(sha256s(PT.resolve(name), name + "/"));
        }
        assertEquals(committed, onDisk);
    }

    @Test
    void perfDecodesTheCommittedTracesAsTheyRan() throws Exception {
        for (var e : commands().entrySet()) {
            SimulatedTrace t = recipe(e.getValue()).run();
            Path data = PT.resolve(e.getKey());
            List<long[]> s = perfInsns(data);
            boolean exact = true;
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                List<Executed> truth = t.groundTruth().instructions(cpu, t.ptConfig().filter());
                int c = cpu;
                List<Long> decoded = s.stream().filter(x -> x[0] == c).map(x -> x[1]).toList();
                exact &= truth.stream().map(Executed::ip).toList().equals(decoded);
            }
            if (e.getKey().equals("coarse-pokes.data")) {
                assertFalse(exact, "perf is late with the pokes of " + e.getKey());
            } else {
                assertTrue(exact, "perf decodes " + e.getKey() + " as it ran");
            }
        }
    }

    /** perf's instructions: {cpu, ip} per line. */
    private static List<long[]> perfInsns(Path data) throws Exception {
        PerfTool.Result r = perf.run("script", "-i", data.toString(), "--symfs", data.toString(), "--itrace=i0ns",
                "-F", "cpu,ip");
        assertEquals(0, r.status(), r.err());
        List<long[]> out = new ArrayList<>();
        for (String line : r.out()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].startsWith("[")) {
                out.add(new long[] {Long.parseLong(f[0].substring(1, f[0].length() - 1)), Long.parseUnsignedLong(f[1], 16)});
            }
        }
        return out;
    }

    /** The perf command line traces/pt/README.md shows, as it is written (from the repository root). */
    @Test
    void theReadmesPerfCommandDecodesEveryInstruction() throws Exception {
        List<String> lines = Files.readAllLines(PT.resolve("README.md")).stream()
                .filter(l -> l.startsWith("    PERF_CONFIG=/dev/null perf ")).toList();
        assertEquals(1, lines.size());
        List<String> args = new ArrayList<>(List.of(lines.get(0).trim().split("\\s+")));
        args.subList(0, 2).clear();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("traces/")) {
                args.set(i, TraceFiles.root().resolve(args.get(i)).toString());
            }
        }
        PerfTool.Result r = perf.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        SimulatedTrace t = recipe(commands().get("user.data")).run();
        long total = 0;
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            total += t.groundTruth().instructionCount(cpu);
        }
        assertEquals(total, r.out().stream().filter(l -> l.contains(" insn: ")).count());
    }

    /** The command lines docs/simulator.md shows, run as written (from the repository root), in order. */
    @Test
    void theDocsCommandsRunAsShown() throws Exception {
        List<String> lines = Files.readAllLines(TraceFiles.root().resolve("docs/simulator.md")).stream()
                .filter(l -> l.startsWith("    ./textpoke ") || l.startsWith("    PERF_CONFIG=/dev/null perf "))
                .map(String::trim).toList();
        assertEquals(2, lines.size(), lines.toString());
        // README.md shows the same simulate command, so this runs it too.
        assertTrue(Files.readAllLines(TraceFiles.root().resolve("README.md")).stream()
                .filter(l -> l.startsWith("    ./textpoke simulate")).allMatch(l -> l.trim().equals(lines.get(0))));
        Path out = Path.of("/tmp/textpoke-sim.data");
        assertTrue(lines.get(0).contains(out.toString()));
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        List<String> sim = new ArrayList<>(List.of(lines.get(0).split("\\s+")));
        sim.remove(0);
        CliRun r = CliRun.of(sim.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        long ran = r.out().lines().filter(l -> l.startsWith("cpu "))
                .mapToLong(l -> Long.parseLong(l.split(" ")[2])).sum();
        List<String> perfArgs = new ArrayList<>(List.of(lines.get(1).split("\\s+")));
        perfArgs.subList(0, 2).clear();
        PerfTool.Result p = perf.run(perfArgs.toArray(String[]::new));
        assertEquals(0, p.status(), p.err());
        assertEquals(ran, p.out().stream().filter(l -> l.contains(" insn: ")).count());
    }

    /** The benchmark trace's command, run for 1/10,000 of its simulated time. */
    @Test
    void theBigTracesCommandRunsShortened() throws Exception {
        List<String> big = new ArrayList<>(allCommands().get("\"$dir\""));
        int d = big.indexOf("--duration");
        assertEquals("800000000", big.get(d + 1));
        big.set(d + 1, "80000");
        int i = big.indexOf("--interrupts");
        big.set(i + 1, "2");
        Path out = tmp.resolve("big");
        List<String> args = new ArrayList<>(List.of("simulate", "-o", out.toString(), "--json"));
        args.addAll(big);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(Files.size(out.resolve("data")) > 10_000);
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        assertEquals(2, CliRun.of("simulate", "-o", tmp.resolve("x").toString(), "--trace", "z").status());
        assertEquals(2, CliRun.of("simulate", "-o", tmp.resolve("y").toString(), "--cpus", "0").status());
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("f"), "x");
        CliRun r = CliRun.of("simulate", "-o", full.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("not an empty directory"), r.err());
    }
}
