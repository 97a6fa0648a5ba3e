package dev.textpoke.elf;

import dev.textpoke.elf.ElfFormatException.Kind;
import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ELF file (ELF32 or ELF64, either byte order): vmlinux, a kcore copy, a kernel module, an
 * object file or a program. The file header, program headers and section headers are read when the
 * file is opened; symbols, relocations, notes and section contents are read when asked for. Every
 * offset and size taken from the file is checked against the file size before it is used, and
 * damage is reported as an {@link ElfFormatException} naming the offset of the bad field.
 *
 * <p>Not thread-safe.
 */
public final class ElfFile implements Closeable {
    // Sizes of the fixed structures (System V gABI, elf.h): Elf32_Ehdr 52, Elf64_Ehdr 64;
    // Elf32_Phdr 32, Elf64_Phdr 56; Elf32_Shdr 40, Elf64_Shdr 64; Elf32_Sym 16, Elf64_Sym 24;
    // Elf32_Rel 8, Elf32_Rela 12, Elf64_Rel 16, Elf64_Rela 24; Elf*_Nhdr 12.
    private static final int EI_NIDENT = 16;
    private static final int EHDR32 = 52, EHDR64 = 64;
    private static final int PHDR32 = 32, PHDR64 = 56;
    private static final int SHDR32 = 40, SHDR64 = 64;
    private static final int SYM32 = 16, SYM64 = 24;
    private static final int NHDR = 12;
    private static final int PN_XNUM = 0xffff;
    // e_ident indexes and values.
    private static final int EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6, EI_OSABI = 7;
    private static final int ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1, ELFDATA2MSB = 2;

    private final ElfSource source;
    private final ElfHeader header;
    private final List<ProgramHeader> programHeaders;
    private final List<Section> sections;

    private ElfFile(ElfSource source, ElfHeader header, List<ProgramHeader> programHeaders,
            List<Section> sections) {
        this.source = source;
        this.header = header;
        this.programHeaders = programHeaders;
        this.sections = sections;
    }

    /** Opens a file, decompressing it first when it is xz, zstd or gzip (see {@link ElfInputs}). */
    public static ElfFile open(Path path) throws IOException {
        return read(ElfInputs.open(path));
    }

    /** As {@link #open(Path)} with a limit on the decompressed size. */
    public static ElfFile open(Path path, long maxDecompressed) throws IOException {
        return read(ElfInputs.open(path, maxDecompressed));
    }

