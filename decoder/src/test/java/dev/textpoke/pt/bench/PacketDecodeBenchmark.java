package dev.textpoke.pt.bench;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.oracle.LibiptPacketView;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.packet.RandomPackets;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Packet decoding speed (not a test; run by {@code bench/pt-packets.sh}): textpoke's
 * {@link PacketDecoder} against libipt's packet decoder ({@code ptharness pkt-count}, a tight
 * {@code pt_pkt_next} loop) on the same bytes, in the same run. Two streams of about 256 MB:
 * quipper's real Skylake buffer repeated (its packet mix: mostly short TNT and compressed TIPs,
 * MTC, PAD) and a generated mix of every packet libipt 2.0.5 decodes. Medians of wall-clock
 * seconds of the decode loop alone (the harness times its loop; this JVM times ours after a
 * warm-up round).
 */
public final class PacketDecodeBenchmark {
    private static final Path QUIPPER = Path.of(System.getProperty("textpoke.shared", "../shared"))
            .resolve("external-traces/perf_data_converter/src/quipper/testdata/perf.data.intel_pt-4.14");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        LibiptHarness harness = LibiptHarness.build();
        Path dir = Files.createTempDirectory("textpoke-pt-bench");
        System.out.println("| stream | MB | packets | textpoke packets/s | textpoke MB/s | libipt packets/s"
                + " | libipt MB/s | textpoke / libipt |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        run("quipper Skylake buffer, repeated", repeat(quipperBuffer(), megabytes << 20), rounds, harness, dir);
        run("generated, every libipt 2.0 packet", generated(megabytes << 20), rounds, harness, dir);
        Files.walk(dir).sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    private static void run(String name, byte[] data, int rounds, LibiptHarness harness, Path dir) throws Exception {
        Path file = dir.resolve("stream.pt");
        Files.write(file, data);
        long packets = decode(data); // warm-up, and the count
        List<Double> ours = new ArrayList<>();
        List<Double> libipt = new ArrayList<>();
        long libiptPackets = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long n = decode(data);
            ours.add((System.nanoTime() - t0) / 1e9);
            if (n != packets) {
                throw new IllegalStateException("packet count changed: " + n + " " + packets);
            }
            String[] f = harness.run("pkt-count", List.of(file.toString())).get(0).split(" ");
            libiptPackets = Long.parseLong(f[1]);
            libipt.add(Double.parseDouble(f[5]));
        }
        if (libiptPackets != packets) {
            throw new IllegalStateException("libipt counted " + libiptPackets + " packets, textpoke " + packets);
        }
        double o = median(ours);
        double l = median(libipt);
        double mb = data.length / 1e6;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %,d | %.0f M | %.0f | %.0f M | %.0f | %.2f |%n", name, mb, packets,
                packets / o / 1e6, mb / o, packets / l / 1e6, mb / l, l / o);
    }

    /** Decodes as a consumer does, reading each packet's main field; returns the packet count. */
    static long decode(byte[] data) throws PtDecodeException {
        PacketDecoder d = new PacketDecoder(data, 0, data.length);
        long packets = 0;
        long sink = 0;
        if (d.syncForward() < 0) {
            return 0;
        }
        PacketType t;
        while ((t = d.next()) != null) {
            packets++;
            switch (t) {
                case TNT_8, TNT_64 -> sink += d.tntBits() + d.tntCount();
                case TIP, TIP_PGE, TIP_PGD, FUP -> sink += d.ipPayload() + d.ipc().code();
                default -> sink += d.payload();
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        return packets;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** The larger AUXTRACE buffer of quipper's file (cpu 3, 137,728 bytes). */
    private static byte[] quipperBuffer() throws Exception {
        byte[] best = new byte[0];
        try (PerfData data = PerfData.open(QUIPPER)) {
            RecordParser parser = new RecordParser(data.events());
            try (RecordReader r = data.records()) {
                while (r.next()) {
                    if (r.current().recordType() == RecordType.AUXTRACE) {
                        PerfRecord.Auxtrace a = (PerfRecord.Auxtrace) parser.parse(r.current());
                        byte[] b = data.read(a.payloadOffset(), (int) a.size()).toArray();
                        if (b.length > best.length) {
                            best = b;
                        }
                    }
                }
            }
        }
        return best;
    }

    private static byte[] repeat(byte[] unit, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + unit.length);
        while (out.size() < size) {
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    private static byte[] generated(int size) {
        EnumSet<PacketType> types = EnumSet.complementOf(EnumSet.copyOf(LibiptPacketView.UNKNOWN_TO_LIBIPT_2_0));
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + (1 << 20));
        for (long seed = 1; out.size() < size; seed++) {
            out.writeBytes(new RandomPackets(seed, types).stream(100_000));
        }
        return out.toByteArray();
    }
}
