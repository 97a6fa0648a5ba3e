package dev.textpoke.code.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.Section;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rows {@link CallFrameTable} computes equal those binutils' {@code readelf
 * --debug-dump=frames-interp} prints (an independent reading of the same sections): for every
 * row of every frame description of the C library, the dynamic loader and programs compiled here
 * with and without frame pointers, at the row's first address and at the last address before the
 * next row, the CFA rule and every register rule readelf shows.
 */
class CallFrameTableTest {
    @TempDir
    static Path tmp;
    static Path withFramePointers;
    static Path withoutFramePointers;

    /** readelf's column names on x86-64 -> DWARF register numbers (psABI figure 3.36). */
    private static final Map<String, Integer> COLUMNS = Map.ofEntries(Map.entry("rax", 0), Map.entry("rdx", 1),
            Map.entry("rcx", 2), Map.entry("rbx", 3), Map.entry("rsi", 4), Map.entry("rdi", 5), Map.entry("rbp", 6),
            Map.entry("rsp", 7), Map.entry("r8", 8), Map.entry("r9", 9), Map.entry("r10", 10), Map.entry("r11", 11),
            Map.entry("r12", 12), Map.entry("r13", 13), Map.entry("r14", 14), Map.entry("r15", 15), Map.entry("ra", 16));
    private static final String[] NAMES = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10",
        "r11", "r12", "r13", "r14", "r15", "ra"};

    @BeforeAll
    static void compile() throws Exception {
        withFramePointers = gcc("fp", "-O2", "-fno-omit-frame-pointer");
        withoutFramePointers = gcc("nofp", "-O2", "-fomit-frame-pointer");
    }

    private static Path gcc(String name, String... flags) throws Exception {
        Path out = tmp.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", out.toString(), dev.textpoke.cli.TestTraces.root().resolve("traces/record/workload.c")
                .toString()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc (scripts/ensure-deps test)");
        return out;
    }

    static Stream<Path> files() {
        return Stream.of(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Path.of("/lib64/ld-linux-x86-64.so.2"),
                withFramePointers, withoutFramePointers);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyRowIsTheOneReadelfInterprets(Path file) throws Exception {
        CallFrameTable table;
        try (ElfFile elf = ElfFile.open(file)) {
            Section s = elf.section(".eh_frame").orElseThrow();
            table = CallFrameTable.read(elf.contents(s), elf.name(), s.offset(), s.addr(), 8, true);
        }
        List<String> out = readelf(file);
        int rows = 0;
        String[] columns = null;
        List<long[]> fdeRows = new ArrayList<>();
        List<String[]> fdeCells = new ArrayList<>();
        long fdeEnd = 0;
        boolean inFde = false;
        for (String line : out) {
            String t = line.strip();
            if (t.contains(" FDE ")) {
                rows += check(table, columns, fdeRows, fdeCells, fdeEnd);
                fdeRows.clear();
                fdeCells.clear();
                columns = null;
                inFde = true;
                String range = t.substring(t.indexOf("pc=") + 3);
                fdeEnd = Long.parseUnsignedLong(range.substring(range.indexOf("..") + 2), 16);
            } else if (t.contains(" CIE ") || t.contains("ZERO terminator")) {
                rows += check(table, columns, fdeRows, fdeCells, fdeEnd);
                fdeRows.clear();
                fdeCells.clear();
                columns = null;
                inFde = false;
            } else if (inFde && t.startsWith("LOC")) {
                columns = t.split("\\s+");
            } else if (inFde && columns != null && !t.isEmpty()) {
                // a register rule is "r9 (r9)": the number, then the name
                String[] cells = t.replaceAll("r(\\d+) \\([a-z0-9]+\\)", "r$1").split("\\s+");
                fdeRows.add(new long[] {Long.parseUnsignedLong(cells[0], 16)});
                fdeCells.add(cells);
            }
        }
        rows += check(table, columns, fdeRows, fdeCells, fdeEnd);
        assertTrue(rows > 20, "rows compared: " + rows);
    }

    /** Compares one FDE's rows; returns how many addresses were compared. */
    private static int check(CallFrameTable table, String[] columns, List<long[]> rows, List<String[]> cells,
            long end) throws IOException {
        if (columns == null) {
            return 0;
        }
        int compared = 0;
        for (int i = 0; i < rows.size(); i++) {
            long first = rows.get(i)[0];
            long last = i + 1 < rows.size() ? rows.get(i + 1)[0] - 1 : end - 1;
            for (long at : new long[] {first, last}) {
                int fde = table.find(at);
                assertTrue(fde >= 0, "no description covers 0x" + Long.toHexString(at));
                UnwindRow row = table.row(fde, at, new UnwindRow.Builder());
                String[] expected = cells.get(i);
                assertEquals(expected[1], cfa(row), "CFA at 0x" + Long.toHexString(at));
                for (int c = 2; c < columns.length; c++) {
                    Integer reg = COLUMNS.get(columns[c]);
                    assertTrue(reg != null, "column " + columns[c]);
                    assertEquals(expected[c], rule(row, reg), columns[c] + " at 0x" + Long.toHexString(at));
                }
                compared++;
            }
        }
        return compared;
    }

    /** Our CFA rule in readelf's words: "rsp+8", "exp". */
    private static String cfa(UnwindRow row) {
        if (row.cfaRegister < 0) {
            return "exp";
        }
        return NAMES[row.cfaRegister] + (row.cfaOffset < 0 ? "" : "+") + row.cfaOffset;
    }

    /** A register rule in readelf's words: "u" (undefined or unspecified), "s", "c-8", "v+8", a register, "exp". */
    private static String rule(UnwindRow row, int reg) {
        long v = row.values[reg];
        return switch (row.kinds[reg]) {
            case UnwindRow.UNSPECIFIED, UnwindRow.UNDEFINED -> "u";
            case UnwindRow.SAME_VALUE -> "s";
            case UnwindRow.OFFSET -> "c" + (v < 0 ? "" : "+") + v;
            case UnwindRow.VAL_OFFSET -> "v" + (v < 0 ? "" : "+") + v;
            case UnwindRow.REGISTER -> "r" + v;
            case UnwindRow.EXPRESSION -> "exp";
            case UnwindRow.VAL_EXPRESSION -> "vexp";
            default -> "?";
        };
    }

    private static List<String> readelf(Path file) throws Exception {
        Process p = new ProcessBuilder("readelf", "--debug-dump=frames-interp", "-W", file.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "readelf");
        String text = new String(out, StandardCharsets.UTF_8);
        // (binutils 2.40's readelf exits 1 on Debian's libc after printing it all, with no message)
        assertTrue(text.contains("Contents of the .eh_frame section"), text);
        // only the file's own .eh_frame: readelf goes on with .debug_frame, and with the separate
        // debug file it finds through .gnu_debuglink (whose .eh_frame is NOBITS)
        List<String> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!lines.isEmpty() && (line.startsWith("Contents of the") || line.startsWith("section '"))) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }
}