    /** Reads the headers of {@code source}; the returned file owns it and closes it. */
    public static ElfFile read(ElfSource source) throws IOException {
        try {
            ElfHeader h = readHeader(source);
            Section first = h.shoff() == 0 ? null : readSectionHeader(source, h, 0, null);
            h = resolveExtendedNumbering(source, h, first);
            List<Section> raw = readSectionHeaders(source, h);
            List<Section> named = nameSections(source, h, raw);
            List<ProgramHeader> phdrs = readProgramHeaders(source, h);
            return new ElfFile(source, h, List.copyOf(phdrs), List.copyOf(named));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public String name() {
        return source.name();
    }

    public long size() {
        return source.size();
    }

    public ElfHeader header() {
        return header;
    }

    public ByteOrder order() {
        return header.order();
    }

    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** All section headers, index 0 ({@code SHT_NULL}) included, so that list index = section index. */
    public List<Section> sections() {
        return sections;
    }

    /** The section with this index; an {@link ElfFormatException} when there is none. */
    public Section section(int index, long reportAt) throws ElfFormatException {
        if (index < 0 || index >= sections.size()) {
            throw new ElfFormatException(name(), reportAt, Kind.BAD_SECTION,
                    "section index " + index + " does not exist (the file has " + sections.size() + ")");
        }
        return sections.get(index);
    }

    /** The first section with this name. */
    public Optional<Section> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The bytes of a section in the file's byte order; empty for {@code SHT_NOBITS}. */
    public ByteBuffer contents(Section s) throws ElfFormatException {
        if (!s.hasFileBytes()) {
            return ByteBuffer.allocate(0).order(order());
        }
        return source.read(s.offset(), s.size(), sectionHeaderOffset(s.index()),
                "section " + s.index() + " (" + s.name() + ")").order(order());
    }

    /** A bounds-checked cursor over a section's bytes, reporting absolute file offsets. */
    public ByteCursor cursor(Section s) throws ElfFormatException {
        return ByteCursor.of(contents(s), order(), name(), s.hasFileBytes() ? s.offset() : 0);
    }

    /** The {@code filesz} bytes of a segment in the file's byte order. */
    public ByteBuffer contents(ProgramHeader p) throws ElfFormatException {
        return source.read(p.offset(), p.filesz(), programHeaderOffset(p.index()),
                "segment " + p.index()).order(order());
    }

    /** {@code length} bytes at file offset {@code offset}, checked against the file size. */
    public ByteBuffer read(long offset, long length, String what) throws ElfFormatException {
        return source.read(offset, length, offset, what).order(order());
    }

    /** The symbols of {@code .symtab} ({@code SHT_SYMTAB}), or none when the file is stripped. */
    public List<ElfSymbol> symbols() throws ElfFormatException {
        return symbolsOfType(Section.SHT_SYMTAB);
    }

    /** The symbols of {@code .dynsym} ({@code SHT_DYNSYM}), or none. */
    public List<ElfSymbol> dynamicSymbols() throws ElfFormatException {
        return symbolsOfType(Section.SHT_DYNSYM);
    }

    private List<ElfSymbol> symbolsOfType(int type) throws ElfFormatException {
        for (Section s : sections) {
            if (s.type() == type) {
                return symbols(s);
            }
        }
        return List.of();
    }

    /** The symbols of a {@code SHT_SYMTAB} or {@code SHT_DYNSYM} section, index 0 included. */
    public List<ElfSymbol> symbols(Section table) throws ElfFormatException {
        long at = sectionHeaderOffset(table.index());
        int entSize = header.is64() ? SYM64 : SYM32;
        if (table.type() != Section.SHT_SYMTAB && table.type() != Section.SHT_DYNSYM) {
            throw new ElfFormatException(name(), at, Kind.BAD_SECTION,
                    "section " + table.index() + " (" + table.name() + ") is not a symbol table");
        }
        if (table.entsize() != 0 && table.entsize() < entSize) {
            throw new ElfFormatException(name(), at, Kind.BAD_SECTION, "symbol table " + table.name()
                    + " has entries of " + table.entsize() + " bytes, less than " + entSize);
        }
        long stride = table.entsize() == 0 ? entSize : table.entsize();
        StringTable strings = stringTable(table.link(), at);
        int[] extendedIndexes = extendedIndexes(table);
        ByteCursor c = cursor(table);
        long count = table.size() / stride;
        List<ElfSymbol> out = new ArrayList<>((int) Math.min(count, 1 << 20));
        try {
            readSymbols(c, count, stride, strings, extendedIndexes, out);
        } catch (ElfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            throw new ElfFormatException(name(), e.offset(), Kind.BAD_SYMBOL, e.problem(), e);
        }
        return out;
    }

    private void readSymbols(ByteCursor c, long count, long stride, StringTable strings,
            int[] extendedIndexes, List<ElfSymbol> out) throws InputFormatException {
        for (int i = 0; i < count; i++) {
            c.seek((int) (i * stride));
            long symAt = c.offset();
            long nameOff = c.u32("st_name");
            long value;
            long size;
            int info;
            int other;
            int shndx;
            if (header.is64()) {
                info = c.u8("st_info");
                other = c.u8("st_other");
                shndx = c.u16("st_shndx");
                value = c.u64("st_value");
                size = c.u64("st_size");
            } else {
                value = c.u32("st_value");
                size = c.u32("st_size");
                info = c.u8("st_info");
                other = c.u8("st_other");
                shndx = c.u16("st_shndx");
            }
            int section;
            if (shndx == ElfSymbol.SHN_XINDEX) {
                if (extendedIndexes == null || i >= extendedIndexes.length) {
                    throw new ElfFormatException(name(), symAt, Kind.BAD_SYMBOL, "symbol " + i
                            + " has st_shndx SHN_XINDEX but no SHT_SYMTAB_SHNDX entry");
                }
                section = extendedIndexes[i];
            } else {
                section = ElfSymbol.sectionOf(shndx);
            }
            if (section >= sections.size() || (section < 0 && shndx == ElfSymbol.SHN_XINDEX)) {
                throw new ElfFormatException(name(), symAt, Kind.BAD_SYMBOL, "symbol " + i
                        + " is defined in section " + Integer.toUnsignedString(section) + ", which does not exist");
            }
            out.add(new ElfSymbol(i, strings.get(nameOff, symAt), value, size, info & 0xf, info >>> 4,
                    other & 0x3, section));
        }
    }

    /** The {@code SHT_SYMTAB_SHNDX} section paired with {@code table}, as an array; null if none. */
    private int[] extendedIndexes(Section table) throws ElfFormatException {
        for (Section s : sections) {
            if (s.type() == Section.SHT_SYMTAB_SHNDX && s.link() == table.index()) {
                ByteBuffer b = contents(s);
                int[] out = new int[b.remaining() / 4];
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getInt(i * 4);
                }
                return out;
            }
        }
        return null;
    }

    /** Every {@code SHT_REL} and {@code SHT_RELA} section, with its target and symbol table. */
    public List<RelocationSection> relocationSections() {
        List<RelocationSection> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() == Section.SHT_REL || s.type() == Section.SHT_RELA) {
                out.add(new RelocationSection(s, s.info(), s.link()));
            }
        }
        return out;
    }

    /** The relocation sections that apply to section {@code target}. */
    public List<RelocationSection> relocationsFor(int target) {
        List<RelocationSection> out = new ArrayList<>();
        for (RelocationSection r : relocationSections()) {
            if (r.target() == target) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The relocations of a relocation section. Symbol indexes are checked against the size of the
     * symbol table the section names (index 0, "no symbol", is allowed).
     */
    public List<Relocation> relocations(RelocationSection rs) throws ElfFormatException {
        Section s = rs.section();
        long at = sectionHeaderOffset(s.index());
        boolean rela = rs.isRela();
        int w = header.wordSize();
        int entSize = rela ? 3 * w : 2 * w;
        if (s.entsize() != 0 && s.entsize() < entSize) {
            throw new ElfFormatException(name(), at, Kind.BAD_SECTION, "relocation section " + s.name()
                    + " has entries of " + s.entsize() + " bytes, less than " + entSize);
        }
        long symbolCount = 0;
        if (rs.symbolTable() != 0) {
            Section symtab = section(rs.symbolTable(), at);
            long symEnt = symtab.entsize() == 0 ? (header.is64() ? SYM64 : SYM32) : symtab.entsize();
            symbolCount = symtab.size() / symEnt;
        }
        long stride = s.entsize() == 0 ? entSize : s.entsize();
        ByteCursor c = cursor(s);
        long count = s.size() / stride;
        List<Relocation> out = new ArrayList<>((int) Math.min(count, 1 << 20));
        try {
            readRelocations(c, s, rela, count, stride, symbolCount, out);
        } catch (ElfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            throw new ElfFormatException(name(), e.offset(), Kind.BAD_RELOCATION, e.problem(), e);
        }
        return out;
    }

    private void readRelocations(ByteCursor c, Section s, boolean rela, long count, long stride,
            long symbolCount, List<Relocation> out) throws InputFormatException {
        for (int i = 0; i < count; i++) {
            c.seek((int) (i * stride));
            long relAt = c.offset();
            long offset = word(c, "r_offset");
            long info = word(c, "r_info");
            long addend = rela ? (header.is64() ? c.u64("r_addend") : c.s32("r_addend")) : 0;
            int sym = (int) (header.is64() ? info >>> 32 : (info >>> 8) & 0xffffff);
            int type = (int) (header.is64() ? info & 0xffffffffL : info & 0xff);
            if (sym < 0 || sym >= Math.max(symbolCount, 1)) {
                throw new ElfFormatException(name(), relAt, Kind.BAD_RELOCATION, "relocation " + i
                        + " of " + s.name() + " names symbol " + Integer.toUnsignedString(sym)
                        + " of a table of " + symbolCount);
            }
            out.add(new Relocation(offset, type, sym, addend, rela));
        }
    }

    /**
     * Every note of the file: from its {@code SHT_NOTE} sections, or, when it has no section
     * headers (a core file, kcore), from its {@code PT_NOTE} segments.
     */
    public List<Note> notes() throws ElfFormatException {
        List<Note> out = new ArrayList<>();
        boolean anySection = false;
        for (Section s : sections) {
            if (s.type() == Section.SHT_NOTE) {
                anySection = true;
                readNotes(cursor(s), s.addralign() == 8 ? 8 : 4, out);
            }
        }
        if (!anySection) {
            for (ProgramHeader p : programHeaders) {
                if (p.type() == ProgramHeader.PT_NOTE) {
                    readNotes(ByteCursor.of(contents(p), order(), name(), p.offset()),
                            p.align() == 8 ? 8 : 4, out);
                }
            }
        }
        return out;
    }

    /** The GNU build id ({@code NT_GNU_BUILD_ID}), if the file has one. */
    public Optional<Bytes> buildId() throws ElfFormatException {
        for (Note n : notes()) {
            if (n.isGnuBuildId()) {
                return Optional.of(n.desc());
            }
        }
        return Optional.empty();
    }

    private void readNotes(ByteCursor c, int align, List<Note> out) throws ElfFormatException {
        try {
            while (c.remaining() >= NHDR) {
                long at = c.offset();
                long nameSize = c.u32("n_namesz");
                long descSize = c.u32("n_descsz");
                int type = c.s32("n_type");
                if (nameSize > c.remaining()) {
                    throw new ElfFormatException(name(), at, Kind.BAD_NOTE, "note name of " + nameSize
                            + " bytes runs past the end of its section (" + c.remaining() + " left)");
                }
                String noteName = c.fixedString((int) nameSize, "note name");
                c.align(align, "note name padding");
                if (descSize > c.remaining()) {
                    throw new ElfFormatException(name(), at, Kind.BAD_NOTE, "note descriptor of "
                            + descSize + " bytes runs past the end of its section (" + c.remaining()
                            + " left)");
                }
                Bytes desc = c.immutableBytes(descSize, "note descriptor");
                if (c.remaining() > 0) {
                    c.skip(Math.min(c.remaining(), (align - (c.position() & (align - 1))) & (align - 1)),
                            "note descriptor padding");
                }
                out.add(new Note(noteName, type, desc));
            }
        } catch (ElfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            throw new ElfFormatException(name(), e.offset(), Kind.BAD_NOTE, e.problem(), e);
        }
    }

    private StringTable stringTable(int index, long reportAt) throws ElfFormatException {
        Section s = section(index, reportAt);
        if (s.type() != Section.SHT_STRTAB) {
            throw new ElfFormatException(name(), reportAt, Kind.BAD_SECTION, "section " + index + " ("
                    + s.name() + ") is linked as a string table but has type " + s.type());
        }
        return new StringTable(contents(s), name(), s.offset());
    }

    /** File offset of section header {@code index}, for errors about that section. */
    public long sectionHeaderOffset(int index) {
        return header.shoff() + (long) index * header.shentsize();
    }

    private long programHeaderOffset(int index) {
        return header.phoff() + (long) index * header.phentsize();
    }

    private long word(ByteCursor c, String what) throws InputFormatException {
        return header.is64() ? c.u64(what) : c.u32(what);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    // ---- reading the headers when the file is opened ----

    private static ElfHeader readHeader(ElfSource src) throws ElfFormatException {
        String name = src.name();
        if (src.size() < EI_NIDENT) {
            throw new ElfFormatException(name, 0, Kind.NOT_ELF, "only " + src.size()
                    + " bytes: too short for an ELF identification (16 bytes)");
        }
        ByteBuffer ident = src.read(0, EI_NIDENT, 0, "e_ident");
        if (ident.get(0) != 0x7f || ident.get(1) != 'E' || ident.get(2) != 'L' || ident.get(3) != 'F') {
            throw new ElfFormatException(name, 0, Kind.NOT_ELF, "no ELF magic (7f 45 4c 46)");
        }
        int cls = ident.get(EI_CLASS);
        int data = ident.get(EI_DATA);
        if (cls != ELFCLASS32 && cls != ELFCLASS64) {
            throw new ElfFormatException(name, EI_CLASS, Kind.BAD_IDENT, "EI_CLASS is " + cls
                    + ", neither ELFCLASS32 (1) nor ELFCLASS64 (2)");
        }
        if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
            throw new ElfFormatException(name, EI_DATA, Kind.BAD_IDENT, "EI_DATA is " + data
                    + ", neither ELFDATA2LSB (1) nor ELFDATA2MSB (2)");
        }
        if (ident.get(EI_VERSION) != 1) {
            throw new ElfFormatException(name, EI_VERSION, Kind.BAD_IDENT, "EI_VERSION is "
                    + ident.get(EI_VERSION) + ", not EV_CURRENT (1)");
        }
        boolean is64 = cls == ELFCLASS64;
        ByteOrder order = data == ELFDATA2LSB ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int size = is64 ? EHDR64 : EHDR32;
        ByteCursor c = ByteCursor.of(src.read(0, size, 0, "the ELF header"), order, name, 0);
        try {
            c.skip(EI_NIDENT, "e_ident");
            int type = c.u16("e_type");
            int machine = c.u16("e_machine");
            c.u32("e_version");
            long entry = is64 ? c.u64("e_entry") : c.u32("e_entry");
            long phoff = is64 ? c.u64("e_phoff") : c.u32("e_phoff");
            long shoff = is64 ? c.u64("e_shoff") : c.u32("e_shoff");
            int flags = c.s32("e_flags");
            c.u16("e_ehsize");
            int phentsize = c.u16("e_phentsize");
            int phnum = c.u16("e_phnum");
            int shentsize = c.u16("e_shentsize");
            int shnum = c.u16("e_shnum");
            int shstrndx = c.u16("e_shstrndx");
            return new ElfHeader(is64, order, ident.get(EI_OSABI) & 0xff, type, machine, entry, phoff,
                    shoff, flags, phentsize, phnum, shentsize, shnum, shstrndx);
        } catch (InputFormatException e) {
            throw new ElfFormatException(name, e.offset(), Kind.OUT_OF_BOUNDS, e.problem(), e);
        }
    }

    private static ElfHeader resolveExtendedNumbering(ElfSource src, ElfHeader h, Section first)
            throws ElfFormatException {
        if (first == null) {
            return h;
        }
        int shnum = h.shnum();
        int shstrndx = h.shstrndx();
        int phnum = h.phnum();
        // gABI "Sections": e_shnum 0 with sections means the count is in section 0's sh_size;
        // e_shstrndx SHN_XINDEX means the index is in sh_link; e_phnum PN_XNUM means sh_info.
        if (shnum == 0) {
            if (first.size() > Integer.MAX_VALUE) {
                throw new ElfFormatException(src.name(), h.shoff(), Kind.BAD_HEADER,
                        "section count " + Long.toUnsignedString(first.size()) + " is too large");
            }
            shnum = (int) first.size();
        }
        if (shstrndx == ElfSymbol.SHN_XINDEX) {
            shstrndx = first.link();
        }
        if (phnum == PN_XNUM) {
            phnum = first.info();
        }
        return new ElfHeader(h.is64(), h.order(), h.osAbi(), h.type(), h.machine(), h.entry(), h.phoff(),
                h.shoff(), h.flags(), h.phentsize(), phnum, h.shentsize(), shnum, shstrndx);
    }

    private static List<Section> readSectionHeaders(ElfSource src, ElfHeader h) throws ElfFormatException {
        if (h.shoff() == 0 || h.shnum() == 0) {
            return List.of();
        }
        checkTable(src, h.shoff(), h.shnum(), h.shentsize(), h.is64() ? SHDR64 : SHDR32,
                h.is64() ? 40 : 32, h.is64() ? 60 : 46, "section header table");
        List<Section> out = new ArrayList<>(h.shnum());
        for (int i = 0; i < h.shnum(); i++) {
            out.add(readSectionHeader(src, h, i, null));
        }
        return out;
    }

    private static Section readSectionHeader(ElfSource src, ElfHeader h, int i, String name)
            throws ElfFormatException {
        int size = h.is64() ? SHDR64 : SHDR32;
        long at = h.shoff() + (long) i * h.shentsize();
        if (h.shentsize() < size) {
            throw new ElfFormatException(src.name(), h.is64() ? 58 : 46, Kind.BAD_HEADER,
                    "e_shentsize is " + h.shentsize() + ", less than " + size);
        }
        ByteCursor c = ByteCursor.of(src.read(at, size, at, "section header " + i), h.order(),
                src.name(), at);
        try {
            long nameOff = c.u32("sh_name");
            int type = c.s32("sh_type");
            long flags = h.is64() ? c.u64("sh_flags") : c.u32("sh_flags");
            long addr = h.is64() ? c.u64("sh_addr") : c.u32("sh_addr");
            long offset = h.is64() ? c.u64("sh_offset") : c.u32("sh_offset");
            long secSize = h.is64() ? c.u64("sh_size") : c.u32("sh_size");
            int link = c.s32("sh_link");
            int info = c.s32("sh_info");
            long align = h.is64() ? c.u64("sh_addralign") : c.u32("sh_addralign");
            long entsize = h.is64() ? c.u64("sh_entsize") : c.u32("sh_entsize");
            return new Section(i, name == null ? Long.toString(nameOff) : name, type, flags, addr,
                    offset, secSize, link, info, align, entsize);
        } catch (InputFormatException e) {
            throw new ElfFormatException(src.name(), e.offset(), Kind.OUT_OF_BOUNDS, e.problem(), e);
        }
    }

    /** Resolves names (held as decimal offsets until now) and checks each section's file range. */
    private static List<Section> nameSections(ElfSource src, ElfHeader h, List<Section> raw)
            throws ElfFormatException {
        if (raw.isEmpty()) {
            return raw;
        }
        StringTable names = null;
        if (h.shstrndx() != 0) {
            if (h.shstrndx() >= raw.size()) {
                throw new ElfFormatException(src.name(), h.is64() ? 62 : 50, Kind.BAD_HEADER,
                        "e_shstrndx " + h.shstrndx() + " is not a section (the file has " + raw.size() + ")");
            }
            Section s = raw.get(h.shstrndx());
            long at = h.shoff() + (long) s.index() * h.shentsize();
            names = new StringTable(src.read(s.offset(), s.size(), at, "section name string table"),
                    src.name(), s.offset());
        }
        List<Section> out = new ArrayList<>(raw.size());
        for (Section s : raw) {
            long at = h.shoff() + (long) s.index() * h.shentsize();
            if (s.hasFileBytes()) {
                src.checkRange(s.offset(), s.size(), at, "section " + s.index());
            }
            String name = names == null ? "" : names.get(Long.parseLong(s.name()), at);
            out.add(new Section(s.index(), name, s.type(), s.flags(), s.addr(), s.offset(), s.size(),
                    s.link(), s.info(), s.addralign(), s.entsize()));
        }
        return out;
    }

    private static List<ProgramHeader> readProgramHeaders(ElfSource src, ElfHeader h)
            throws ElfFormatException {
        if (h.phoff() == 0 || h.phnum() == 0) {
            return List.of();
        }
        int size = h.is64() ? PHDR64 : PHDR32;
        checkTable(src, h.phoff(), h.phnum(), h.phentsize(), size, h.is64() ? 54 : 42,
                h.is64() ? 56 : 44, "program header table");
        List<ProgramHeader> out = new ArrayList<>(h.phnum());
        for (int i = 0; i < h.phnum(); i++) {
            long at = h.phoff() + (long) i * h.phentsize();
            ByteCursor c = ByteCursor.of(src.read(at, size, at, "program header " + i), h.order(),
                    src.name(), at);
            try {
                int type = c.s32("p_type");
                ProgramHeader p;
                if (h.is64()) {
                    int flags = c.s32("p_flags");
                    p = new ProgramHeader(i, type, flags, c.u64("p_offset"), c.u64("p_vaddr"),
                            c.u64("p_paddr"), c.u64("p_filesz"), c.u64("p_memsz"), c.u64("p_align"));
                } else {
                    long offset = c.u32("p_offset");
                    long vaddr = c.u32("p_vaddr");
                    long paddr = c.u32("p_paddr");
                    long filesz = c.u32("p_filesz");
                    long memsz = c.u32("p_memsz");
                    int flags = c.s32("p_flags");
                    p = new ProgramHeader(i, type, flags, offset, vaddr, paddr, filesz, memsz,
                            c.u32("p_align"));
                }
                if (p.type() != ProgramHeader.PT_NULL) {
                    src.checkRange(p.offset(), p.filesz(), at, "segment " + i);
                }
                out.add(p);
            } catch (ElfFormatException e) {
                throw e;
            } catch (InputFormatException e) {
                throw new ElfFormatException(src.name(), e.offset(), Kind.OUT_OF_BOUNDS, e.problem(), e);
            }
        }
        return out;
    }

    /** Checks entry size and that {@code count} entries at {@code offset} lie inside the file. */
    private static void checkTable(ElfSource src, long offset, int count, int entSize, int minEntSize,
            int entSizeFieldAt, int countFieldAt, String what) throws ElfFormatException {
        if (entSize < minEntSize) {
            throw new ElfFormatException(src.name(), entSizeFieldAt, Kind.BAD_HEADER,
                    what + " entries are " + entSize + " bytes, less than " + minEntSize);
        }
        src.checkRange(offset, (long) count * entSize, countFieldAt, what + " (" + count + " entries)");
    }
}
