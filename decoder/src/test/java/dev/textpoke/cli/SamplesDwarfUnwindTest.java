package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code samples} unwinds user stacks sampled with {@code --call-graph dwarf} as perf script
 * does, on recordings made here of the workload compiled with and without frame pointers (without
 * them, a frame's caller is found only through the call frame information). Two oracles:
 *
 * <ul>
 *   <li>perf script {@code --no-inline} (textpoke adds no inlined frames) with the same build-id
 *       cache: every sample's header is the same, and so are its frames, but where perf's
 *       unwinder (libunwind in Debian's perf 6.1) loses a library's call frame information and
 *       falls back to frame pointers, skipping or ending frames;
 *   <li>the machine code ({@link CallSites}, from objdump): in every chain textpoke prints, each
 *       caller frame is right before a return address, after a call instruction. Where textpoke
 *       and perf differ, the calls in textpoke's chain also go to the callee's function (or to a
 *       wrapper that jumps to it, or a PLT stub, or are indirect), and perf's chain fails that
 *       check or stops early.
 * </ul>
 */
class SamplesDwarfUnwindTest {
    @TempDir
    static Path tmp;

    static FreshRecordings withFp;
    static FreshRecordings withoutFp;
    static Path fpData;
    static Path noFpData;

    @BeforeAll
    static void record() throws Exception {
        withFp = FreshRecordings.in(Files.createDirectories(tmp.resolve("fp")));
        withoutFp = FreshRecordings.in(Files.createDirectories(tmp.resolve("nofp")), "-fomit-frame-pointer");
        List<String> dwarf = List.of("-e", "cpu-clock", "-F", "2000", "--call-graph", "dwarf");
        fpData = withFp.record("dwarf.data", dwarf, 300);
        noFpData = withoutFp.record("dwarf.data", dwarf, 300);
    }

    /** The fields of the comparison that also checks the call sites. */
    private static final List<String> NAMED = List.of("-F", "comm,tid,time,ip,sym,symoff,dso");

    static Stream<List<String>> fieldLists() {
        return Stream.of(NAMED, List.of(), List.of("-F", "comm,tid,time,ip,sym,dso"), List.of("-F", "tid,time,ip"),
                List.of("-F", "comm,pid,tid,time,period,event,ip,sym"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldLists")
    void framePointerProgramIsUnwoundAsPerfUnwindsIt(List<String> options) throws Exception {
        assertSameAsPerf(withFp, fpData, options);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldLists")
    void programWithoutFramePointersIsUnwoundAsPerfUnwindsIt(List<String> options) throws Exception {
        assertSameAsPerf(withoutFp, noFpData, options);
    }

    /** The comparison above is of real chains: main and the C library's start under the workload's functions. */
    @Test
    void theChainsGoFromTheSampledFunctionToStart() throws Exception {
        for (FreshRecordings f : List.of(withFp, withoutFp)) {
            Path data = f == withFp ? fpData : noFpData;
            String out = samples(f, data, List.of("-F", "ip,sym")).out();
            assertTrue(out.contains(" leaf\n") && out.contains(" middle\n") && out.contains(" outer\n")
                    && out.contains(" main\n") && out.contains(" _start\n"), out.substring(0, Math.min(2000, out.length())));
        }
    }

    /** --no-unwind prints the sampled user IP as the one user frame: the first frame of the unwound chain. */
    @Test
    void noUnwindKeepsTheFirstFrame() throws Exception {
        List<String> unwound = samples(withoutFp, noFpData, List.of("-F", "tid,time,ip")).out().lines().toList();
        List<String> first = samples(withoutFp, noFpData, List.of("--no-unwind", "-F", "tid,time,ip")).out().lines().toList();
        // the kernel's frames (recorded, not unwound), then only the first user frame
        List<String> expected = new ArrayList<>();
        boolean userSeen = false;
        for (String line : unwound) {
            if (!line.startsWith("\t")) {
                expected.add(line);
                userSeen = false;
            } else if (line.strip().startsWith("ffffffff")) {
                expected.add(line);
            } else if (!userSeen) {
                expected.add(line);
                userSeen = true;
            }
        }
        assertTrue(first.size() < unwound.size(), "--no-unwind prints fewer frames");
        assertEquals(expected, first);
    }

    /** JSON frames are the text's frames. */
    @Test
    void jsonFramesAreTheTextFrames() throws Exception {
        List<String> text = samples(withFp, fpData, List.of("-F", "tid,time,ip")).out().lines().toList();
        List<String> json = samples(withFp, fpData, List.of("--json", "-F", "tid,time,ip")).out().lines().toList();
        List<Integer> textFrames = new ArrayList<>();
        int n = -1;
        for (String line : text) {
            if (line.startsWith("\t")) {
                n++;
            } else if (!line.isEmpty()) {
                if (n >= 0) {
                    textFrames.add(n);
                }
                n = 0;
            }
        }
        textFrames.add(n);
        assertEquals(textFrames.size(), json.size(), "one JSON object per sample");
        for (int i = 0; i < json.size(); i++) {
            String frames = json.get(i).substring(json.get(i).indexOf("\"frames\":"));
            assertEquals(textFrames.get(i), frames.split("\"ip\":").length - 1, "sample " + (i + 1));
        }
    }

    private static CliRun samples(FreshRecordings f, Path data, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(List.of("samples", "--buildid-dir", f.buildIdDir().toString()));
        args.addAll(options);
        args.add(data.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitStatus.OK, run.status(), run.err());
        return run;
    }

    /** One sample of perf script's text: its header line and its frame lines. */
    private record Sample(String header, List<String> frames) {}

    private static List<Sample> parse(List<String> lines) {
        List<Sample> out = new ArrayList<>();
        Sample cur = null;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("\t")) {
                cur.frames().add(line.strip());
            } else {
                cur = new Sample(line, new ArrayList<>());
                out.add(cur);
            }
        }
        return out;
    }

    /** The samples whose frames textpoke and perf print differently, per file (from the NAMED comparison). */
    private static final java.util.Map<Path, java.util.Set<Integer>> DIFFERING = new java.util.HashMap<>();

    private static void assertSameAsPerf(FreshRecordings f, Path file, List<String> options) throws Exception {
        java.util.Set<Integer> differing = differing(f, file);
        List<Sample> perf = parse(perfScript(f, file, options));
        List<Sample> ours = parse(samples(f, file, options).out().lines().toList());
        assertEquals(perf.size(), ours.size(), "samples");
        for (int i = 0; i < perf.size(); i++) {
            assertEquals(perf.get(i).header(), ours.get(i).header(), "sample " + (i + 1));
            if (!differing.contains(i)) {
                assertEquals(perf.get(i).frames(), ours.get(i).frames(), file + " sample " + (i + 1));
            }
        }
    }

    private static List<String> perfScript(FreshRecordings f, Path file, List<String> options) throws Exception {
        List<String> perfArgs = new ArrayList<>(List.of("--no-inline"));
        perfArgs.addAll(options);
        perfArgs.addAll(List.of("-i", file.toString()));
        return f.script(perfArgs.toArray(String[]::new));
    }

    /**
     * Compares the named frames with perf's and checks them against the machine code; returns the
     * samples where the two differ (each checked: ours valid, perf's invalid or shorter).
     */
    private static synchronized java.util.Set<Integer> differing(FreshRecordings f, Path file) throws Exception {
        java.util.Set<Integer> known = DIFFERING.get(file);
        if (known != null) {
            return known;
        }
        List<Sample> perf = parse(perfScript(f, file, NAMED));
        List<Sample> ours = parse(samples(f, file, NAMED).out().lines().toList());
        assertEquals(perf.size(), ours.size(), "samples");
        assertTrue(perf.size() > 200, "a recording with samples: " + perf.size());
        java.util.Set<Integer> differing = new java.util.TreeSet<>();
        int deep = 0;
        for (int i = 0; i < perf.size(); i++) {
            List<String> o = ours.get(i).frames();
            String why = broken(o, false);
            assertEquals(null, why, file + " sample " + (i + 1) + ": " + o);
            if (o.stream().filter(SamplesDwarfUnwindTest::isUser).count() >= 5) {
                deep++;
            }
            List<String> p = perf.get(i).frames();
            if (!o.equals(p)) {
                differing.add(i);
                assertEquals(null, broken(o, true), file + " sample " + (i + 1) + ": " + o);
                boolean prefix = p.size() < o.size() && o.subList(0, p.size()).equals(p);
                assertTrue(prefix || broken(p, true) != null, file + " sample " + (i + 1)
                        + ": perf's chain passes the call-site check and is not a prefix of ours:\n" + p + "\n" + o);
            }
        }
        assertTrue(differing.size() * 20 < perf.size(), "at most 5% of the samples differ: " + differing.size());
        assertTrue(deep * 2 > perf.size(), "most chains have five user frames or more: " + deep);
        DIFFERING.put(file, differing);
        return differing;
    }

    private static boolean isUser(String frame) {
        return frame.endsWith(")") && frame.contains(" (/");
    }

    /**
     * Why a chain fails the call-site check, or null: each user caller frame follows a call
     * instruction; when {@code strict}, a direct call within one file also goes to the callee's
     * function (which a tail call would break: a chain with one is checked only loosely, unless
     * textpoke and perf disagree on it).
     */
    private static String broken(List<String> frames, boolean strict) throws Exception {
        for (int i = 0; i + 1 < frames.size(); i++) {
            String callee = frames.get(i);
            String caller = frames.get(i + 1);
            // e.g. a return address on the stack itself ([stack]): perf's libunwind after the dynamic
            // loader's first frames, before the loader has relocated itself
            if (strict && isUser(callee) && !isUser(caller) && !caller.endsWith("([vdso])")) {
                return "a caller outside every file (this workload runs no generated code): " + caller;
            }
            if (!isUser(caller) || !isUser(callee) && !callee.endsWith("([vdso])")) {
                continue;
            }
            Path callerFile = Path.of(dso(caller));
            long ret = Long.parseUnsignedLong(caller.substring(0, caller.indexOf(' ')), 16) + 1;
            CallSites sites = CallSites.of(callerFile);
            CallSites.Call call = sites.callReturningTo(ret);
            if (call == null) {
                return "no call ends at " + Long.toHexString(ret) + " in " + callerFile + " (frame " + caller + ")";
            }
            if (!strict || call.target() < 0 || call.plt()) {
                continue;
            }
            if (!dso(callee).equals(dso(caller))) {
                return "a direct call at " + caller + " into another file, " + callee;
            }
            int plus = callee.lastIndexOf("+0x");
            if (plus < 0) {
                continue; // the callee's function is not known: only the call is checked
            }
            long off = Long.parseUnsignedLong(callee.substring(plus + 3, callee.lastIndexOf(" (")), 16);
            long start = sites.vaddrOf(Long.parseUnsignedLong(callee.substring(0, callee.indexOf(' ')), 16) - off);
            if (call.target() != start && !sites.tailJumps(call.target(), start)) {
                return "the call before " + caller + " goes to " + Long.toHexString(call.target()) + ", not to "
                        + callee + " at " + Long.toHexString(start);
            }
        }
        return null;
    }

    private static String dso(String frame) {
        return frame.substring(frame.lastIndexOf(" (") + 2, frame.length() - 1);
    }
}
