package dev.textpoke.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.scenario.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code scenario run} prints: one JSON object per protocol, decoder and CPU with the fields the
 * format promises; one table for {@code --all-protocols}; and an HTML page that Debian's chromium,
 * headless, opens without a console message, with a row for every CPU and site of every protocol
 * (its own check says so in the DOM).
 */
class ScenarioOutputTest {
    static final Path FILE = ScenarioFilesTest.DIR.resolve("batch-2.json");

    @TempDir
    Path tmp;

    @Test
    void jsonHasOneObjectPerProtocolDecoderAndCpu() {
        CliRun r = CliRun.of("scenario", "run", "--json", "--no-perf", "--all-protocols", FILE.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        // 3 CPUs; x86 kernel and user-space and arm64 protocols: textpoke with and without replay.
        assertEquals(Protocol.all().size() * 2 * 3, lines.length, r.out());
        Set<String> seen = new HashSet<>();
        for (String l : lines) {
            for (String field : List.of("\"scenario\":\"batch-2\"", "\"protocol\":", "\"replay\":", "\"cpu\":", "\"decoded\":",
                    "\"wrong\":", "\"ambiguous\":", "\"desyncs\":")) {
                assertTrue(l.contains(field), field + " in " + l);
            }
            Matcher m = Pattern.compile("\"protocol\":\"([^\"]+)\".*\"replay\":(true|false),\"cpu\":(\\d+)").matcher(l);
            assertTrue(m.find(), l);
            assertTrue(seen.add(m.group(1) + m.group(2) + m.group(3)), "one object each: " + l);
        }
    }

    @Test
    void allProtocolsPrintOneTable() {
        CliRun r = CliRun.of("scenario", "run", "--no-perf", "--all-protocols", FILE.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            if (l.startsWith("  ") && !l.startsWith("  protocol") && !l.startsWith("  note")) {
                rows.add(l);
            }
        }
        assertEquals(Protocol.all().size() * 2, rows.size(), r.out());
        for (Protocol p : Protocol.all()) {
            assertTrue(rows.stream().anyMatch(x -> x.strip().startsWith(p.name() + " ")), p.name() + " in " + r.out());
        }
    }

    @Test
    void thePageOpensInHeadlessChromiumWithEveryCpuAndSite() throws Exception {
        Path page = tmp.resolve("batch-2.html");
        CliRun r = CliRun.of("scenario", "run", "--no-perf", "--all-protocols", "--html", page.toString(), FILE.toString());
        assertEquals(0, r.status(), r.err());
        String html = Files.readString(page);
        assertTrue(!html.contains("http://") || html.indexOf("http://") == html.indexOf("http://www.w3.org/2000/svg"),
                "self-contained: no link but the SVG namespace");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("chromium-profile"), "--enable-logging=stderr", "--v=0", "--dump-dom",
                page.toUri().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.err").toFile())
                .redirectOutput(tmp.resolve("dom.html").toFile());
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("chromium is needed (Debian package chromium; scripts/ensure-deps test)", e);
        }
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("chromium.err")));
        String err = Files.readString(tmp.resolve("chromium.err"));
        for (String l : err.split("\n")) {
            assertTrue(!l.contains(":CONSOLE"), "console message: " + l);
        }
        String dom = Files.readString(tmp.resolve("dom.html"));
        assertTrue(dom.contains("data-check=\"ok " + Protocol.all().size() + " protocols\""), "the page's own check: "
                + dom.substring(0, Math.min(300, dom.length())));
        for (String site : List.of("rx+0x", "tx+0x")) {
            assertTrue(dom.contains("data-site=\"" + site), site);
        }
        for (int cpu = 0; cpu < 3; cpu++) {
            assertTrue(dom.contains("data-cpu=\"" + cpu + "\""), "cpu " + cpu);
        }
        // The DOM has what the page was written with: a row per CPU and site in each protocol's section.
        assertEquals(Protocol.all().size() * 3, count(dom, "class=\"cpu\" data-cpu="));
        assertEquals(Protocol.all().size() * 2, count(dom, "class=\"site\" data-site="));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
