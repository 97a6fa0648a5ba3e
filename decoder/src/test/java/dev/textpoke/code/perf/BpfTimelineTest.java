package dev.textpoke.code.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Region;
import dev.textpoke.code.RegionType;
import dev.textpoke.code.image.BpfImages;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * traces/recorded/bpf.data (a socket filter loaded twice on this machine): the JIT code in its
 * BPF_PROG_INFO feature is found for each KSYMBOL of the program, with the KSYMBOL's address and
 * length (an independent record of the same kernel), starts as the x86 BPF JIT's prologue does
 * (the 5-byte nop that bpf_arch_text_poke patches, {@code emit_prologue} in
 * {@code arch/x86/net/bpf_jit_comp.c}), and is in the timeline exactly while the program lives.
 */
class BpfTimelineTest {
    private static final Path BPF = Path.of(System.getProperty("textpoke.root"), "traces", "recorded", "bpf.data");

    @Test
    void jitImagesHoldWhileTheirProgramsLive() throws Exception {
        try (PerfData data = PerfData.open(BPF)) {
            Feature.BpfProgInfo info = data.features()
                    .get(FeatureId.BPF_PROG_INFO, Feature.BpfProgInfo.class).orElseThrow();
            List<BpfImages.JitImage> jit = BpfImages.of(info, data.order(), data.source(), 0);
            assertEquals(2, jit.size());
            CodeTimeline t = PerfTimeline.build(data, List.of());
            List<Region> progs = t.regions().stream().filter(r -> r.type() == RegionType.BPF).toList();
            assertEquals(2, progs.size());
            for (Region r : progs) {
                BpfImages.JitImage j = jit.stream().filter(x -> x.address() == r.address()).findFirst().orElseThrow();
                assertEquals(r.length(), j.code().length());
                assertEquals(Bytes.ofHex("0f1f440000"), j.code().slice(0, 5));
                assertEquals(j.code(), t.bytes(r.address(), (int) r.length(), r.from()).bytes());
                assertTrue(t.bytes(r.address(), (int) r.length(), r.from()).allKnown());
                assertTrue(t.bytes(r.address(), (int) r.length(), r.from() - 1).noneKnown());
                assertFalse(r.to() == Long.MAX_VALUE);
                assertTrue(t.bytes(r.address(), (int) r.length(), r.to()).noneKnown());
                assertTrue(r.name().startsWith("bpf_prog_"));
            }
        }
    }
}
