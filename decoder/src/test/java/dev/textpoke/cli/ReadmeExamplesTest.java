package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 12, point 1 ("Readme examples"): every command line of README.md and docs/*.md ({@code
 * ./textpoke}, the repository's scripts, perf) is run as shown, from a scratch copy of the
 * checkout (the repository's entries linked in, {@code ../shared} beside it, what a command writes
 * written there), with {@code ./textpoke} this build's command line; its exit status must be the
 * one its comment gives (0 unless it says {@code exit status N}), and the output a {@code $} line
 * shows must be what it prints. The benchmark scripts build textpoke with Maven as a user's run
 * does: they run in a copy of the repository's files of their own, so that their builds do not
 * touch this one. {@code ./run-tests} is this test suite's own command: CI runs it ({@code
 * .ci/run}). The convention is in docs/development.md; {@link DocCommands} reads it.
 */
class ReadmeExamplesTest {
    /** A command that does not say it takes minutes must finish in this time. */
    private static final long TIMEOUT_SECONDS = 300;
    /** How long a command that takes minutes must run without failing. */
    private static final long START_SECONDS = 15;

    /** A path under /tmp at the start of a word (or after = or :) of a command line. */
    private static final java.util.regex.Pattern TMP_PATH = java.util.regex.Pattern.compile("(^|[\\s=:'\"])/tmp/");

    @TempDir
    static Path tmp;
    static Path checkout;
    /** A copy of the repository's files (not links), for the benchmark scripts' own builds. */
    static Path copy;

