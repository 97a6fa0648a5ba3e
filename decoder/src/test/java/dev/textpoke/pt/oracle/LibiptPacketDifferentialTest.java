package dev.textpoke.pt.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.packet.RandomPackets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our packet decoder against libipt's ({@code pt_pkt_decoder}, through the harness) on 10,000
 * generated streams of every packet libipt 2.0.5 knows (all IP compressions, PSB+ headers, PAD
 * runs, long TNT), and on 3,000 damaged streams and 1,000 random byte strings: the same packets,
 * errors of the same kind at the same offsets, the same resynchronisations. Differences libipt's
 * version forces are modelled by {@link LibiptPacketView} and documented in docs/intel-pt.md.
 */
class LibiptPacketDifferentialTest {
    private static final Set<PacketType> LIBIPT_2_0 = EnumSet.complementOf(
            EnumSet.copyOf(LibiptPacketView.UNKNOWN_TO_LIBIPT_2_0));
    private static final int BATCH = 1000;

    @TempDir
    static Path tmp;
    static LibiptHarness harness;

    @BeforeAll
    static void build() throws Exception {
        harness = LibiptHarness.build();
    }

    /** What a comparison saw, for the coverage assertions. */
    private static final class Tally {
        final TreeMap<String, Long> lineKinds = new TreeMap<>();
        long lines;
        long cut;

        void add(List<String> libipt) {
            for (String l : libipt) {
                String[] f = l.split(" ");
                String kind = f[0].startsWith("0x") ? f[1] : f[0].equals("error") ? "error " + f[2] : f[0];
                lineKinds.merge(kind, 1L, Long::sum);
            }
            lines += libipt.size();
        }
    }

    private static Tally compare(List<byte[]> streams, String what) throws IOException, InterruptedException {
        Tally tally = new Tally();
        for (int from = 0; from < streams.size(); from += BATCH) {
            List<Path> files = new ArrayList<>();
            for (int i = from; i < Math.min(streams.size(), from + BATCH); i++) {
                Path f = tmp.resolve(what + "-" + i + ".pt");
                Files.write(f, streams.get(i));
                files.add(f);
            }
            List<List<String>> libipt = harness.packets(files);
            for (int i = 0; i < files.size(); i++) {
                LibiptPacketView.View ours = LibiptPacketView.of(streams.get(from + i));
                if (!LibiptPacketView.agrees(ours, libipt.get(i))) {
                    fail(what + " stream " + (from + i) + " (" + files.get(i) + ") differs:\n"
                            + firstDifference(ours.lines(), libipt.get(i)));
                }
                if (ours.cut()) {
                    tally.cut++;
                }
                tally.add(ours.cut() ? libipt.get(i).subList(0, ours.lines().size()) : libipt.get(i));
            }
            for (Path f : files) {
                Files.delete(f);
            }
        }
        return tally;
    }

    private static String firstDifference(List<String> ours, List<String> libipt) {
        int i = 0;
        while (i < ours.size() && i < libipt.size() && ours.get(i).equals(libipt.get(i))) {
            i++;
        }
        int from = Math.max(0, i - 3);
        return "  ours:   " + ours.subList(from, Math.min(ours.size(), i + 3))
                + "\n  libipt: " + libipt.subList(from, Math.min(libipt.size(), i + 3));
    }

    @Test
    void tenThousandGeneratedStreamsDecodeAsLibiptDecodesThem() throws Exception {
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            RandomPackets gen = new RandomPackets(1000 + i, LIBIPT_2_0);
            streams.add(gen.stream(20 + gen.random().nextInt(400)));
        }
        Tally t = compare(streams, "valid");
        // every packet libipt knows was compared, and no stream had an error
        for (String kind : List.of("pad", "psb", "psbend", "stop", "ovf", "fup", "tip", "tip.pge", "tip.pgd",
                "tnt.8", "tnt.64", "mode.exec", "mode.tsx", "pip", "vmcs", "cbr", "tsc", "tma", "mtc", "cyc", "mnt",
                "exstop", "mwait", "pwre", "pwrx", "ptw")) {
            assertTrue(t.lineKinds.getOrDefault(kind, 0L) > 100, kind + " compared: " + t.lineKinds);
        }
        assertEquals(0, t.lineKinds.keySet().stream().filter(k -> k.startsWith("error")).count(), t.lineKinds.toString());
        assertEquals(0, t.cut);
        assertTrue(t.lines > 2_000_000, "lines compared: " + t.lines);
    }

    @Test
    void damagedStreamsFailAndResyncAtTheSameOffsets() throws Exception {
        List<byte[]> streams = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(77);
        for (int i = 0; i < 3000; i++) {
            RandomPackets gen = new RandomPackets(50_000 + i, LIBIPT_2_0);
            streams.add(damage(gen.stream(20 + rnd.nextInt(300)), rnd));
        }
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(600)];
            rnd.nextBytes(junk);
            // PSBs in the junk, sometimes overlapping what comes before them
            for (int k = rnd.nextInt(4); k > 0 && junk.length > 16; k--) {
                int at = rnd.nextInt(junk.length - 15);
                for (int j = 0; j < 16; j += 2) {
                    junk[at + j] = 0x02;
                    junk[at + j + 1] = (byte) 0x82;
                }
            }
            streams.add(junk);
        }
        Tally t = compare(streams, "damaged");
        for (String kind : List.of("error BAD_OPC", "error BAD_PACKET", "error EOS", "sync")) {
            assertTrue(t.lineKinds.getOrDefault(kind, 0L) > 50, kind + " compared: " + t.lineKinds);
        }
        assertTrue(t.cut < 400, "streams compared only up to a packet libipt 2.0 does not know: " + t.cut);
    }

    /** One to five random changes: bit flips, overwritten bytes, insertions, deletions, a truncation. */
    static byte[] damage(byte[] s, SplittableRandom rnd) {
        byte[] d = s;
        for (int k = 1 + rnd.nextInt(5); k > 0 && d.length > 1; k--) {
            int at = rnd.nextInt(d.length);
            switch (rnd.nextInt(6)) {
                case 0 -> d[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> d[at] = (byte) rnd.nextInt(256);
                case 2 -> {
                    byte[] ins = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(ins);
                    byte[] n = new byte[d.length + ins.length];
                    System.arraycopy(d, 0, n, 0, at);
                    System.arraycopy(ins, 0, n, at, ins.length);
                    System.arraycopy(d, at, n, at + ins.length, d.length - at);
                    d = n;
                }
                case 3 -> {
                    int len = Math.min(d.length - at, 1 + rnd.nextInt(20));
                    byte[] n = new byte[d.length - len];
                    System.arraycopy(d, 0, n, 0, at);
                    System.arraycopy(d, at + len, n, at, d.length - at - len);
                    d = n;
                }
                case 4 -> d = Arrays.copyOf(d, Math.max(1, at));
                default -> {
                    d[at] = 0x02; // an extended opcode with a random second byte
                    if (at + 1 < d.length) {
                        d[at + 1] = (byte) rnd.nextInt(256);
                    }
                }
            }
        }
        return d;
    }
}
