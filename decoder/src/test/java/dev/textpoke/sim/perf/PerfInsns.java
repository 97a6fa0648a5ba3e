package dev.textpoke.sim.perf;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.perf.PerfViaPipe;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions perf 6.1 decodes from a perf.data's Intel PT: {@code perf script --itrace=i0ns
 * --ns -F cpu,time,ip,sym,symoff,insn} (an instruction sample for every instruction; {@code i1ns}
 * would drop some), one line each:
 * <pre>
 * [001]  1000.000000123:  ffffffff81000000 loop3+0x0 insn: b9 03 00 00 00
 * </pre>
 * Lines perf prints for other records ({@code --show-text-poke-events}) are kept apart.
 */
record PerfInsns(List<Insn> insns, List<String> otherLines, String err) {
    record Insn(int cpu, long time, long ip, String symOff, String bytes) {}

    private static final Pattern LINE = Pattern.compile(
            "^\\[(-?\\d+)\\]\\s+(\\d+)\\.(\\d{9}):\\s+([0-9a-f]+) (\\S+)\\s+insn: ([0-9a-f ]+?)\\s*$");

    static PerfInsns run(PerfTool perf, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("script", "--itrace=i0ns", "--ns", "-F",
                "cpu,time,ip,sym,symoff,insn"));
        args.addAll(List.of(extra));
        PerfTool.Result r = perf.run(args.toArray(String[]::new));
        if (r.status() != 0) {
            throw new AssertionError("perf " + String.join(" ", args) + " exited " + r.status() + ": " + r.err());
        }
        return parse(r.out(), r.err());
    }

    /** As {@link #run}, perf reading a pipe-mode {@code input} through a pipe ({@code PerfViaPipe}). */
    static PerfInsns viaPipe(Path home, Path input, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("script", "--itrace=i0ns", "--ns", "-F",
                "cpu,time,ip,sym,symoff,insn"));
        args.addAll(List.of(extra));
        PerfViaPipe.Result r = PerfViaPipe.run(home, input, args.toArray(String[]::new));
        if (r.status() != 0) {
            throw new AssertionError("perf " + String.join(" ", args) + " exited " + r.status() + ": " + r.err());
        }
        return parse(r.out(), r.err());
    }

    private static PerfInsns parse(List<String> lines, String err) {
        List<Insn> insns = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                insns.add(new Insn(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) * 1_000_000_000L
                        + Long.parseLong(m.group(3)), Long.parseUnsignedLong(m.group(4), 16), m.group(5), m.group(6)));
            } else if (!line.isBlank()) {
                other.add(line);
            }
        }
        return new PerfInsns(insns, other, err);
    }
}
