package dev.textpoke.elf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** binutils' readelf as the oracle: runs it on a file and parses the tables it prints. */
final class Readelf {
    record Sec(int index, String name, String type, long addr, long offset, long size, long entsize,
            String flags, int link, int info, long align) {}

    record Seg(String type, long offset, long vaddr, long paddr, long filesz, long memsz, String flags,
            long align) {}

    record Sym(int index, long value, long size, String type, String bind, String ndx, String name) {}

    record Rel(long offset, long info, String typeName, long addend) {}

    private static final Pattern SECTION = Pattern.compile(
            "^\\s*\\[\\s*(\\d+)]\\s(.*?)\\s+(\\S+)\\s+([0-9a-f]{8,16})\\s+([0-9a-f]{6,})\\s+([0-9a-f]{6,})"
                    + "\\s+([0-9a-f]{2})\\s+([A-Za-z]*)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern SEGMENT = Pattern.compile(
            "^\\s+([A-Z][A-Za-z0-9_+]*)\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)"
                    + "\\s+0x([0-9a-f]+)\\s+([RWE ]+?)\\s+0x([0-9a-f]+)\\s*$");
    private static final Pattern SYMBOL = Pattern.compile(
            "^\\s*(\\d+):\\s+([0-9a-f]+)\\s+(0x[0-9a-f]+|\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)(?:\\s+\\[[^]]*])?"
                    + "\\s+(\\S+)\\s?(.*)$");
    private static final Pattern REL_HEADER = Pattern.compile("^Relocation section '([^']+)'.*");
    private static final Pattern REL = Pattern.compile(
            "^([0-9a-f]{8,16})\\s+([0-9a-f]{8,16})\\s+(\\S+)(?:\\s+([0-9a-f]+)(?:\\s+(.*?))?)?\\s*$");
    private static final Pattern BUILD_ID = Pattern.compile("Build ID: ([0-9a-f]+)");

    private final Path file;

    Readelf(Path file) {
        this.file = file;
    }

    private String run(String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("readelf", "-W"));
        cmd.addAll(List.of(flags));
        cmd.add(file.toString());
        return ToolRun.run(file.getParent(), cmd);
    }

    /** A field of {@code readelf -h}, as printed after its colon. */
    String headerField(String label) throws IOException, InterruptedException {
        for (String line : run("-h").split("\n")) {
            String t = line.trim();
            if (t.startsWith(label + ":")) {
                return t.substring(label.length() + 1).trim();
            }
        }
        throw new AssertionError("readelf -h printed no " + label);
    }

    List<Sec> sections() throws IOException, InterruptedException {
        List<Sec> out = new ArrayList<>();
        for (String line : run("-S").split("\n")) {
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                // A multi-word type ("SYMTAB SECTION INDICES") spills into the name group.
                String name = m.group(2).trim().split("\\s+")[0];
                out.add(new Sec(Integer.parseInt(m.group(1)), name, m.group(3), hex(m.group(4)),
                        hex(m.group(5)), hex(m.group(6)), hex(m.group(7)), m.group(8),
                        Integer.parseInt(m.group(9)), Integer.parseInt(m.group(10)),
                        Long.parseLong(m.group(11))));
            }
        }
        return out;
    }

    List<Seg> segments() throws IOException, InterruptedException {
        List<Seg> out = new ArrayList<>();
        for (String line : run("-l").split("\n")) {
            Matcher m = SEGMENT.matcher(line);
            if (m.matches()) {
                out.add(new Seg(m.group(1), hex(m.group(2)), hex(m.group(3)), hex(m.group(4)), hex(m.group(5)),
                        hex(m.group(6)), m.group(7).replace(" ", ""), hex(m.group(8))));
            }
        }
        return out;
    }

    /** The symbols of each table readelf prints, by table name (".symtab", ".dynsym"). */
    Map<String, List<Sym>> symbols() throws IOException, InterruptedException {
        Map<String, List<Sym>> out = new LinkedHashMap<>();
        List<Sym> current = null;
        for (String line : run("-s").split("\n")) {
            if (line.startsWith("Symbol table '")) {
                current = new ArrayList<>();
                out.put(line.substring(14, line.indexOf('\'', 14)), current);
                continue;
            }
            Matcher m = SYMBOL.matcher(line);
            if (current != null && m.matches()) {
                String size = m.group(3);
                current.add(new Sym(Integer.parseInt(m.group(1)), hex(m.group(2)),
                        size.startsWith("0x") ? hex(size.substring(2)) : Long.parseLong(size), m.group(4),
                        m.group(5), m.group(7), m.group(8)));
            }
        }
        return out;
    }

    /** Relocations by relocation section name. */
    Map<String, List<Rel>> relocations() throws IOException, InterruptedException {
        Map<String, List<Rel>> out = new LinkedHashMap<>();
        List<Rel> current = null;
        for (String line : run("-r").split("\n")) {
            Matcher h = REL_HEADER.matcher(line);
            if (h.matches()) {
                current = new ArrayList<>();
                out.put(h.group(1), current);
                continue;
            }
            Matcher m = REL.matcher(line);
            if (current != null && m.matches()) {
                long addend = 0;
                String rest = m.group(5);
                if (rest == null && m.group(4) != null) {
                    addend = hex(m.group(4)); // no symbol: readelf prints the addend alone
                } else if (rest != null) {
                    int plus = rest.lastIndexOf(" + ");
                    int minus = rest.lastIndexOf(" - ");
                    if (plus >= 0) {
                        addend = Long.parseUnsignedLong(rest.substring(plus + 3).trim(), 16);
                    } else if (minus >= 0) {
                        addend = -Long.parseUnsignedLong(rest.substring(minus + 3).trim(), 16);
                    }
                }
                current.add(new Rel(hex(m.group(1)), hex(m.group(2)), m.group(3), addend));
            }
        }
        return out;
    }

    String buildId() throws IOException, InterruptedException {
        Matcher m = BUILD_ID.matcher(run("-n"));
        return m.find() ? m.group(1) : null;
    }

    static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
