package dev.textpoke.scenario.perf;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.PerfData;
import dev.textpoke.pt.decode.QueueDecoder;
import dev.textpoke.pt.decode.TraceSetup;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.scenario.score.Collector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes a perf.data with Intel PT as {@code textpoke decode} does (the same reading, timeline,
 * unit planning and flow decoder), into one {@link Collector} per CPU: with replay, the kcore copy
 * beside the file and every TEXT_POKE at its time; without, the kcore copy alone.
 */
public final class PerfDataDecode {
    private PerfDataDecode() {}

    /** The instructions of each CPU, by CPU. */
    public static Map<Integer, Collector> decode(Path perfData, boolean replay) throws IOException {
        Map<Integer, Collector> out = new TreeMap<>();
        try (PerfData data = PerfData.open(perfData); IntelPtData pt = IntelPtData.read(data);
                InstructionClassifier classifier = InstructionClassifier.open(Isa.X86_64)) {
            Path kcore = data.kcoreDir().orElseThrow(() -> new InputFormatException(perfData.toString(), -1,
                    "no kcore_dir beside the data"));
            List<BaseImage> bases = List.of(KcoreDir.load(kcore).image());
            CodeTimeline timeline = replay ? PerfTimeline.build(data, bases) : CodeTimeline.builder().image(bases.get(0)).build();
            TraceSetup setup = TraceSetup.of(pt.info(), pt.config()).withTsc(pt.tsc());
            TscConversion tsc = pt.tsc();
            for (AuxQueue q : pt.queues().queues()) {
                Collector c = new Collector(tsc::toTsc);
                BlockCache blocks = new BlockCache(timeline, new InstructionCache(timeline, classifier));
                try (QueueDecoder d = QueueDecoder.of(pt.queues(), q, setup, blocks)) {
                    d.decode(c);
                }
                out.put(q.cpu(), c);
            }
            if (pt.damage().isPresent()) {
                throw pt.damage().get();
            }
        }
        return out;
    }
}
