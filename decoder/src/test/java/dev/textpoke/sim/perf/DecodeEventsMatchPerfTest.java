package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.JsonSchemaTest;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code decode --ptwrite --power} against perf 6.1 ({@code perf script --itrace=bpw}) on
 * recordings our writer makes with PTWRITE and power event packets: each event with perf's values
 * (PTWRITE payloads with and without a FUP, MWAIT hints, C-state entry and exit, execution stops,
 * core:bus ratio changes with perf's frequency and percentage) at the IP perf gives it, in the same
 * order among the branches. The code is {@code ptkernel.S}'s, addresses from nm.
 */
class DecodeEventsMatchPerfTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static TestKernel kernel;

    /** PT with PTWEn, FUPonPTW and PwrEvtEn, and perf's default timing. */
    static final PtConfig EVENTS =
            new PtConfig(true, false, true, true, true, true, false, true, true, false, false, 3, 0, 3, 0);

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        kernel = TestKernel.build(tmp);
    }

    private static final Pattern PERF_EVENT = Pattern.compile(
            "\\[(\\d+)\\]\\s+\\S+:\\s+(ptwrite|cbr|mwait|pwre|exstop|pwrx):\\s+(.*?)\\s+([0-9a-f]+) \\S+"
                    + " \\([^()]*\\)\\s*$");
    private static final Pattern PERF_BRANCH = Pattern.compile(
            "\\[(\\d+)\\]\\s+\\S+:\\s+\\d+ branches:\\S*\\s+([0-9a-f]+) .*? =>\\s+([0-9a-f]+) ");
    private static final Pattern OUR_EVENT = Pattern.compile(
            "^\\[(\\d+)\\] \\S+: (ptwrite|cbr|mwait|pwre|exstop|pwrx)\\s+(.*?)  ([0-9a-f]{16}) ");
    private static final Pattern OUR_BRANCH = Pattern.compile(
            "^\\[(\\d+)\\] \\S+: [a-z ]{7} (?:\\(x\\) )?([0-9a-f]{16}) .*? => ([0-9a-f]{16}) ");

    /** Branches and events as "cpu branch from => to" and "cpu kind: text @ ip", in order. */
    static List<String> lines(List<String> text, Pattern event, Pattern branch) {
        List<String> out = new ArrayList<>();
        for (String l : text) {
            Matcher m = event.matcher(l);
            if (m.find()) {
                // perf adds a cbr event with ratio 0 at the first PSB+ without a CBR: no ratio is known there
                if (!(m.group(2).equals("cbr") && m.group(3).startsWith("cbr:  0 "))) {
                    out.add(Integer.parseInt(m.group(1)) + " " + m.group(2) + ": " + m.group(3) + " @ "
                            + Long.toHexString(Long.parseUnsignedLong(m.group(4), 16)));
                }
                continue;
            }
            m = branch.matcher(l);
            if (m.find()) {
                out.add(Integer.parseInt(m.group(1)) + " branch " + hex(m.group(2)) + " => " + hex(m.group(3)));
            }
        }
        return out;
    }

    private static String hex(String digits) {
        return Long.toHexString(Long.parseUnsignedLong(digits, 16));
    }

    static List<String> perfLines(Path dir) throws Exception {
        PerfTool.Result r = perf.run("script", "-i", dir.toString(), "--itrace=bpw");
        assertEquals(0, r.status(), r.err());
        return lines(r.out(), PERF_EVENT, PERF_BRANCH);
    }

    static List<String> ourLines(Path dir) {
        CliRun r = CliRun.of("decode", "--ptwrite", "--power", dir.toString());
        assertEquals(0, r.status(), r.err());
        return lines(List.of(r.out().split("\n")), OUR_EVENT, OUR_BRANCH);
    }

    /** A symbol's address plus an offset, as the lines show it. */
    private static String at(String symbol, long offset) {
        return Long.toHexString(kernel.at(symbol) + offset);
    }

    static Path write(String name, PtConfig config, long startTsc, PacketEncoder packets) throws Exception {
        Bytes trace = PtPerfDataWriterTest.end(packets);
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2).config(config)
                .stream(AuxStream.ofCpu(1, trace, PtPerfDataWriterTest.ns(startTsc) + 5_000))
                .sideband(new SidebandEvent.ItraceStart(PtPerfDataWriterTest.ns(startTsc) - 1_000, 1, 0, 0, -1))
                .build();
        Path dir = tmp.resolve(name);
        PtPerfDataWriter.writeDirectory(rec, dir);
        return dir;
    }

    @Test
    void eventsBoundToAFupAreWhereTheFupSays() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0;
        PacketEncoder e = PtPerfDataWriterTest.start(t0, kernel.at("powered"))
                .ptw(8, true, 0x1122334455667788L).fup(kernel.at("powered_ptw"))
                .ptw(4, false, 0xabcdL)
                .mwait(0x20, 1).pwre(false, 2, 1).fup(kernel.at("powered_mwait"))
                .exstop(true).fup(kernel.at("powered_after"))
                .pwrx(2, 3, 1).cbr(35);
        List<String> perfs = agree("bound.data", t0, e,
                "1 mwait: hints: 0x20 extensions: 0x1 @ " + at("powered_mwait", 0));
        assertEquals(9, perfs.size(), perfs.toString()); // tr strt, 7 events, tr end
    }

    /**
     * The recording of {@code packets} (with {@link #EVENTS}) decodes to perf's lines, among them
     * {@code expected} (so that the comparison is not of two empty lists); perf's lines.
     */
    private static List<String> agree(String name, long t0, PacketEncoder packets, String... expected)
            throws Exception {
        Path dir = write(name, EVENTS, t0, packets);
        List<String> perfs = perfLines(dir);
        for (String line : expected) {
            assertTrue(perfs.contains(line), line + " in " + perfs);
        }
        assertEquals(perfs, ourLines(dir));
        return perfs;
    }

    @Test
    void eventsWithoutAFupAreWhereTheWalkStandsAndCbrIsPerfs() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 100_000;
        // loop3: TNT for its jnz (taken, taken), the events between them, a ratio in the PSB+ and one after.
        PacketEncoder e = new PacketEncoder().psb().tsc(t0).cbr(24).psbend().modeExec(64, false)
                .tipPge(kernel.at("loop3"))
                .ptw(4, false, 0x1234L).tnt(0b1, 1).cbr(30).ptw(8, false, 0xdeadbeefcafeL).tnt(0b1, 1)
                .exstop(false).mwait(0x20, 1).pwre(true, 6, 2).pwrx(6, 6, 8)
                // payloads perf shows as text too ("abcd", "HGFEDCBA", "w") and ones it does not
                .ptw(4, false, 0x64636261L).ptw(8, false, 0x4142434445464748L).ptw(8, false, 0x77L)
                .ptw(4, false, 0x41004243L).ptw(4, false, 0x7fL).ptw(4, false, 0L).tnt(0b01, 2);
        agree("unbound.data", t0, e, "1 cbr: cbr: 30 freq: 3000 MHz (125%) @ " + at("loop3", 5),
                "1 ptwrite: IP: 0 payload: 0x64636261 abcd @ " + at("loop3", 5));
    }

    /**
     * A PTW without a FUP before a PTWRITE further into the block: perf puts it where the walk
     * stands (the block's start), and so does textpoke; libipt would bind it to the PTWRITE.
     */
    @Test
    void aPtwWithoutAFupIsNotMovedToThePtwrite() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 400_000;
        agree("later.data", t0, PtPerfDataWriterTest.start(t0, kernel.at("ptw_later")).ptw(8, false, 0x1234567890L),
                "1 ptwrite: IP: 0 payload: 0x1234567890 @ " + at("ptw_later", 0));
    }

    @Test
    void jsonCarriesTheValuesPerfPrints() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 200_000;
        PacketEncoder e = new PacketEncoder().psb().tsc(t0).cbr(16).psbend().modeExec(64, false)
                .tipPge(kernel.at("powered"))
                .ptw(8, true, 0xfedcba9876543210L).fup(kernel.at("powered_ptw"))
                .mwait(0x51, 0).pwre(false, 5, 1).fup(kernel.at("powered_mwait"))
                .pwrx(5, 5, 2);
        Path dir = write("json.data", EVENTS, t0, e);
        List<String> perfs = perfLines(dir);
        CliRun r = CliRun.of("decode", "--ptwrite", "--power", "--json", dir.toString());
        assertEquals(0, r.status(), r.err());
        List<String> fromJson = new ArrayList<>();
        Pattern field = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[^,}]+)");
        for (String l : r.out().split("\n")) {
            java.util.Map<String, String> f = new java.util.HashMap<>();
            Matcher m = field.matcher(l);
            while (m.find()) {
                f.put(m.group(1), m.group(2).replace("\"", ""));
            }
            String type = f.get("type");
            String text = switch (type) {
                case "branch" -> null;
                case "ptwrite" -> "IP: " + (f.get("ip_bound").equals("true") ? 1 : 0) + " payload: " + f.get("payload");
                case "cbr" -> String.format("cbr: %2s freq: %4s MHz (%3s%%)", f.get("ratio"), f.get("mhz"),
                        f.get("percent"));
                case "mwait" -> "hints: " + cHex(f.get("hints")) + " extensions: " + cHex(f.get("extensions"));
                case "pwre" -> "hw: " + (f.get("hw").equals("true") ? 1 : 0) + " cstate: " + f.get("cstate")
                        + " sub-cstate: " + f.get("sub_cstate");
                case "pwrx" -> "deepest cstate: " + f.get("deepest_cstate") + " last cstate: " + f.get("last_cstate")
                        + " wake reason: " + cHex(f.get("wake_reason"));
                default -> throw new AssertionError("unexpected line " + l);
            };
            String cpu = f.get("cpu");
            if (text == null) {
                String to = f.get("to").equals("null") ? "0" : f.get("to").substring(2);
                fromJson.add(cpu + " branch " + f.get("from").substring(2) + " => " + to);
            } else {
                String ip = f.get("ip").equals("null") ? "0" : f.get("ip").substring(2);
                fromJson.add(cpu + " " + type + ": " + text + " @ " + ip);
            }
        }
        assertEquals(perfs, fromJson);
        assertTrue(r.out().contains("\"payload\":\"0xfedcba9876543210\""), r.out());
        // and every object is one docs/json.md describes
        JsonSchemaTest.assertDocumented("decode", r.out());
        CliRun exstop = CliRun.of("decode", "--ptwrite", "--power", "--json", write("exstop.data", EVENTS, t0,
                PtPerfDataWriterTest.start(t0, kernel.at("powered")).exstop(false).ptw(4, false, 5L)).toString());
        assertTrue(exstop.out().contains("\"type\":\"exstop\"") && exstop.out().contains("\"type\":\"ptwrite\""),
                exstop.out());
        JsonSchemaTest.assertDocumented("decode", exstop.out());
    }

    private static final Pattern PERF_TX = Pattern.compile(
            "\\[(\\d+)\\]\\s+\\S+:\\s+\\d+ transactions:\\s+(x|tx abrt)?\\s+([0-9a-f]+) \\S+ \\(");
    private static final Pattern PERF_FLAGGED_BRANCH = Pattern.compile(
            "\\[(\\d+)\\]\\s+\\S+:\\s+\\d+\\s+branches:\\S*.*?\\s([0-9a-f]+) \\S+ \\([^)]*\\) =>\\s+([0-9a-f]+) ");
    private static final Pattern OUR_TX = Pattern.compile(
            "^\\[(\\d+)\\] \\S+: transaction (begin|commit|abort)  ([0-9a-f]{16}) ");

    /**
     * TSX: a transaction begun and committed, one begun and aborted (the abort an asynchronous
     * branch to the handler). perf ({@code --itrace=bx -F +flags}) names a transaction sample by its
     * flags: "x" begins, none commits, "tx abrt" aborts; its IP is the FUP's.
     */
    @Test
    void transactionsAreWherePerfHasThem() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 500_000;
        long l = kernel.at("loop3");
        Path dir = write("tsx.data", PtConfig.PERF_DEFAULT, t0, PtPerfDataWriterTest.start(t0, l)
                .modeTsx(true, false).fup(l + 5).tnt(1, 1)
                .modeTsx(false, false).fup(l + 7).tnt(1, 1)
                .modeTsx(true, false).fup(l + 5)
                .modeTsx(false, true).fup(l + 7).tip(kernel.at("leaf")));
        PerfTool.Result r = perf.run("script", "-i", dir.toString(), "--itrace=bx", "-F", "+flags");
        assertEquals(0, r.status(), r.err());
        List<String> perfs = new ArrayList<>();
        for (String line : r.out()) {
            Matcher m = PERF_TX.matcher(line);
            if (m.find()) {
                String what = m.group(2) == null ? "commit" : m.group(2).equals("x") ? "begin" : "abort";
                perfs.add(Integer.parseInt(m.group(1)) + " transaction " + what + " @ " + hex(m.group(3)));
            } else if ((m = PERF_FLAGGED_BRANCH.matcher(line)).find()) {
                perfs.add(Integer.parseInt(m.group(1)) + " branch " + hex(m.group(2)) + " => " + hex(m.group(3)));
            }
        }
        CliRun ours = CliRun.of("decode", "--transactions", dir.toString());
        assertEquals(0, ours.status(), ours.err());
        List<String> mine = new ArrayList<>();
        for (String line : ours.out().split("\n")) {
            Matcher m = OUR_TX.matcher(line);
            if (m.find()) {
                mine.add(Integer.parseInt(m.group(1)) + " transaction " + m.group(2) + " @ " + hex(m.group(3)));
            } else if ((m = OUR_BRANCH.matcher(line)).find()) {
                mine.add(Integer.parseInt(m.group(1)) + " branch " + hex(m.group(2)) + " => " + hex(m.group(3)));
            }
        }
        assertEquals(4, perfs.stream().filter(x -> x.contains(" transaction ")).count(), perfs.toString());
        assertTrue(perfs.contains("1 transaction abort @ " + at("loop3", 7)), perfs.toString());
        assertEquals(perfs, mine);
        CliRun json = CliRun.of("decode", "--transactions", "--json", dir.toString());
        assertTrue(json.out().contains("\"type\":\"transaction\",\"ip\":\"0x" + at("loop3", 7)
                + "\",\"sym\":\"loop3\",\"symoff\":7,\"what\":\"commit\"}"), json.out());
        JsonSchemaTest.assertDocumented("decode", json.out());
    }

    private static final Pattern PERF_NAMED_BRANCH = Pattern.compile(
            "\\[(\\d+)\\]\\s+\\S+:\\s+\\d+\\s+branches:\\S*\\s+(.*?)\\s+([0-9a-f]+) \\S+ \\([^)]*\\) =>\\s+([0-9a-f]+) ");
    private static final Pattern OUR_NAMED_BRANCH = Pattern.compile(
            "^\\[(\\d+)\\] \\S+: ([a-z ]{7}) ((?:\\(x\\) )?)([0-9a-f]{16}) .*? => ([0-9a-f]{16}) ");

    /**
     * perf's branches ({@code --itrace=b -F +flags}) as "cpu kind from => to", with " (x)" for one
     * inside a transaction; the kind as textpoke names it ("tr end  return" is "tr end").
     */
    static List<String> perfNamedBranches(Path dir) throws Exception {
        PerfTool.Result r = perf.run("script", "-i", dir.toString(), "--itrace=b", "-F", "+flags");
        assertEquals(0, r.status(), r.err());
        List<String> out = new ArrayList<>();
        for (String line : r.out()) {
            Matcher m = PERF_NAMED_BRANCH.matcher(line);
            if (m.find()) {
                String flags = m.group(2);
                boolean inTx = flags.contains("(x)");
                String kind = flags.replace("(x)", "").strip();
                kind = kind.startsWith("tr end") ? "tr end" : kind;
                out.add(Integer.parseInt(m.group(1)) + " " + kind + " " + hex(m.group(3)) + " => " + hex(m.group(4))
                        + (inTx ? " (x)" : ""));
            }
        }
        return out;
    }

    /** textpoke's branches ({@code decode}) as {@link #perfNamedBranches} gives perf's. */
    static List<String> ourNamedBranches(Path dir) {
        CliRun ours = CliRun.of("decode", dir.toString());
        assertEquals(0, ours.status(), ours.err());
        List<String> out = new ArrayList<>();
        for (String line : ours.out().split("\n")) {
            Matcher m = OUR_NAMED_BRANCH.matcher(line);
            if (m.find()) {
                out.add(Integer.parseInt(m.group(1)) + " " + m.group(2).strip() + " " + hex(m.group(4)) + " => "
                        + hex(m.group(5)) + (m.group(3).isEmpty() ? "" : " (x)"));
            }
        }
        return out;
    }

    /**
     * Branches inside a transaction: perf ({@code --itrace=b -F +flags}) marks a branch that an
     * instruction inside a TSX transaction took with {@code (x)}, from the instruction its
     * MODE.TSX's FUP names, and from a PSB+ whose MODE.TSX has InTX set, until the commit; not the
     * trace start nor the end after the commit. textpoke marks the same branches, in the text and
     * in JSON ({@code in_tx}).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void branchesInsideATransactionAreMarkedAsPerfMarksThem(boolean beganBeforeTheTrace) throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 700_000;
        long l = kernel.at("loop3");
        // loop3: mov ecx,3 (+0); dec ecx (+5); jnz (+7); call leaf (+9); ret (+0xe); leaf: nop; ret
        PacketEncoder e = beganBeforeTheTrace
                ? new PacketEncoder().psb().tsc(t0).modeTsx(true, false).psbend().modeExec(64, false).tipPge(l)
                : PtPerfDataWriterTest.start(t0, l).modeTsx(true, false).fup(l + 5);
        e.tnt(PtPerfDataWriterTest.TTNT, 4).modeTsx(false, false).fup(l + 0xe);
        Path dir = write(beganBeforeTheTrace ? "tx-psb.data" : "tx-branches.data", PtConfig.PERF_DEFAULT, t0, e);
        List<String> perfs = perfNamedBranches(dir);
        List<String> mine = ourNamedBranches(dir);
        // jnz twice, the call and leaf's ret inside; the trace's start and end outside
        assertEquals(4, perfs.stream().filter(x -> x.endsWith(" (x)")).count(), perfs.toString());
        assertEquals(6, perfs.size(), perfs.toString());
        assertEquals(perfs, mine);
        CliRun json = CliRun.of("decode", "--json", dir.toString());
        assertEquals(4, json.out().lines().filter(x -> x.contains("\"in_tx\":true")).count(), json.out());
        JsonSchemaTest.assertDocumented("decode", json.out());
    }

    /**
     * A VM exit: the trace starts in a guest (its PSB+'s PIP has the non-root bit), which is
     * interrupted (FUP) into the host (a PIP without the bit, then the TIP to the host's code).
     * perf ({@code --itrace=b -F +flags}) flags that branch a VM exit, not a hardware interrupt;
     * textpoke names it {@code vmexit}; the host's branches after it are the same. The guest's code
     * is not known here, so the interrupt is at the guest's first instruction.
     */
    @Test
    void aVmExitIsNamedAsPerfNamesIt() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 900_000;
        long l = kernel.at("loop3");
        long guest = 0x401000L;
        PacketEncoder e = new PacketEncoder().psb().tsc(t0).pip(0x7000, true).psbend().modeExec(64, false)
                .tipPge(guest).fup(guest).pip(0x1000, false).tip(l).tnt(PtPerfDataWriterTest.TTNT, 4);
        Path dir = write("vmexit.data", PtConfig.PERF_DEFAULT, t0, e);
        List<String> perfs = perfNamedBranches(dir);
        List<String> mine = ourNamedBranches(dir);
        // perf 6.1 spells the asynchronous VM exit with its flags' letters (branch, call, async,
        // vmexit: its name table has "vmexit" only without async), prints its source as 0 and
        // leaves out the trace start into the guest, whose machine it does not know
        assertEquals("1 bcyh 0 => " + at("loop3", 0), perfs.get(0), perfs.toString());
        assertEquals(List.of("1 tr strt 0 => 401000", "1 vmexit 401000 => " + at("loop3", 0)), mine.subList(0, 2));
        assertEquals(perfs.subList(1, perfs.size()), mine.subList(2, mine.size()));
        assertEquals(5, mine.size() - 2, mine.toString()); // the host's: jnz twice, call, ret, the end
    }

    /**
     * The simulator's committed traces: the core:bus ratio each CPU's first PSB+ gives is an event,
     * for perf and for textpoke, with the same frequency and percentage.
     */
    @ParameterizedTest
    @ValueSource(strings = {"kernel.data", "cyc.data", "pokes.data", "coarse-pokes.data", "user.data"})
    void theBundledTracesEventsAreWherePerfPutsThem(String name) throws Exception {
        Path dir = dev.textpoke.perf.oracle.TraceFiles.root().resolve("traces/pt").resolve(name);
        PerfTool.Result r = perf.run("script", "-i", dir.toString(), "--symfs", dir.toString(), "--itrace=pw");
        assertEquals(0, r.status(), r.err());
        List<String> perfs = lines(r.out(), PERF_EVENT, PERF_BRANCH);
        CliRun ours = CliRun.of("decode", "--ptwrite", "--power", "--symfs", dir.toString(), dir.toString());
        assertEquals(0, ours.status(), ours.err());
        // perf prints no branches without b; textpoke prints them always
        List<String> mine = lines(List.of(ours.out().split("\n")), OUR_EVENT, OUR_BRANCH).stream()
                .filter(l -> !l.contains(" branch ")).toList();
        assertTrue(perfs.size() >= 2, perfs.toString());
        // per CPU: the two order CPUs' equal times differently
        for (String cpu : List.of("0 ", "1 ", "2 ")) {
            assertEquals(perfs.stream().filter(l -> l.startsWith(cpu)).toList(),
                    mine.stream().filter(l -> l.startsWith(cpu)).toList(), name + " cpu " + cpu);
        }
        assertEquals(perfs.size(), mine.size(), name);
    }

    private static String cHex(String decimal) {
        long v = Long.parseLong(decimal);
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    @Test
    void withoutTheOptionsNothingChangesAndTheSummaryCountsThem() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 300_000;
        PacketEncoder e = PtPerfDataWriterTest.start(t0, kernel.at("powered"))
                .ptw(8, true, 1L).fup(kernel.at("powered_ptw")).ptw(4, false, 2L).cbr(20);
        Path dir = write("counts.data", EVENTS, t0, e);
        CliRun plain = CliRun.of("decode", dir.toString());
        CliRun ptw = CliRun.of("decode", "--ptwrite", dir.toString());
        assertEquals(0, plain.status(), plain.err());
        assertTrue(plain.out().lines().noneMatch(l -> l.contains("ptwrite") || l.contains("cbr")), plain.out());
        assertEquals(2, ptw.out().lines().filter(l -> l.contains(": ptwrite IP: ")).count(), ptw.out());
        assertTrue(ptw.out().lines().noneMatch(l -> l.contains(": cbr ")), ptw.out());
        CliRun summary = CliRun.of("decode", "--summary", dir.toString());
        assertTrue(summary.out().contains("events                         3 (ptwrite 2, cbr 1)"), summary.out());
        CliRun json = CliRun.of("decode", "--summary", "--json", dir.toString());
        assertTrue(json.out().contains("\"trace_events\":{\"ptwrite\":2,\"cbr\":1}"), json.out());
    }
}
