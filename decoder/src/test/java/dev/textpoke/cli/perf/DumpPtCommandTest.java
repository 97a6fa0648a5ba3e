package dev.textpoke.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.packet.RandomPackets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dump --pt} against perf 6.1's packet dump ({@code perf report -D}), line for line: on
 * quipper's real Skylake trace (perf's committed output and perf run here), and on perf.data files
 * of generated buffers holding every packet perf 6.1 decodes.
 */
class DumpPtCommandTest {
    private static final Pattern PACKET_LINE = Pattern.compile("^\\.  [0-9a-f]{8}:.*");
    /** A record line of {@code perf report -D} for an AUXTRACE: its offset and header size. */
    private static final Pattern AUXTRACE_RECORD = Pattern.compile(" 0x([0-9a-f]+) \\[0x([0-9a-f]+)\\]: PERF_RECORD_AUXTRACE ");
    private static final Path SHARED = Path.of(System.getProperty("textpoke.shared", "../../shared"));
    private static final Path PERF_DUMP = SHARED.resolve("external-traces/_debian-perf-6.1-outputs/"
            + "perf_data_converter_src_quipper_testdata_perf.data.intel_pt-4.14.report-D.txt.gz");
    private static final Path PIPED = SHARED.resolve(
            "external-traces/perf_data_converter/src/quipper/testdata/perf.data.piped.intel_pt-4.14");
    private static final Path ETM = SHARED.resolve(
            "external-traces/platform_system_extras/simpleperf/testdata/etm/perf_etm.data");

    @TempDir
    Path tmp;

    private static List<String> packetLines(List<String> lines) {
        return lines.stream().filter(l -> PACKET_LINE.matcher(l).matches()).toList();
    }

    /** Equal lists, or a failure showing the first difference with its neighbours. */
    static void assertSameLines(List<String> perf, List<String> ours) {
        int i = 0;
        while (i < perf.size() && i < ours.size() && perf.get(i).equals(ours.get(i))) {
            i++;
        }
        if (i < perf.size() || i < ours.size()) {
            int from = Math.max(0, i - 2);
            org.junit.jupiter.api.Assertions.fail("line " + i + " of " + perf.size() + " (perf) / " + ours.size()
                    + " (ours) differs\nperf: " + String.join("\n      ", perf.subList(from, Math.min(perf.size(), i + 3)))
                    + "\nours: " + String.join("\n      ", ours.subList(from, Math.min(ours.size(), i + 3))));
        }
    }

    private static List<String> lines(String s) {
        return Arrays.asList(s.split("\n"));
    }

