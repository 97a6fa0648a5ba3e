package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.Regs;
import dev.textpoke.perf.write.PerfWriter;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The memory sampling fields of {@code samples} (data_src, weight, ins_lat, phys_addr,
 * data_page_size, code_page_size) as {@code perf script --ns} 6.1 prints them, line for line:
 * with perf's default fields (a PERF_TYPE_RAW event prints those its samples have, other kinds
 * none) and with {@code -F} lists, on every external recording whose samples carry DATA_SRC,
 * WEIGHT_STRUCT or PHYS_ADDR that perf 6.1 reads, on this repository's recording with them all,
 * and on files written here: every value of each data_src field (perf's decoding is the oracle
 * for the text), the running width perf pads the text to, page sizes of every magnitude, events
 * that lack some of the fields, call chains, branch stacks and interrupt registers around them, and
 * both byte orders.
 */
class SamplesMemoryFieldsTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    private static final int RAW = 4;
    private static final int HARDWARE = 0;
    private static final long MEMORY = SampleFormat.DATA_SRC | SampleFormat.WEIGHT_STRUCT | SampleFormat.PHYS_ADDR
            | SampleFormat.DATA_PAGE_SIZE | SampleFormat.CODE_PAGE_SIZE;
    private static final long BASE = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID
            | SampleFormat.TIME | SampleFormat.ADDR | SampleFormat.CPU | SampleFormat.PERIOD;

    static Path sweep;
    static Path all;
    static Path allBigEndian;
    static Path mixed;
    static Path chains;
    static Path branches;
    static Path intrRegs;
    static Path plainWeight;

    @BeforeAll
    static void write() throws Exception {
        perf = PerfTool.in(tmp);
        sweep = write("sweep.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-loads", RAW, BASE
                | SampleFormat.DATA_SRC, 1)), sweepValues().stream().map(v -> new Values(1, v)).toList());
        List<Values> assorted = assorted();
        List<Ev> allEvents = List.of(new Ev("cpu/mem-loads,ldlat=30/P", RAW, BASE | MEMORY, 1));
        all = write("all.data", ByteOrder.LITTLE_ENDIAN, allEvents, assorted);
        allBigEndian = write("all.be.data", ByteOrder.BIG_ENDIAN, allEvents, assorted);
        // Two raw events, the second without the fields (perf prints its defaults for them: data_src
        // PERF_MEM_DATA_SRC_NONE, 0), and a hardware one with them (printed only when asked for).
        List<Values> mixedValues = new ArrayList<>();
        for (int i = 0; i < assorted.size(); i++) {
            mixedValues.add(assorted.get(i).on(1 + i % 3));
        }
        mixed = write("mixed.data", ByteOrder.LITTLE_ENDIAN, List.of(
                new Ev("mem-loads", RAW, BASE | SampleFormat.DATA_SRC | SampleFormat.WEIGHT, 1),
                new Ev("r20cd", RAW, BASE, 2),
                new Ev("cycles", HARDWARE, BASE | MEMORY, 3)), mixedValues);
        chains = write("chains.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-stores", RAW, BASE
                | SampleFormat.CALLCHAIN | MEMORY, 1)), assorted);
        branches = write("branches.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-loads", RAW, BASE
                | SampleFormat.BRANCH_STACK | MEMORY, 1)), assorted);
        intrRegs = write("intr.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-loads", RAW, BASE
                | SampleFormat.REGS_INTR | SampleFormat.TRANSACTION | SampleFormat.CGROUP | MEMORY, 1)), assorted);
        plainWeight = write("weight.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-loads", RAW, BASE
                | SampleFormat.WEIGHT | SampleFormat.DATA_SRC, 1)), assorted);
    }

    /** An event: its name (EVENT_DESC), attr type, sample_type and id. */
    record Ev(String name, int type, long sampleType, long id) {}

    /** One sample's values, of event {@code id}. */
    record Values(long id, long dataSrc, long weight, long physAddr, long dataPageSize, long codePageSize) {
        Values(long id, long dataSrc) {
            this(id, dataSrc, 0, 0, 0, 0);
        }

        Values on(long event) {
            return new Values(event, dataSrc, weight, physAddr, dataPageSize, codePageSize);
        }
    }

    /** Every value of each data_src field alone (the level bits all 2^14), and of hops with remote and level numbers. */
    static List<Long> sweepValues() {
        List<Long> v = new ArrayList<>();
        field(v, 0, 5);
        field(v, 5, 14);
        field(v, 19, 5);
        field(v, 24, 2);
        field(v, 26, 7);
        field(v, 38, 2);
        field(v, 40, 3);
        for (long number = 0; number < 16; number++) {
            for (long remote = 0; remote < 2; remote++) {
                for (long hops = 0; hops < 8; hops++) {
                    v.add(number << 33 | remote << 37 | hops << 43);
                }
            }
        }
        return v;
    }

    private static void field(List<Long> v, int shift, int width) {
        for (long x = 0; x < 1L << width; x++) {
            v.add(x << shift);
        }
    }

    /**
     * Values as machines record them (the quipper recording's, Intel's L1, LFB, L3 and remote
     * loads, AMD's with hops, stores, locked, blocked), texts of growing and shrinking length (the
     * padding perf keeps to the longest), random ones, with weights and instruction latencies to
     * their widths, and page sizes of every unit.
     */
    static List<Values> assorted() {
        long[] sources = {0x11868100242L, 0x10268100142L, 0x5080021L, 0x29a0040142L, 0x1c68100442L, 0x2600080882L,
            0x68100142L, 0x11a08002142L, 0x81a2c080242L, 0x1021c0040142L, 0x80142L, 0x2a6a0080244L, 0x1L, 0x0L,
            0x7ffe0L, 0x21080004a42L, 0x406a0080242L, 0x380000000000L};
        long[] pages = {0, 4096, 2L << 20, 1L << 30, 1024, 2048, 3000, 64L << 10, 16L << 40, -1L};
        List<Values> out = new ArrayList<>();
        Random r = new Random(42);
        for (int i = 0; i < sources.length + 40; i++) {
            long src = i < sources.length ? sources[i] : r.nextLong() & ((1L << 46) - 1);
            long weight = switch (i % 4) {
                case 0 -> 225;
                case 1 -> 0xffff_ffffL | 0xffffL << 32; // the largest weight and latency
                case 2 -> 0x1234_5678_9abcL | 0x7777L << 48; // the third word, which perf 6.1 does not print
                default -> r.nextLong() & 0xffff_ffff_ffffL;
            };
            out.add(new Values(1, src, weight, i % 5 == 0 ? 0 : r.nextLong() & 0xf_ffff_ffffL,
                    pages[i % pages.length], pages[(i + 3) % pages.length]));
        }
        return out;
    }

    private static EventAttr attr(Ev e) {
        return new EventAttr(e.type(), EventAttr.SIZE_VER7, e.type() == RAW ? 0x1cd : 0, 4000, e.sampleType(), 0,
                0, 0, 0, 0, 0, 0, 0,
                (e.sampleType() & SampleFormat.REGS_INTR) != 0 ? 0x1ffL : 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
    }

    private static Path write(String name, ByteOrder order, List<Ev> events, List<Values> samples) throws IOException {
        Path p = tmp.resolve(name);
        try (PerfWriter w = PerfWriter.file(p, order)) {
            List<Feature.EventDescEntry> desc = new ArrayList<>();
            for (Ev e : events) {
                w.event(attr(e), new long[] {e.id()});
                desc.add(new Feature.EventDescEntry(attr(e), e.name(), List.of(e.id())));
            }
            w.feature(new Feature.EventDesc(EventAttr.SIZE_VER7, desc));
            w.record(new PerfRecord.Comm(RecordHeader.of(RecordType.COMM, 0), 300, 300,
                    dev.textpoke.perf.record.CString.of("memtest", 8), Bytes.EMPTY, null));
            long time = 5_000_000_000L;
            int i = 0;
            for (Values v : samples) {
                Ev e = events.stream().filter(x -> x.id() == v.id()).findFirst().orElseThrow();
                long t = e.sampleType();
                long ip = i % 2 == 0 ? 0x401000L + 16 * i : 0xffffffff81000000L + 16 * i;
                w.record(new PerfRecord.Sample(RecordHeader.of(RecordType.SAMPLE, i % 2 == 0 ? 2 : 1), t, e.id(),
                        ip, 300, 300, time += 1000, 0x7ffd0000L + 64 * i, 0, 0, i % 4, 0, 10009, null,
                        (t & SampleFormat.CALLCHAIN) != 0 ? U64s.of(-128L, 0xffffffff81000010L, -512L, 0x401234L) : null,
                        null, (t & SampleFormat.BRANCH_STACK) != 0 ? new BranchStack(false, 0, List.of(
                                new BranchEntry(0x401100L, 0x401200L, 0x2L), new BranchEntry(0x401300L, 0x401000L, 0L)),
                                null) : null,
                        null, null, (t & SampleFormat.WEIGHT_TYPE) != 0 ? v.weight() : 0, v.dataSrc(), 0,
                        (t & SampleFormat.REGS_INTR) != 0 ? new Regs(2, 0x1ffL, U64s.of(1, 2, 3, 4, 5, 6, 7, 8, 9)) : null,
                        v.physAddr(), 0, v.dataPageSize(), v.codePageSize(), null, Bytes.EMPTY));
                i++;
            }
        }
        return p;
    }

    static Path external(String path) {
        return TraceFiles.externalTraces().resolve(path);
    }

    static final String QUIPPER = "perf_data_converter/src/quipper/testdata/";
    static final String PERFPARSER = "perfparser/tests/auto/perfdata/";

    static Stream<List<String>> cases() {
        String weightStruct = external(QUIPPER + "perf.data.weight_struct").toString();
        List<List<String>> c = new ArrayList<>(List.of(
                // quipper's MEM_TRANS_RETIRED.LOAD_LATENCY recording (PERF_TYPE_RAW, DATA_SRC|WEIGHT_STRUCT)
                List.of(weightStruct),
                List.of(weightStruct, "-F", "comm,tid,time,addr,data_src,weight,ins_lat,ip,sym,dso"),
                List.of(weightStruct, "-F", "ins_lat,ip,weight,data_src"),
                List.of(weightStruct, "-F", "data_src"),
                // this repository's page-fault recording with every field (no sym: perf names data
                // addresses of page faults from files' data symbols, which textpoke does not read)
                List.of(TraceFiles.traces().resolve("recorded/sample-fields.data").toString(), "-F",
                        "comm,tid,time,addr,data_src,weight,ins_lat,ip,phys_addr,data_page_size,code_page_size"),
                List.of(TraceFiles.traces().resolve("recorded/sample-fields.data").toString(), "-F",
                        "data_src,phys_addr,code_page_size,data_page_size"),
                // perfparser's hardware recordings with DATA_SRC
                List.of(external(PERFPARSER + "contentsize.data").toString(), "-F", "tid,time,data_src,ip,dso",
                        "--hide-call-graph")));
        for (String f : List.of("vector_static_gcc/perf.data", "vector_static_clang/perf.data",
                "vector_static_gcc/perf.data.zstd", "fork_static_gcc/perf.data.zstd",
                "parallel_static_gcc/perf.data.zstd")) {
            c.add(List.of(external(PERFPARSER + f).toString(), "-F", "comm,tid,time,event,addr,data_src"));
        }
        c.add(List.of(external(PERFPARSER + "vector_static_gcc/perf.data").toString(), "-F",
                "tid,data_src,ip,sym,dso", "--hide-call-graph"));
        // written here
        c.add(List.of(sweep.toString(), "-F", "data_src"));
        c.add(List.of(sweep.toString(), "-F", "tid,data_src,ip"));
        for (Path p : List.of(all, mixed, chains, branches, intrRegs, plainWeight)) {
            c.add(List.of(p.toString()));
            c.add(List.of(p.toString(), "-F", "comm,tid,cpu,time,period,event,addr,data_src,weight,ip,sym,dso"));
        }
        // (perf 6.1 does not take the names of a big-endian file's EVENT_DESC: no event field there)
        c.add(List.of(allBigEndian.toString(), "-F", "comm,tid,cpu,time,period,addr,data_src,weight,ip,sym,dso"));
        for (Path p : List.of(all, allBigEndian, chains, branches, intrRegs)) {
            c.add(List.of(p.toString(), "-F", "tid,code_page_size,data_page_size,phys_addr,ins_lat,data_src,ip"));
        }
        c.add(List.of(branches.toString(), "-F", "tid,data_src,ip,brstack,phys_addr"));
        c.add(List.of(chains.toString(), "-F", "tid,data_src,ip,phys_addr,data_page_size", "--hide-call-graph"));
        return c.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void linesAreThoseOfPerfScript(List<String> args) throws Exception {
        List<String> perfs = SamplesAgainstPerf.assertSameLines(perf, args.get(0), args.subList(1, args.size()));
        assertTrue(perfs.stream().anyMatch(l -> l.contains("|OP ") || l.matches(".* (N/A|\\d+[BKMG])$")),
                "perf printed a memory field: " + perfs.stream().limit(3).toList());
    }

    /** A field the samples lack is perf's error, naming what they lack. */
    @Test
    void aFieldTheSamplesLackIsPerfsError() throws Exception {
        String[][] cases = {{"ins_lat", "WEIGHT_STRUCT"}, {"phys_addr", "PHYS_ADDR"},
            {"data_page_size", "DATA_PAGE_SIZE"}, {"code_page_size", "CODE_PAGE_SIZE"}};
        for (String[] c : cases) {
            PerfTool.Result p = perf.run("script", "--ns", "-i", plainWeight.toString(), "-F", "ip," + c[0]);
            assertNotEquals(0, p.status());
            assertTrue(p.err().contains("do not have " + c[1] + " attribute set. Cannot print '" + c[0] + "'"), p.err());
            CliRun r = CliRun.of("samples", "-F", "ip," + c[0], plainWeight.toString());
            assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
            assertTrue(r.err().contains("do not have " + c[1] + " attribute set: cannot print '" + c[0] + "'"), r.err());
        }
        Path none = write("none.data", ByteOrder.LITTLE_ENDIAN, List.of(new Ev("mem-loads", RAW, BASE, 1)),
                List.of(new Values(1, 0)));
        for (String[] c : new String[][] {{"weight", "WEIGHT"}, {"data_src", "DATA_SRC"}}) {
            PerfTool.Result p = perf.run("script", "--ns", "-i", none.toString(), "-F", "ip," + c[0]);
            assertTrue(p.err().contains("do not have " + c[1] + " attribute set. Cannot print '" + c[0] + "'"), p.err());
            CliRun r = CliRun.of("samples", "-F", "ip," + c[0], none.toString());
            assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
            assertTrue(r.err().contains("do not have " + c[1] + " attribute set: cannot print '" + c[0] + "'"), r.err());
        }
    }

    /**
     * JSON: the values perf prints, by field: data_src as hex with perf's text whole, weight and
     * ins_lat as integers, phys_addr hex, page sizes in bytes; every line as docs/json.md says.
     */
    @Test
    void jsonHasTheFieldsAsDocumented() throws Exception {
        CliRun r = CliRun.of("samples", "--json", all.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        JsonSchemaTest.assertDocumented("samples", r.out());
        List<String> lines = r.out().lines().toList();
        List<Values> values = assorted();
        assertEquals(values.size(), lines.size());
        PerfTool.Result text = perf.run("script", "--ns", "-i", all.toString(), "-F",
                "data_src,weight,ins_lat,phys_addr,data_page_size,code_page_size");
        for (int i = 0; i < lines.size(); i++) {
            java.util.Map<String, Object> o = MiniJson.object(lines.get(i));
            String perfLine = text.out().get(i);
            String[] words = perfLine.trim().split(" +");
            assertEquals("0x" + words[0], o.get("data_src"), lines.get(i));
            String decoded = (String) o.get("data_src_text");
            // perf's line holds the text up to its 99 characters, then the fields after it
            String shown = String.format("%16s %s", words[0], decoded);
            assertTrue(perfLine.startsWith(shown.substring(0, Math.min(99, shown.length()))), perfLine + " / " + decoded);
            String[] tail = perfLine.substring(Math.min(99, shown.length())).trim().split(" +");
            int n = tail.length;
            assertEquals(Long.parseUnsignedLong(tail[n - 5]), ((Number) o.get("weight")).longValue(), lines.get(i));
            assertEquals(Long.parseLong(tail[n - 4]), ((Number) o.get("ins_lat")).longValue(), lines.get(i));
            assertEquals("0x" + tail[n - 3], o.get("phys_addr"), lines.get(i));
            assertEquals(values.get(i).dataPageSize(), ((Number) o.get("data_page_size")).longValue());
            assertEquals(values.get(i).codePageSize(), ((Number) o.get("code_page_size")).longValue());
        }
    }
}
