package dev.textpoke.sim.lbr;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.sim.perf.KcoreDirWriter;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.SampleId;
import dev.textpoke.perf.write.PerfWriter;
import dev.textpoke.perf.write.RecordEncoder;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a perf.data directory of kernel branch stacks as {@code perf record --kcore -a -e
 * BR_INST_RETIRED.NEAR_TAKEN:k -b -c PERIOD} leaves it (or of user-space ones, {@code :u}, with
 * {@link Config#user}) (the recording the kernel's AutoFDO
 * documentation asks for): {@code data} with an LBR event (raw {@code 0x20c4}, kernel only, every
 * branch: {@code branch_sample_type ANY|KERNEL}, optionally {@code HW_INDEX}) and perf's {@code
 * dummy:u} tracking event with {@code text_poke} and {@code ksymbol}; the kernel's MMAP
 * ({@code [kernel.kallsyms]_text}); the TEXT_POKE, KSYMBOL and SAMPLE records handed to it, which
 * must come in time order; a FINISHED_ROUND every few thousand records; and {@code kcore_dir} from
 * the kernel image ({@link KcoreDirWriter}, with {@code _text} at the image's lowest symbol when it
 * names none: a segment may start with ELF headers). perf reads such a directory as it reads its own.
 */
public final class LbrTraceWriter implements Closeable {
    /**
     * @param samplePeriod the event's period (taken branches per sample)
     * @param hwIndex      whether stacks carry {@code hw_idx} ({@code PERF_SAMPLE_BRANCH_HW_INDEX})
     * @param cpus         CPUs of the machine (NRCPUS)
     * @param user         whether the LBR event samples user space ({@code :u}, {@code ANY|USER}: a
     *                     program's own branches, its processes named by {@link #comm} and their
     *                     files by {@link #mmap2}) instead of the kernel
     */
    public record Config(long samplePeriod, boolean hwIndex, int cpus, boolean user) {
        public static final Config DEFAULT = new Config(500009, false, 2);

        /** A kernel-only configuration. */
        public Config(long samplePeriod, boolean hwIndex, int cpus) {
            this(samplePeriod, hwIndex, cpus, false);
        }
    }

    /** Intel's {@code BR_INST_RETIRED.NEAR_TAKEN}: event 0xc4, umask 0x20. */
    public static final long NEAR_TAKEN = 0x20c4;
    private static final long PERF_TYPE_RAW = 4;
    private static final long PERF_TYPE_SOFTWARE = 1;
    private static final long COUNT_SW_DUMMY = 9;
    private static final long LBR_ID = 1001;
    private static final long DUMMY_ID = 2001;
    private static final long SIDEBAND = SampleFormat.TID | SampleFormat.TIME | SampleFormat.CPU
            | SampleFormat.IDENTIFIER;
    private static final long SAMPLES = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID
            | SampleFormat.TIME | SampleFormat.CPU | SampleFormat.PERIOD | SampleFormat.BRANCH_STACK;
    private static final int ROUND = 4096;

    private final PerfWriter out;
    private final RecordEncoder enc = new RecordEncoder(ByteOrder.LITTLE_ENDIAN);
    private final Config config;
    private long lastTime = Long.MIN_VALUE;
    private int sinceRound;

    private LbrTraceWriter(PerfWriter out, Config config) {
        this.out = out;
        this.config = config;
    }

