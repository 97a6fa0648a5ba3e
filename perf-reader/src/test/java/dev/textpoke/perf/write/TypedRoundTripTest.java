package dev.textpoke.perf.write;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Read, parse into typed values, encode from them ({@link RecordEncoder}, {@link FeatureEncoder}):
 * the same bytes, record by record (those inside COMPRESSED records too), feature by feature, for
 * every perf.data of {@code traces/} and of the external traces, in both byte orders where they
 * occur. BPF_PROG_INFO is compared with its padding zeroed ({@link BpfPadding}).
 */
class TypedRoundTripTest {
    @TestFactory
    Stream<DynamicTest> everyRecordAndFeatureEncodesToItsBytes() throws IOException {
        return Copies.allInputs().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path p) throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (PerfData d = PerfData.open(p)) {
            for (int i = 0; i < d.inputCount(); i++) {
                RecordParser parser = new RecordParser(d.events());
                RecordEncoder enc = new RecordEncoder(d.order());
                try (RecordReader r = d.records(i)) {
                    while (r.next()) {
                        RecordView v = r.current();
                        PerfRecord rec = parser.parse(v);
                        Bytes want = v.bytes();
                        checked++;
                        Bytes got;
                        try {
                            got = Bytes.wrapOwned(enc.encode(rec));
                        } catch (RuntimeException e) {
                            problems.add(RecordType.displayName(v.type()) + " at " + v.offset() + ": " + e);
                            continue;
                        }
                        if (!got.equals(want)) {
                            problems.add(RecordType.displayName(v.type()) + " at " + v.offset() + (v.inCompressed() ? "z" : "")
                                    + ": " + diff(want, got));
                        }
                    }
                } catch (IOException e) {
                    if (!Copies.damaged(p)) {
                        throw e;
                    }
                    // a damaged input: what was read before the damage is checked
                }
            }
            FeatureEncoder fe = new FeatureEncoder(d.order());
            for (int id : d.features().ids()) {
                Feature f;
                try {
                    f = d.features().get(id).orElseThrow();
                } catch (IOException e) {
                    continue;
                }
                Bytes want = d.features().raw(id).orElseThrow();
                Bytes tail = d.features().tail(id).orElseThrow();
                byte[] enc = fe.encode(f).toArray();
                byte[] all = java.util.Arrays.copyOf(enc, enc.length + tail.length());
                tail.copyTo(all, enc.length);
                Bytes got = Bytes.wrapOwned(all);
                if (f instanceof Feature.BpfProgInfo b) {
                    want = BpfPadding.zeroed(want, b);
                }
                if (!got.equals(want)) {
                    problems.add("feature " + id + " " + f.getClass().getSimpleName() + ": " + diff(want, got));
                }
            }
        }
        assertTrue(checked > 0, p + ": no record read");
        assertTrue(problems.isEmpty(), p + ":\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size())))
                + "\n(" + problems.size() + " problems)");
    }

    static String diff(Bytes want, Bytes got) {
        int n = Math.min(want.length(), got.length());
        int i = 0;
        while (i < n && want.get(i) == got.get(i)) {
            i++;
        }
        int from = Math.max(0, i - 8);
        return "lengths " + want.length() + "/" + got.length() + ", first difference at " + i + ": want "
                + want.slice(from, Math.min(want.length(), i + 24)).hex() + " got "
                + got.slice(from, Math.min(got.length(), i + 24)).hex();
    }
}
