package dev.textpoke.cli.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.perf.PerfArch;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SampleFields#fromView} (the fast path of {@code samples}) reads the same fields as the
 * full sample parser, whose output is checked against perf script elsewhere, on every recorded
 * layout: fixed fields, call chains, raw data, user registers and stacks, weight, data_src,
 * interrupt registers, phys_addr, cgroup and page sizes, in both byte orders.
 */
class SampleFieldsInPlaceTest {
    static Stream<String> traces() {
        return Stream.of("callchain-dwarf.data", "sample-fields.data", "cgroups.data", "callchain-fp.data",
                "callchain-fp.be.data", "tracepoints.data", "pipe.be.data", "group-read.data", "bpf.data");
    }

    /** Layouts the fast path must take (not fall back to the parser for). */
    private static final java.util.Set<String> IN_PLACE = java.util.Set.of("callchain-dwarf.data",
            "sample-fields.data", "cgroups.data", "callchain-fp.data", "callchain-fp.be.data", "tracepoints.data",
            "pipe.be.data", "bpf.data");

    @ParameterizedTest
    @MethodSource("traces")
    void inPlaceReadEqualsTheParser(String name) throws Exception {
        Path file = Path.of(System.getProperty("textpoke.root"), "traces", "recorded", name);
        int samples = 0;
        int inPlace = 0;
        try (PerfData data = PerfData.open(file); RecordSource records = data.ordered()) {
            RecordParser parser = new RecordParser(data.events());
            int ipRegister = PerfArch.ipRegister(data);
            SampleFields fast = new SampleFields();
            fast.ipRegister(ipRegister);
            SampleFields parsed = new SampleFields();
            while (records.next()) {
                RecordView v = records.current();
                if (v.type() != RecordType.SAMPLE.id()) {
                    continue;
                }
                samples++;
                Event e = parser.eventOf(v);
                parsed.from((Sample) parser.parse(v), ipRegister, v.buffer().order());
                if (e == null || !fast.fromView(v, e)) {
                    continue;
                }
                inPlace++;
                String at = name + " @" + v.offset();
                assertEquals(parsed.sampleType, fast.sampleType, at);
                assertEquals(parsed.misc, fast.misc, at);
                assertEquals(parsed.pid, fast.pid, at);
                assertEquals(parsed.tid, fast.tid, at);
                assertEquals(parsed.cpu, fast.cpu, at);
                assertEquals(parsed.time, fast.time, at);
                assertEquals(parsed.addr, fast.addr, at);
                assertEquals(parsed.ip, fast.ip, at);
                assertEquals(parsed.period, fast.period, at);
                assertEquals(parsed.hasChain, fast.hasChain, at);
                assertArrayEquals(Arrays.copyOf(parsed.chain, parsed.chainLength),
                        Arrays.copyOf(fast.chain, fast.chainLength), at);
                assertArrayEquals(parsed.raw, fast.raw, at);
                assertEquals(parsed.userRegsIp, fast.userRegsIp, at);
                assertEquals(parsed.dataSrc, fast.dataSrc, at);
                assertEquals(parsed.weight, fast.weight, at);
                assertEquals(parsed.insLat, fast.insLat, at);
                assertEquals(parsed.physAddr, fast.physAddr, at);
                assertEquals(parsed.dataPageSize, fast.dataPageSize, at);
                assertEquals(parsed.codePageSize, fast.codePageSize, at);
            }
        }
        assertTrue(samples > 0, name);
        if (IN_PLACE.contains(name)) {
            assertEquals(samples, inPlace, name + ": every sample read in place");
        }
    }
}
