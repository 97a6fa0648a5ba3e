package dev.textpoke.cli.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines of {@code branches} and {@code profile}: usage errors, and the text of a
 * sample's entries, whose kinds are the instructions at their sources in the kernel of {@code
 * traces/pokes/kernel.c} (its disassembly: {@code start_kernel+0x8} calls, {@code +0x40} jumps back,
 * {@code kprobed+0x1f} is the loop's jne, {@code sched_tick+0x14} returns).
 */
class BranchesCommandTest {
    @TempDir
    static Path tmp;
    static final String FLIPS = TraceFiles.traces().resolve("branches/flips.data").toString();
    private static final Pattern ENTRY = Pattern.compile(
            "^\\t#(\\d+) +([0-9a-f]+) (\\S+) -> ([0-9a-f]+) (\\S+)  (\\S+) ([PM-])(?: (\\d+) cycles)?$");

    @ParameterizedTest
    @ValueSource(strings = {
        "profile " + "X",
        "profile --format gcov X",
        "profile --format autofdo --addresses nowhere X",
        "profile --format autofdo --binary ( X",
        "branches --max-core-mhz 0 X",
        "branches --min-core-mhz 20000 X",
    })
    void usageErrorsExitWith2(String args) {
        CliRun run = CliRun.of(args.replace("X", FLIPS).split(" "));
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("Usage") || run.err().startsWith("textpoke") || run.err().contains("--"), run.err());
    }

    @Test
    void helpDescribesBothCommands() {
        assertEquals(ExitStatus.OK, CliRun.of("branches", "--help").status());
        CliRun profile = CliRun.of("profile", "--help");
        assertEquals(ExitStatus.OK, profile.status());
        assertTrue(profile.out().contains("autofdo") && profile.out().contains("brstackinsn"), profile.out());
    }

    @Test
    void entriesNameTheirBranchesAndAgreeWithTheJson() {
        CliRun text = CliRun.of("branches", FLIPS);
        assertEquals(ExitStatus.OK, text.status(), text.err());
        CliRun json = CliRun.of("branches", "--json", FLIPS);
        List<Map<String, Object>> samples = json.out().lines().map(MiniJson::object).toList();
        int sample = -1;
        int kinds = 0;
        for (String line : text.out().lines().toList()) {
            if (!line.startsWith("\t")) {
                sample++;
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            assertTrue(m.matches(), line);
            @SuppressWarnings("unchecked")
            Map<String, Object> e = ((List<Map<String, Object>>) samples.get(sample).get("entries"))
                    .get(Integer.parseInt(m.group(1)));
            assertEquals("0x" + m.group(2), e.get("from"));
            assertEquals("0x" + m.group(4), e.get("to"));
            assertEquals(e.get("kind"), m.group(6));
            assertEquals(e.get("cycles"), Long.parseLong(m.group(8)));
            String expected = switch (m.group(3)) {
                case "start_kernel+0x8", "start_kernel+0x13", "start_kernel+0x1a", "start_kernel+0x2c",
                        "start_kernel+0x3b" -> "call";
                case "start_kernel+0x40" -> "jump";
                case "kprobed+0x1f" -> "cond";
                case "sched_tick+0x14", "schedstat_enabled+0x4", "do_sys_open+0x8", "kprobed+0x21",
                        "trace_point+0x5" -> "return";
                default -> null;
            };
            if (expected != null) {
                assertEquals(expected, m.group(6), line);
                kinds++;
            }
        }
        assertEquals(samples.size(), sample + 1);
        assertTrue(kinds > 1000, "entries checked: " + kinds);
    }

    /**
     * A file without branch stacks: one note on stderr, nothing on stdout, status 0, wherever perf
     * report -b says "no branch data"; no note where perf reads branches (flips.data).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "perf_data_converter/src/quipper/testdata/perf.data.busy.0-3.4",
        "platform_system_extras/simpleperf/testdata/etm/perf_etm.data",
        "",
    })
    void aFileWithoutBranchStacksSaysSo(String external) throws Exception {
        Path file = external.isEmpty() ? Path.of(FLIPS) : TraceFiles.externalTraces().resolve(external);
        PerfTool perf = PerfTool.in(tmp);
        PerfTool.Result p = perf.run("report", "-b", "--stdio", "-i", file.toString());
        boolean none = p.err().contains("no branch data") || String.join("\n", p.out()).contains("no branch data");
        assertEquals(external.isEmpty(), !none, "perf report -b: " + p.err());
        for (String[] args : List.of(new String[] {"branches"}, new String[] {"branches", "--insns", "--json"},
                new String[] {"profile", "--format", "autofdo"}, new String[] {"profile", "--format", "brstackinsn"})) {
            List<String> line = new ArrayList<>(List.of(args));
            line.add(file.toString());
            CliRun r = CliRun.of(line.toArray(String[]::new));
            assertEquals(ExitStatus.OK, r.status(), r.err());
            if (none) {
                assertEquals("", r.out(), line.toString());
                assertTrue(r.err().startsWith("textpoke " + args[0] + ": " + file + " holds no branch stacks (no sample"
                        + " has PERF_SAMPLE_BRANCH_STACK)"), r.err());
                assertTrue(r.err().contains("perf record -b"), r.err());
                assertEquals(1, r.err().strip().split("\n").length, r.err());
            } else {
                assertEquals("", r.err(), line.toString());
            }
        }
    }
}
