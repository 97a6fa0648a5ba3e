package dev.textpoke.code.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base images from ELF files gcc makes here, checked against binutils: the bytes at a section's
 * address are what {@code objcopy -O binary --only-section} extracts, symbols are where {@code nm}
 * puts them.
 */
class ImageLoadersTest {
    private static final String SOURCE = """
            int counter;
            __attribute__((noinline)) int work(int x) { return x * 3 + counter; }
            __attribute__((noinline, section(".text.unlikely"))) int cold(int x) { return x - 7; }
            void entry(void) { counter = work(2) + cold(3); for (;;) {} }
            """;

    @TempDir
    static Path dir;
    static Path program;
    static Path object;

    @BeforeAll
    static void build() throws Exception {
        Path c = dir.resolve("prog.c");
        Files.writeString(c, SOURCE);
        program = dir.resolve("prog");
        object = dir.resolve("mod.o");
        run("gcc", "-O1", "-nostdlib", "-static", "-no-pie", "-fno-asynchronous-unwind-tables",
                "-Wl,-e,entry", "-o", program.toString(), c.toString());
        run("gcc", "-O1", "-c", "-fno-asynchronous-unwind-tables", "-falign-functions=32", "-o",
                object.toString(), c.toString());
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    private static byte[] section(Path elf, String name) throws Exception {
        Path out = dir.resolve(elf.getFileName() + name + ".bin");
        run("objcopy", "-O", "binary", "--only-section=" + name, elf.toString(), out.toString());
        return Files.readAllBytes(out);
    }

    /** {@code nm -S}: name to {address, size}. */
    /** The offsets of the relocations readelf lists for section {@code name}. */
    private static java.util.Set<Long> relocationPlaces(Path elf, String name) throws Exception {
        java.util.Set<Long> out = new java.util.HashSet<>();
        boolean in = false;
        for (String line : run("readelf", "-rW", elf.toString()).split("\n")) {
            if (line.startsWith("Relocation section")) {
                in = line.contains("'.rela" + name + "'");
            } else if (in && line.matches("^[0-9a-f]{16} .*")) {
                out.add(Long.parseUnsignedLong(line.substring(0, 16), 16));
            }
        }
        return out;
    }

    private static long[] nm(Path elf, String symbol) throws Exception {
        for (String line : run("nm", "-S", elf.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[3].equals(symbol)) {
                return new long[] {Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16)};
            }
        }
        throw new AssertionError(symbol + " not in nm output");
    }

