package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code textpoke pokes} and {@code textpoke text} on the poke traces of {@code traces/pokes/}:
 * the pokes listed are those {@code perf script --show-text-poke-events} prints (time, cpu,
 * address, old and new bytes), and the checks and kinds are those the traces were made to show.
 */
class PokesCommandTest {
    private static final Path POKES = Path.of(System.getProperty("textpoke.root"), "traces", "pokes");
    private static final Path DIR = POKES.resolve("pokes.data");
    private static final Path PIPE = POKES.resolve("pokes-pipe.data");
    private static final Pattern POKE = Pattern.compile(
            "\\[(\\d+)\\]\\s+(\\d+)\\.(\\d{9}): PERF_RECORD_TEXT_POKE ([0-9a-f]+) .*old len (\\d+) new len (\\d+)");
    private static final Pattern JSON = Pattern.compile(
            "\\{\"time\":(\\d+),\"cpu\":(\\d+),\"addr\":\"0x([0-9a-f]+)\",\"symbol\":(?:null|\"[^\"]*\"),"
                    + "\"old\":\"([0-9a-f]*)\",\"new\":\"([0-9a-f]*)\",\"kind\":\"([a-z0-9-]+)\",\"old_matches\":(true|false|null)");

    @TempDir
    Path tmp;

