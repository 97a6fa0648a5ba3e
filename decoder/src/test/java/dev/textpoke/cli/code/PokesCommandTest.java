package dev.textpoke.cli.code;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
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

    private static final Pattern OBJDUMP_LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(?:[0-9a-f]{2} )+\\s*\\t(.*)$");

    private static String run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PERF_CONFIG", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    /** objdump's instructions of an ELF or raw file as address -> text, in address order. */
    private static java.util.TreeMap<Long, String> objdump(String... cmd) throws Exception {
        java.util.TreeMap<Long, String> insns = new java.util.TreeMap<>(Long::compareUnsigned);
        for (String line : run(cmd).split("\n")) {
            Matcher m = OBJDUMP_LINE.matcher(line);
            if (m.matches()) {
                insns.put(Long.parseUnsignedLong(m.group(1), 16), m.group(2));
            }
        }
        return insns;
    }

    /** objdump's instructions from the one holding {@code addr} to the last starting before {@code end}. */
    private static List<String> covering(java.util.TreeMap<Long, String> insns, long addr, long end,
            List<Long> start) {
        List<String> out = new ArrayList<>();
        Long from = insns.floorKey(addr);
        start.add(from);
        for (var e : insns.tailMap(from, true).entrySet()) {
            if (Long.compareUnsigned(e.getKey(), end) >= 0) {
                break;
            }
            out.add(e.getValue());
        }
        return out;
    }

    /** Text for comparing Capstone's and objdump's listings: case, spacing and "0x" left out. */
    private static String normalized(String insn) {
        return insn.toLowerCase(java.util.Locale.ROOT).replace("0x", "").replaceAll("\\s+", " ")
                .replaceAll(" ?([,+]) ?", "$1").trim();
    }

    /**
     * Whether our instruction is objdump's: the same mnemonic (objdump calls 66 90 "xchg ax,ax",
     * Capstone "nop"), and the same text where both print operands alike (no memory operand).
     */
    private static void assertSameInstruction(String objdump, String ours, String where) {
        String o = normalized(objdump).equals("xchg ax,ax") ? "nop" : normalized(objdump);
        String u = normalized(ours);
        if (o.contains("[")) {
            assertEquals(o.split(" ")[0], u.split(" ")[0], where);
        } else {
            assertEquals(o, u, where);
        }
    }

    /**
     * {@code pokes} shows the whole instructions each poke changed, before and after, with branch
     * targets named: compared with objdump on the kcore's text with the pokes before it (as perf
     * script lists them) and the poke's old or new bytes applied, written back into the ELF (so
     * that objdump names the targets from its symbols), and on the raw bytes of the trampoline.
     */
    @Test
    void pokedInstructionsAreObjdumpsWholeInstructions() throws Exception {
        Path kcore = DIR.resolve("kcore_dir").resolve("kcore");
        Path text = tmp.resolve("text.bin");
        run("objcopy", "-O", "binary", "--only-section=.text", kcore.toString(), text.toString());
        byte[] state = Files.readAllBytes(text);
        long base = 0xffffffff81000000L;
        assertTrue(run("objdump", "-h", kcore.toString()).matches("(?s).*\\.text\\s+[0-9a-f]+\\s+ffffffff81000000 .*"));
        List<String> perf = perfPokes(DIR);
        // Code outside the ELF (the trampoline) is named by its KSYMBOL, as perf lists it.
        Matcher ksym = Pattern.compile("PERF_RECORD_KSYMBOL addr ([0-9a-f]+) len (\\d+) .* name (\\S+)")
                .matcher(run("perf", "script", "-i", DIR.resolve("data").toString(), "--show-bpf-events"));
        assertTrue(ksym.find());
        long ksymAddr = Long.parseUnsignedLong(ksym.group(1), 16);
        String ksymName = ksym.group(3);
        Pattern outside = Pattern.compile("([0-9a-f]+) <_end\\+0x[0-9a-f]+>");
        CliRun r = CliRun.of("pokes", "--json", DIR.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(perf.size(), lines.length);
        Pattern insn = Pattern.compile("\"insn_addr\":\"0x([0-9a-f]+)\",\"old_insn\":\"([^\"]*)\",\"new_insn\":\"([^\"]*)\"");
        int checkedText = 0;
        for (int i = 0; i < perf.size(); i++) {
            String[] f = perf.get(i).split(" ", -1);
            long addr = Long.parseUnsignedLong(f[2], 16);
            byte[] old = java.util.HexFormat.of().parseHex(f[3]);
            byte[] neu = java.util.HexFormat.of().parseHex(f[4]);
            Matcher m = insn.matcher(lines[i]);
            assertTrue(m.find(), lines[i]);
            String where = "poke " + i + ": " + lines[i];
            List<String> ourOld = m.group(2).isEmpty() ? List.of() : List.of(m.group(2).split("; "));
            List<String> ourNew = m.group(3).isEmpty() ? List.of() : List.of(m.group(3).split("; "));
            long off = addr - base;
            if (off < 0 || off >= state.length) {
                // The trampoline: created from nothing, freed to nothing.
                byte[] code = old.length > 0 ? old : neu;
                Files.write(text, code);
                List<String> expected = new ArrayList<>(objdump("objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
                        "-M", "intel", "--adjust-vma=0x" + f[2], text.toString()).values());
                List<String> ours = old.length > 0 ? ourOld : ourNew;
                assertEquals(expected.size(), ours.size(), where);
                for (int k = 0; k < expected.size(); k++) {
                    assertSameInstruction(expected.get(k), ours.get(k).replaceAll(" <[^>]*>", ""), where);
                }
                assertEquals(f[2], m.group(1), where);
                continue;
            }
            for (boolean after : new boolean[] {false, true}) {
                byte[] side = state.clone();
                System.arraycopy(after ? neu : old, 0, side, (int) off, (after ? neu : old).length);
                Files.write(text, side);
                Path elf = tmp.resolve("side.elf");
                // Without the generator's __site_* labels, which kallsyms leaves out too.
                run("objcopy", "--update-section", ".text=" + text, "--wildcard", "--strip-symbol=__site_*",
                        kcore.toString(), elf.toString());
                java.util.TreeMap<Long, String> insns = objdump("objdump", "-d", "-M", "intel", elf.toString());
                List<Long> start = new ArrayList<>();
                List<String> expected = covering(insns, addr, addr + (after ? neu : old).length, start);
                List<String> ours = after ? ourNew : ourOld;
                assertEquals(expected.size(), ours.size(), where + "\nobjdump: " + expected);
                for (int k = 0; k < expected.size(); k++) {
                    Matcher o = outside.matcher(expected.get(k));
                    if (o.find()) {
                        long target = Long.parseUnsignedLong(o.group(1), 16);
                        expected.set(k, o.replaceFirst("$1 <" + ksymName
                                + (target == ksymAddr ? "" : "+0x" + Long.toHexString(target - ksymAddr)) + ">"));
                    }
                    assertSameInstruction(expected.get(k), ours.get(k), where + "\nobjdump: " + expected);
                    checkedText += expected.get(k).contains("<") ? 1 : 0;
                }
                if (!after) {
                    assertEquals(Long.toHexString(start.get(0)), m.group(1), where);
                }
            }
            System.arraycopy(neu, 0, state, (int) off, neu.length);
        }
        // The jump labels' and ftrace's branches, named by objdump from the ELF's symbols.
        assertTrue(checkedText >= 6, "branches compared with their symbols: " + checkedText);
        CliRun plain = CliRun.of("pokes", DIR.toString());
        assertTrue(plain.out().contains(" ok        mov eax, edi -> int3\n"), plain.out());
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
        assertTrue(text.out().contains(" MISMATCH  ") && text.out().contains("(model has 0f 1f 44 00 00)"), text.out());
        assertTrue(CliRun.of("pokes", "--wide", DIR.toString()).out().contains("(model has 0f 1f 44 00 00: the base image"
                + " does not hold the running kernel's bytes)"));
        assertTrue(text.out().lines().allMatch(l -> l.length() <= 160), "160 columns");
    }

    /**
     * {@code --check}: status 1 when a poke's old bytes do not match (the generator made the last
     * one so), with a summary whose counts are perf script's pokes; status 0 when none mismatches.
     */
    @Test
    void checkFailsOnAMismatchAndSummarizes() throws Exception {
        CliRun r = CliRun.of("pokes", "--check", DIR.toString());
        assertEquals(ExitStatus.FINDINGS, r.status(), r.err());
        int pokes = perfPokes(DIR).size();
        String summary = r.err().strip();
        assertTrue(summary.startsWith("textpoke pokes: " + pokes + " modifications ("), summary);
        assertTrue(summary.endsWith("; old bytes: " + (pokes - 1) + " matched, 1 mismatched, 0 not covered"), summary);
        int perKind = 0;
        for (Matcher m = Pattern.compile("([a-z0-9-]+) (\\d+)[,)]").matcher(summary); m.find(); ) {
            perKind += Integer.parseInt(m.group(2));
        }
        assertEquals(pokes, perKind, summary);
        assertEquals(r.out(), CliRun.of("pokes", DIR.toString()).out(), "--check lists the same pokes");
        // Without an image nothing can mismatch: every check is a match or not covered.
        CliRun bare = CliRun.of("pokes", "--check", PIPE.toString());
        assertEquals(ExitStatus.OK, bare.status(), bare.err());
        assertTrue(bare.err().contains(" 0 mismatched"), bare.err());
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
        assertTrue(hooked.out().contains("e8 fb ff 3f 3f") && hooked.out().contains("call ffffffffc0400000 <ftrace_trampoline>"),
                hooked.out());
        CliRun before = CliRun.of("text", DIR.toString(), "--at", "8199", site);
        assertTrue(before.out().contains("0f 1f 44 00 00"), before.out());
        CliRun freed = CliRun.of("text", DIR.toString(), "--at", "9500", "ffffffffc0400000-ffffffffc0400010");
        assertTrue(freed.out().contains("no code known here"), freed.out());
        assertFalse(freed.out().contains("push"), freed.out());
    }

    /** perf script's time column of each poke, as printed: "0.000005:" or, with --ns, "0.000005000:". */
    private static List<String> perfPokeTimes(Path file, boolean ns) throws Exception {
        List<String> times = new ArrayList<>();
        String out = ns ? run("perf", "script", "-i", file.toString(), "--show-text-poke-events", "--ns")
                : run("perf", "script", "-i", file.toString(), "--show-text-poke-events");
        Matcher m = Pattern.compile("(\\d+\\.\\d+:) PERF_RECORD_TEXT_POKE ([0-9a-f]+)").matcher(out);
        while (m.find()) {
            times.add(m.group(1) + " " + m.group(2));
        }
        return times;
    }

    /**
     * {@code text} takes SYMBOL[+OFF] (resolved as kallsyms says) and a time as perf script prints
     * it (with and without --ns): at the time perf prints for the kprobe's arming, the probed
     * instruction is int3; at its disarming, objdump's first instruction of kprobed again.
     */
    @Test
    void textTakesSymbolsAndPerfScriptTimes() throws Exception {
        long kprobed = -1;
        for (String line : Files.readAllLines(DIR.resolve("kcore_dir").resolve("kallsyms"))) {
            String[] f = line.split(" ");
            if (f[2].equals("kprobed")) {
                kprobed = Long.parseUnsignedLong(f[0], 16);
            }
        }
        Path kcore = DIR.resolve("kcore_dir").resolve("kcore");
        java.util.TreeMap<Long, String> insns = objdump("objdump", "-d", "-M", "intel", kcore.toString());
        String first = insns.get(kprobed);
        for (boolean ns : new boolean[] {false, true}) {
            List<String> times = perfPokeTimes(DIR.resolve("data"), ns);
            String arm = null;
            String disarm = null;
            for (String t : times) {
                if (t.endsWith(" " + Long.toHexString(kprobed))) {
                    disarm = arm == null ? null : t.split(" ")[0];
                    arm = arm == null ? t.split(" ")[0] : arm;
                }
            }
            CliRun armed = CliRun.of("text", DIR.toString(), "--at", arm, "kprobed+0x0-kprobed+1");
            assertEquals(0, armed.status(), armed.err());
            assertEquals(String.format("%016x <kprobed>:%n%16x:  %-21s int3", kprobed, kprobed, "cc"), armed.out().strip());
            CliRun disarmed = CliRun.of("text", DIR.toString(), "--at", disarm, "kprobed");
            String[] lines = disarmed.out().split("\n");
            assertEquals(String.format("%016x <kprobed>:", kprobed), lines[0], disarmed.out());
            assertSameInstruction(first, instruction(lines[1]), disarmed.out());
        }
        // An offset lands where the kallsyms address plus the offset is, on objdump's instruction there.
        long next = insns.higherKey(kprobed);
        CliRun at = CliRun.of("text", DIR.toString(), "--at", "0", "kprobed+0x" + Long.toHexString(next - kprobed));
        String[] lines = at.out().split("\n");
        assertEquals(String.format("%016x <kprobed+0x%x>:", next, next - kprobed), lines[0], at.out());
        assertTrue(lines[1].startsWith(Long.toHexString(next) + ":  "), at.out());
        assertSameInstruction(insns.get(next), instruction(lines[1]), at.out());
        // Branch targets are named as objdump names them.
        long jle = insns.entrySet().stream().filter(e -> e.getValue().startsWith("jle")).findFirst().orElseThrow().getKey();
        CliRun branch = CliRun.of("text", DIR.toString(), "--at", "0", Long.toHexString(jle));
        assertSameInstruction(insns.get(jle), instruction(branch.out().split("\n")[1]), branch.out());
    }

    /** The instruction of a {@code text} line: after the address and the 21-column bytes. */
    private static String instruction(String line) {
        return line.substring(line.indexOf(":  ") + 3 + 21).strip();
    }

    /** A symbol whose name reads as hex is the symbol; with 0x it is the address. */
    @Test
    void aHexLookingNameIsTheSymbolUnless0x() throws Exception {
        Path kallsyms = tmp.resolve("kallsyms");
        Files.writeString(kallsyms, "ffffffff81000070 T add\n");
        CliRun named = CliRun.of("text", PIPE.toString(), "--at", "0", "--kallsyms", kallsyms.toString(), "add-add+0x2");
        assertEquals(0, named.status(), named.err());
        assertTrue(named.out().startsWith("ffffffff81000070"), named.out());
        CliRun address = CliRun.of("text", PIPE.toString(), "--at", "0", "--kallsyms", kallsyms.toString(), "0xadd-0xae0");
        assertEquals(0, address.status(), address.err());
        assertTrue(address.out().strip().startsWith("add:"), address.out());
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
                new String[] {"text", DIR.toString(), "--at", "1", "ffffffff81000010-ffffffff81000000"},
                new String[] {"text", DIR.toString(), "--at", "1.0000000001", "kprobed"},
                new String[] {"text", DIR.toString(), "--at", "1", "no_such_symbol+0x4"},
                new String[] {"text", DIR.toString(), "--at", "1", "kprobed+zz"})) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitStatus.BAD_INPUT, r.status(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