    /** {@code readelf -S --wide}: name to {address, size, alignment} of each section. */
    private static List<String[]> sections(Path elf) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (String line : run("readelf", "-S", "--wide", elf.toString()).split("\n")) {
            String l = line.replaceFirst("^\\s*\\[\\s*\\d+\\]\\s*", "");
            if (l.length() != line.length() && !l.isEmpty()) {
                out.add(l.trim().split("\\s+"));
            }
        }
        return out;
    }

    private static long textAddress(Path elf) throws Exception {
        for (String[] s : sections(elf)) {
            if (s[0].equals(".text")) {
                return Long.parseUnsignedLong(s[2], 16);
            }
        }
        throw new AssertionError("no .text");
    }

    @Test
    void aVmlinuxGivesItsTextAtItsAddressesAndItsSymbols() throws Exception {
        BaseImage image = ElfImages.vmlinux(program);
        CodeTimeline t = CodeTimeline.builder().image(image).build();
        long textAddr = textAddress(program);
        byte[] text = section(program, ".text");
        assertEquals(Bytes.of(text), t.bytes(textAddr, text.length, 0).bytes());
        assertTrue(t.bytes(textAddr, text.length, 0).allKnown());
        long[] work = nm(program, "work");
        assertEquals(Optional.of(new SymbolOffset("work", 2)), t.symbolize(work[0] + 2, 0));
        assertEquals(Optional.of(new SymbolOffset("work", work[1] - 1)), t.symbolize(work[0] + work[1] - 1, 0));
    }

    @Test
    void aCompressedModuleIsLaidOutLikeTheKernelLoaderDoes() throws Exception {
        Path xz = dir.resolve("mod.ko.xz");
        Files.write(xz, compress("xz", object));
        Path zst = dir.resolve("mod.ko.zst");
        Files.write(zst, compress("zstd", object));
        long base = 0xffffffffc0a00000L;
        // The rule: allocated executable sections but .init*, in section order, each aligned.
        long offset = 0;
        List<long[]> expect = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String[] s : sections(object)) {
            long size = Long.parseUnsignedLong(s[4], 16);
            String flags = s.length > 7 ? s[6] : "";
            if (!flags.contains("A") || !flags.contains("X") || s[0].startsWith(".init") || size == 0) {
                continue;
            }
            long align = Math.max(1, Long.parseLong(s[s.length - 1]));
            offset = (offset + align - 1) / align * align;
            expect.add(new long[] {base + offset, size});
            names.add(s[0]);
            offset += size;
        }
        assertTrue(names.contains(".text.unlikely"), names.toString());
        for (Path ko : List.of(xz, zst, object)) {
            CodeTimeline t = CodeTimeline.builder().image(ElfImages.module(ko, base)).build();
            for (int i = 0; i < names.size(); i++) {
                // The section's bytes but at its relocations' places, which the module itself cannot
                // resolve (ModuleRelocationsTest compares those with ld).
                byte[] bytes = section(object, names.get(i));
                java.util.Set<Long> places = relocationPlaces(object, names.get(i));
                var ours = t.bytes(expect.get(i)[0], bytes.length, 0);
                for (int b = 0; b < bytes.length; b++) {
                    final long at = b;
                    if (places.stream().noneMatch(r -> at >= r && at < r + 4)) {
                        assertTrue(ours.isKnown(b), names.get(i) + " +" + b);
                        assertEquals(bytes[b] & 0xff, ours.get(b), names.get(i) + " +" + b);
                    }
                }
            }
            long coldAt = expect.get(names.indexOf(".text.unlikely"))[0] + nm(object, "cold")[0];
            assertEquals(Optional.of(new SymbolOffset("cold", 1)), t.symbolize(coldAt + 1, 0));
        }
    }

    private static byte[] compress(String tool, Path file) throws Exception {
        Process p = new ProcessBuilder(tool, "-c", file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void aKcoreDirGivesSegmentsKallsymsAndModules() throws Exception {
        Path kd = dir.resolve("kcore_dir");
        Files.createDirectories(kd);
        Files.copy(program, kd.resolve("kcore"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long[] work = nm(program, "work");
        Files.writeString(kd.resolve("kallsyms"), Long.toHexString(work[0]) + " T work\n"
                + Long.toHexString(work[0] + 0x40) + " d some_data\n"
                + "ffffffffc0a00000 t helper\t[mymod]\n");
        Files.writeString(kd.resolve("modules"), "mymod 16384 0 - Live 0xffffffffc0a00000\n");
        KcoreDir k = KcoreDir.load(kd);
        assertEquals(Optional.of(new KcoreDir.LoadedModule("mymod", 16384, 0xffffffffc0a00000L)), k.module("mymod"));
        CodeTimeline t = CodeTimeline.builder().image(k.image()).build();
        byte[] text = section(program, ".text");
        long textAddr = textAddress(program);
        assertEquals(Bytes.of(text), t.bytes(textAddr, text.length, 0).bytes());
        assertEquals(Optional.of(new SymbolOffset("work", 5)), t.symbolize(work[0] + 5, 0));
        // kallsyms has no sizes: a symbol reaches the next one.
        assertEquals(Optional.of(new SymbolOffset("helper", 0x10)), t.symbolize(0xffffffffc0a00010L, 0));
    }

    @Test
    void brokenTextFilesNameTheirLine() throws Exception {
        Path bad = dir.resolve("bad-kallsyms");
        Files.writeString(bad, "ffffffff81000000 T _text\nnonsense\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> KcoreDir.kallsyms(bad));
        assertEquals(25, e.offset());
        Path badHex = dir.resolve("bad-modules");
        Files.writeString(badHex, "m 1 0 - Live 0xnothex\n");
        assertThrows(InputFormatException.class, () -> KcoreDir.modules(badHex));
    }

    @Test
    void rawImagesAndOverlaps() throws Exception {
        Path blob = dir.resolve("blob.bin");
        Files.write(blob, Bytes.ofHex("0f1f440000c3").toArray());
        BaseImage a = RawImage.load("0xffffffff81000000:" + blob);
        BaseImage b = RawImage.load("ffffffff81000004:" + blob);
        CodeTimeline t = CodeTimeline.builder().image(a).build();
        assertEquals(Bytes.ofHex("0f1f440000c3"), t.bytes(0xffffffff81000000L, 6, 0).bytes());
        assertThrows(ImageOverlapException.class, () -> CodeTimeline.builder().image(a).image(b).build());
        assertThrows(IllegalArgumentException.class, () -> RawImage.load("nothex:" + blob));
        assertThrows(IllegalArgumentException.class, () -> RawImage.load(blob.toString()));
    }
}
