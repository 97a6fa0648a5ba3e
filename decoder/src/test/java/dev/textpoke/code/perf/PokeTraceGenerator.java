package dev.textpoke.code.perf;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.SampleId;
import dev.textpoke.perf.write.PerfWriter;
import dev.textpoke.perf.write.RecordEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the traces in {@code traces/pokes/} (run by {@code traces/pokes/generate.sh}): this
 * machine's kernel emits no TEXT_POKE, so the records perf would write are written with
 * perf-reader's writer, over a kernel image gcc builds from {@code kernel.c} (real x86-64 code
 * linked at 0xffffffff81000000) and laid out as {@code perf record --kcore} lays out its copy.
 *
 * <p>The history, in time order (ns): a jump-label flip before the first sample; a sample; the
 * 2-byte jump label on; the first one back off; a kprobe armed and disarmed with samples between;
 * an ftrace trampoline announced (KSYMBOL, OOL), filled (old length 0), called from an ftrace site
 * and unhooked, freed (new length 0) and unannounced; and a poke whose old bytes do not match the
 * image (the kernel had the key on already: what a vmlinux baseline instead of kcore looks like).
 */
public final class PokeTraceGenerator {
    static final long TRAMPOLINE = 0xffffffffc0400000L;
    static final int TRAMPOLINE_SIZE = 0x100;
    static final int PID = 0;
    static final int CPUS = 2;
    static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    static final Bytes NOP2 = Bytes.ofHex("6690");
    static final Bytes INT3 = Bytes.ofHex("cc");
    private static final long DUMMY_ID = 101;
    private static final long CLOCK_ID = 201;
    private static final long SIDEBAND = SampleFormat.TID | SampleFormat.TIME | SampleFormat.CPU
            | SampleFormat.IDENTIFIER;
    private static final long SAMPLES = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID
            | SampleFormat.TIME | SampleFormat.CPU | SampleFormat.PERIOD;

    private final Path dir;
    private final Map<String, Long> symbols = new LinkedHashMap<>();
    private byte[] image;
    private long imageAddress;

    private PokeTraceGenerator(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        new PokeTraceGenerator(Path.of(args.length > 0 ? args[0] : "traces/pokes")).generate();
    }

