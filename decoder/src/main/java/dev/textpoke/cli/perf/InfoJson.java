package dev.textpoke.cli.perf;

import dev.textpoke.cli.format.AttrText;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.feature.Features;
import dev.textpoke.perf.file.FileHeader;
import dev.textpoke.perf.record.RecordType;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code info --json}: what {@code info} prints, as one JSON object (schema in docs/json.md). */
final class InfoJson {
    private InfoJson() {}

    static String of(PerfData data, TreeMap<Long, Long> perType, long[] span, Map<Long, String> tracepoints)
            throws IOException {
        JsonLine j = new JsonLine().put("file", data.source());
        j.put("format", data.format().name().toLowerCase(java.util.Locale.ROOT));
        j.put("byte_order", data.order() == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian");
        Optional<FileHeader> h = data.header();
        if (h.isPresent()) {
            j.put("magic", h.get().magic().toString()).put("attr_size", h.get().attrSize())
                    .putUnsigned("data_offset", h.get().data().offset()).putUnsigned("data_size", h.get().data().size());
        }
        Features f = data.features();
        string(j, f, FeatureId.VERSION, "perf_version");
        string(j, f, FeatureId.HOSTNAME, "hostname");
        string(j, f, FeatureId.OSRELEASE, "os_release");
        string(j, f, FeatureId.ARCH, "arch");
        Optional<Feature.NrCpus> cpus = feature(f, FeatureId.NRCPUS, Feature.NrCpus.class);
        if (cpus.isPresent()) {
            j.put("nr_cpus_online", cpus.get().online()).put("nr_cpus_available", cpus.get().available());
        }
        string(j, f, FeatureId.CPUDESC, "cpu_desc");
        string(j, f, FeatureId.CPUID, "cpuid");
        Optional<Feature.TotalMem> mem = feature(f, FeatureId.TOTAL_MEM, Feature.TotalMem.class);
        if (mem.isPresent()) {
            j.put("total_mem_kb", mem.get().kilobytes());
        }
        Optional<Feature.CommandLine> cmd = feature(f, FeatureId.CMDLINE, Feature.CommandLine.class);
        if (cmd.isPresent()) {
            j.put("cmdline", cmd.get().args());
        }
        List<JsonLine> events = new ArrayList<>();
        for (Event e : data.events().events()) {
            List<Object> ids = new ArrayList<>();
            for (long id : e.ids()) {
                ids.add(id);
            }
            events.add(new JsonLine().put("name", PerfEventName.of(e, tracepoints)).put("ids", ids)
                    .put("attr", AttrText.json(e.attr())));
        }
        j.put("events", events);
        List<String> names = new ArrayList<>();
        for (int id : f.ids()) {
            names.add(FeatureId.displayName(id));
        }
        j.put("features", names);
        data.kcoreDir().ifPresent(k -> j.put("kcore_dir", k.toString()));
        if (span[0] != -1) {
            j.putUnsigned("time_first", span[0]).putUnsigned("time_last", span[1]);
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        long total = 0;
        for (var e : perType.entrySet()) {
            counts.put(RecordType.displayName(e.getKey()), e.getValue());
            total += e.getValue();
        }
        j.put("records", total).put("records_per_type", counts);
        List<String> warnings = new ArrayList<>();
        for (PerfFormatException w : data.notes()) {
            warnings.add(w.getMessage());
        }
        for (PerfFormatException w : data.warnings()) {
            warnings.add(w.getMessage());
        }
        j.put("warnings", warnings);
        return j.toString();
    }

    private static void string(JsonLine j, Features f, FeatureId id, String key) throws IOException {
        try {
            Optional<String> s = f.string(id);
            if (s.isPresent()) {
                j.put(key, s.get());
            }
        } catch (PerfFormatException e) {
            // a damaged string feature is left out; the warnings say why
        }
    }

    private static <T extends Feature> Optional<T> feature(Features f, FeatureId id, Class<T> type) throws IOException {
        try {
            return f.get(id, type);
        } catch (PerfFormatException e) {
            return Optional.empty();
        }
    }
}
