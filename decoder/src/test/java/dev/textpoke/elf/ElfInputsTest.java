package dev.textpoke.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.elf.ElfFormatException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Modules compressed the way distributions ship them ({@code .ko.xz}, {@code .ko.zst},
 * {@code .ko.gz}), made here with the xz, zstd and gzip tools, read the same as the plain file.
 */
class ElfInputsTest {
    @TempDir
    static Path dir;
    static Path plain;

    @BeforeAll
    static void build() throws Exception {
        plain = new ElfFixtures(dir).aarch64Object;
        ToolRun.run(dir, "xz", "-k", "-f", "--check=crc32", plain.getFileName().toString());
        ToolRun.run(dir, "zstd", "-q", "-k", "-f", plain.getFileName().toString());
        ToolRun.run(dir, "gzip", "-k", "-f", plain.getFileName().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {".xz", ".zst", ".gz"})
    void compressedFileReadsLikeThePlainOne(String suffix) throws Exception {
        Path compressed = dir.resolve(plain.getFileName() + suffix);
        try (ElfFile a = ElfFile.open(plain); ElfFile b = ElfFile.open(compressed)) {
            assertEquals(a.sections(), b.sections());
            assertEquals(a.symbols(), b.symbols());
            assertEquals(a.relocationSections().size(), b.relocationSections().size());
            for (int i = 0; i < a.relocationSections().size(); i++) {
                assertEquals(a.relocations(a.relocationSections().get(i)),
                        b.relocations(b.relocationSections().get(i)));
            }
            assertTrue(b.name().startsWith(compressed.toString()));
        }
    }

    @Test
    void truncatedXzIsBadCompression() throws Exception {
        byte[] xz = Files.readAllBytes(dir.resolve(plain.getFileName() + ".xz"));
        Path p = dir.resolve("truncated.xz-fail");
        Files.write(p, Arrays.copyOf(xz, xz.length / 2));
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.open(p).close());
        assertEquals(Kind.BAD_COMPRESSION, e.kind());
    }

    @Test
    void decompressingPastTheLimitIsTooLarge() throws Exception {
        Path p = dir.resolve(plain.getFileName() + ".zst");
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.open(p, 1000).close());
        assertEquals(Kind.TOO_LARGE, e.kind());
    }

    @Test
    void somethingElseIsNotElf() throws Exception {
        Path p = dir.resolve("text-fail");
        Files.writeString(p, "#!/bin/sh\n");
        assertEquals(Kind.NOT_ELF, assertThrows(ElfFormatException.class, () -> ElfFile.open(p)).kind());
    }
}
