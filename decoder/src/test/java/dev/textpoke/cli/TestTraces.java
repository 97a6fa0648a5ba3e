package dev.textpoke.cli;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Inputs that tests make from the recordings in {@code traces/}. */
public final class TestTraces {
    private TestTraces() {}

    /** The repository root (system property {@code textpoke.root}, set by the build). */
    public static Path root() {
        return Path.of(System.getProperty("textpoke.root", "..")).toAbsolutePath().normalize();
    }

    /** A file below {@code traces/}. */
    public static Path trace(String relative) {
        return root().resolve("traces").resolve(relative);
    }

    /**
     * A pipe-mode perf.data that is {@code traces/recorded/pipe.data} with its samples repeated
     * {@code copies} times at the end: large enough that reading it takes seconds, made in
     * well under one.
     */
    public static Path bigPipe(Path out, int copies) throws IOException {
        Path src = trace("recorded/pipe.data");
        List<byte[]> samples = new ArrayList<>();
        try (PerfData d = PerfData.open(src); OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            byte[] all = Files.readAllBytes(src);
            o.write(all, 0, 16);
            try (RecordReader r = d.records()) {
                while (r.next()) {
                    RecordView v = r.current();
                    byte[] rec = v.bytes().toArray();
                    o.write(rec);
                    if (v.type() == RecordType.SAMPLE.id()) {
                        samples.add(rec);
                    }
                }
            }
            for (int i = 0; i < copies; i++) {
                for (byte[] s : samples) {
                    o.write(s);
                }
            }
        }
        return out;
    }
}
