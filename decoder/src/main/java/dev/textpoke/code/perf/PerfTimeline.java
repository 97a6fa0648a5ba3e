package dev.textpoke.code.perf;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Modification;
import dev.textpoke.code.RegionType;
import dev.textpoke.code.TimelineBuilder;
import dev.textpoke.code.image.BpfImages;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.record.SampleId;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The code timeline of a perf.data: its base images, every PERF_RECORD_TEXT_POKE as a switch point
 * at the record's time (the x86 INT3 protocol), and every PERF_RECORD_KSYMBOL as a region that
 * comes (register) and goes (unregister), with its JIT code from the BPF_PROG_INFO feature for a BPF
 * program whose function has the KSYMBOL's address and length. Records are read in perf's time order. A record without
 * a time (no sample_id_all with TIME) takes the time of the record before it.
 */
public final class PerfTimeline {
    private static final int TEXT_POKE = 20;
    private static final int KSYMBOL = 17;

    private PerfTimeline() {}

    public static CodeTimeline build(PerfData data, List<BaseImage> images) throws IOException {
        return build(data, images, true);
    }

    /**
     * As {@link #build(PerfData, List)}; with {@code timeOrder} false the records are read in file
     * order, input after input, which costs a walk of the record headers rather than perf's ordering
     * of every record: the builder orders the modifications and regions by time anyway (equal times
     * in the order read, as perf's ordering keeps them). Only a record without a time can then take
     * another time (the time of the record before it in the file).
     */
    public static CodeTimeline build(PerfData data, List<BaseImage> images, boolean timeOrder) throws IOException {
        return build(data, images, timeOrder, false);
    }

    /**
     * As {@link #build(PerfData, List)}, but damage in the records ends the reading rather than the
     * build: the timeline holds what was read before it. For a caller that has met the same damage
     * in a pass of its own and reports it after its output (decode: the trace before a cut is still
     * decoded with the code modifications before it).
     */
    public static CodeTimeline buildBeforeDamage(PerfData data, List<BaseImage> images) throws IOException {
        return build(data, images, true, true);
    }

    private static CodeTimeline build(PerfData data, List<BaseImage> images, boolean timeOrder, boolean stopAtDamage)
            throws IOException {
        TimelineBuilder b = CodeTimeline.builder();
        images.forEach(b::image);
        RecordParser parser = new RecordParser(data.events());
        Map<Long, Bytes> jit = new HashMap<>();
        Optional<Feature.BpfProgInfo> progs = data.features().get(FeatureId.BPF_PROG_INFO, Feature.BpfProgInfo.class);
        if (progs.isPresent()) {
            long at = data.features().dataOffset(FeatureId.BPF_PROG_INFO.id());
            for (BpfImages.JitImage j : BpfImages.of(progs.get(), data.order(), data.source(), at)) {
                jit.put(j.address(), j.code());
            }
        }
        long last = 0;
        int inputs = timeOrder ? 1 : data.inputCount();
        for (int input = 0; input < inputs; input++) {
            try {
                last = read(timeOrder ? data.ordered() : data.records(input), parser, jit, b, last);
            } catch (InputFormatException e) {
                if (!stopAtDamage) {
                    throw e;
                }
                break;
            }
        }
        return b.build();
    }

    private static long read(RecordSource source, RecordParser parser, Map<Long, Bytes> jit, TimelineBuilder b,
            long last) throws IOException {
        try (RecordSource records = source) {
            while (records.next()) {
                RecordView v = records.current();
                if (v.type() != TEXT_POKE && v.type() != KSYMBOL) {
                    continue;
                }
                PerfRecord r = parser.parse(v);
                if (r instanceof PerfRecord.TextPoke p) {
                    last = time(p.sampleId(), last);
                    if (!p.oldBytes().isEmpty() || !p.newBytes().isEmpty()) {
                        b.textPoke(p.addr(), p.oldBytes(), p.newBytes(), last, cpu(p.sampleId()));
                    }
                } else if (r instanceof PerfRecord.Ksymbol k && k.len() > 0) {
                    last = time(k.sampleId(), last);
                    RegionType type = k.ksymType() == PerfRecord.Ksymbol.TYPE_BPF ? RegionType.BPF
                            : k.ksymType() == PerfRecord.Ksymbol.TYPE_OOL ? RegionType.OUT_OF_LINE : RegionType.OTHER;
                    String name = k.name().text();
                    if (k.unregister()) {
                        b.regionUnregistered(name, type, k.addr(), k.len(), last);
                    } else {
                        Bytes code = jit.get(k.addr());
                        Optional<Bytes> content = type == RegionType.BPF && code != null && code.length() == k.len()
                                ? Optional.of(code) : Optional.empty();
                        b.regionRegistered(name, type, k.addr(), k.len(), last, content);
                    }
                }
            }
        }
        return last;
    }

    private static long time(SampleId id, long previous) {
        return id != null && id.has(SampleFormat.TIME) ? id.time() : previous;
    }

    private static int cpu(SampleId id) {
        return id != null && id.has(SampleFormat.CPU) ? id.cpu() : Modification.NO_CPU;
    }
}
