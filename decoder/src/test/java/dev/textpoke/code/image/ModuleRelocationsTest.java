package dev.textpoke.code.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeBytes;
import dev.textpoke.code.CodeTimeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module's text relocated as the kernel's loader would, compared with binutils' ld linking the
 * same object with the same text address and the externals at the same addresses ({@code
 * --defsym}): every byte we know is ld's byte; the places of a symbol left unresolved are unknown.
 * Data sections are found through their named symbols, looked up by name as in kallsyms (here from
 * {@code nm} of ld's output).
 */
class ModuleRelocationsTest {
    private static final String SOURCE = """
            extern int printk(const char *fmt, ...);
            extern int jiffies;
            extern void schedule(void);
            static const char msg[] = "hello %d\\n";
            static int counter;
            int table[4] = {1, 2, 3, 4};
            __attribute__((noinline)) static int helper(int x) { return x * 3 + table[x & 3]; }
            int entry(int x)
            {
                counter += helper(x) + jiffies;
                if (counter > 100)
                    schedule();
                return printk(msg, counter);
            }
            """;

    @TempDir
    Path tmp;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    @Test
    void x86ModuleTextIsWhatLdLinks() throws Exception {
        check("", new String[] {"-mcmodel=kernel", "-fcf-protection=none"}, "ld", 0xffffffffc0a00000L,
                Map.of("printk", 0xffffffff81234560L, "jiffies", 0xffffffff82001000L, "schedule", 0xffffffff81100000L));
    }

    @Test
    void arm64ModuleTextIsWhatLdLinks() throws Exception {
        // Within a CALL26's 128 MB of the module: farther, the loader would branch through a PLT.
        check("aarch64-linux-gnu-", new String[] {}, "aarch64-linux-gnu-ld", 0xffff800081a00000L,
                Map.of("printk", 0xffff800080100000L, "jiffies", 0xffff800082001000L, "schedule", 0xffff800080200040L));
    }

    private void check(String prefix, String[] flags, String ld, long text, Map<String, Long> externs)
            throws Exception {
        Path c = tmp.resolve("mod.c");
        Files.writeString(c, SOURCE);
        Path o = tmp.resolve("mod.o");
        String[] cc = {prefix + "gcc", "-c", "-O2", "-fno-pic", "-fno-asynchronous-unwind-tables", "-o",
                o.toString(), c.toString()};
        String[] all = new String[cc.length + flags.length];
        System.arraycopy(cc, 0, all, 0, cc.length);
        System.arraycopy(flags, 0, all, cc.length, flags.length);
        run(all);
        Path linked = tmp.resolve("mod.elf");
        java.util.List<String> link = new java.util.ArrayList<>(java.util.List.of(ld, "-Ttext=0x" + Long.toHexString(text),
                "-e", "entry", "-o", linked.toString()));
        externs.forEach((name, at) -> link.add("--defsym=" + name + "=0x" + Long.toHexString(at)));
        link.add(o.toString());
        run(link.toArray(String[]::new));
        Path bin = tmp.resolve("text.bin");
        run(prefix + "objcopy", "-O", "binary", "--only-section=.text", linked.toString(), bin.toString());
        byte[] expected = Files.readAllBytes(bin);
        // kallsyms: every symbol of the linked module and the kernel, but schedule, left unresolved.
        Map<String, Long> kallsyms = new HashMap<>();
        for (String line : run(prefix + "nm", linked.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && !f[2].equals("schedule")) {
                kallsyms.put(f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        // The places of the relocations against schedule, from readelf.
        TreeMap<Long, String> places = new TreeMap<>();
        for (String line : run(prefix + "readelf", "-rW", o.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].matches("[0-9a-f]{16}") && f[2].startsWith("R_")) {
                places.put(Long.parseUnsignedLong(f[0], 16), f[4]);
            }
        }
        assertTrue(places.size() >= 7, places.toString());
        CodeTimeline t = CodeTimeline.builder().image(ElfImages.module(o, text,
                name -> kallsyms.containsKey(name) ? OptionalLong.of(kallsyms.get(name)) : OptionalLong.empty()))
                .build();
        CodeBytes ours = t.bytes(text, expected.length, 0);
        int unknown = 0;
        for (int i = 0; i < expected.length; i++) {
            Map.Entry<Long, String> place = places.floorEntry((long) i);
            boolean schedule = place != null && place.getValue().equals("schedule") && i - place.getKey() < 4;
            if (ours.isKnown(i)) {
                assertFalse(schedule, "a place of schedule is known at +" + i);
                assertEquals(expected[i] & 0xff, ours.get(i), "byte +0x" + Integer.toHexString(i) + " " + place);
            } else {
                assertTrue(schedule, "unknown byte +0x" + Integer.toHexString(i) + " " + place);
                unknown++;
            }
        }
        assertEquals(4, unknown, "schedule's one place");
        if (!prefix.isEmpty()) {
            return;
        }
        // The command line: --module and a kallsyms file (the module's symbols tagged [mod]) give the
        // same bytes; textpoke text lists them from entry, a symbol of the module.
        StringBuilder k = new StringBuilder();
        kallsyms.forEach((name, at) -> k.append(Long.toHexString(at)).append(externs.containsKey(name)
                ? " T " + name + "\n" : " t " + name + "\t[mod]\n"));
        Path file = tmp.resolve("kallsyms");
        Files.writeString(file, k);
        Path trace = Path.of(System.getProperty("textpoke.root"), "traces", "pokes", "pokes-pipe.data");
        long entry = kallsyms.get("entry");
        dev.textpoke.cli.CliRun r = dev.textpoke.cli.CliRun.of("text", trace.toString(), "--at", "0",
                "--module", o + "@" + Long.toHexString(text), "--kallsyms", file.toString(),
                "entry-" + Long.toHexString(text + expected.length));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith(String.format("%016x <entry>:%n", entry)), r.out());
        // The bytes, from the JSON listing: each instruction's bytes, each gap as "????????".
        dev.textpoke.cli.CliRun j = dev.textpoke.cli.CliRun.of("text", trace.toString(), "--at", "0", "--json",
                "--module", o + "@" + Long.toHexString(text), "--kallsyms", file.toString(),
                "entry-" + Long.toHexString(text + expected.length));
        assertEquals(0, j.status(), j.err());
        StringBuilder listed = new StringBuilder();
        java.util.regex.Pattern bytes = java.util.regex.Pattern.compile("\"bytes\":\"([0-9a-f]+)\"");
        for (String line : j.out().split("\n")) {
            java.util.regex.Matcher m = bytes.matcher(line);
            listed.append(line.contains("\"known\":true") && m.find() ? m.group(1) : "????????");
        }
        StringBuilder want = new StringBuilder();
        for (long i = entry - text; i < expected.length; i++) {
            want.append(String.format("%02x", expected[(int) i]));
        }
        // Up to schedule's place, the listing's bytes are ld's.
        assertTrue(want.toString().startsWith(listed.substring(0, listed.indexOf("?"))), listed + "\n" + want);
        assertTrue(listed.indexOf("?") > 8, listed.toString());
        // The kernel function the module jumps to is named from kallsyms, as objdump names it from ld's output.
        String printk = java.util.Arrays.stream(run("objdump", "-d", "-M", "intel", linked.toString()).split("\n"))
                .filter(l -> l.contains("<printk>")).findFirst().orElseThrow();
        assertTrue(r.out().contains(printk.substring(printk.lastIndexOf('\t') + 1).replaceAll("\\s+", " ")),
                printk + "\n" + r.out());
        long schedulePlace = places.entrySet().stream().filter(e -> e.getValue().equals("schedule"))
                .findFirst().orElseThrow().getKey();
        assertTrue(r.out().contains("(no code known here at this time, 4 bytes)")
                && r.out().contains("unknown bytes from " + Long.toHexString(text + schedulePlace)), r.out());
    }
}