    /** perf script's pokes as "time cpu addr old new". */
    private List<String> perfPokes(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("perf", "script", "-i", file.toString(), "--ns",
                "--show-text-poke-events");
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.environment().put("HOME", tmp.toString());
        pb.redirectErrorStream(false);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<String> lines = Arrays.asList(new String(p.getInputStream().readAllBytes(),
                StandardCharsets.ISO_8859_1).split("\n"));
        assertEquals(0, p.waitFor(), "perf script failed on " + file);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = POKE.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            long time = Long.parseLong(m.group(2)) * 1_000_000_000L + Long.parseLong(m.group(3));
            String old = "";
            String neu = "";
            for (int j = i + 1; j < lines.size() && lines.get(j).contains(" bytes: "); j++) {
                String bytes = lines.get(j).substring(lines.get(j).indexOf(": ") + 2).replace(" ", "");
                if (lines.get(j).trim().startsWith("Old")) {
                    old += bytes;
                } else {
                    neu += bytes;
                }
            }
            assertEquals(Integer.parseInt(m.group(5)) * 2, old.length());
            assertEquals(Integer.parseInt(m.group(6)) * 2, neu.length());
            out.add(time + " " + Integer.parseInt(m.group(1)) + " " + m.group(4) + " " + old + " " + neu);
        }
        return out;
    }

    private static List<String[]> json(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), r.err());
        List<String[]> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            Matcher m = JSON.matcher(line);
            assertTrue(m.lookingAt(), line);
            String[] g = new String[7];
            for (int i = 0; i < 7; i++) {
                g[i] = m.group(i + 1);
            }
            out.add(g);
        }
        return out;
    }

    private static List<String> asPerf(List<String[]> pokes) {
        return pokes.stream().map(g -> g[0] + " " + g[1] + " " + g[2] + " " + g[3] + " " + g[4]).toList();
    }

    @Test
    void textpokeListsThePokesPerfScriptPrints() throws Exception {
        for (Path trace : List.of(DIR, PIPE)) {
            List<String> perf = perfPokes(trace);
            assertEquals(10, perf.size(), trace.toString());
            assertEquals(perf, asPerf(json("pokes", "--json", trace.toString())), trace.toString());
        }
    }

    /** The records perf report -D lists ("NAME size"), sorted: perf prints them as it delivers them. */
    private List<String> perfRecords(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("perf", "report", "-D", "-i", file.toString());
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.environment().put("HOME", tmp.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), "perf report -D failed on " + file);
        Pattern record = Pattern.compile("\\[0x([0-9a-f]+)\\]: PERF_RECORD_([A-Z_0-9]+)");
        List<String> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = record.matcher(line);
            if (m.find()) {
                found.add(m.group(2) + " " + Integer.parseInt(m.group(1), 16));
            }
        }
        java.util.Collections.sort(found);
        return found;
    }

    @Test
    void perfReportListsTheRecordsTheWriterWrote() throws Exception {
        for (Path trace : List.of(DIR, PIPE)) {
            CliRun r = CliRun.of("dump", "--json", trace.toString());
            assertEquals(0, r.status(), r.err());
            Pattern fields = Pattern.compile("\"type\":\"PERF_RECORD_([A-Z_0-9]+)\",\"size\":(\\d+)");
            List<String> ours = new ArrayList<>();
            for (String line : r.out().split("\n")) {
                Matcher m = fields.matcher(line);
                assertTrue(m.find(), line);
                ours.add(m.group(1) + " " + m.group(2));
            }
            java.util.Collections.sort(ours);
            assertEquals(ours, perfRecords(trace), trace.toString());
        }
    }

    @Test
    void kindsAndChecksAreThoseTheTraceWasMadeToShow() {
        List<String[]> pokes = json("pokes", "--json", DIR.toString());
        assertEquals(List.of("jump-label-5", "jump-label-2", "jump-label-5", "kprobe-arm", "kprobe-disarm",
                "trampoline-create", "ftrace", "ftrace", "trampoline-free", "jump-label-5"),
                pokes.stream().map(g -> g[5]).toList());
        // Every poke matches the kcore copy and the pokes before it, but the last: its old bytes say
        // the key was on, the image has it off.
        assertEquals(List.of("true", "true", "true", "true", "true", "true", "true", "true", "true", "false"),
                pokes.stream().map(g -> g[6]).toList());
        CliRun text = CliRun.of("pokes", DIR.toString());
        assertTrue(text.out().contains("OLD BYTES DO NOT MATCH: model has 0f 1f 44 00 00"), text.out());
    }

    @Test
    void withoutAnImageOldBytesAreNotCoveredAndWithOneTheyAre() {
        List<String[]> bare = json("pokes", "--json", PIPE.toString());
        // Without an image the model knows what pokes wrote: a site's second poke is checked
        // against its first; and the trampoline's pokes are covered by its KSYMBOL region.
        assertEquals(List.of("null", "null", "true", "null", "true", "true", "null", "true", "true", "null"),
                bare.stream().map(g -> g[6]).toList());
        List<String[]> withKcore = json("pokes", "--json", PIPE.toString(), "--kcore", DIR.resolve("kcore_dir").toString());
        assertEquals("false", withKcore.get(9)[6]);
        assertEquals("true", withKcore.get(0)[6]);
    }

    @Test
    void textShowsTheCodeAsItWasAtATime() {
        String site = "ffffffff81000000-ffffffff81000005";
        CliRun hooked = CliRun.of("text", DIR.toString(), "--at", "0.000008300", site);
        assertEquals(0, hooked.status(), hooked.err());
        assertTrue(hooked.out().contains("e8 fb ff 3f 3f") && hooked.out().contains("call 0xffffffffc0400000"),
                hooked.out());
        CliRun before = CliRun.of("text", DIR.toString(), "--at", "8199", site);
        assertTrue(before.out().contains("0f 1f 44 00 00"), before.out());
        CliRun freed = CliRun.of("text", DIR.toString(), "--at", "9500", "ffffffffc0400000-ffffffffc0400010");
        assertTrue(freed.out().contains("no code known here"), freed.out());
        assertFalse(freed.out().contains("push"), freed.out());
    }

    @Test
    void badInputIsOneLineAndStatusTwo() throws Exception {
        Path broken = tmp.resolve("broken.data");
        Files.write(broken, Arrays.copyOf(Files.readAllBytes(DIR.resolve("data")), 300));
        for (String[] args : List.of(
                new String[] {"pokes", tmp.resolve("missing.data").toString()},
                new String[] {"pokes", broken.toString()},
                new String[] {"pokes", PIPE.toString(), "--image", "nothex:/dev/null"},
                new String[] {"text", DIR.toString(), "--at", "soon", "ffffffff81000000"},
                new String[] {"text", DIR.toString(), "--at", "1", "ffffffff81000010-ffffffff81000000"})) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitStatus.BAD_INPUT, r.status(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
