package dev.textpoke.cli.patcher;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** textpoke patcher race|compare|cost end to end: output shapes, exit statuses, error lines. */
class PatcherCommandTest {

    private static List<String> lines(String s) {
        return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return (long) Double.parseDouble(m.group(1));
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1);
    }

    private static void assertOneLineError(CliRun r, String needle) {
        assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
        assertEquals(1, lines(r.err()).size(), r.err());
        assertTrue(r.err().startsWith("textpoke: "), r.err());
        assertTrue(r.err().contains(needle), r.err());
    }

    @Test
    void raceJsonHasTheFixedFields() {
        CliRun r = CliRun.of("patcher", "race", "--protocol", "int3-sync", "--patches", "20000", "--json");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> out = lines(r.out());
        assertEquals(1, out.size());
        String j = out.get(0);
        assertEquals("int3-sync", string(j, "protocol"));
        assertEquals("x86-64", string(j, "arch"));
        assertTrue(j.contains("\"emulated\":false"), j);
        assertEquals(20000, number(j, "patches"));
        assertTrue(number(j, "executions") > 0);
        assertEquals(0, number(j, "torn"));
        assertEquals(0, number(j, "stale"));
        assertTrue(number(j, "trap_hits") >= 0);
        assertTrue(number(j, "ns_per_patch") > 0);
        assertEquals("membarrier-sync-core", string(j, "barrier"));
        assertEquals(3 * 20000, number(j, "barrier_calls"));
    }

    @Test
    void raceTableHasAHeaderARowAndTheSiteKinds() {
        CliRun r = CliRun.of("patcher", "race", "--protocol", "naive", "--patches", "20000",
                "--placement", "straddle", "--sites", "2");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> out = lines(r.out());
        assertTrue(out.get(0).startsWith("protocol"), r.out());
        assertTrue(out.get(1).startsWith("naive"), r.out());
        assertTrue(r.out().contains("jmp32-straddle") && r.out().contains("jmp8-straddle"), r.out());
    }

    @Test
    void unknownProtocolIsAUsageError() {
        CliRun r = CliRun.of("patcher", "race", "--protocol", "int4");
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("unknown protocol 'int4'"), r.err());
    }

    @Test
    void repeatBelowOneIsAUsageErrorOfEveryCommand() {
        for (String[] args : List.of(new String[] {"patcher", "race", "--protocol", "naive", "--repeat", "0"},
                new String[] {"patcher", "compare", "--repeat", "0"},
                new String[] {"patcher", "cost", "--repeat", "-1"})) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitStatus.BAD_INPUT, r.status(), String.join(" ", args));
            assertTrue(r.err().contains("--repeat") && r.err().contains("must be at least 1"), r.err());
            assertTrue(r.out().isEmpty(), "nothing runs: " + r.out());
        }
    }

    @Test
    void protocolOfTheOtherArchitectureIsOneLine() {
        assertOneLineError(CliRun.of("patcher", "race", "--protocol", "int3", "--arch", "aarch64"),
                "does not exist on aarch64");
    }

    @Test
    void oneCpuIsOneLine() {
        assertOneLineError(CliRun.of("patcher", "race", "--protocol", "naive", "--cpus", "0"), "at least 2");
    }

    @Test
    void seccompIsOneLine() {
        assertOneLineError(CliRun.of("patcher", "race", "--protocol", "int3-sync", "--deny-membarrier",
                "ENOSYS"), "seccomp");
    }

    @Test
    void compareRunsEveryProtocolInOrder() {
        CliRun r = CliRun.of("patcher", "compare", "--patches", "10000", "--max-seconds", "1", "--json");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> protocols = lines(r.out()).stream().map(j -> string(j, "protocol")).toList();
        assertEquals(List.of("naive", "atomic", "int3", "int3-sync", "mprotect", "batch"), protocols);
    }

    @Test
    void compareSkipsWhatTheEnvironmentRefuses() {
        CliRun r = CliRun.of("patcher", "compare", "--patches", "5000", "--deny-membarrier", "ENOSYS");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> out = lines(r.out());
        assertEquals(7, out.size(), r.out());
        for (String row : out) {
            boolean needsMembarrier = row.startsWith("int3-sync") || row.startsWith("batch");
            assertEquals(needsMembarrier, row.contains("skipped: "), row);
        }
    }

    @Test
    void compareOnAarch64IsEmulated() {
        CliRun r = CliRun.of("patcher", "compare", "--arch", "aarch64", "--patches", "5000", "--json");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> out = lines(r.out());
        assertEquals(List.of("brk", "brk-sync", "naive", "atomic"),
                out.stream().map(j -> string(j, "protocol")).toList());
        for (String j : out) {
            assertTrue(j.contains("\"emulated\":true"), j);
            assertEquals("aarch64", string(j, "arch"));
        }
    }

    @Test
    void costReportsEveryMethodPerThreadCount() {
        CliRun r = CliRun.of("patcher", "cost", "--threads", "0-1", "--calls", "500", "--json");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> out = lines(r.out());
        assertEquals(8, out.size());
        for (String j : out) {
            assertEquals(500, number(j, "calls"));
            assertTrue(number(j, "min_ns") <= number(j, "median_ns"));
            assertTrue(number(j, "median_ns") <= number(j, "max_ns"));
        }
        assertEquals(List.of("membarrier-sync-core", "membarrier-expedited", "mprotect", "syscall"),
                out.stream().map(j -> string(j, "method")).distinct().toList());
    }

    @Test
    void costRejectsABadThreadList() {
        CliRun r = CliRun.of("patcher", "cost", "--threads", "1-x");
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("--threads"), r.err());
    }
}
