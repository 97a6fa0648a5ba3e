package dev.textpoke.perf.sort;

import static dev.textpoke.perf.attr.SampleFormat.IP;
import static dev.textpoke.perf.attr.SampleFormat.TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedRecordsTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    private static byte[] sample(long t) {
        return Enc.record(LE, 9, 0, Enc.le().u64(0x1000).u64(t).toArray());
    }

    private static byte[] samples(long... times) {
        Enc e = Enc.le();
        for (long t : times) {
            e.bytes(sample(t));
        }
        return e.toArray();
    }

    /** A perf.data directory: data (header, a COMM without time) and data.0, data.1 with samples. */
    @Test
    void mergesTheInputsOfADirectoryByTimeAndNoticesKcoreDir() throws Exception {
        byte[] data = new PerfFileBuilder(LE)
                .attr(PerfFileBuilder.attr(LE, 136, 0, 0, IP | TIME, 1L << 18), 1)
                .record(Enc.record(LE, 3, 0, Enc.le().u32(1).u32(1).cstring("c", 8).u64(0).toArray()))
                .feature(FeatureId.DIR_FORMAT.id(), Enc.le().u64(1).toArray())
                .build();
        Files.write(dir.resolve("data"), data);
        Files.write(dir.resolve("data.0"), samples(10, 30, 50, 51));
        Files.write(dir.resolve("data.1"), samples(20, 30, 40, 60));
        Files.write(dir.resolve("data.10"), samples(5));
        Files.createDirectory(dir.resolve("kcore_dir"));
        List<String> out = new ArrayList<>();
        try (PerfData d = PerfData.open(dir)) {
            assertEquals(PerfData.Format.DIRECTORY, d.format());
            assertEquals(4, d.inputCount());
            assertEquals(dir.resolve("data.10"), d.dataFiles().get(2));
            assertTrue(d.kcoreDir().isPresent());
            try (RecordSource r = d.ordered()) {
                while (r.next()) {
                    out.add(r.current().type() == 3 ? "C" : Long.toString(r.current().u64(16)));
                }
            }
        }
        assertEquals(List.of("C", "5", "10", "20", "30", "30", "40", "50", "51", "60"), out);
    }
}
