package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AutoFDO text profile of the hand-run with flips ({@link HandTraceGroundTruthTest#scenario})
 * equals, count for count, the profile computed from what ran (every branch of every sample, the
 * code between consecutive ones, every sample's ip, in the kernel, relative to {@code _text});
 * a profile derived from perf's brstackinsn (each block a range, each block's jump to the next
 * block's start a branch, the final block's last instruction the ip) does not: the blocks of the
 * ftrace trampoline, freed before the samples that still hold it, are missing from perf's text, so
 * the branches around them pair with the wrong targets.
 */
class AutoFdoGroundTruthTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    /** A profile as text lines keyed for comparison: "r start-end", "a addr", "b from->to", to counts. */
    static Map<String, Long> parse(String autofdo) {
        Map<String, Long> out = new TreeMap<>();
        List<String> lines = autofdo.lines().toList();
        int i = 0;
        for (String section : List.of("r ", "a ", "b ")) {
            int n = Integer.parseInt(lines.get(i++));
            for (int k = 0; k < n; k++) {
                String l = lines.get(i++);
                int colon = l.lastIndexOf(':');
                out.put(section + l.substring(0, colon), Long.parseLong(l.substring(colon + 1)));
            }
        }
        return out;
    }

    static void add(Map<String, Long> m, String key) {
        m.merge(key, 1L, Long::sum);
    }

    @Test
    void countsAreWhatRanAndPerfsAreNot() throws Exception {
        HandTrace t = HandTraceGroundTruthTest.scenario();
        Path dir = t.write(tmp.resolve("flips.data"));
        // The kernel binary: from _text (the image's lowest symbol, do_sys_open) to the image's end.
        long base = t.image.symbols().stream().mapToLong(s -> s.address()).min().orElseThrow();
        long end = t.image.segments().stream().mapToLong(s -> s.address() + s.bytes().length()).max().orElseThrow();
        assertEquals(HandTrace.TEXT, base);
        java.util.function.LongPredicate kernel = a -> Long.compareUnsigned(a - base, end - base) < 0;

        // What ran.
        Map<String, Long> truth = new TreeMap<>();
        for (HandTrace.Sample s : t.samples) {
            List<HandTrace.Branch> b = s.newestFirst();
            if (kernel.test(s.ip())) {
                add(truth, "a " + Long.toHexString(s.ip() - base));
            }
            for (HandTrace.Branch x : b) {
                if (kernel.test(x.from()) && kernel.test(x.to())) {
                    add(truth, "b " + Long.toHexString(x.from() - base) + "->" + Long.toHexString(x.to() - base));
                }
            }
            for (int i = b.size() - 2; i >= 0; i--) {
                long start = b.get(i + 1).to();
                long stop = b.get(i).from();
                if (kernel.test(start) && kernel.test(stop)) {
                    add(truth, "r " + Long.toHexString(start - base) + "-" + Long.toHexString(stop - base));
                }
            }
        }

        CliRun run = CliRun.of("profile", "--format", "autofdo", dir.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertTrue(run.out().endsWith("// build_id: 0x0000000000000000000000000000000000000000\n// [kernel.kallsyms]\n\n"),
                run.out());
        assertEquals(truth, parse(run.out()));

        // What perf's brstackinsn says.
        PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
        assertEquals(0, p.status(), p.err());
        Map<String, Long> perfs = perfDerived(PerfBrstackinsnOutput.parse(p.out()), kernel, base);
        assertNotEquals(truth, perfs);
        Map<String, Long> diff = difference(truth, perfs);
        System.out.println("perf-derived minus what ran: " + diff);
        // The trampoline's ranges are outside the kernel either way: the difference is in the kernel
        // ranges and branches around them, which perf pairs with the block after the missing one.
        assertTrue(diff.keySet().stream().anyMatch(k -> k.startsWith("b ")), diff.toString());
    }

    /**
     * The AutoFDO counts a converter of perf's brstackinsn text would make: each block a range from
     * its first to its last instruction but the oldest branch's (the one jump line without an IPC:
     * these stacks have cycles), each block's jump to the next block's first instruction a branch,
     * the final block's last instruction the sample's ip; in the kernel, relative to {@code base}.
     */
    static Map<String, Long> perfDerived(List<List<PerfBrstackinsnOutput.Block>> samples,
            java.util.function.LongPredicate kernel, long base) {
        Map<String, Long> perfs = new TreeMap<>();
        for (List<PerfBrstackinsnOutput.Block> blocks : samples) {
            for (int k = 0; k < blocks.size(); k++) {
                PerfBrstackinsnOutput.Block b = blocks.get(k);
                long first = b.insns().get(0).address();
                long last = b.insns().get(b.insns().size() - 1).address();
                if (k == blocks.size() - 1 && !b.jump()) {
                    if (kernel.test(last)) {
                        add(perfs, "a " + Long.toHexString(last - base));
                    }
                    continue;
                }
                if (b.ipc() && kernel.test(first) && kernel.test(last)) {
                    add(perfs, "r " + Long.toHexString(first - base) + "-" + Long.toHexString(last - base));
                }
                if (k + 1 < blocks.size()) {
                    long to = blocks.get(k + 1).insns().get(0).address();
                    if (kernel.test(last) && kernel.test(to)) {
                        add(perfs, "b " + Long.toHexString(last - base) + "->" + Long.toHexString(to - base));
                    }
                }
            }
        }
        return perfs;
    }

    static Map<String, Long> difference(Map<String, Long> truth, Map<String, Long> other) {
        Map<String, Long> diff = new TreeMap<>();
        for (String k : union(truth, other)) {
            long d = other.getOrDefault(k, 0L) - truth.getOrDefault(k, 0L);
            if (d != 0) {
                diff.put(k, d);
            }
        }
        return diff;
    }

    private static java.util.Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        java.util.Set<String> s = new java.util.TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }
}
