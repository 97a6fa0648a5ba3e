package dev.textpoke.pt.decode;

import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.perf.PerfData;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.IntelPtInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For the decode benchmark (bench/decode.sh): writes each AUX queue of a perf.data's Intel PT as
 * one raw stream file ({@code queueN.pt}, its pieces joined as the decoder joins them) and the
 * kcore copy's segments as raw files, then prints the libipt harness's arguments for each queue, one
 * line per queue: {@code --mtc-freq ... --cpuid-0x15-ebx ... TRACE IMAGE@ADDR...} (a static image:
 * libipt cannot replay the pokes).
 *
 * <pre>java -cp ... dev.textpoke.pt.decode.PtStreamExport PERF_DATA_DIR OUT_DIR</pre>
 */
public final class PtStreamExport {
    private PtStreamExport() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PtStreamExport PERF_DATA_DIR OUT_DIR");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        List<String> images = new ArrayList<>();
        int k = 0;
        for (ImageSegment s : KcoreDir.load(in.resolve("kcore_dir")).image().segments()) {
            Path f = out.resolve("image" + k++ + ".bin");
            Files.write(f, s.bytes().toArray());
            images.add(f + "@0x" + Long.toHexString(s.address()));
        }
        try (PerfData data = PerfData.open(in.resolve("data")); IntelPtData pt = IntelPtData.read(data)) {
            IntelPtInfo info = pt.info();
            String options = "--mtc-freq " + pt.config().mtcPeriod() + " --nom-freq " + info.maxNonTurboRatio()
                    + " --cpuid-0x15-eax " + info.tscCtcRatioD() + " --cpuid-0x15-ebx " + info.tscCtcRatioN();
            for (AuxQueue q : pt.queues().queues()) {
                Path f = out.resolve("queue" + q.number() + ".pt");
                try (OutputStream o = Files.newOutputStream(f)) {
                    // one chunk per run of continuous pieces: the whole queue here, as nothing is lost
                    QueueChunks chunks = new QueueChunks(pt.queues(), q, Integer.MAX_VALUE - 16);
                    for (TraceChunk c = chunks.next(); c != null; c = chunks.next()) {
                        o.write(c.data(), 0, c.length());
                    }
                }
                System.out.println(options + " " + f + " " + String.join(" ", images));
            }
        }
    }
}
