package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.sim.SimulatedTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libipt's packet decoder (pt_pkt_decoder) reads the model's streams packet for packet as the
 * model logged them: the same offsets and types, the same TNT counts, TSC, TMA, MTC and CYC
 * payloads, with no error.
 */
class LibiptPacketsTest {
    @TempDir
    Path tmp;

    private static final Map<PacketType, String> NAMES = Map.ofEntries(Map.entry(PacketType.PSB, "psb"),
            Map.entry(PacketType.PSBEND, "psbend"), Map.entry(PacketType.TNT_8, "tnt.8"),
            Map.entry(PacketType.TNT_64, "tnt.64"), Map.entry(PacketType.TIP, "tip"),
            Map.entry(PacketType.TIP_PGE, "tip.pge"), Map.entry(PacketType.TIP_PGD, "tip.pgd"),
            Map.entry(PacketType.FUP, "fup"), Map.entry(PacketType.MODE_EXEC, "mode.exec"),
            Map.entry(PacketType.TSC, "tsc"), Map.entry(PacketType.TMA, "tma"), Map.entry(PacketType.MTC, "mtc"),
            Map.entry(PacketType.CYC, "cyc"), Map.entry(PacketType.CBR, "cbr"), Map.entry(PacketType.OVF, "ovf"));

    @Test
    void libiptReadsEveryPacketTheModelLogged() throws Exception {
        LibiptHarness h = LibiptHarness.build();
        List<Path> traces = new ArrayList<>();
        List<Object[]> logs = new ArrayList<>();
        for (long seed = 1; seed <= 30; seed++) {
            SimulatedTrace t = LibiptFlowTest.randomRun(seed, true);
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                Path f = tmp.resolve("s" + seed + "c" + cpu + ".pt");
                Files.write(f, t.pt(cpu).bytes().toArray());
                traces.add(f);
                logs.add(new Object[] {t.pt(cpu).packets(), t.ptConfig()});
            }
        }
        List<List<String>> out = h.packets(traces);
        long packets = 0;
        for (int i = 0; i < traces.size(); i++) {
            PacketLog log = (PacketLog) logs.get(i)[0];
            PtModelConfig cfg = (PtModelConfig) logs.get(i)[1];
            List<String> lines = out.get(i).stream().filter(l -> l.startsWith("0x")).toList();
            assertTrue(out.get(i).stream().noneMatch(l -> l.startsWith("error")), traces.get(i) + ": " + out.get(i));
            assertEquals(log.size(), lines.size(), traces.get(i).toString());
            for (int k = 0; k < log.size(); k++) {
                String[] f = lines.get(k).split(" ");
                String where = traces.get(i) + " packet " + k + ": " + lines.get(k);
                assertEquals(log.offset(k), Long.parseLong(f[0].substring(2), 16), where);
                assertEquals(NAMES.get(log.type(k)), f[1], where);
                String fields = lines.get(k).substring(lines.get(k).indexOf(" size="));
                switch (log.type(k)) {
                    case TNT_8, TNT_64 -> assertTrue(fields.contains(" bits=" + log.value(k) + " "), where);
                    case CYC -> assertTrue(fields.endsWith(" value=0x" + Long.toHexString(log.value(k))), where);
                    case TSC -> assertTrue(fields.endsWith(" tsc=0x" + Long.toHexString(log.value(k))), where);
                    case TMA -> assertTrue(fields.contains(" ctc=0x" + Long.toHexString(log.value(k) & 0xffff) + " "), where);
                    case MTC -> {
                        long ctc = cfg.crystal().ctc(log.value(k)) >>> cfg.pt().mtcPeriod();
                        assertTrue(fields.endsWith(" ctc=0x" + Long.toHexString(ctc & 0xff)), where);
                    }
                    case CBR -> assertTrue(fields.endsWith(" ratio=0x" + Long.toHexString(log.value(k))), where);
                    default -> { }
                }
                packets++;
            }
        }
        assertTrue(packets > 100_000, "packets " + packets);
    }
}