    /**
     * Creates {@code dir} with its {@code kcore_dir} from {@code kernel} and the start of {@code
     * data}: events, features, the swapper's COMM and the kernel's MMAP at time {@code start}.
     */
    public static LbrTraceWriter create(Path dir, BaseImage kernel, Config config, long start) throws IOException {
        Files.createDirectories(dir);
        long text = textStart(kernel);
        // _text and _stext first: of symbols at one address perf names it by the last in kallsyms.
        List<Symbol> symbols = new java.util.ArrayList<>();
        for (String marker : List.of(KcoreDirWriter.TEXT, KcoreDirWriter.STEXT)) {
            if (kernel.symbols().stream().noneMatch(s -> s.name().equals(marker))) {
                symbols.add(new Symbol(marker, text, 0));
            }
        }
        symbols.addAll(kernel.symbols());
        KcoreDirWriter.write(new KcoreDir(new BaseImage(kernel.name(), kernel.segments(), symbols), List.of()),
                dir.resolve("kcore_dir"));
        long end = text;
        for (ImageSegment s : kernel.segments()) {
            end = Math.max(end, s.address() + s.bytes().length()) ;
        }
        PerfWriter w = PerfWriter.file(dir.resolve("data"), ByteOrder.LITTLE_ENDIAN);
        LbrTraceWriter t = new LbrTraceWriter(w, config);
        try {
            t.header();
            SampleId sid = t.sid(start, 0);
            w.record(t.enc.comm(0, 0, "swapper", 0, sid));
            w.record(t.enc.encode(new PerfRecord.Mmap(RecordHeader.of(RecordType.MMAP, RecordEncoder.MISC_KERNEL), -1,
                    0, text, end - text, text, CString.of("[kernel.kallsyms]_text", 8), Bytes.EMPTY, sid)));
            t.lastTime = start;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return t;
    }

    /** Where the kernel's text starts: its {@code _text}, else its lowest symbol, else its first segment. */
    public static long textStart(BaseImage image) {
        long text = -1;
        for (Symbol s : image.symbols()) {
            if (s.name().equals(KcoreDirWriter.TEXT)) {
                return s.address();
            }
            if (text == -1 || Long.compareUnsigned(s.address(), text) < 0) {
                text = s.address();
            }
        }
        if (text != -1) {
            return text;
        }
        return image.segments().stream().map(ImageSegment::address).min(Long::compareUnsigned).orElseThrow();
    }

    private void header() throws IOException {
        boolean user = config.user();
        long lbrFlags = bit(AttrFlag.SAMPLE_ID_ALL) | bit(user ? AttrFlag.EXCLUDE_KERNEL : AttrFlag.EXCLUDE_USER)
                | bit(AttrFlag.EXCLUDE_HV) | bit(AttrFlag.DISABLED) | bit(AttrFlag.INHERIT);
        long branches = BranchSampleType.ANY | (user ? BranchSampleType.USER : BranchSampleType.KERNEL)
                | (config.hwIndex() ? BranchSampleType.HW_INDEX : 0);
        EventAttr lbr = attr(PERF_TYPE_RAW, NEAR_TAKEN, config.samplePeriod(), SAMPLES, lbrFlags, branches);
        // perf record --kcore's text-poke tracking event: dummy:u on every CPU with text_poke and ksymbol.
        long dummyFlags = bit(AttrFlag.SAMPLE_ID_ALL) | bit(AttrFlag.TEXT_POKE) | bit(AttrFlag.KSYMBOL)
                | bit(AttrFlag.COMM) | bit(AttrFlag.MMAP) | bit(AttrFlag.EXCLUDE_KERNEL) | bit(AttrFlag.EXCLUDE_HV)
                | (user ? bit(AttrFlag.MMAP2) : 0);
        EventAttr dummy = attr(PERF_TYPE_SOFTWARE, COUNT_SW_DUMMY, 1, SIDEBAND, dummyFlags, 0);
        long[] lbrIds = ids(LBR_ID);
        long[] dummyIds = ids(DUMMY_ID);
        out.event(lbr, lbrIds);
        out.event(dummy, dummyIds);
        out.feature(FeatureId.HOSTNAME.id(), enc.stringFeature("textpoke-generator"));
        out.feature(FeatureId.OSRELEASE.id(), enc.stringFeature("6.18.0-textpoke"));
        out.feature(FeatureId.VERSION.id(), enc.stringFeature("6.1.187"));
        out.feature(FeatureId.ARCH.id(), enc.stringFeature("x86_64"));
        out.feature(FeatureId.NRCPUS.id(), enc.nrCpusFeature(config.cpus(), config.cpus()));
        String modifier = user ? ":u" : ":k";
        out.feature(FeatureId.CMDLINE.id(), cmdline(List.of("perf", "record", "--kcore", "-a", "-e",
                "BR_INST_RETIRED.NEAR_TAKEN" + modifier, "-b", "-c", Long.toString(config.samplePeriod()))));
        out.feature(new Feature.EventDesc(EventAttr.SIZE_VER7, List.of(
                new Feature.EventDescEntry(lbr, "br_inst_retired.near_taken" + modifier, boxed(lbrIds)),
                new Feature.EventDescEntry(dummy, "dummy:u", boxed(dummyIds)))));
    }

    private long[] ids(long first) {
        long[] ids = new long[config.cpus()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = first + i;
        }
        return ids;
    }

    private static List<Long> boxed(long[] ids) {
        return java.util.Arrays.stream(ids).boxed().toList();
    }

    private SampleId sid(long time, int cpu) {
        return new SampleId(SIDEBAND, 0, 0, time, -1, -1, cpu, 0, DUMMY_ID + Math.max(0, cpu) % config.cpus());
    }

    /** A TEXT_POKE record: {@code old} replaced by {@code replacement} at {@code addr}, by {@code cpu}. */
    public void textPoke(long time, int cpu, long addr, Bytes old, Bytes replacement) throws IOException {
        advance(time);
        out.record(enc.textPoke(addr, old, replacement, sid(time, cpu)));
        round();
    }

    /** A KSYMBOL record ({@code PERF_RECORD_KSYMBOL_TYPE_*}; {@code unregister} for the flag). */
    public void ksymbol(long time, int cpu, long addr, int len, int type, boolean unregister, String name)
            throws IOException {
        advance(time);
        out.record(enc.ksymbol(addr, len, type, unregister ? PerfRecord.Ksymbol.FLAG_UNREGISTER : 0, name,
                sid(time, cpu)));
        round();
    }

    /**
     * A COMM record: thread {@code tid} of process {@code pid} is named {@code name} (by an exec
     * when {@code exec}).
     */
    public void comm(long time, int cpu, int pid, int tid, String name, boolean exec) throws IOException {
        advance(time);
        out.record(enc.comm(pid, tid, name, exec ? PerfRecord.Misc.COMM_EXEC : 0, sid(time, cpu)));
        round();
    }

    /**
     * An MMAP2 record: {@code len} bytes of {@code file} from offset {@code pgoff} mapped at {@code
     * addr} in process {@code pid}, readable and executable, private, as an exec or a dynamic
     * loader maps a program's code.
     */
    public void mmap2(long time, int cpu, int pid, int tid, long addr, long len, long pgoff, String file)
            throws IOException {
        advance(time);
        out.record(enc.encode(new PerfRecord.Mmap2(RecordHeader.of(RecordType.MMAP2, MISC_USER), pid,
                tid, addr, len, pgoff, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY, PROT_READ | PROT_EXEC, MAP_PRIVATE,
                CString.of(file, 8), Bytes.EMPTY, sid(time, cpu))));
        round();
    }

    /** {@code PERF_RECORD_MISC_USER}. */
    private static final int MISC_USER = 2;
    private static final long PROT_READ = 1;
    private static final long PROT_EXEC = 4;
    private static final long MAP_PRIVATE = 2;

    /**
     * A sample of the LBR event: its ip (in the kernel, or in user space with a user configuration),
     * and its branch stack newest first (as the kernel stores it), with {@code hwIdx} when the
     * configuration asks for it.
     */
    public void sample(long time, int cpu, int pid, int tid, long ip, long hwIdx, List<BranchEntry> entries)
            throws IOException {
        advance(time);
        long id = LBR_ID + Math.max(0, cpu) % config.cpus();
        BranchStack stack = new BranchStack(config.hwIndex(), config.hwIndex() ? hwIdx : -1, entries, null);
        int misc = config.user() ? MISC_USER : RecordEncoder.MISC_KERNEL;
        out.record(enc.encode(new PerfRecord.Sample(RecordHeader.of(RecordType.SAMPLE, misc),
                SAMPLES, id, ip, pid, tid, time, 0, id, id, cpu, 0, config.samplePeriod(), null, null, null, stack,
                null, null, 0, 0, 0, null, 0, 0, 0, 0, null, Bytes.EMPTY)));
        round();
    }

    private void advance(long time) {
        if (time < lastTime) {
            throw new IllegalStateException("records must come in time order: " + time + " after " + lastTime);
        }
        lastTime = time;
    }

    private void round() throws IOException {
        if (++sinceRound >= ROUND) {
            out.record(enc.finishedRound());
            sinceRound = 0;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.record(enc.finishedRound());
        } finally {
            out.close();
        }
    }

    private Bytes cmdline(List<String> argv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(argv.size()).array());
        argv.forEach(a -> b.writeBytes(enc.stringFeature(a).toArray()));
        return Bytes.wrapOwned(b.toByteArray());
    }

    private static long bit(AttrFlag f) {
        return 1L << f.bit();
    }

    private static EventAttr attr(long type, long config, long period, long sampleType, long flags,
            long branchSampleType) {
        return new EventAttr(type, EventAttr.SIZE_VER7, config, period, sampleType, 0, flags, 0, 0, 0, 0,
                branchSampleType, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
    }
}
