package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.TestTraces;
import dev.textpoke.perf.oracle.PerfReportDump;
import dev.textpoke.perf.oracle.PerfTool;
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
 * {@code decode} on a perf.data cut inside the payload of an AUXTRACE record: what could be read
 * before the damage is still reported. It printed nothing (the code timeline's own pass over the
 * records failed on the cut), on quipper's {@code perf.data.intel_pt-4.14} cut to 77%. The trace
 * of a CPU whose buffers lie wholly before the cut decodes as perf decodes the whole file, the cut
 * buffer's bytes decode as the start of what perf decodes from that buffer, and the damage follows
 * as one line naming the file and the offset of the cut record (from {@code perf report -D}).
 */
class DecodeCutRecordingTest {
    @TempDir
    Path tmp;

    private static final Pattern SIZE = Pattern.compile("size: 0x([0-9a-f]+) .* cpu: (\\d+)");
    private static final Pattern INSN = Pattern.compile(
            "^\\{\"cpu\":(\\d+),\"time\":\\d+,\"type\":\"insn\",\"ip\":\"0x([0-9a-f]+)\",\"sym\":(?:\"([^\"]+)\"|null),"
                    + "\"symoff\":(\\d+|null),\"bytes\":\"([0-9a-f]+)\",");

    record Insn(int cpu, long ip, String symOff, String bytes) {}

    @Test
    void theBuffersBeforeACutDecodeAsPerfDecodesThemAndTheDamageFollows() throws Exception {
        // pokes.data: a buffer of CPU 1, then one of CPU 0, code modified all along (TEXT_POKE)
        Path whole = TestTraces.trace("pt/pokes.data");
        PerfTool perf = PerfTool.in(tmp);
        List<PerfReportDump.DumpedRecord> auxtraces = perf.reportDump(whole.resolve("data")).records().stream()
                .filter(r -> r.name().equals("AUXTRACE")).toList();
        assertEquals(2, auxtraces.size(), "perf lists two AUXTRACE records");
        PerfReportDump.DumpedRecord last = auxtraces.get(1);
        Matcher m = SIZE.matcher(last.line());
        assertTrue(m.find(), last.line());
        long payload = Long.parseLong(m.group(1), 16);
        int cutCpu = Integer.parseInt(m.group(2));
        Matcher first = SIZE.matcher(auxtraces.get(0).line());
        assertTrue(first.find(), auxtraces.get(0).line());
        int wholeCpu = Integer.parseInt(first.group(2));
        assertTrue(wholeCpu != cutCpu, "the two buffers are of two CPUs");

        // cut half way into the last buffer's bytes (its record header is 48 bytes)
        Path cut = tmp.resolve("cut.data");
        Files.createDirectories(cut.resolve("kcore_dir"));
        for (String f : List.of("kcore", "kallsyms", "modules")) {
            Files.copy(whole.resolve("kcore_dir").resolve(f), cut.resolve("kcore_dir").resolve(f));
        }
        byte[] data = Files.readAllBytes(whole.resolve("data"));
        Files.write(cut.resolve("data"), Arrays.copyOf(data, (int) (last.offset() + 48 + payload / 2)));

        CliRun r = CliRun.of("decode", "--insns", "--json", cut.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
        List<String> errLines = r.err().strip().lines().toList();
        String damage = errLines.get(errLines.size() - 1);
        assertTrue(damage.contains(cut.resolve("data").toString()), damage);
        assertTrue(damage.contains("(0x" + Long.toHexString(last.offset()) + ")"), "the cut record: " + damage);

        List<Insn> ours = insns(r.out());
        List<Insn> perfs = new ArrayList<>();
        for (PerfInsns.Insn i : PerfInsns.run(perf, "-i", whole.toString()).insns()) {
            perfs.add(new Insn(i.cpu(), i.ip(), i.symOff(), i.bytes().replace(" ", "")));
        }
        List<Insn> perfWhole = ofCpu(perfs, wholeCpu);
        List<Insn> oursWhole = ofCpu(ours, wholeCpu);
        assertTrue(perfWhole.size() > 10_000, "perf decoded " + perfWhole.size());
        assertEquals(perfWhole.size(), commonPrefix(perfWhole, oursWhole), "cpu " + wholeCpu + ", whose buffer is whole: "
                + oursWhole.size() + " instructions of perf's " + perfWhole.size());
        assertEquals(perfWhole.size(), oursWhole.size());

        List<Insn> perfCut = ofCpu(perfs, cutCpu);
        List<Insn> oursCut = ofCpu(ours, cutCpu);
        assertFalse(oursCut.isEmpty(), "the cut buffer's bytes are decoded");
        assertTrue(oursCut.size() < perfCut.size(), oursCut.size() + " of " + perfCut.size());
        assertEquals(oursCut.size(), commonPrefix(perfCut, oursCut), "cpu " + cutCpu + ": the start of its buffer");

        // the summary and the plain lines: what was read, then the damage
        for (List<String> c : List.of(List.of("decode", "--summary"), List.of("decode", "--summary", "--json"),
                List.of("decode"))) {
            List<String> args = new ArrayList<>(c);
            args.add(cut.toString());
            CliRun s = CliRun.of(args.toArray(String[]::new));
            assertEquals(ExitStatus.BAD_INPUT, s.status(), c + ": " + s.err());
            assertTrue(s.err().strip().endsWith(damage), c + ": " + s.err());
            assertFalse(s.out().isBlank(), c + " prints what it read");
        }
    }

    private static List<Insn> insns(String out) {
        List<Insn> list = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher m = INSN.matcher(l);
            if (m.find()) {
                // perf names what it cannot name [unknown], and gives no offset then
                String symOff = m.group(3) == null ? "[unknown]"
                        : m.group(3) + "+0x" + Long.toHexString(Long.parseLong(m.group(4)));
                list.add(new Insn(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(2), 16), symOff,
                        m.group(5)));
            }
        }
        return list;
    }

    /** How many instructions at the start of both lists are the same. */
    private static int commonPrefix(List<Insn> a, List<Insn> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }

    private static List<Insn> ofCpu(List<Insn> all, int cpu) {
        return all.stream().filter(i -> i.cpu() == cpu).toList();
    }
}
