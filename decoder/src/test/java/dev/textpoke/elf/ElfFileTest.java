package dev.textpoke.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every table we read is compared with what binutils' readelf prints for the same file. */
class ElfFileTest {
    @TempDir
    static Path dir;
    static ElfFixtures fixtures;

    @BeforeAll
    static void build() throws Exception {
        fixtures = new ElfFixtures(dir);
    }

    static Stream<Path> files() {
        return Stream.of(fixtures.x86_64Object, fixtures.i386Object, fixtures.aarch64Object,
                fixtures.aarch64BigEndianObject, fixtures.aarch64Ilp32BigEndianObject,
                fixtures.aarch64Program, fixtures.manySections, Path.of("/bin/ls"));
    }

    @ParameterizedTest
    @MethodSource("files")
    void headerMatchesReadelf(Path file) throws Exception {
        Readelf oracle = new Readelf(file);
        try (ElfFile elf = ElfFile.open(file)) {
            ElfHeader h = elf.header();
            assertEquals(oracle.headerField("Class"), h.is64() ? "ELF64" : "ELF32");
            assertEquals(oracle.headerField("Data").contains("little"), h.order() == ByteOrder.LITTLE_ENDIAN);
            assertEquals(Long.decode(oracle.headerField("Entry point address")), h.entry());
            assertEquals(firstNumber(oracle.headerField("Start of program headers")), h.phoff());
            assertEquals(firstNumber(oracle.headerField("Start of section headers")), h.shoff());
            assertEquals(firstNumber(oracle.headerField("Number of program headers")), h.phnum());
            assertEquals(firstNumber(oracle.headerField("Number of section headers")), h.shnum());
            assertEquals(firstNumber(oracle.headerField("Section header string table index")), h.shstrndx());
            String machine = oracle.headerField("Machine");
            int expectedMachine = machine.contains("AArch64") ? ElfHeader.EM_AARCH64
                    : machine.contains("X86-64") ? ElfHeader.EM_X86_64 : ElfHeader.EM_386;
            assertEquals(expectedMachine, h.machine());
            String type = oracle.headerField("Type");
            int expectedType = type.startsWith("REL") ? ElfHeader.ET_REL
                    : type.startsWith("EXEC") ? ElfHeader.ET_EXEC : ElfHeader.ET_DYN;
            assertEquals(expectedType, h.type());
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void sectionsMatchReadelf(Path file) throws Exception {
        List<Readelf.Sec> expected = new Readelf(file).sections();
        try (ElfFile elf = ElfFile.open(file)) {
            assertEquals(expected.size(), elf.sections().size());
            assertFalse(expected.isEmpty());
            for (Readelf.Sec e : expected) {
                Section s = elf.sections().get(e.index());
                String where = file + " section " + e.index();
                assertEquals(e.name(), s.name(), where);
                assertEquals(e.addr(), s.addr(), where);
                assertEquals(e.offset(), s.offset(), where);
                assertEquals(e.size(), s.size(), where);
                assertEquals(e.entsize(), s.entsize(), where);
                assertEquals(e.link(), s.link(), where);
                assertEquals(e.info(), s.info(), where);
                assertEquals(e.align(), s.addralign(), where);
                assertEquals(e.flags().contains("W"), s.isWritable(), where);
                assertEquals(e.flags().contains("A"), s.isAlloc(), where);
                assertEquals(e.flags().contains("X"), s.isExecutable(), where);
                Integer type = switch (e.type()) {
                    case "NULL" -> Section.SHT_NULL;
                    case "INDICES" -> Section.SHT_SYMTAB_SHNDX; // "SYMTAB SECTION INDICES"
                    case "PROGBITS" -> Section.SHT_PROGBITS;
                    case "SYMTAB" -> Section.SHT_SYMTAB;
                    case "STRTAB" -> Section.SHT_STRTAB;
                    case "RELA" -> Section.SHT_RELA;
                    case "REL" -> Section.SHT_REL;
                    case "NOTE" -> Section.SHT_NOTE;
                    case "NOBITS" -> Section.SHT_NOBITS;
                    case "DYNSYM" -> Section.SHT_DYNSYM;
                    case "DYNAMIC" -> Section.SHT_DYNAMIC;
                    default -> null;
                };
                if (type != null) {
                    assertEquals(type, s.type(), where);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void segmentsMatchReadelf(Path file) throws Exception {
        List<Readelf.Seg> expected = new Readelf(file).segments();
        try (ElfFile elf = ElfFile.open(file)) {
            assertEquals(expected.size(), elf.programHeaders().size());
            for (int i = 0; i < expected.size(); i++) {
                Readelf.Seg e = expected.get(i);
                ProgramHeader p = elf.programHeaders().get(i);
                assertEquals(e.offset(), p.offset());
                assertEquals(e.vaddr(), p.vaddr());
                assertEquals(e.paddr(), p.paddr());
                assertEquals(e.filesz(), p.filesz());
                assertEquals(e.memsz(), p.memsz());
                assertEquals(e.align(), p.align());
                assertEquals(e.type().equals("LOAD"), p.isLoad());
                assertEquals(e.type().equals("NOTE"), p.type() == ProgramHeader.PT_NOTE);
                assertEquals(e.flags().contains("E"), p.isExecutable());
                assertEquals(e.flags().contains("W"), (p.flags() & ProgramHeader.PF_W) != 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void symbolsMatchReadelf(Path file) throws Exception {
        Map<String, List<Readelf.Sym>> expected = new Readelf(file).symbols();
        try (ElfFile elf = ElfFile.open(file)) {
            assertEquals(expected.containsKey(".symtab"), !elf.symbols().isEmpty());
            assertEquals(expected.containsKey(".dynsym"), !elf.dynamicSymbols().isEmpty());
            compareSymbols(expected.getOrDefault(".symtab", List.of()), elf.symbols(), elf, file);
            compareSymbols(expected.getOrDefault(".dynsym", List.of()), elf.dynamicSymbols(), elf, file);
        }
    }

    private static void compareSymbols(List<Readelf.Sym> expected, List<ElfSymbol> actual, ElfFile elf,
            Path file) {
        assertEquals(expected.size(), actual.size());
        for (Readelf.Sym e : expected) {
            ElfSymbol s = actual.get(e.index());
            String where = file + " symbol " + e.index();
            assertEquals(e.value(), s.value(), where);
            assertEquals(e.size(), s.size(), where);
            String type = switch (s.type()) {
                case ElfSymbol.STT_NOTYPE -> "NOTYPE";
                case ElfSymbol.STT_OBJECT -> "OBJECT";
                case ElfSymbol.STT_FUNC -> "FUNC";
                case ElfSymbol.STT_SECTION -> "SECTION";
                case ElfSymbol.STT_FILE -> "FILE";
                case ElfSymbol.STT_TLS -> "TLS";
                case ElfSymbol.STT_GNU_IFUNC -> "IFUNC";
                default -> "?" + s.type();
            };
            assertEquals(e.type(), type, where);
            String bind = switch (s.binding()) {
                case ElfSymbol.STB_LOCAL -> "LOCAL";
                case ElfSymbol.STB_GLOBAL -> "GLOBAL";
                case ElfSymbol.STB_WEAK -> "WEAK";
                case ElfSymbol.STB_GNU_UNIQUE -> "UNIQUE";
                default -> "?" + s.binding();
            };
            assertEquals(e.bind(), bind, where);
            String ndx = switch (s.section()) {
                case ElfSymbol.SHN_UNDEF -> "UND";
                case ElfSymbol.SECTION_ABS -> "ABS";
                case ElfSymbol.SECTION_COMMON -> "COM";
                default -> Integer.toString(s.section());
            };
            assertEquals(e.ndx(), ndx, where);
            if (s.type() != ElfSymbol.STT_SECTION) {
                // readelf appends symbol versions to dynamic symbols ("malloc@GLIBC_2.2.5 (2)").
                String name = e.name().replaceAll("@.*$", "");
                assertEquals(name, s.name(), where);
            } else {
                assertTrue(s.inSection() || s.section() == 0, where);
                assertTrue(e.name().isEmpty() || e.name().equals(elf.sections().get(s.section()).name()), where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void relocationsMatchReadelf(Path file) throws Exception {
        Map<String, List<Readelf.Rel>> expected = new Readelf(file).relocations();
        try (ElfFile elf = ElfFile.open(file)) {
            assertEquals(expected.size(), elf.relocationSections().size());
            for (RelocationSection rs : elf.relocationSections()) {
                List<Readelf.Rel> e = expected.get(rs.section().name());
                List<Relocation> actual = elf.relocations(rs);
                assertEquals(e.size(), actual.size(), rs.section().name());
                for (int i = 0; i < e.size(); i++) {
                    Relocation r = actual.get(i);
                    Readelf.Rel x = e.get(i);
                    String where = file + " " + rs.section().name() + "[" + i + "]";
                    assertEquals(x.offset(), r.offset(), where);
                    long info = x.info();
                    int sym = (int) (elf.header().is64() ? info >>> 32 : info >>> 8);
                    int type = (int) (elf.header().is64() ? info & 0xffffffffL : info & 0xff);
                    assertEquals(sym, r.symbol(), where);
                    assertEquals(type, r.type(), where);
                    if (rs.isRela()) {
                        long addend = elf.header().is64() ? r.addend() : (int) r.addend();
                        assertEquals(x.addend(), addend, where);
                    }
                }
                if (elf.header().type() == ElfHeader.ET_REL) {
                    // In an object file ".rela.text" applies to ".text" (sh_info names it).
                    Section target = elf.sections().get(rs.target());
                    assertEquals(rs.section().name(), (rs.isRela() ? ".rela" : ".rel") + target.name());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void buildIdMatchesReadelf(Path file) throws Exception {
        String expected = new Readelf(file).buildId();
        try (ElfFile elf = ElfFile.open(file)) {
            assertEquals(expected, elf.buildId().map(b -> b.hex()).orElse(null));
        }
    }

    @Test
    void theLinkedFixturesHaveABuildId() throws IOException {
        try (ElfFile elf = ElfFile.open(fixtures.aarch64Program)) {
            assertEquals(20, elf.buildId().orElseThrow().length());
        }
    }

    /** The number readelf prints, or the real one in parentheses when the field overflowed ("0 (66008)"). */
    private static long firstNumber(String s) {
        String[] t = s.split("\\s+");
        if (t.length > 1 && t[1].startsWith("(") && t[1].endsWith(")")) {
            return Long.parseLong(t[1].substring(1, t[1].length() - 1));
        }
        return Long.parseLong(t[0]);
    }
}