    private void generate() throws Exception {
        Path kcoreDir = dir.resolve("pokes.data").resolve("kcore_dir");
        Files.createDirectories(kcoreDir);
        Path kcore = kcoreDir.resolve("kcore");
        run("gcc", "-O2", "-mcmodel=kernel", "-fno-pic", "-fno-pie", "-no-pie", "-nostdlib", "-static",
                "-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-Wl,-Ttext=0xffffffff81000000",
                "-Wl,-e,start_kernel", "-Wl,--build-id=none", "-o", kcore.toString(),
                dir.resolve("kernel.c").toString());
        StringBuilder kallsyms = new StringBuilder();
        for (String line : run("nm", "-n", kcore.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                symbols.put(f[2], Long.parseUnsignedLong(f[0], 16));
                if ((f[1].equals("T") || f[1].equals("t")) && !f[2].startsWith("__site_")) {
                    kallsyms.append(f[0]).append(' ').append(f[1]).append(' ').append(f[2]).append('\n');
                }
            }
        }
        Files.writeString(kcoreDir.resolve("kallsyms"), kallsyms.toString());
        Files.writeString(kcoreDir.resolve("modules"), "");
        Path text = Files.createTempFile("text", ".bin");
        run("objcopy", "-O", "binary", "--only-section=.text", kcore.toString(), text.toString());
        image = Files.readAllBytes(text);
        Files.delete(text);
        imageAddress = symbols.get("do_sys_open");

        List<byte[]> records = history(new RecordEncoder(ByteOrder.LITTLE_ENDIAN));
        try (PerfWriter w = PerfWriter.file(dir.resolve("pokes.data").resolve("data"), ByteOrder.LITTLE_ENDIAN)) {
            write(w, records);
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve("pokes-pipe.data"));
                PerfWriter w = PerfWriter.pipe(os, ByteOrder.LITTLE_ENDIAN)) {
            write(w, records);
        }
    }

    private Bytes at(long addr, int len) {
        return Bytes.copyOf(image, (int) (addr - imageAddress), len);
    }

    private static Bytes jmp32(long from, long to) {
        long rel = to - (from + 5);
        return Bytes.of((byte) 0xe9, (byte) rel, (byte) (rel >> 8), (byte) (rel >> 16), (byte) (rel >> 24));
    }

    private static Bytes call32(long from, long to) {
        long rel = to - (from + 5);
        return Bytes.of((byte) 0xe8, (byte) rel, (byte) (rel >> 8), (byte) (rel >> 16), (byte) (rel >> 24));
    }

    private static SampleId sid(long time, int cpu) {
        return new SampleId(SIDEBAND, PID, PID, time, -1, -1, cpu, 0, DUMMY_ID);
    }

    private List<byte[]> history(RecordEncoder e) {
        long sched = symbols.get("__site_sched_tick");
        long schedstat = symbols.get("__site_schedstat");
        long tracePoint = symbols.get("__site_trace_point");
        long ftrace = symbols.get("__site_ftrace");
        long kprobed = symbols.get("kprobed");
        long slowPath = sched + 5 + 0x10;
        List<byte[]> r = new ArrayList<>();
        r.add(e.comm(PID, PID, "swapper", 0, sid(500, 0)));
        // A jump label enabled before the first sample.
        r.add(e.textPoke(sched, NOP5, jmp32(sched, slowPath), sid(1_000, 0)));
        r.add(e.sample(SAMPLES, RecordEncoder.MISC_KERNEL, symbols.get("sched_tick"), PID, PID, 2_000, CLOCK_ID, 1, 1_000_000));
        // The 2-byte jump label on, then the first one off again.
        r.add(e.textPoke(schedstat, NOP2, Bytes.ofHex("eb06"), sid(3_000, 1)));
        r.add(e.textPoke(sched, jmp32(sched, slowPath), NOP5, sid(4_000, 0)));
        // A kprobe on kprobed: armed, hit by samples, disarmed.
        Bytes first = at(kprobed, 1);
        r.add(e.textPoke(kprobed, first, INT3, sid(5_000, 1)));
        r.add(e.sample(SAMPLES, RecordEncoder.MISC_KERNEL, kprobed, PID, PID, 6_000, CLOCK_ID, 0, 1_000_000));
        r.add(e.textPoke(kprobed, INT3, first, sid(7_000, 1)));
        // An ftrace trampoline: announced, filled, called from do_sys_open's entry, unhooked, freed, gone.
        Bytes code = Bytes.ofHex("55" + "4889e5" + "e800000000" + "5d" + "c3");
        r.add(e.ksymbol(TRAMPOLINE, TRAMPOLINE_SIZE, 2, 0, "ftrace_trampoline", sid(8_000, 0)));
        r.add(e.textPoke(TRAMPOLINE, Bytes.EMPTY, code, sid(8_100, 0)));
        r.add(e.textPoke(ftrace, NOP5, call32(ftrace, TRAMPOLINE), sid(8_200, 0)));
        r.add(e.sample(SAMPLES, RecordEncoder.MISC_KERNEL, TRAMPOLINE + 4, PID, PID, 8_500, CLOCK_ID, 0, 1_000_000));
        r.add(e.textPoke(ftrace, call32(ftrace, TRAMPOLINE), NOP5, sid(9_000, 0)));
        r.add(e.textPoke(TRAMPOLINE, code, Bytes.EMPTY, sid(9_100, 0)));
        r.add(e.ksymbol(TRAMPOLINE, TRAMPOLINE_SIZE, 2, 1, "ftrace_trampoline", sid(9_200, 0)));
        // Old bytes that are not what the image holds: the key was on before recording started.
        r.add(e.textPoke(tracePoint, jmp32(tracePoint, tracePoint + 0x10), NOP5, sid(10_000, 1)));
        r.add(e.sample(SAMPLES, RecordEncoder.MISC_KERNEL, symbols.get("trace_point"), PID, PID, 11_000, CLOCK_ID, 1, 1_000_000));
        r.add(e.finishedRound());
        return r;
    }

    private static void write(PerfWriter w, List<byte[]> records) throws IOException {
        RecordEncoder e = new RecordEncoder(w.order());
        // perf record --kcore's text-poke tracking event: dummy:u on every CPU with text_poke and ksymbol.
        long dummyFlags = bit(AttrFlag.SAMPLE_ID_ALL) | bit(AttrFlag.TEXT_POKE) | bit(AttrFlag.KSYMBOL)
                | bit(AttrFlag.COMM) | bit(AttrFlag.EXCLUDE_KERNEL) | bit(AttrFlag.EXCLUDE_HV);
        w.event(attr(1, 9, 1, SIDEBAND, dummyFlags), new long[] {DUMMY_ID, DUMMY_ID + 1});
        w.event(attr(1, 0, 1_000_000, SAMPLES, bit(AttrFlag.SAMPLE_ID_ALL)), new long[] {CLOCK_ID, CLOCK_ID + 1});
        w.feature(FeatureId.HOSTNAME.id(), e.stringFeature("textpoke-generator"));
        w.feature(FeatureId.OSRELEASE.id(), e.stringFeature("6.18.0-textpoke"));
        w.feature(FeatureId.VERSION.id(), e.stringFeature("6.1.187"));
        w.feature(FeatureId.ARCH.id(), e.stringFeature("x86_64"));
        w.feature(FeatureId.NRCPUS.id(), e.nrCpusFeature(CPUS, CPUS));
        w.feature(FeatureId.CMDLINE.id(), cmdline(w.order()));
        for (byte[] r : records) {
            w.record(r);
        }
    }

    /** CMDLINE: {@code u32 nr; string argv[nr]} (each string as do_write_string writes it). */
    private static Bytes cmdline(ByteOrder order) {
        RecordEncoder e = new RecordEncoder(order);
        List<String> argv = List.of("perf", "record", "--kcore", "-a");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(java.nio.ByteBuffer.allocate(4).order(order).putInt(argv.size()).array());
        argv.forEach(a -> out.writeBytes(e.stringFeature(a).toArray()));
        return Bytes.wrapOwned(out.toByteArray());
    }

    private static long bit(AttrFlag f) {
        return 1L << f.bit();
    }

    private static EventAttr attr(long type, long config, long period, long sampleType, long flags) {
        return new EventAttr(type, EventAttr.SIZE_VER7, config, period, sampleType, 0, flags, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
