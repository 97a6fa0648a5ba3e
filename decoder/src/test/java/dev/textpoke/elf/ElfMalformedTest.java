package dev.textpoke.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.elf.ElfFormatException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged ELF files (named {@code *-fail}) are made from a real aarch64 object by changing one
 * field; each must fail with the right kind at the offset of the bad field, never with an unchecked
 * exception. Field offsets are those of {@code Elf64_Ehdr}, {@code Elf64_Shdr}, {@code Elf64_Sym} and
 * {@code Elf64_Rela} in the System V gABI.
 */
class ElfMalformedTest {
    @TempDir
    static Path dir;
    static byte[] object;
    static byte[] program;
    static Section symtab;
    static Section rela;
    static Section note;
    static long shoff;

    @BeforeAll
    static void build() throws Exception {
        ElfFixtures f = new ElfFixtures(dir);
        object = Files.readAllBytes(f.aarch64Object);
        program = Files.readAllBytes(f.aarch64Program);
        try (ElfFile elf = ElfFile.open(f.aarch64Object)) {
            symtab = elf.section(".symtab").orElseThrow();
            rela = elf.section(".rela.text").orElseThrow();
            shoff = elf.header().shoff();
        }
        try (ElfFile elf = ElfFile.open(f.aarch64Program)) {
            note = elf.section(".note.gnu.build-id").orElseThrow();
        }
    }

    private static ElfFormatException fails(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name + "-fail");
        Files.write(p, bytes);
        return assertThrows(ElfFormatException.class, () -> {
            try (ElfFile elf = ElfFile.open(p)) {
                elf.symbols();
                for (RelocationSection rs : elf.relocationSections()) {
                    elf.relocations(rs);
                }
                elf.notes();
            }
        });
    }

    private static byte[] with(byte[] base, long at, long value, int size) {
        byte[] b = base.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (size) {
            case 1 -> buf.put((int) at, (byte) value);
            case 2 -> buf.putShort((int) at, (short) value);
            case 4 -> buf.putInt((int) at, (int) value);
            default -> buf.putLong((int) at, value);
        }
        return b;
    }

    @Test
    void tooShortIsNotElf() throws IOException {
        ElfFormatException e = fails("short", Arrays.copyOf(object, 10));
        assertEquals(Kind.NOT_ELF, e.kind());
        assertEquals(0, e.offset());
    }

    @Test
    void wrongMagicIsNotElf() throws IOException {
        assertEquals(Kind.NOT_ELF, fails("magic", with(object, 1, 'X', 1)).kind());
    }

    @Test
    void unknownClassIsBadIdentAtEiClass() throws IOException {
        ElfFormatException e = fails("class", with(object, 4, 3, 1));
        assertEquals(Kind.BAD_IDENT, e.kind());
        assertEquals(4, e.offset());
    }

    @Test
    void sectionTableBeyondTheFileIsOutOfBounds() throws IOException {
        ElfFormatException e = fails("shoff", with(object, 40, object.length - 64, 8));
        assertEquals(Kind.OUT_OF_BOUNDS, e.kind());
    }

    @Test
    void truncatedSectionTableIsOutOfBoundsNamingTheCount() throws IOException {
        ElfFormatException e = fails("truncated", Arrays.copyOf(object, (int) shoff + 100));
        assertEquals(Kind.OUT_OF_BOUNDS, e.kind());
        assertEquals(60, e.offset()); // e_shnum
    }

    @Test
    void stringTableIndexOutOfRangeIsBadHeader() throws IOException {
        ElfFormatException e = fails("shstrndx", with(object, 62, 200, 2));
        assertEquals(Kind.BAD_HEADER, e.kind());
        assertEquals(62, e.offset());
    }

    @Test
    void sectionOutsideTheFileNamesItsHeader() throws IOException {
        long header = shoff + 64L * rela.index();
        ElfFormatException e = fails("sh_offset", with(object, header + 24, 1L << 40, 8));
        assertEquals(Kind.OUT_OF_BOUNDS, e.kind());
        assertEquals(header, e.offset());
    }

    @Test
    void symbolInAMissingSectionIsBadSymbol() throws IOException {
        long sym = symtab.offset() + 24L * 2;
        ElfFormatException e = fails("st_shndx", with(object, sym + 6, 0xfe00, 2));
        assertEquals(Kind.BAD_SYMBOL, e.kind());
        assertEquals(sym, e.offset());
    }

    @Test
    void symbolNameOutsideTheStringTableIsBadString() throws IOException {
        long sym = symtab.offset() + 24L * 2;
        ElfFormatException e = fails("st_name", with(object, sym, 0x7fffffff, 4));
        assertEquals(Kind.BAD_STRING, e.kind());
        assertEquals(sym, e.offset());
    }

    @Test
    void symbolTableLinkedToANonStringTableIsBadSection() throws IOException {
        long header = shoff + 64L * symtab.index();
        ElfFormatException e = fails("sh_link", with(object, header + 40, symtab.index(), 4));
        assertEquals(Kind.BAD_SECTION, e.kind());
        assertEquals(header, e.offset());
    }

    @Test
    void relocationOfAMissingSymbolIsBadRelocation() throws IOException {
        long rel = rela.offset() + 24L;
        ElfFormatException e = fails("r_info", with(object, rel + 12, 0x00ffffff, 4));
        assertEquals(Kind.BAD_RELOCATION, e.kind());
        assertEquals(rel, e.offset());
    }

    @Test
    void noteRunningPastItsSectionIsBadNote() throws IOException {
        ElfFormatException e = fails("n_descsz", with(program, note.offset() + 4, 0x1000, 4));
        assertEquals(Kind.BAD_NOTE, e.kind());
        assertEquals(note.offset(), e.offset());
    }

    /** Random damage anywhere in the headers and tables: only ElfFormatException may escape. */
    @Test
    void randomDamageNeverEscapesAsAnUncheckedException() throws IOException {
        Random random = new Random(5);
        Path p = dir.resolve("random-fail");
        for (int round = 0; round < 3000; round++) {
            byte[] b = (round % 2 == 0 ? object : program).clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                // Aim at the ELF header or the section header table, where damage matters most.
                int at = random.nextBoolean() ? random.nextInt(64)
                        : (int) Math.min(b.length - 1, readShoff(b) + random.nextInt(64 * 16));
                b[at] = (byte) random.nextInt(256);
            }
            Files.write(p, b);
            try (ElfFile elf = ElfFile.open(p)) {
                elf.symbols();
                elf.dynamicSymbols();
                for (RelocationSection rs : elf.relocationSections()) {
                    elf.relocations(rs);
                }
                elf.notes();
                for (Section s : elf.sections()) {
                    elf.contents(s);
                }
            } catch (ElfFormatException expected) {
                // the point: damage is reported, nothing else escapes
            }
        }
    }

    private static long readShoff(byte[] b) {
        long v = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        return v < 0 || v > b.length ? 0 : v;
    }
}
