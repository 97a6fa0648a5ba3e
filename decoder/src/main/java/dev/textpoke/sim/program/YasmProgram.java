package dev.textpoke.sim.program;

import dev.textpoke.code.Symbol;
import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written program assembled by yasm ({@code yasm -f bin}, flat binary at the source's
 * {@code org}): its bytes, its origin, and every label yasm's map file lists. Labels without a dot
 * become function symbols, each extending to the next such label (or the end); local labels
 * ({@code .loop}, listed as {@code func.loop}) are addresses only. Needs {@code yasm} on the PATH.
 *
 * @param labels every label by name, local ones as yasm names them ({@code func.loop})
 */
public record YasmProgram(long origin, Bytes bytes, List<Symbol> symbols, Map<String, Long> labels) {
    private static final Pattern ERROR = Pattern.compile("^[^:]*:(\\d+): (?:error|warning): (.*)$");
    private static final Pattern SYMBOL = Pattern.compile("^([0-9A-F]{16})\\s+([0-9A-F]{16})\\s+(\\S+)$");
    private static final Pattern ORIGIN = Pattern.compile("^([0-9A-F]{16})$");

    public YasmProgram {
        symbols = List.copyOf(symbols);
        labels = Map.copyOf(labels);
    }

    /** The address of label {@code name}. */
    public long label(String name) {
        Long a = labels.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no label " + name);
        }
        return a;
    }

    /**
     * Assembles {@code source} (yasm syntax, {@code bits 64}, with an {@code org}) in {@code workDir}.
     *
     * @throws YasmException when yasm reports an error (the first one, with its line)
     */
    public static YasmProgram assemble(String source, Path workDir) throws IOException {
        Path dir = Files.createTempDirectory(workDir, "yasm");
        try {
            Path src = dir.resolve("program.asm");
            // The map directive makes yasm list every label; it is on line 1, so the source's own
            // lines are one further down in yasm's messages.
            Files.writeString(src, "[map symbols]\n" + source, StandardCharsets.UTF_8);
            Path bin = dir.resolve("program.bin");
            Path map = dir.resolve("program.map");
            ProcessBuilder pb = new ProcessBuilder("yasm", "-f", "bin", "-o", bin.toString(),
                    "--mapfile=" + map, src.toString()).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot run yasm (install the Debian package yasm): " + e.getMessage(), e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("yasm did not finish in 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while yasm ran", e);
            }
            for (String line : out.split("\n")) {
                Matcher m = ERROR.matcher(line.trim());
                if (m.matches() && line.contains(": error: ")) {
                    throw new YasmException(Integer.parseInt(m.group(1)) - 1, m.group(2));
                }
            }
            if (p.exitValue() != 0) {
                throw new YasmException(0, out.isBlank() ? "yasm exited " + p.exitValue() : out.trim());
            }
            byte[] code = Files.readAllBytes(bin);
            return parse(Files.readAllLines(map, StandardCharsets.UTF_8), code);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Assembles the file {@code file}; errors name it. */
    public static YasmProgram assemble(Path file, Path workDir) throws IOException {
        return assemble(Files.readString(file, StandardCharsets.UTF_8), workDir);
    }

    private static YasmProgram parse(List<String> map, byte[] code) {
        long origin = 0;
        boolean inOrigin = false;
        Map<String, Long> labels = new LinkedHashMap<>();
        for (String raw : map) {
            String line = raw.trim();
            if (line.startsWith("-- Program origin")) {
                inOrigin = true;
                continue;
            }
            Matcher o = ORIGIN.matcher(line);
            if (inOrigin && o.matches()) {
                origin = Long.parseUnsignedLong(o.group(1), 16);
                inOrigin = false;
                continue;
            }
            Matcher s = SYMBOL.matcher(line);
            if (s.matches()) {
                labels.put(s.group(3), Long.parseUnsignedLong(s.group(2), 16));
            }
        }
        List<Map.Entry<String, Long>> globals = new ArrayList<>();
        for (Map.Entry<String, Long> e : labels.entrySet()) {
            if (!e.getKey().contains(".")) {
                globals.add(e);
            }
        }
        globals.sort(Map.Entry.comparingByValue(Long::compareUnsigned));
        List<Symbol> symbols = new ArrayList<>();
        long end = origin + code.length;
        for (int i = 0; i < globals.size(); i++) {
            long a = globals.get(i).getValue();
            long next = i + 1 < globals.size() ? globals.get(i + 1).getValue() : end;
            symbols.add(new Symbol(globals.get(i).getKey(), a, Math.max(0, next - a)));
        }
        return new YasmProgram(origin, Bytes.wrapOwned(code), symbols, labels);
    }

    /** A program builder holding this code and its symbols. */
    public Program.Builder toProgram() {
        Program.Builder b = Program.builder().segment(origin, bytes);
        symbols.forEach(b::symbol);
        return b;
    }
}
