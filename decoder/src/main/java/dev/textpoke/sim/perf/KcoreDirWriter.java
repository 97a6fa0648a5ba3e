package dev.textpoke.sim.perf;

import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a {@code kcore_dir} as {@code perf record --kcore} leaves one beside its data
 * (tools/perf/util/symbol-elf.c, {@code kcore_copy}): {@code kcore}, an ELF core file whose
 * PT_LOADs hold the kernel's code at its addresses; {@code kallsyms} and {@code modules}, copies of
 * {@code /proc/kallsyms} and {@code /proc/modules}.
 *
 * <p>What perf 6.1 checks when it reads one ({@code dso__load_kcore} in tools/perf/util/symbol.c):
 * {@code kallsyms}'s address of the kernel MMAP's reference symbol ({@code _text}) equals that
 * MMAP's pgoff; {@code _stext} picks the PT_LOAD that becomes the kernel map; every module map
 * perf has from MMAP records is in {@code modules} at the same address. Symbols come from {@code
 * kallsyms}, code bytes from {@code kcore}.
 */
public final class KcoreDirWriter {
    /** {@code _text}, perf's reference relocation symbol for the kernel map. */
    public static final String TEXT = "_text";
    /** {@code _stext}, where perf looks for the kernel's PT_LOAD. */
    public static final String STEXT = "_stext";

    private static final int PAGE = 4096;
    private static final int EHDR = 64;
    private static final int PHDR = 56;

    private KcoreDirWriter() {}

    /**
     * Writes {@code dir/kcore}, {@code dir/kallsyms} and {@code dir/modules} (creating {@code dir}).
     * {@code _text} and {@code _stext} are added to kallsyms at the lowest segment's address when
     * the image's symbols lack them.
     */
    public static void write(KcoreDir kcore, Path dir) throws IOException {
        Files.createDirectories(dir);
        writeKcore(kcore.image().segments(), dir.resolve("kcore"));
        Files.writeString(dir.resolve("kallsyms"), kallsyms(kcore), StandardCharsets.ISO_8859_1);
        StringBuilder m = new StringBuilder();
        for (KcoreDir.LoadedModule mod : kcore.modules()) {
            // /proc/modules: name size refcount deps state address
            m.append(mod.name()).append(' ').append(mod.size()).append(" 0 - Live 0x")
                    .append(String.format("%016x", mod.address())).append('\n');
        }
        Files.writeString(dir.resolve("modules"), m.toString(), StandardCharsets.ISO_8859_1);
    }

    /** The symbols as /proc/kallsyms lists them ("%016lx T name"), by address, with _text and _stext. */
    static String kallsyms(KcoreDir kcore) {
        List<Symbol> symbols = new ArrayList<>(kcore.image().symbols());
        long start = textAddress(kcore);
        if (symbols.stream().noneMatch(s -> s.name().equals(TEXT))) {
            symbols.add(new Symbol(TEXT, start, 0));
        }
        if (symbols.stream().noneMatch(s -> s.name().equals(STEXT))) {
            symbols.add(new Symbol(STEXT, start, 0));
        }
        symbols.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned));
        StringBuilder b = new StringBuilder();
        for (Symbol s : symbols) {
            b.append(String.format("%016x T %s%n", s.address(), s.name()));
        }
        return b.toString();
    }

    /** The address of {@code _text}: the image's symbol, else its lowest segment. */
    static long textAddress(KcoreDir kcore) {
        for (Symbol s : kcore.image().symbols()) {
            if (s.name().equals(TEXT)) {
                return s.address();
            }
        }
        return kcore.image().segments().stream().map(ImageSegment::address).min(Long::compareUnsigned)
                .orElseThrow(() -> new IllegalArgumentException("a kernel image needs at least one segment"));
    }

    /**
     * An ELF64 little-endian ET_CORE for x86-64 with one PT_LOAD (R, W, X, as kcore_copy writes
     * them) per segment, by address, each at a page-aligned file offset; no sections.
     */
    static void writeKcore(List<ImageSegment> segments, Path file) throws IOException {
        List<ImageSegment> segs = new ArrayList<>(segments);
        segs.sort(Comparator.comparing(ImageSegment::address, Long::compareUnsigned));
        long[] offsets = new long[segs.size()];
        long at = align(EHDR + (long) PHDR * segs.size());
        for (int i = 0; i < segs.size(); i++) {
            offsets[i] = at;
            at = align(at + segs.get(i).bytes().length());
        }
        ByteBuffer h = ByteBuffer.allocate(EHDR + PHDR * segs.size()).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0});
        h.put(new byte[8]);
        h.putShort((short) 4) // ET_CORE
                .putShort((short) 62) // EM_X86_64
                .putInt(1).putLong(0).putLong(EHDR).putLong(0).putInt(0)
                .putShort((short) EHDR).putShort((short) PHDR).putShort((short) segs.size())
                .putShort((short) 64).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < segs.size(); i++) {
            ImageSegment s = segs.get(i);
            long len = s.bytes().length();
            h.putInt(1) // PT_LOAD
                    .putInt(7) // PF_X | PF_W | PF_R
                    .putLong(offsets[i]).putLong(s.address()).putLong(0).putLong(len).putLong(len).putLong(PAGE);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            h.flip();
            while (h.hasRemaining()) {
                ch.write(h);
            }
            for (int i = 0; i < segs.size(); i++) {
                ByteBuffer b = ByteBuffer.wrap(segs.get(i).bytes().toArray());
                long pos = offsets[i];
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }
        }
    }

    private static long align(long v) {
        return (v + PAGE - 1) & -PAGE;
    }
}
