package dev.textpoke.perf.write;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What perf 6.1 reads wrongly or not at all, so that the writer's tests compare with perf only
 * what perf gets right. Each is a bug or a limit of perf, named with the function that has it
 * (tools/perf/util/session.c and header.c); the writer's output is checked there against the
 * reader and an independent byte swapper instead.
 */
final class PerfLimits {
    private PerfLimits() {}

    /**
     * Records perf does not swap in a file of the other byte order: it has no swap function for
     * KSYMBOL and BPF_EVENT ({@code perf_event__swap_ops}), so it prints their fields
     * byte-swapped. Pipe metadata and compression as in {@link Copies#METADATA}.
     */
    static final Set<String> NOT_SWAPPED = union(Copies.METADATA, Set.of("KSYMBOL", "BPF_EVENT"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /**
     * perf does not swap MMAP2's prot and flags ({@code perf_event__mmap2_swap}), so it prints the
     * wrong permissions for a file of the other byte order: they are left out there.
     */
    static String withoutMmap2Prot(String dumped) {
        return dumped.replaceFirst("(PERF_RECORD_MMAP2 .*\\]: )[-r][-w][-x][-ps] ", "$1perms ");
    }

    /**
     * perf 6.1 un-swaps a branch entry's flags field by field up to {@code type} ({@code
     * evsel__parse_sample}); the later bit-fields of a byte-swapped file end up in what it prints
     * as {@code reserved} (0x40000000 for spec 1 in quipper's branch_stack_spec). That number is
     * left out for byte-swapped copies; the typed round trip checks those bits.
     */
    static String withoutBranchReserved(String dumped) {
        return dumped.replaceAll("(flags=[^\\]]*?) [0-9a-f]+\\]", "$1]");
    }

    /** Whether {@code p} is a pipe-mode stream written big-endian. */
    static boolean isBigEndianPipe(Path p) throws IOException {
        try (PerfData d = PerfData.open(p)) {
            return d.format() == PerfData.Format.PIPE && d.order() == ByteOrder.BIG_ENDIAN;
        }
    }

    /**
     * perf never marks the events of a byte-swapped pipe as swapped ({@code
     * perf_event__process_attr} leaves {@code needs_swap} unset), so it reads the u32 pairs of
     * samples and sample_id trailers ({@code pid, tid} and {@code cpu, res}) the wrong way round:
     * the cpu is left out and pid/tid are compared as an unordered pair when either side is such
     * a pipe.
     */
    static String withoutU32Pairs(String dumped) {
        String s = dumped.replaceFirst("^(\\d+ \\d+ \\w+ )-?\\d+ (\\d+ \\[0x)", "$1$2")
                .replaceAll("DumpedSample\\[cpu=\\d+", "DumpedSample[cpu=?");
        Matcher m = SAMPLE_PIDS.matcher(s);
        if (m.find()) {
            s = m.replaceFirst(unordered(m.group(1), m.group(2)) + ": 0x");
        }
        m = DUMPED_PIDS.matcher(s);
        if (m.find()) {
            s = m.replaceFirst("pids=" + unordered(m.group(1), m.group(2)));
        }
        return s;
    }

    private static final Pattern SAMPLE_PIDS = Pattern.compile("(-?\\d+)/(-?\\d+): 0x");
    private static final Pattern DUMPED_PIDS = Pattern.compile("pid=(-?\\d+), tid=(-?\\d+)");

    private static String unordered(String a, String b) {
        return Long.parseLong(a) <= Long.parseLong(b) ? a + "/" + b : b + "/" + a;
    }

    /**
     * perf prints its own records (types from 64 on) with the cpu and time of a sample it fills
     * differently in file and pipe mode ("-1 -1" and "0"): that prefix is left out when a file
     * is compared with a pipe.
     */
    static String withoutUserRecordPrefix(String dumped) {
        Matcher m = USER_PREFIX.matcher(dumped);
        return m.find() && Integer.parseInt(m.group(2)) >= 64 ? m.replaceFirst("$1$3") : dumped;
    }

    private static final Pattern USER_PREFIX = Pattern.compile("^(\\d+ (\\d+) \\S+ )(?:-?\\d+ )*(\\[0x)");

    /** {@code sizeof(struct perf_event_attr)} in perf 6.1 ({@code PERF_ATTR_SIZE_VER7}). */
    private static final long PERF_ATTR_SIZE = 128;

    /**
     * Whether perf 6.1 stops before the end of {@code copy} for a reason of its own:
     *
     * <ul>
     *   <li>the first KSYMBOL or BPF_EVENT of a byte-swapped file: there is no swap function for
     *       them, so their sample_id trailer does not parse ("failed to process type: 17 [Bad
     *       address]");
     *   <li>the first sample of a byte-swapped pipe whose call chain or read values it sizes from
     *       unswapped words ("Can't parse sample, err = -14");
     *   <li>the first AUXTRACE payload of a pipe (its pipe reader loses its place after it);
     *   <li>a file whose attrs are larger than perf 6.1's: {@code read_attr} refuses them ("more
     *       recent and unsupported ABI"), so no event has the ids the ID_INDEX record names
     *       ("failed to process type: 69 [No such file or directory]");
     *   <li>the first EVENT_UPDATE of type CPUS in a byte-swapped file: {@code
     *       perf_event__event_update_swap} swaps only type and id, so perf reads the cpu map with
     *       unswapped counts and aborts ("*** stack smashing detected ***").
     * </ul>
     */
    static boolean perfStopsEarly(Path original, Path copy) throws IOException {
        if (isBigEndianPipe(original) || isBigEndianPipe(copy)) {
            return true;
        }

        try (PerfData a = PerfData.open(original); PerfData b = PerfData.open(copy)) {
            if (b.format() != PerfData.Format.PIPE
                    && b.fileAttrs().stream().anyMatch(f -> f.attr().size() > PERF_ATTR_SIZE)) {
                return true;
            }
            boolean swapped = a.order() != b.order();
            boolean pipe = b.format() == PerfData.Format.PIPE;
            return contains(a, v -> swapped && (v.recordType() == RecordType.KSYMBOL
                    || v.recordType() == RecordType.BPF_EVENT
                    || v.recordType() == RecordType.EVENT_UPDATE && v.u64(8) == EVENT_UPDATE_CPUS)
                    || pipe && v.recordType() == RecordType.AUXTRACE);
        }
    }

    /** {@code PERF_EVENT_UPDATE__CPUS}: the update's {@code u64 type} after the header. */
    private static final long EVENT_UPDATE_CPUS = 3;

    private static boolean contains(PerfData d, Predicate<RecordView> which) throws IOException {
        for (int i = 0; i < d.inputCount(); i++) {
            try (RecordReader r = d.records(i)) {
                while (r.next()) {
                    if (which.test(r.current())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * perf does not swap HEADER_FEATURE's feat_id in a byte-swapped pipe ({@code
     * perf_event__process_feature}: "wrong feature ID") and stops: a copy of {@code pipe} without
     * those records, for perf to read (COMPRESSED records kept as they are, not their contents).
     */
    static Path withoutFeatureRecords(Path pipe) throws IOException {
        Path out = pipe.resolveSibling(pipe.getFileName() + ".nofeatures");
        try (PerfData d = PerfData.open(pipe); OutputStream os = Files.newOutputStream(out);
                PerfWriter w = PerfWriter.pipe(os, d.order()); RecordReader r = d.records()) {
            while (r.next()) {
                RecordView v = r.current();
                if (v.recordType() == RecordType.HEADER_FEATURE || v.inCompressed()) {
                    continue;
                }
                w.record(v.bytes().toArray());
                if (v.payloadSize() > 0) {
                    w.payload(r.readPayload(1L << 30));
                }
            }
        }
        return out;
    }

    /**
     * perf processes the feature sections in id order and stops at the first one it cannot read
     * ({@code perf_header__process_sections}), so it never sees the COMPRESSED feature of a file
     * that has such a section before it: an empty string section (old perfs' CPUDESC) or
     * simpleperf's AUXTRACE index without a count.
     */
    static boolean readsEveryFeature(Path p) throws IOException {
        try (PerfData d = PerfData.open(p)) {
            for (int id : d.features().ids()) {
                Optional<Feature> f = d.features().get(id);
                if (f.isPresent() && (f.get() instanceof Feature.Text t && t.field() == null
                        || f.get() instanceof Feature.AuxtraceIndex a && !a.counted())) {
                    return false;
                }
            }
            return true;
        }
    }
}
