package dev.textpoke.arm64;

import dev.textpoke.elf.ToolRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * traces/arm64/static_keys.ko built here with traces/arm64/build, and what binutils says about it:
 * the oracle the module tests compare textpoke's findings with.
 */
final class TestModule {
    record Reloc(long offset, String type, String symbol, long addend) {}

    record Insn(long word, String mnemonic) {}

    final Path ko;
    final Map<String, List<Reloc>> relocations = new LinkedHashMap<>();
    /** section -> offset -> instruction, from objdump -d. */
    final Map<String, Map<Long, Insn>> code = new HashMap<>();
    /** section -> offset -> function name, from objdump's labels. */
    final Map<String, Map<Long, String>> functions = new HashMap<>();

    private static final Pattern REL_HEADER = Pattern.compile("^Relocation section '([^']+)'.*");
    private static final Pattern REL = Pattern.compile(
            "^([0-9a-f]{16})\\s+[0-9a-f]{16}\\s+(\\S+)\\s+[0-9a-f]{16}\\s+(\\S+) ([+-]) ([0-9a-f]+)\\s*$");
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (\\S+):$");
    private static final Pattern LABEL = Pattern.compile("^([0-9a-f]{16}) <([^>+]+)>:$");
    private static final Pattern INSN = Pattern.compile("^\\s+([0-9a-f]+):\\s+([0-9a-f]{8})\\s+(\\S+).*$");

    TestModule(Path dir) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("textpoke.root", "."));
        ToolRun.run(dir, "bash", root.resolve("traces/arm64/build").toString(), dir.toString());
        ko = dir.resolve("static_keys.ko");
        List<Reloc> current = null;
        for (String line : ToolRun.run(dir, "aarch64-linux-gnu-readelf", "-rW", ko.toString()).split("\n")) {
            Matcher h = REL_HEADER.matcher(line);
            if (h.matches()) {
                current = new java.util.ArrayList<>();
                relocations.put(h.group(1), current);
                continue;
            }
            Matcher m = REL.matcher(line);
            if (current != null && m.matches()) {
                long addend = Long.parseLong(m.group(5), 16) * (m.group(4).equals("-") ? -1 : 1);
                current.add(new Reloc(Long.parseLong(m.group(1), 16), m.group(2), m.group(3), addend));
            }
        }
        String section = null;
        for (String line : ToolRun.run(dir, "aarch64-linux-gnu-objdump", "-d", ko.toString()).split("\n")) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher l = LABEL.matcher(line);
            if (section != null && l.matches()) {
                functions.computeIfAbsent(section, k -> new HashMap<>()).put(Long.parseLong(l.group(1), 16),
                        l.group(2));
                continue;
            }
            Matcher i = INSN.matcher(line);
            if (section != null && i.matches()) {
                code.computeIfAbsent(section, k -> new HashMap<>()).put(Long.parseLong(i.group(1), 16),
                        new Insn(Long.parseLong(i.group(2), 16), i.group(3)));
            }
        }
    }

    Insn insn(String section, long offset) {
        return code.getOrDefault(section, Map.of()).get(offset);
    }

    boolean functionAt(String section, long offset) {
        return functions.getOrDefault(section, Map.of()).containsKey(offset);
    }
}