    @Test
    void everyPacketOfTheQuipperTraceEqualsPerfsCommittedDump() throws Exception {
        CliRun r = CliRun.of("dump", "--pt", PtPerfFiles.QUIPPER.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> perf;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(PERF_DUMP))) {
            perf = packetLines(lines(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)));
        }
        List<String> ours = packetLines(lines(r.out()));
        assertEquals(86_631, perf.size(), "perf's dump of both buffers");
        assertSameLines(perf, ours);
        assertTrue(r.out().startsWith("AUXTRACE buffer 0 (record at 0x29c0): cpu 0, tid 3174, idx 0, offset 0x0,"
                + " reference 0xbc4cd519a6, size 12240\n. ... Intel Processor Trace data: size 12240 bytes\n"), r.out());
    }

    @Test
    void everyPacketOfTheQuipperTraceEqualsPerfRunHere() throws Exception {
        PerfTool.Result perf = PerfTool.in(tmp).run(l -> PACKET_LINE.matcher(l).matches(), "report", "-D", "-i",
                PtPerfFiles.QUIPPER.toString());
        CliRun r = CliRun.of("dump", "--pt", PtPerfFiles.QUIPPER.toString());
        assertSameLines(perf.out(), packetLines(lines(r.out())));
    }

    /**
     * Generated buffers on four CPUs with every packet perf 6.1 decodes (all but TRIG): PEBS blocks,
     * event trace, power, PTWRITE, every IP compression, long TNT; perf's dump equals ours.
     */
    @Test
    void generatedBuffersOfEveryPacketPerfKnowsEqualPerfsDump() throws Exception {
        Set<PacketType> perfKnows = EnumSet.complementOf(EnumSet.of(PacketType.TRIG));
        List<PtPerfFiles.Buffer> buffers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            RandomPackets gen = new RandomPackets(9000 + i, perfKnows);
            buffers.add(new PtPerfFiles.Buffer(i % 4, gen.stream(2000)));
        }
        // the packets perf reads differently from libipt: reserved bits in CBR and PWRE, MODE.Exec IF
        buffers.add(new PtPerfFiles.Buffer(1, new PacketEncoder().psb().psbend()
                .raw((byte) 0x02, (byte) 0x03, (byte) 0x20, (byte) 0x7f) // CBR with reserved byte 3
                .raw((byte) 0x02, (byte) 0x22, (byte) 0x88, (byte) 0x21) // PWRE with a reserved bit
                .modeExec(true, false, true).modeExec(false, true, true).modeExec(false, false, false)
                .toByteArray()));
        Path file = tmp.resolve("generated.data");
        PtPerfFiles.write(file, buffers);
        PerfTool.Result perf = PerfTool.in(tmp).run(l -> PACKET_LINE.matcher(l).matches(), "report", "-D", "-i",
                file.toString());
        CliRun r = CliRun.of("dump", "--pt", file.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> ours = packetLines(lines(r.out()));
        assertTrue(ours.size() > 40_000, "packet lines: " + ours.size());
        for (String name : List.of("BBP", "BIP", "BEP", "CFE", "EVD", "PTWRITE", "MWAIT", "PWRE", "PWRX", "EXSTOP",
                "MNT", "VMCS", "PIP", "TraceSTOP", "OVF", "CYC", "TMA", "TIP.PGD", "MODE.TSX")) {
            assertTrue(ours.stream().anyMatch(l -> l.substring(62).startsWith(name + " ")
                    || l.substring(62).equals(name)), name);
        }
        assertSameLines(perf.out(), ours);
    }

    @Test
    void jsonHasOneObjectPerPacketWithItsOffsetTypeAndFields() throws Exception {
        CliRun r = CliRun.of("dump", "--pt", "--json", PtPerfFiles.QUIPPER.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> json = lines(r.out().strip());
        // every packet, PADs too: quipper's buffers hold 138,616 packets (perf's 86,631 lines fold PADs)
        assertEquals("{\"buffer\":0,\"cpu\":0,\"offset\":0,\"type\":\"PSB\",\"size\":16}", json.get(0));
        assertEquals("{\"buffer\":0,\"cpu\":0,\"offset\":23,\"type\":\"FUP\",\"size\":7,\"ipc\":\"sext_48\","
                + "\"payload\":\"0xffffb960d300\",\"ip\":\"0xffffffffb960d300\"}", json.get(6));
        assertTrue(json.contains("{\"buffer\":0,\"cpu\":0,\"offset\":96,\"type\":\"TNT_8\",\"size\":1,\"count\":1,"
                + "\"tnt\":\"T\"}"), () -> json.subList(0, 30).toString());
        // the update-16 TIP after the TIP.PGE expands against its IP
        assertTrue(json.contains("{\"buffer\":0,\"cpu\":0,\"offset\":97,\"type\":\"TIP\",\"size\":3,\"ipc\":\"update_16\","
                + "\"payload\":\"0xd794\",\"ip\":\"0xffffffffb960d794\"}"), () -> json.subList(0, 30).toString());
        long lastBufferObjects = json.stream().filter(l -> l.startsWith("{\"buffer\":1,\"cpu\":3,")).count();
        assertEquals(json.size(), json.stream().filter(l -> l.startsWith("{\"buffer\":0,\"cpu\":0,")).count()
                + lastBufferObjects);
        // the same packets as the text dump, PADs unfolded
        long textPackets = packetLines(lines(CliRun.of("dump", "--pt", PtPerfFiles.QUIPPER.toString()).out())).size();
        long pads = json.stream().filter(l -> l.contains("\"type\":\"PAD\"")).count();
        assertTrue(json.size() > textPackets && json.size() - pads < textPackets, json.size() + " " + pads);
    }

    @Test
    void thePipedQuipperTraceDecodesWithoutErrors() throws Exception {
        // perf 6.1 misreads this pipe after its first AUXTRACE payload; its buffers are clean PT
        CliRun r = CliRun.of("dump", "--pt", PIPED.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        assertTrue(r.out().contains("AUXTRACE buffer 1 (record at 0x1c890): cpu 3, tid 3587, idx 3"), r.out());
        assertTrue(packetLines(lines(r.out())).size() > 50_000);
    }

    @Test
    void damagedBuffersReportEachErrorWithItsOffsetThenResync() throws Exception {
        PacketEncoder e = new PacketEncoder().psb().psbend().tnt(0b1, 1);
        int bad = e.size();
        e.raw((byte) 0xc9).tnt(0, 1).psb().psbend().tip(0x401000).raw((byte) 0x02, (byte) 0x04);
        int tail = e.size();
        e.tip(0x402000);
        Path file = tmp.resolve("damaged.data");
        PtPerfFiles.write(file, List.of(new PtPerfFiles.Buffer(2, e.toByteArray()),
                new PtPerfFiles.Buffer(5, new PacketEncoder().psb().tnt(0b10, 2).raw((byte) 0x19, (byte) 1).toByteArray())));
        CliRun r = CliRun.of("dump", "--pt", file.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        List<String> out = lines(r.out());
        assertTrue(out.contains(String.format(".  %08x:  c9                                              Bad packet!"
                + " BAD_OPC: no packet has opcode c9; resync at PSB %08x", bad, bad + 2)), r.out());
        assertTrue(out.contains(String.format(".  %08x:  02                                              Bad packet!"
                + " BAD_OPC: no packet has opcode 02 04; no PSB follows", tail - 2)), r.out());
        // what came before the damage and between the errors is there
        assertTrue(out.contains(String.format(".  %08x:  06                                              TNT T (1)",
                bad - 1)), r.out());
        assertTrue(out.contains(String.format(".  %08x:  4d 00 10 40 00                                  TIP 0x401000",
                tail - 7)), r.out());
        // the second buffer: a TSC cut short by the end of the buffer (before the PAD padding)
        assertTrue(r.out().contains("AUXTRACE buffer 1 (record at "), r.out());
        assertTrue(r.err().startsWith("textpoke: " + file + ": 3 Intel PT decode errors (BAD_OPC 2, EOS 1); the first at"
                + " byte "), r.err());
        assertTrue(r.err().contains(String.format(", in buffer 0 (cpu 2) at PT offset 0x%x: BAD_OPC: no packet has"
                + " opcode c9", bad)), r.err());
        assertTrue(out.contains(".  00000011:  19                                              Bad packet! EOS: the buffer"
                + " ends inside a TSC packet (8 bytes, 7 left); no PSB follows"), r.out());
    }

    /**
     * The summary's first error names its place in the file, in hex as {@code decode} names its
     * errors, besides its offset in the buffer (as the listing and perf show it); so does the JSON
     * error object. A byte of quipper's trace changed to an opcode no packet has: perf's own dump
     * of the changed file says in which AUXTRACE record (its offset and size) and where in its
     * trace the bad packet is.
     */
    @Test
    void theFirstErrorIsNamedByItsFileOffset() throws Exception {
        byte[] b = Files.readAllBytes(PtPerfFiles.QUIPPER);
        PerfTool perf = PerfTool.in(tmp);
        long payload = -1;
        for (String l : perf.run(l -> l.contains("PERF_RECORD_AUXTRACE "), "report", "-D", "-i",
                PtPerfFiles.QUIPPER.toString()).out()) {
            Matcher m = AUXTRACE_RECORD.matcher(l);
            if (m.find()) {
                payload = Long.parseLong(m.group(1), 16) + Long.parseLong(m.group(2), 16);
                break;
            }
        }
        assertTrue(payload > 0, "perf lists an AUXTRACE record");
        b[(int) payload + 100] = 0x02; // with the next byte, 02 00: no packet's opcode
        b[(int) payload + 101] = 0x00;
        Path file = tmp.resolve("bad-opcode.data");
        Files.write(file, b);

        // perf: the record whose trace holds the bad packet, and the packet's offset in that trace
        long record = -1;
        long expected = -1;
        for (String l : perf.run(l -> l.contains("PERF_RECORD_AUXTRACE ") || l.contains("Bad packet!"), "report",
                "-D", "-i", file.toString()).out()) {
            Matcher m = AUXTRACE_RECORD.matcher(l);
            if (m.find()) {
                record = Long.parseLong(m.group(1), 16) + Long.parseLong(m.group(2), 16);
            } else if (expected < 0 && record >= 0 && PACKET_LINE.matcher(l).matches()) {
                expected = record + Long.parseLong(l.substring(3, 11), 16);
            }
        }
        assertTrue(expected >= 0, "perf reports a bad packet");
        assertEquals(payload + 100, expected, "perf finds the bad packet where the byte was changed");

        CliRun r = CliRun.of("dump", "--pt", file.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
        assertTrue(r.err().contains(String.format("the first at byte %d (0x%x), in buffer 0 (cpu 0) at PT offset 0x64:"
                + " BAD_OPC", expected, expected)), r.err());
        CliRun j = CliRun.of("dump", "--pt", "--json", file.toString());
        assertTrue(j.out().contains("\"offset\":100,\"file_offset\":" + expected + ",\"error\":\"BAD_OPC\""), j.err());
    }

    @Test
    void aNonIntelPtTraceIsRefused() throws Exception {
        CliRun r = CliRun.of("dump", "--pt", ETM.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("AUXTRACE_INFO type 3 is not Intel PT"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    /**
     * A file without Intel PT: a note on stderr and status 0, where perf's dump has no AUXTRACE
     * record; none for the quipper trace, where it has some.
     */
    @Test
    void aFileWithoutIntelPtSaysSo() throws Exception {
        PerfTool perf = PerfTool.in(tmp);
        Path plain = SHARED.resolve("external-traces/perf_data_converter/src/testdata/with-callchain.perf.data");
        for (Path file : List.of(plain, PtPerfFiles.QUIPPER)) {
            boolean auxtrace = perf.reportDump(file).records().stream()
                    .anyMatch(d -> d.type() == dev.textpoke.perf.record.RecordType.AUXTRACE.id());
            CliRun r = CliRun.of("dump", "--pt", file.toString());
            assertEquals(ExitStatus.OK, r.status(), r.err());
            if (auxtrace) {
                assertEquals("", r.err());
            } else {
                assertEquals("", r.out());
                assertTrue(r.err().startsWith("textpoke dump: " + file + " holds no Intel PT data (no AUXTRACE records)"),
                        r.err());
                assertEquals(1, r.err().strip().split("\n").length, r.err());
            }
        }
    }

    @Test
    void ptAndCountsDoNotGoTogether() throws Exception {
        CliRun r = CliRun.of("dump", "--pt", "--counts", PtPerfFiles.QUIPPER.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
    }

    static String readGz(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
