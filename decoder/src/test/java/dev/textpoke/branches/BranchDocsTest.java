package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command line {@code docs/branch-stacks.md} shows, and the branch-stack ones of the README,
 * runs as shown (from the repository root), and the output shown under a {@code $} command is in
 * what it prints, in order ({@code ...} skips lines; trailing blanks aside).
 */
class BranchDocsTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    record Example(String command, List<String> shown) {}

    static List<Example> examples(Path doc, boolean branchesOnly) throws Exception {
        List<Example> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(doc);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("    ")) {
                continue;
            }
            String t = l.substring(4);
            boolean prompt = t.startsWith("$ ");
            String cmd = prompt ? t.substring(2) : t;
            if (!cmd.startsWith("./textpoke ") && !cmd.startsWith("perf ")) {
                continue;
            }
            if (branchesOnly && !cmd.contains(" branches ") && !cmd.contains(" profile ")) {
                continue;
            }
            List<String> shown = new ArrayList<>();
            if (prompt) {
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("    ")
                        && !lines.get(j).substring(4).startsWith("$ "); j++) {
                    shown.add(lines.get(j).substring(4).stripTrailing());
                }
            }
            out.add(new Example(cmd, shown));
        }
        return out;
    }

    @Test
    void theCommandsRunAsShown() throws Exception {
        List<Example> all = new ArrayList<>(examples(TraceFiles.root().resolve("docs/branch-stacks.md"), false));
        all.addAll(examples(TraceFiles.root().resolve("README.md"), true));
        assertTrue(all.size() >= 10, "examples: " + all);
        for (Example e : all) {
            String[] words = e.command().split(" ");
            List<String> out;
            if (words[0].equals("perf")) {
                String[] args = Arrays.stream(words, 1, words.length)
                        .map(w -> w.startsWith("traces/") ? TraceFiles.root().resolve(w).toString() : w)
                        .toArray(String[]::new);
                PerfTool.Result r = perf.run(args);
                assertEquals(0, r.status(), e.command() + "\n" + r.err());
                out = r.out();
            } else {
                String[] args = Arrays.stream(words, 1, words.length)
                        .map(w -> w.startsWith("traces/") ? TraceFiles.root().resolve(w).toString() : w)
                        .toArray(String[]::new);
                CliRun r = CliRun.of(args);
                assertEquals(ExitStatus.OK, r.status(), e.command() + "\n" + r.err());
                out = r.out().lines().toList();
            }
            List<String> actual = out.stream().map(String::stripTrailing).toList();
            int at = 0;
            for (String want : e.shown()) {
                if (want.equals("...")) {
                    continue;
                }
                while (at < actual.size() && !actual.get(at).equals(want)) {
                    at++;
                }
                assertTrue(at < actual.size(), e.command() + ": does not print, in order: " + want);
                at++;
            }
        }
    }
}