    @BeforeAll
    static void scratchCheckout() throws IOException {
        Path root = TestTraces.root();
        checkout = Files.createDirectories(tmp.resolve("checkout"));
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("textpoke") && !name.equals(".git") && !name.equals(".build")) {
                    Files.createSymbolicLink(checkout.resolve(name), p);
                }
            }
        }
        Files.createSymbolicLink(tmp.resolve("shared"), root.resolveSibling("shared").toRealPath());
        Path launcher = checkout.resolve("textpoke");
        Files.writeString(launcher, "#!/bin/sh\nexec " + CliProcess.shell() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The copy the benchmark scripts run in: the repository's files as a clone has them. */
    private static synchronized Path copy() throws Exception {
        if (copy == null) {
            Path root = TestTraces.root();
            Path dir = Files.createDirectories(tmp.resolve("copy").resolve("checkout"));
            Files.createSymbolicLink(dir.resolveSibling("shared"), root.resolveSibling("shared").toRealPath());
            Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
                    "--exclude-standard").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String list = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, "git ls-files");
            for (String name : list.split("\0")) {
                Path from = root.resolve(name);
                if (name.isEmpty() || !Files.isRegularFile(from)) {
                    continue;
                }
                Path to = dir.resolve(name);
                Files.createDirectories(to.getParent());
                Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            copy = dir;
        }
        return copy;
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(TestTraces.root().resolve("README.md")));
        try (Stream<Path> s = Files.list(TestTraces.root().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @TestFactory
    Stream<DynamicTest> everyCommandOfTheDocumentationRunsAsShown() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : documents()) {
            for (DocCommands.Command c : DocCommands.in(doc)) {
                tests.add(DynamicTest.dynamicTest(c.toString(), () -> run(c)));
            }
        }
        return tests.stream();
    }

    /** The README's examples are among them: the convention finds what it should. */
    @Test
    void theReadmesCommandsAreFound() throws IOException {
        List<DocCommands.Command> readme = DocCommands.in(TestTraces.root().resolve("README.md"));
        assertTrue(readme.stream().anyMatch(c -> c.shell().equals("./textpoke decode traces/pt/coarse-pokes.data")
                && c.expected().isEmpty()), "the set-up command");
        assertTrue(readme.stream().anyMatch(c -> c.shell().startsWith("./textpoke samples") && !c.expected().isEmpty()),
                "an example with its output");
        assertTrue(readme.size() >= 6, readme.toString());
        assertTrue(readme.stream().anyMatch(c -> c.shell().equals("./run-tests")), "the test command");
    }

    /** Scripts and perf lines are commands too; a listing of build outputs is not. */
    @Test
    void scriptsAndPerfLinesAreFound() throws IOException {
        Path docs = TestTraces.root().resolve("docs");
        List<DocCommands.Command> bench = DocCommands.in(docs.resolve("benchmarks.md"));
        assertTrue(bench.stream().anyMatch(c -> c.shell().equals("bench/shapes.sh")
                && c.program() == DocCommands.Program.SCRIPT && c.mode() == DocCommands.Mode.START), bench.toString());
        List<DocCommands.Command> lbr = DocCommands.in(docs.resolve("branch-stacks.md"));
        assertTrue(lbr.stream().anyMatch(c -> c.program() == DocCommands.Program.PERF && !c.expected().isEmpty()),
                lbr.toString());
        assertTrue(DocCommands.in(docs.resolve("native-patcher.md")).stream()
                .noneMatch(c -> c.shell().startsWith("native-patcher/target/")), "build outputs are not commands");
    }

    private static void run(DocCommands.Command c) throws Exception {
        if (c.shell().equals("./run-tests")) {
            // the suite's own command (running it here would run this test again): CI runs it
            assertTrue(Files.readString(TestTraces.root().resolve(".ci/run")).lines()
                    .anyMatch(l -> l.strip().matches("(exec )?(\\./|\"\\$root\"/)run-tests")), ".ci/run runs ./run-tests");
            return;
        }
        Path dir = c.program() == DocCommands.Program.SCRIPT && c.shell().startsWith("bench/") ? copy() : checkout;
        if (c.needs() != null && !Files.exists(dir.resolve(c.needs()))) {
            parsesOnly(c, dir);
            return;
        }
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        // What a page writes under /tmp goes to a directory of its own: runs of the tests (and
        // people) at the same time on one machine do not meet there; a page's commands share it,
        // so one can read what an earlier one wrote.
        Path privateTmp = Files.createDirectories(tmp.resolve("tmp-" + c.doc().getFileName()));
        String shell = TMP_PATH.matcher(c.shell()).replaceAll("$1" + java.util.regex.Matcher.quoteReplacement(
                privateTmp + "/"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", shell).directory(dir.toFile());
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (c.mode() == DocCommands.Mode.START) {
            if (p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                assertEquals(c.status(), p.exitValue(), c + "\n" + Files.readString(err));
            } else {
                stopTree(p);
                p.waitFor(30, TimeUnit.SECONDS);
                assertEquals("", errorLines(err), c + ": ran " + START_SECONDS + " s, and wrote errors");
            }
            return;
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            stopTree(p);
            fail(c + ": still running after " + TIMEOUT_SECONDS + " s; a command that takes minutes says so");
        }
        assertEquals(c.status(), p.exitValue(), c + "\nstderr: " + Files.readString(err));
        if (!c.expected().isEmpty()) {
            List<String> actual = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .map(l -> l.replace(privateTmp + "/", "/tmp/")).toList();
            if (!DocCommands.matches(c.expected(), actual)) {
                fail(c + ": the output is not the one shown.\nshown:\n" + String.join("\n", c.expected())
                        + "\nprinted:\n" + String.join("\n", actual.subList(0, Math.min(actual.size(), 40))));
            }
        }
    }

    /**
     * Stops a command and everything it started, at once and parents first: a gentler signal, or a
     * child killed before its parent, lets the parent report that its child died, which is not the
     * command failing. The tree is listed before anything is killed, so orphans are found too.
     */
    private static void stopTree(Process p) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(List.of(p.toHandle()));
        for (int i = 0; i < tree.size(); i++) {
            tree.get(i).children().forEach(tree::add);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** stderr's lines that say something went wrong (a progress line, such as the launcher's, is not one). */
    private static String errorLines(Path err) throws IOException {
        return Files.readString(err).lines()
                .filter(l -> l.startsWith("textpoke:") && !l.startsWith("textpoke: building")
                        && !l.startsWith("textpoke: another textpoke is building") || l.contains("Exception"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /**
     * A command that needs data not in the repository (a fetched kernel, a benchmark's recordings)
     * and not here: its options must still be what the command line accepts, so that the page
     * does not drift; for a script, that it is one bash reads and that its usage names them.
     */
    private static void parsesOnly(DocCommands.Command c, Path dir) throws Exception {
        if (c.program() == DocCommands.Program.SCRIPT) {
            String[] words = c.shell().split("\\s+");
            Path script = dir.resolve(words[0]);
            Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, c + ": " + out);
            String text = Files.readString(script);
            for (String w : words) {
                if (w.startsWith("--")) {
                    assertTrue(text.contains(w + ")") || text.contains(w + "|") || text.contains("|" + w),
                            c + ": the script does not take " + w);
                }
            }
            assertFalse(c.needs().isBlank());
            return;
        }
        String line = c.shell().replaceAll("\\$\\([^)]*\\)", "/dev/null").replaceAll("[<>|].*$", "").strip();
        assertTrue(line.startsWith("./textpoke "), c.toString());
        String[] args = line.substring("./textpoke ".length()).split("\\s+");
        CommandLine cl = Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            fail(c + ": not a command line textpoke accepts: " + e.getMessage());
        }
        assertFalse(c.needs().isBlank());
    }
}
