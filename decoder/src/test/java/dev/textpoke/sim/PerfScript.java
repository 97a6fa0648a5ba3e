package dev.textpoke.sim;

import dev.textpoke.perf.oracle.PerfTool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * perf 6.1's instruction decode of a perf.data: {@code perf script --itrace=i0ns --ns -F
 * cpu,time,ip,sym,symoff,insn} (an instruction sample per instruction; {@code i1ns} drops some),
 * one line per instruction, {@code [001]  1000.000000123:  ffffffff81000000 loop+0x0 insn: b9 03}.
 * Other lines (errors perf prints into the output, text poke events) are kept apart.
 */
record PerfScript(List<Insn> insns, List<String> other, String err) {
    record Insn(int cpu, long time, long ip, String symOff, String bytes) {}

    private static final Pattern LINE = Pattern.compile(
            "^\\s*\\[(\\d+)\\]\\s+(\\d+)\\.(\\d{9}):\\s+([0-9a-f]+) (\\S+)\\s+insn:\\s?([0-9a-f ]*?)\\s*$");

    static PerfScript run(PerfTool perf, Path data, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("script", "-i", data.toString(), "--itrace=i0ns", "--ns", "-F",
                "cpu,time,ip,sym,symoff,insn"));
        args.addAll(List.of(extra));
        PerfTool.Result r = perf.run(args.toArray(String[]::new));
        if (r.status() != 0) {
            throw new AssertionError("perf " + String.join(" ", args) + " exited " + r.status() + ": " + r.err());
        }
        List<Insn> insns = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : r.out()) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                insns.add(new Insn(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) * 1_000_000_000L
                        + Long.parseLong(m.group(3)), Long.parseUnsignedLong(m.group(4), 16), m.group(5), m.group(6)));
            } else if (!line.isBlank()) {
                other.add(line);
            }
        }
        return new PerfScript(insns, other, r.err());
    }

    /** CPU {@code cpu}'s instructions, in perf's order. */
    List<Insn> cpu(int cpu) {
        return insns.stream().filter(i -> i.cpu() == cpu).toList();
    }

    PrimitiveIterator.OfLong ips(int cpu) {
        return cpu(cpu).stream().mapToLong(Insn::ip).iterator();
    }
}
