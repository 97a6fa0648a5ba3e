package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.io.Bytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kcore_dir as perf record --kcore leaves one: binutils' readelf sees the kcore's PT_LOADs at the
 * segments' addresses with their sizes and bytes at the offsets it gives, and textpoke's own kcore_dir
 * loader reads back the segments, the symbols (with {@code _text} and {@code _stext} added) and the
 * modules.
 */
class KcoreDirWriterTest {
    @Test
    void readelfAndTheLoaderSeeTheSegments(@TempDir Path tmp) throws Exception {
        Random r = new Random(3);
        byte[] text = new byte[5000];
        byte[] module = new byte[300];
        r.nextBytes(text);
        r.nextBytes(module);
        BaseImage image = new BaseImage("k", List.of(new ImageSegment(0xffffffffc0010000L, Bytes.of(module)),
                new ImageSegment(0xffffffff81000000L, Bytes.of(text))),
                List.of(new Symbol("start_kernel", 0xffffffff81000100L, 0), new Symbol("mod_fn", 0xffffffffc0010000L, 0)));
        KcoreDir kcore = new KcoreDir(image, List.of(new KcoreDir.LoadedModule("mod", 300, 0xffffffffc0010000L)));
        Path dir = tmp.resolve("kcore_dir");
        KcoreDirWriter.write(kcore, dir);

        // readelf -lW: "  LOAD  0x001000 0xffffffff81000000 0x0000000000000000 0x001388 0x001388 RWE 0x1000"
        String out = TestKernel.run("readelf", "-hlW", dir.resolve("kcore").toString());
        assertTrue(out.contains("CORE (Core file)"), out);
        assertTrue(out.contains("Advanced Micro Devices X86-64"), out);
        List<String[]> loads = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[0].equals("LOAD")) {
                loads.add(f);
            }
        }
        assertEquals(2, loads.size(), out);
        assertEquals("0xffffffff81000000", loads.get(0)[2]);
        assertEquals(String.format("0x%06x", text.length), loads.get(0)[4]);
        assertEquals("RWE", loads.get(0)[6]);
        assertEquals("0xffffffffc0010000", loads.get(1)[2]);
        assertEquals(String.format("0x%06x", module.length), loads.get(1)[5]);
        byte[] file = java.nio.file.Files.readAllBytes(dir.resolve("kcore"));
        int off = Integer.parseInt(loads.get(0)[1].substring(2), 16);
        assertEquals(Bytes.of(text), Bytes.copyOf(file, off, text.length));
        off = Integer.parseInt(loads.get(1)[1].substring(2), 16);
        assertEquals(Bytes.of(module), Bytes.copyOf(file, off, module.length));

        KcoreDir back = KcoreDir.load(dir);
        List<ImageSegment> segs = back.image().segments();
        assertEquals(2, segs.size());
        assertTrue(segs.contains(new ImageSegment(0xffffffff81000000L, Bytes.of(text))), segs.toString());
        assertTrue(segs.contains(new ImageSegment(0xffffffffc0010000L, Bytes.of(module))), segs.toString());
        List<String> names = back.image().symbols().stream().map(Symbol::name).toList();
        assertEquals(List.of("_text", "_stext", "start_kernel", "mod_fn"), names);
        assertEquals(0xffffffff81000000L, back.image().symbols().get(0).address());
        assertEquals(kcore.modules(), back.modules());
    }
}
